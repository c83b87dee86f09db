"""What every page's navigation bar needs to know about the signed-in person."""

from workflow import home


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"navigation": home.navigation(user)}

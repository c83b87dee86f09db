"""Cross-cutting HTTP behaviour: the Content-Security-Policy and the interface language."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """No inline script or style anywhere: pages load their code from our own static files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class ChosenLanguageMiddleware:
    """Russian unless the person chose English with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and most browsers
    here say English; the interface must open in Russian, so only the switch's cookie counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        if chosen is None and request.path.startswith("/api/"):
            # Scripts have no switch: the API follows Accept-Language, Russian by default.
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        response.headers.setdefault("Content-Language", language)
        return response


def client_address(request) -> str:
    """The connecting address, for the login throttling's records (never X-Forwarded-For,
    which the client writes)."""
    return request.META.get("REMOTE_ADDR", "")


def login_name(request, credentials: dict | None) -> str:
    """The login a failed attempt counts against, as the backend would match it: case and
    surrounding spaces do not make a new name to guess under."""
    name = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(name).strip().lower()[:150]

"""What accounts tells the layers above it, without knowing them."""

from django.dispatch import Signal

# A person's credentials changed: a deactivation, a password reset or a password change that
# does not keep the API tokens. Sent inside the service's transaction, with `user` (the locked
# row), `by` (who did it; None for a command) and `reason` ("deactivated", "password_reset",
# "password_changed"). The api app connects the receiver that revokes every API token of the
# person (api/apps.py); a receiver's error rolls the whole service back.
credentials_changed = Signal()


def send_credentials_changed(*, user, by, reason: str) -> None:
    """Send credentials_changed, refusing when nobody listens: the revocation of the person's
    API tokens must not vanish silently (say, with the api app left out of INSTALLED_APPS)
    while the deactivation or the new password goes through. The service's transaction rolls
    back, so nothing changes."""
    if not credentials_changed.has_listeners(type(user)):
        raise RuntimeError(
            "Nothing receives accounts.signals.credentials_changed: the API tokens of the "
            "person would stay valid. Is the api app installed?"
        )
    credentials_changed.send(sender=type(user), user=user, by=by, reason=reason)

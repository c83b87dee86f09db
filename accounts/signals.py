"""What accounts tells the layers above it, without knowing them."""

from django.dispatch import Signal

# A person's credentials changed: a deactivation, a password reset or a password change that
# does not keep the API tokens. Sent inside the service's transaction, with `user` (the locked
# row), `by` (who did it; None for a command) and `reason` ("deactivated", "password_reset",
# "password_changed"). The api app connects the receiver that revokes every API token of the
# person (api/apps.py); a receiver's error rolls the whole service back.
credentials_changed = Signal()

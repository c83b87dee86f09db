"""Issuing, recognising and revoking personal API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from api.models import ApiToken
from mbk.exceptions import ActionRefusedError
from workflow import audit

TOKEN_PREFIX = "mbk_"  # noqa: S105 (the marker of our tokens, not a secret)
MAX_ACTIVE_TOKENS = 20
# Writing last_used_at on every request would make every API read a write.
LAST_USED_PRECISION = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the person once, never stored


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


_SELF = object()


def _described(token: ApiToken) -> str:
    """How the audit entry names a token: its number and name, never the secret or its prefix."""
    return f"№ {token.pk} «{token.name}»"


@transaction.atomic
def token_issue(*, user: User, name: str, by: User | None = _SELF, how: str = "") -> IssuedToken:
    """A new token for the person, issued by them (or `by`, None for a command), with an audit
    entry on the person; the secret is returned once and recorded nowhere."""
    by = user if by is _SELF else by
    name = name.strip()
    if not name:
        raise ActionRefusedError(_("Name the token, for example after the script that uses it."))
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at=None)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ActionRefusedError(
            _("You have %(n)d active tokens: revoke the ones you no longer use first.")
            % {"n": MAX_ACTIVE_TOKENS}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        key_sha256=digest(secret),
    )
    comment = " ".join(filter(None, [_described(token), how]))
    audit.record(user, actor=by, action="api_token_issued", comment=comment)
    return IssuedToken(token, secret)


@transaction.atomic
def token_revoke(*, token_id: int, by: User) -> ApiToken:
    """The person revokes one of their own tokens (revoking twice changes nothing); the
    revocation is audited on the person."""
    token = ApiToken.objects.select_for_update().get(pk=token_id, user=by)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(by, actor=by, action="api_token_revoked", comment=_described(token))
    return token


def tokens_revoke_all(*, user: User, by: User | None, reason: str) -> int:
    """Revoke every active token of the person (a password reset or change, a deactivation),
    one audit entry on the person per token. Call inside the caller's transaction."""
    active = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at=None))
    now = timezone.now()
    for token in active:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        comment = f"{_described(token)}: {reason}"
        audit.record(user, actor=by, action="api_token_revoked", comment=comment)
    return len(active)


def revoke_on_credentials_changed(sender, *, user: User, by: User | None, reason: str, **kwargs):
    """The receiver of accounts.signals.credentials_changed (connected in api/apps.py): a
    deactivation, a password reset or change revokes every API token of the person."""
    tokens_revoke_all(user=user, by=by, reason=reason)


def user_for(secret: str) -> tuple[User, ApiToken] | None:
    """The active person an active token belongs to, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_sha256=digest(secret), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token

"""What people do with their own accounts: sign up, confirm the address, ask for a new link."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import User
from directory.models import Organisation

_CONFIRMATION_SALT = "accounts.signup-confirmation"


class ConfirmationLinkInvalidError(Exception):
    """The link was altered, belongs to nobody, or has expired."""

    def __init__(self, *, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


@dataclass(frozen=True)
class ProposedOrganisation:
    name_ru: str
    kind: str
    inn: str = ""
    city: str = ""
    website: str = ""


def confirmation_link(user: User) -> str:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=_CONFIRMATION_SALT)
    return settings.SITE_URL + reverse("accounts:signup-confirm", args=[token])


@transaction.atomic
def author_sign_up(
    *,
    email: str,
    password: str,
    last_name: str,
    first_name: str,
    middle_name: str = "",
    position: str = "",
    phone: str = "",
    language: str = "ru",
    organisation: Organisation | None = None,
    proposed_organisation: ProposedOrganisation | None = None,
) -> User:
    """Create an inactive author account, and the organisation they propose if any.

    The proposer may correct the proposed organisation until the programme office decides
    (a guardian object permission). Schedules the confirmation e-mail after commit.
    """
    if (organisation is None) == (proposed_organisation is None):
        raise ValueError("Either an existing organisation or a proposed one is required.")
    if proposed_organisation is not None:
        organisation = Organisation.objects.create(
            name_ru=proposed_organisation.name_ru,
            kind=proposed_organisation.kind,
            inn=proposed_organisation.inn,
            city=proposed_organisation.city,
            website=proposed_organisation.website,
        )
    email = User.objects.normalize_email(email).lower()
    user = User(
        username=email,
        email=email,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        position=position,
        phone=phone,
        language=language,
        organisation=organisation,
        is_active=False,
    )
    user.set_password(password)
    user.save()
    if proposed_organisation is not None:
        assign_perm("directory.change_organisation", user, organisation)
    _schedule_confirmation_mail(user)
    return user


@transaction.atomic
def signup_confirm(*, token: str) -> User:
    """Activate the account the link was sent for. Confirming twice is harmless."""
    try:
        payload = signing.loads(
            token, salt=_CONFIRMATION_SALT, max_age=settings.SIGNUP_CONFIRMATION_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise ConfirmationLinkInvalidError(expired=True) from exc
    except signing.BadSignature as exc:
        raise ConfirmationLinkInvalidError from exc
    user = (
        User.objects.select_for_update()
        .filter(pk=payload.get("user"), email=payload.get("email"))
        .first()
    )
    if user is None:
        raise ConfirmationLinkInvalidError
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


def signup_resend_confirmation(*, email: str) -> None:
    """Send a new link if an unconfirmed account has this address; say nothing otherwise,
    so the form does not reveal who has an account."""
    user = User.objects.filter(email__iexact=email.strip(), is_active=False).first()
    if user is not None:
        _schedule_confirmation_mail(user)


def _schedule_confirmation_mail(user: User) -> None:
    from accounts.tasks import task_send_signup_confirmation

    user_id = user.pk
    # robust: with the broker down the sign-up still stands; the page offers to resend the mail.
    transaction.on_commit(lambda: task_send_signup_confirmation.delay(user_id=user_id), robust=True)

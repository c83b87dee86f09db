"""What people do with their own accounts: sign up, confirm the address, ask for a new link,
set a new password; and the office's deactivation."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac
from guardian.shortcuts import assign_perm

from accounts import throttle
from accounts.models import User
from accounts.signals import send_credentials_changed
from directory.models import Affiliation, Body, Organisation
from mbk import trail
from mbk.gender import guess_gender

_CONFIRMATION_SALT = "accounts.signup-confirmation"


class AccountTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, also bound to the person's standing: a link is dead while
    the person is deactivated, and one issued before a deactivation stays dead after a
    reactivation (deactivated_at changes)."""

    key_salt = "accounts.services.AccountTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        standing = f"{user.is_active}{user.deactivated_at}"
        return super()._make_hash_value(user, timestamp) + standing


password_reset_tokens = AccountTokenGenerator()


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


def _standing_digest(user: User) -> str:
    """What a confirmation link is bound to: the address, the password and the person's state.
    A deactivation (or a confirmation) changes it, so earlier links die."""
    state = f"{user.pk}|{user.email}|{user.password}|{user.is_active}|{user.signup_pending}"
    return salted_hmac(_CONFIRMATION_SALT, state).hexdigest()[:32]


def confirmation_link(user: User) -> str:
    payload = {"user": user.pk, "email": user.email, "state": _standing_digest(user)}
    token = signing.dumps(payload, salt=_CONFIRMATION_SALT)
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
) -> User | None:
    """Create an inactive author account awaiting the confirmation of its address, and the
    organisation they propose if any.

    The proposer may correct the proposed organisation until the programme office decides
    (a guardian object permission). Schedules the confirmation e-mail after commit.
    If a person already has this address (in any case), nothing is created and None is
    returned: the owner is mailed instead (a new link if still unconfirmed, otherwise a
    "you already have an account" letter), so the answer does not reveal who has an account.
    """
    if (organisation is None) == (proposed_organisation is None):
        raise ValueError("Either an existing organisation or a proposed one is required.")
    existing = User.objects.filter(email__iexact=email.strip()).first()
    if existing is not None:
        make_password(password)  # the same work as a new sign-up: the time tells nothing
        _schedule_mail_to_existing_owner(existing)
        return None
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
        gender=guess_gender(middle_name),
        position=position,
        phone=phone,
        language=language,
        organisation=organisation,
        is_active=False,
        signup_pending=True,
    )
    user.set_password(password)
    user.save()
    # The entries name rows, not what the requester typed (their names stay on the rows).
    trail.record(user, actor=None, action="signed_up", to_state="pending")
    if proposed_organisation is not None:
        assign_perm("directory.change_organisation", user, organisation)
        trail.record(
            organisation, actor=None, action="organisation_proposed", comment=f"user id {user.pk}"
        )
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
    if user.is_active and not user.signup_pending:
        return user  # confirmed by this link a moment ago: harmless
    fresh = constant_time_compare(str(payload.get("state", "")), _standing_digest(user))
    if not (user.signup_pending and fresh):
        raise ConfirmationLinkInvalidError  # deactivated, or the link predates a change
    user.is_active = True
    user.save(update_fields=["is_active"])  # save() clears signup_pending
    trail.record(
        user, actor=user, action="email_confirmed", from_state="pending", to_state="active"
    )
    _ask_to_confirm_membership(user)
    return user


def _ask_to_confirm_membership(user: User) -> None:
    """A person who named an existing organisation waits for the programme office or the
    organisation's contact person to confirm them: tell those who decide, once the address
    is confirmed (an unconfirmed sign-up asks nobody for anything)."""
    organisation = user.organisation
    if organisation is None or organisation.status != Organisation.Status.CONFIRMED:
        return  # a proposed organisation is decided as a whole by the office
    if Affiliation.objects.filter(user=user, organisation=organisation).exists():
        return
    deciders = list(
        User.objects.filter(
            is_active=True, memberships__body__kind=Body.Kind.PROGRAMME_OFFICE
        ).distinct()
    )
    if organisation.contact_id is not None:
        deciders.append(organisation.contact)
    trail.notify(
        deciders,
        actor=user,
        kind="accounts.affiliation_requested",
        params={"person": user.get_full_name(), "organisation": organisation.name_ru},
        url_name="directory:affiliation-review",
        url_kwargs={},
    )


def signup_resend_confirmation(*, email: str) -> None:
    """Send a new link if a sign-up awaiting confirmation has this address; say nothing
    otherwise, so the form does not reveal who has an account. A deactivated person gets
    nothing: only the office reactivates."""
    user = User.objects.filter(
        email__iexact=email.strip(), signup_pending=True, is_active=False
    ).first()
    if user is not None:
        _schedule_confirmation_mail(user)


@transaction.atomic
def account_deactivate(*, user_id: int, by: User | None, comment: str = "") -> User:
    """The office deactivates a person (also a sign-up awaiting confirmation): the person can
    no longer log in, confirm a link or reset the password; every API token is revoked.
    Audited on the person."""
    user = User.objects.select_for_update().get(pk=user_id)
    before = "active" if user.is_active else "pending" if user.signup_pending else "inactive"
    user.is_active = False
    user.signup_pending = False
    user.save()  # stamps deactivated_at when the person was active or awaiting confirmation
    send_credentials_changed(user=user, by=by, reason="deactivated")
    trail.record(
        user,
        actor=by,
        action="deactivated",
        from_state=before,
        to_state="inactive",
        comment=comment,
    )
    return user


@transaction.atomic
def password_reset_complete(*, user: User, password: str) -> User:
    """Set the password chosen through a reset link and revoke every API token of the person
    (whoever asked for the reset may have had the old password). Audited on the person."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    locked.password = user.password
    locked.save(update_fields=["password"])
    send_credentials_changed(user=locked, by=locked, reason="password_reset")
    trail.record(locked, actor=locked, action="password_reset")
    return user


@transaction.atomic
def password_change(*, user: User, password: str, keep_api_tokens: bool = False) -> User:
    """The person changes their password on the profile page; their API tokens are revoked
    unless they ask to keep them. Audited on the person."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(password)
    locked.password = user.password
    locked.save(update_fields=["password"])
    if not keep_api_tokens:
        send_credentials_changed(user=locked, by=locked, reason="password_changed")
    comment = "api_tokens_kept" if keep_api_tokens else ""
    trail.record(locked, actor=locked, action="password_changed", comment=comment)
    return user


def _schedule_confirmation_mail(user: User) -> None:
    from accounts.tasks import task_send_signup_confirmation

    if not throttle.allow(
        "mail-to-address", user.email, limit=settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR
    ):
        return  # the requester is answered the same; the address is not flooded
    user_id = user.pk
    # robust: with the broker down the sign-up still stands; the page offers to resend the mail.
    transaction.on_commit(lambda: task_send_signup_confirmation.delay(user_id=user_id), robust=True)


def _schedule_mail_to_existing_owner(user: User) -> None:
    from accounts.tasks import task_send_signup_existing_account

    if user.signup_pending:
        _schedule_confirmation_mail(user)
        return
    if not throttle.allow(
        "mail-to-address", user.email, limit=settings.ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR
    ):
        return
    user_id = user.pk
    transaction.on_commit(
        lambda: task_send_signup_existing_account.delay(user_id=user_id), robust=True
    )


def person_set_gender(*, person: User, gender: str) -> User:
    """The person says their gender (their profile): the verbs about them agree with it."""
    if gender not in User.Gender.values:
        raise ValueError(f"unknown gender {gender!r}")
    person.gender = gender
    person.save(update_fields=["gender"])
    return person

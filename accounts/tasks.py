from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import confirmation_link, password_reset_tokens
from mbk.mail import send_templated_mail


@shared_task
def task_send_signup_confirmation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, signup_pending=True, is_active=False).first()
    if user is None:  # gone, confirmed or deactivated meanwhile: nothing to send
        return
    # Nothing the requester typed (names, position) goes into the letter: a sign-up with
    # someone else's address must not carry text of the requester's choosing to them.
    send_templated_mail(
        template="accounts/email/signup_confirmation",
        to=[user.email],
        language=user.language,
        context={"link": confirmation_link(user)},
    )


@shared_task
def task_send_signup_existing_account(*, user_id: int) -> None:
    """Someone signed up with the address of an existing account: tell its owner, with the
    way to a new password, and nothing the requester typed."""
    user = User.objects.filter(pk=user_id).exclude(email="").first()
    if user is None:
        return
    send_templated_mail(
        template="accounts/email/signup_existing_account",
        to=[user.email],
        language=user.language,
        context={"login": user.get_username()},
    )


@shared_task
def task_send_password_reset(*, user_id: int, language: str) -> None:
    """The link of Django's password reset, made here: a token made in the worker is as valid
    as one made in the request (it depends on the password and the last login only)."""
    user = User.objects.filter(pk=user_id, is_active=True).exclude(email="").first()
    if user is None:
        return
    site = urlsplit(settings.SITE_URL)
    context = {
        "email": user.email,
        "user": user,
        "domain": site.netloc,
        "site_name": site.netloc,
        "protocol": site.scheme,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": password_reset_tokens.make_token(user),
    }
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])

from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import confirmation_link
from mbk.mail import send_templated_mail


@shared_task
def task_send_signup_confirmation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is None:  # gone, or confirmed meanwhile: nothing to send
        return
    send_templated_mail(
        template="accounts/email/signup_confirmation",
        to=[user.email],
        language=user.language,
        context={"user": user, "link": confirmation_link(user)},
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
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language):
        subject = render_to_string("registration/password_reset_subject.txt", context)
        body = render_to_string("registration/password_reset_email.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])

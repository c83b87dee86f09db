"""Sending the system's e-mails in the recipient's language, from templates."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(*, template: str, to: list[str], language: str, context: dict) -> None:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    send_mail(subject, body, None, to)

"""Sending the system's e-mails in the recipient's language, from templates."""

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_mail(
    *,
    template: str,
    to: list[str],
    language: str,
    context: dict,
    attachments: list[tuple[str, bytes, str]] = (),
) -> str:
    """Render `<template>_subject.txt` and `<template>_body.txt` and send them, with the
    (file name, content, MIME type) attachments. Gives back the subject."""
    with translation.override(language):
        context = {**context, "site_url": settings.SITE_URL}
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        body = render_to_string(f"{template}_body.txt", context)
    if not attachments:
        send_mail(subject, body, None, to)
        return subject
    message = EmailMessage(subject, body, None, to)
    for name, content, mimetype in attachments:
        message.attach(name, content, mimetype)
    message.send()
    return subject

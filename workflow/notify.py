"""Notices to the people who must act next: an in-app notice always, an e-mail too, both in
the recipient's language. Called by services inside their transaction; the e-mails leave
after commit."""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from mbk import notice_kinds
from workflow import notice_texts
from workflow.models import Notice


def notify(
    recipients: Iterable,
    *,
    actor,
    kind: str,
    params: dict,
    url_name: str,
    url_kwargs: dict,
    category: str = Notice.Category.DECISIONS,
    variant: str = "",
):
    """Create a notice of `kind` (registered in mbk.notice_kinds) for each distinct active
    recipient other than `actor`, the person whose action the notice tells of (None for the
    system's own notices: reminders, checks): nobody is told of what they have just done
    themselves. The text is the programme office's for the recipient's language if it wrote
    one, else the kind's default (`variant`: the actor's gender, where the wording agrees with
    it), filled with `params`."""
    notice_kind = notice_kinds.get(kind)
    url = reverse(url_name, kwargs=url_kwargs)
    templates = notice_texts.saved(kind)

    def render(person) -> tuple[str, str, str]:
        text, subject = notice_texts.render(
            notice_kind,
            templates.get(translation.get_language()),
            params,
            link=f"{settings.SITE_URL}{url}",
            variant=variant,
        )
        return text, subject, ""

    return deliver(recipients, actor=actor, kind=kind, render=render, url=url, category=category)


def deliver(
    recipients: Iterable,
    *,
    actor,
    kind: str,
    render: Callable,
    url: str,
    category: str = Notice.Category.DECISIONS,
) -> list[Notice]:
    """The notices themselves: render(person), called in the person's language, gives (text,
    subject, body); an empty subject or body is the e-mail's default one. E-mails are queued
    after commit."""
    notices = []
    actor_id = getattr(actor, "pk", None)
    people = {p.pk: p for p in recipients if p is not None and p.is_active and p.pk != actor_id}
    for person in people.values():
        with translation.override(person.language or "ru"):
            text, subject, body = render(person)
        notices.append(
            Notice(
                recipient=person,
                text=text[:500],
                url=url,
                category=category,
                kind=kind,
                subject=subject[:300],
                body=body,
                email_due=bool(person.email) and category not in (person.email_muted or []),
            )
        )
    Notice.objects.bulk_create(notices)  # sets the ids on PostgreSQL and SQLite alike
    from workflow.tasks import task_send_notice_email

    for notice in notices:
        if not notice.email_due:
            continue
        # robust: with the broker down the action and its in-app notice stand; the e-mail
        # stays due and the sweeper (task_resend_notice_emails) sends it later.
        transaction.on_commit(
            lambda notice_id=notice.pk: task_send_notice_email.delay(notice_id=notice_id),
            robust=True,
        )
    return notices

"""Notices to the people who must act next: an in-app notice always, an e-mail too, both in
the recipient's language. Called by services inside their transaction; the e-mails leave
after commit."""

from collections.abc import Iterable

from django.db import transaction
from django.urls import reverse
from django.utils import translation

from workflow.models import Notice


def notify(
    recipients: Iterable,
    *,
    actor,
    message,
    params: dict,
    url_name: str,
    url_kwargs: dict,
    category: str = Notice.Category.DECISIONS,
):
    """Create a notice for each distinct active recipient other than `actor`, the person whose
    action the notice tells of (None for the system's own notices: reminders, checks): nobody is
    told of what they have just done themselves. `message` is a lazy translatable string with
    %(name)s placeholders, rendered in each recipient's own language."""
    url = reverse(url_name, kwargs=url_kwargs)
    notices = []
    actor_id = getattr(actor, "pk", None)
    people = {p.pk: p for p in recipients if p is not None and p.is_active and p.pk != actor_id}
    for person in people.values():
        with translation.override(person.language or "ru"):
            text = str(message) % {key: str(value) for key, value in params.items()}
        notices.append(
            Notice(
                recipient=person,
                text=text[:500],
                url=url,
                category=category,
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

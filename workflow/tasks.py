import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from mbk.mail import send_templated_mail
from workflow.models import Notice

log = logging.getLogger(__name__)


@shared_task
def task_send_notice_email(*, notice_id: int) -> None:
    """Send the notice's e-mail copy if it is still due (a message delivered twice, or sent
    again by the sweeper after all, sends nothing the second time)."""
    notice = (
        Notice.objects.select_related("recipient")
        .filter(pk=notice_id, email_due=True, emailed_at=None)
        .first()
    )
    if notice is None:
        return
    if not notice.recipient.email or notice.category in (notice.recipient.email_muted or []):
        Notice.objects.filter(pk=notice.pk).update(email_due=False)  # read in the app only
        return
    send_templated_mail(
        template="workflow/email/notice",
        to=[notice.recipient.email],
        language=notice.recipient.language or "ru",
        context={"notice": notice},
    )
    Notice.objects.filter(pk=notice.pk, emailed_at=None).update(emailed_at=timezone.now())


@shared_task
def task_resend_notice_emails() -> int:
    """Send again the e-mail copies still due some minutes after their notice (the broker was
    down when the action committed); older than two days they are left to the app."""
    now = timezone.now()
    waiting = Notice.objects.filter(
        email_due=True,
        emailed_at=None,
        created_at__lt=now - timedelta(seconds=settings.NOTICE_EMAIL_RESEND_AFTER),
        created_at__gt=now - timedelta(days=2),
    ).values_list("pk", flat=True)
    sent = 0
    for notice_id in waiting[:500]:
        try:
            task_send_notice_email.delay(notice_id=notice_id)
        except Exception:  # the broker is still down: the next sweep tries again
            log.warning("Notice e-mails stay due: the broker cannot be reached", exc_info=True)
            break
        sent += 1
    return sent


@shared_task
def task_check_deadlines() -> dict:
    """Open deadlines, send reminders and escalations (each once); see workflow/deadlines.py."""
    from workflow import deadlines

    return deadlines.check()

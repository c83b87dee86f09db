from celery import shared_task

from mbk.mail import send_templated_mail
from workflow.models import Notice


@shared_task
def task_send_notice_email(*, notice_id: int) -> None:
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None or not notice.recipient.email:
        return
    if notice.category in (notice.recipient.email_muted or []):
        return  # the person reads these in the app only
    send_templated_mail(
        template="workflow/email/notice",
        to=[notice.recipient.email],
        language=notice.recipient.language or "ru",
        context={"notice": notice},
    )


@shared_task
def task_check_deadlines() -> dict:
    """Open deadlines, send reminders and escalations (each once); see workflow/deadlines.py."""
    from workflow import deadlines

    return deadlines.check()

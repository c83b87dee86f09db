from celery import shared_task

from mbk.mail import send_templated_mail
from workflow.models import Notice


@shared_task
def task_send_notice_email(*, notice_id: int) -> None:
    notice = Notice.objects.select_related("recipient").filter(pk=notice_id).first()
    if notice is None or not notice.recipient.email:
        return
    send_templated_mail(
        template="workflow/email/notice",
        to=[notice.recipient.email],
        language=notice.recipient.language or "ru",
        context={"notice": notice},
    )

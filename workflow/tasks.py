import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from mbk.mail import send_templated_mail
from workflow.models import MailRecord, Notice

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
    record, _created = MailRecord.objects.get_or_create(
        notice=notice,
        defaults={
            "recipient": notice.recipient,
            "address": notice.recipient.email,
            "subject": notice.subject or notice.text[:300],
            "kind": notice.kind,
            "status": MailRecord.Status.PENDING,
        },
    )
    try:
        subject = send_templated_mail(
            template="workflow/email/notice",
            to=[notice.recipient.email],
            language=notice.recipient.language or "ru",
            context={"notice": notice},
        )
    except Exception as error:  # the notice stays due: the sweeper or the office sends it again
        log.warning("The e-mail of notice %s failed", notice.pk, exc_info=True)
        MailRecord.objects.filter(pk=record.pk).update(
            status=MailRecord.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            attempts=F("attempts") + 1,
            address=notice.recipient.email,
        )
        return
    now = timezone.now()
    Notice.objects.filter(pk=notice.pk, emailed_at=None).update(emailed_at=now)
    MailRecord.objects.filter(pk=record.pk).update(
        status=MailRecord.Status.SENT,
        subject=subject[:300],
        address=notice.recipient.email,
        error="",
        attempts=F("attempts") + 1,
        sent_at=now,
    )


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


@shared_task
def task_write_audit_checkpoint() -> int:
    """Write a checkpoint of the audit trail's head (database + append-only file) and e-mail
    it, as plain text, to the programme office: a copy of the head no database change reaches."""
    from django.core.mail import send_mail
    from django.utils import translation
    from django.utils.translation import gettext

    from workflow import audit

    checkpoint = audit.write_checkpoint()
    line = audit.checkpoint_line(checkpoint)
    from directory.selectors import office_people

    for person in office_people():
        if not person.email:
            continue
        with translation.override(person.language or "ru"):
            subject = gettext("Audit trail checkpoint No. %(number)s") % {
                "number": checkpoint.number
            }
            body = gettext(
                "The audit trail's checkpoint No. %(number)s: position %(position)s, head MAC "
                "%(head)s, at %(at)s.\n\nKeep this message: verify_audit compares the trail "
                "with it.\n\n%(line)s\n"
            ) % {
                "number": checkpoint.number,
                "position": checkpoint.position,
                "head": checkpoint.head_hash,
                "at": checkpoint.at.isoformat(),
                "line": line,
            }
        try:
            send_mail(subject, body, None, [person.email])
        except Exception:  # the checkpoint stands in the database and the file
            log.warning("Audit checkpoint %s not e-mailed", checkpoint.number, exc_info=True)
    return checkpoint.number


@shared_task
def task_verify_audit() -> int:
    """Verify the audit trail (what manage.py verify_audit does); on any problem tell the
    programme office, in the app and by e-mail. Returns the number of problems."""
    from workflow import audit
    from workflow.notify import notify

    report = audit.check()
    if report.problems:
        log.error(
            "Audit trail damaged: %s problem(s); first: %s",
            len(report.problems),
            report.problems[0],
        )
        from directory.selectors import office_people

        notify(
            office_people(),
            actor=None,
            kind="workflow.audit_problems",
            params={"count": len(report.problems), "first": str(report.problems[0])[:250]},
            url_name="workflow:notices",
            url_kwargs={},
        )
    return len(report.problems)

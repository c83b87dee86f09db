from celery import shared_task

from accounts.models import User
from mbk.mail import send_templated_mail
from meetings import ics
from meetings.models import Meeting


@shared_task
def task_send_meeting_invitation(*, meeting_id: int, person_id: int, moved: bool = False) -> None:
    """The published agenda (or, when the meeting is `moved`, its new date) by e-mail, with the
    meeting as an .ics invitation that adds it to the person's calendar or updates it there."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if meeting is None or person is None or not person.email:
        return
    agenda = [str(item) for item in meeting.items.order_by("position")]
    send_templated_mail(
        template="meetings/email/invitation",
        to=[person.email],
        language=person.language or "ru",
        context={"meeting": meeting, "agenda": agenda, "moved": moved},
        attachments=[
            (
                f"meeting-{meeting.pk}.ics",
                ics.invitation(meeting, agenda, attendee=person.email),
                "text/calendar; method=REQUEST",  # as iMIP (RFC 6047) asks
            )
        ],
    )

"""What the public verification says of minutes this system issued: the meeting, who signed,
and whether a later issue of the same minutes carries more signatures (signing/registry.py)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from meetings.models import Meeting
from signing.models import IssuedDocument
from signing.registry import Description, subject_of


def describe(issued) -> Description:
    meeting = subject_of(issued)
    if meeting is None:
        return Description(subject=issued.title, standing=_("the meeting no longer exists"))
    approved = meeting.state == Meeting.State.MINUTES_APPROVED
    later = (
        IssuedDocument.objects.filter(
            kind=issued.kind,
            subject_type=issued.subject_type,
            subject_id=issued.subject_id,
            issued_at__gt=issued.issued_at,
        )
        .order_by("-issued_at")
        .first()
    )
    newer = ""
    if later is not None and len(later.signatories) > len(issued.signatories):
        newer = _("A later issue of these minutes carries more signatures (issued %(date)s).") % {
            "date": later.issued_at.strftime("%d.%m.%Y %H:%M")
        }
    return Description(
        subject=str(meeting.title),
        decision=str(meeting.reference) if approved else "",
        standing=_("minutes approved") if approved else _("draft minutes, not approved"),
        newer=newer,
        url=reverse("meetings:detail", args=[meeting.pk]),
    )

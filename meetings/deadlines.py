"""What the deadlines of workflow/deadlines.py need from meetings: the day of the governance
body's next meeting and the tasks of meetings; registered from MeetingsConfig.ready()."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from directory.models import Body
from meetings.models import Meeting, Task
from workflow import deadlines


def next_governance_meeting(after: datetime.date) -> datetime.date | None:
    meeting = (
        Meeting.objects.filter(
            body__kind=Body.Kind.GOVERNANCE,
            starts_at__date__gte=after,
            state__in=[Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED],
        )
        .order_by("starts_at")
        .first()
    )
    return timezone.localtime(meeting.starts_at).date() if meeting else None


def overdue_tasks(today: datetime.date) -> QuerySet[Task]:
    """Tasks not done by their deadline, the longest late first (one query)."""
    return (
        Task.objects.filter(done_at=None, due_on__lt=today)
        .select_related("meeting__body", "responsible_person", "responsible_body")
        .order_by("due_on")
    )


def register() -> None:
    deadlines.register_meetings(
        next_governance_meeting=next_governance_meeting, overdue_tasks=overdue_tasks
    )

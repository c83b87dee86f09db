"""What the deadlines of workflow/deadlines.py need from meetings: the day of the governance
body's next meeting, the tasks of meetings that are late, and the tasks' reminders and
escalation (who answers for a task, who hears when it stays late); registered from
MeetingsConfig.ready()."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from directory import selectors as directory_selectors
from directory.models import Body, Membership
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


def pending_tasks() -> QuerySet[Task]:
    return Task.objects.filter(done_at=None).select_related(
        "meeting__body", "responsible_person", "responsible_body"
    )


def task_responsible(task: Task) -> list[User]:
    """Who answers for a task: its responsible person, or its group's chair and secretary."""
    if task.responsible_person is not None:
        return [task.responsible_person] if task.responsible_person.is_active else []
    return directory_selectors.people(
        body=task.responsible_body, roles=[Membership.Role.CHAIR, Membership.Role.SECRETARY]
    )


def task_escalation(task: Task) -> list[User]:
    """Who hears of a task left late: the programme office and the secretary of the body whose
    meeting set it."""
    secretaries = directory_selectors.people(
        body=task.meeting.body, roles=[Membership.Role.SECRETARY]
    )
    office = directory_selectors.office_people()
    return office + [person for person in secretaries if person not in office]


def register() -> None:
    deadlines.register_meetings(
        next_governance_meeting=next_governance_meeting, overdue_tasks=overdue_tasks
    )
    deadlines.register_dated(
        Task,
        deadlines.DatedPolicy(
            pending=pending_tasks,
            responsible=task_responsible,
            escalate_to=task_escalation,
            title=lambda task: task.text[:200],
        ),
    )

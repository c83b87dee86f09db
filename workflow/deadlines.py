"""Deadlines of whoever an object waits for, counted in working days of the Russian production
calendar (workflow/calendar.py), with a reminder before the deadline and
escalation after it: to the responsible body's chair, then to the programme office.

The beat job (workflow.tasks.task_check_deadlines) calls check(): it opens a Deadline for each
object that entered a waiting state, closes those whose object moved on, and sends each notice
once: a notice is sent only by the run whose conditional update marked it sent."""

import datetime
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body, Membership
from documents import rules
from documents.models import Proposal
from programme.models import ProgrammeVersion, SectionRevision
from workflow.calendar import add_working_days, overrides, working_days_between
from workflow.models import AuditEntry, Deadline, Notice
from workflow.notify import notify

Role = Membership.Role
REMIND_BEFORE = 2  # working days before the deadline
ESCALATE_TO_OFFICE_AFTER = 3  # working days after the deadline (the chair hears at once)
UNTIL_NEXT_MEETING = None  # a policy: until the governance body's next meeting


# --- Policies ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    working_days: int | None  # None: until the governance body's next meeting
    waiting_for: str  # "group" (the owner group's chair and secretary), "authors", "office",
    # "governance" (its secretary and chair)


POLICIES: dict[tuple[type, str], Policy] = {
    (Proposal, Proposal.State.SUBMITTED): Policy(5, "group"),
    (Proposal, Proposal.State.WG_REVIEW): Policy(14, "group"),
    (Proposal, Proposal.State.REVISION_REQUESTED): Policy(10, "authors"),
    (Proposal, Proposal.State.WG_APPROVED): Policy(5, "office"),
    (Proposal, Proposal.State.GOVERNANCE_REVIEW): Policy(UNTIL_NEXT_MEETING, "governance"),
    (SectionRevision, SectionRevision.State.WG_REVIEW): Policy(14, "group"),
    (SectionRevision, SectionRevision.State.CHANGES_REQUESTED): Policy(10, "group"),
    (SectionRevision, SectionRevision.State.WG_APPROVED): Policy(5, "office"),
    (SectionRevision, SectionRevision.State.GOVERNANCE_REVIEW): Policy(
        UNTIL_NEXT_MEETING, "governance"
    ),
    (ProgrammeVersion, ProgrammeVersion.State.GOVERNANCE_REVIEW): Policy(
        UNTIL_NEXT_MEETING, "governance"
    ),
}
# Without a planned meeting, the governance body has this long.
GOVERNANCE_FALLBACK_DAYS = 20


def _next_governance_meeting(after: datetime.date) -> datetime.date | None:
    from meetings.models import Meeting

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


def due_date(policy: Policy, entered: datetime.date) -> datetime.date:
    if policy.working_days is None:
        return _next_governance_meeting(entered) or add_working_days(
            entered, GOVERNANCE_FALLBACK_DAYS
        )
    return add_working_days(entered, policy.working_days)


# --- Who is waited for -------------------------------------------------------------------------
def _group_of(obj) -> Body | None:
    if isinstance(obj, Proposal):
        return obj.group
    if isinstance(obj, SectionRevision):
        return obj.section.owner
    return None


def _people(body: Body | None, *roles: str) -> list[User]:
    if body is None:
        return []
    return list(User.objects.filter(memberships__body=body, memberships__role__in=roles))


def _office() -> list[User]:
    return list(
        User.objects.filter(
            memberships__body__kind=Body.Kind.PROGRAMME_OFFICE,
            memberships__role__in=[Role.STAFF, Role.CHAIR],
        ).distinct()
    )


def _governance() -> Body | None:
    return Body.objects.filter(kind=Body.Kind.GOVERNANCE).first()


def responsible(obj, policy: Policy) -> tuple[list[User], Body | None]:
    """The people reminded, and the body whose chair hears of a missed deadline."""
    group = _group_of(obj)
    if policy.waiting_for == "authors":
        return [obj.author, *obj.coauthors.all()], group
    if policy.waiting_for == "group":
        if isinstance(obj, Proposal):  # whoever decides in place of a conflicted chair
            return rules.group_contacts(obj), group
        return _people(group, Role.CHAIR, Role.SECRETARY), group
    if policy.waiting_for == "office":
        return _office(), None
    governance = _governance()
    return _people(governance, Role.SECRETARY, Role.CHAIR), governance


def _chair_of(obj, policy: Policy, body: Body | None) -> list[User]:
    """Who hears of a missed deadline first: the body's chair; for a proposal waiting for its
    group, whoever decides in the chair's place when the chair has a conflict of interest."""
    if isinstance(obj, Proposal) and policy.waiting_for == "group":
        return rules.group_deciders(obj)[1]
    return _people(body, Role.CHAIR)


def _describe(obj) -> tuple[str, str]:
    if isinstance(obj, Proposal):
        return obj.title, reverse("documents:proposal-detail", args=[obj.pk])
    if isinstance(obj, SectionRevision):
        return (
            f"{obj.section.title_ru} ({obj.number})",
            reverse("programme:section-detail", args=[obj.section_id]),
        )
    return str(obj), reverse("programme:version-detail", args=[obj.pk])


WAITING_FOR = {
    "group": _("the working group"),
    "authors": _("the authors"),
    "office": _("the programme office"),
    "governance": _("the governance body"),
}


# --- The beat job ------------------------------------------------------------------------------
def _entry_of_stay(obj) -> AuditEntry | None:
    """The audit entry that put the object in its present state."""
    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=obj.pk,
            to_state=obj.state,
        )
        .exclude(from_state=obj.state)
        .order_by("-sequence")
        .first()
    )


def _waiting_objects():
    for (model, state), policy in POLICIES.items():
        for obj in model.objects.filter(state=state):
            yield obj, policy


def open_deadlines() -> int:
    """A deadline for each stay in a waiting state that has none; close those whose stay
    ended. Returns how many were opened."""
    opened = 0
    live_entries = set()
    for obj, policy in _waiting_objects():
        entry = _entry_of_stay(obj)
        if entry is None:
            continue
        live_entries.add(entry.pk)
        if Deadline.objects.filter(entry=entry).exists():
            continue
        title, url = _describe(obj)
        Deadline.objects.create(
            content_type=entry.content_type,
            object_id=obj.pk,
            state=obj.state,
            entry=entry,
            title=title[:500],
            url=url,
            waiting_for=policy.waiting_for,
            due_on=due_date(policy, timezone.localtime(entry.at).date()),
        )
        opened += 1
    Deadline.objects.filter(closed_at=None).exclude(entry_id__in=live_entries).update(
        closed_at=timezone.now()
    )
    return opened


def _claim(deadline: Deadline, field: str) -> bool:
    """Mark the notice sent; True only for the run that marked it."""
    return bool(
        Deadline.objects.filter(pk=deadline.pk, **{field: None}).update(**{field: timezone.now()})
    )


def _send(people, message, deadline: Deadline, **params) -> None:
    notify(
        people,
        message=message,
        params={
            "title": deadline.title,
            "date": deadline.due_on.strftime("%d.%m.%Y"),
            **params,
        },
        url_name="workflow:overdue",
        url_kwargs={},
        category=Notice.Category.DEADLINES,
    )


def send_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """The reminder before the deadline, the chair after it, the office some days later; each
    once."""
    today = today or timezone.localdate()
    sent = {"reminded": 0, "to_chair": 0, "to_office": 0}
    open_ = Deadline.objects.filter(closed_at=None).filter(
        Q(reminded_at=None) | Q(escalated_to_chair_at=None) | Q(escalated_to_office_at=None)
    )
    for deadline in open_.select_related("content_type"):
        obj = deadline.content_type.get_object_for_this_type(pk=deadline.object_id)
        policy = POLICIES[(type(obj), deadline.state)]
        people, body = responsible(obj, policy)
        late_by = working_days_between(deadline.due_on, today)
        if (
            deadline.reminded_at is None
            and working_days_between(today, deadline.due_on) <= REMIND_BEFORE
            and _claim(deadline, "reminded_at")
        ):
            _send(people, _("Reminder: «%(title)s» is due on %(date)s."), deadline)
            sent["reminded"] += 1
        if late_by >= 1 and deadline.escalated_to_chair_at is None:
            chair = _chair_of(obj, policy, body) or _office()
            if _claim(deadline, "escalated_to_chair_at"):
                _send(
                    chair,
                    _("Overdue: «%(title)s» was due on %(date)s (%(who)s)."),
                    deadline,
                    who=deadline.waiting_for_label,
                )
                sent["to_chair"] += 1
        if (
            late_by > ESCALATE_TO_OFFICE_AFTER
            and deadline.escalated_to_office_at is None
            and _claim(deadline, "escalated_to_office_at")
        ):
            _send(
                _office(),
                _("Overdue by %(days)s working days: «%(title)s» was due on %(date)s (%(who)s)."),
                deadline,
                days=late_by,
                who=deadline.waiting_for_label,
            )
            sent["to_office"] += 1
    return sent


@transaction.atomic
def check(today: datetime.date | None = None) -> dict[str, int]:
    opened = open_deadlines()
    return {"opened": opened, **send_reminders(today)}


def overdue(today: datetime.date | None = None) -> list[Deadline]:
    """Open deadlines past due, the longest late first, with `late_by` in working days."""
    today = today or timezone.localdate()
    rows = list(Deadline.objects.filter(closed_at=None, due_on__lt=today).order_by("due_on"))
    exceptions = overrides(rows[0].due_on, today) if rows else {}
    for row in rows:
        row.late_by = working_days_between(row.due_on, today, exceptions)
    return rows


def overdue_tasks(today: datetime.date | None = None) -> list:
    """Tasks of meetings not done by their deadline, with `late_by` in working days."""
    from meetings.models import Task

    today = today or timezone.localdate()
    rows = list(
        Task.objects.filter(done_at=None, due_on__lt=today)
        .select_related("meeting__body", "responsible_person", "responsible_body")
        .order_by("due_on")
    )
    exceptions = overrides(rows[0].due_on, today) if rows else {}
    for row in rows:
        row.late_by = working_days_between(row.due_on, today, exceptions)
    return rows

"""Deadlines of whoever an object waits for, counted in working days of the Russian production
calendar (workflow/calendar.py), with a reminder before the deadline and
escalation after it: to the responsible body's chair, then to the programme office.

The engine knows no model above it: the apps register, from their AppConfig.ready(), the states
their objects wait in and for how long (register()), and meetings registers the governance
body's next meeting and the tasks of meetings (register_meetings()).

The beat job (workflow.tasks.task_check_deadlines) calls check(): it opens a Deadline for each
object that entered a waiting state, closes those whose object moved on, and sends each notice
once: a notice is sent only by the run whose conditional update marked it sent."""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from workflow.calendar import (
    add_working_days,
    is_working_day,
    overrides,
    working_days_between,
)
from workflow.models import AuditEntry, Deadline, Notice
from workflow.notify import notify

Role = Membership.Role
REMIND_BEFORE = 2  # working days before the deadline
ESCALATE_TO_OFFICE_AFTER = 3  # working days after the deadline (the chair hears at once)
UNTIL_NEXT_MEETING = None  # a policy: until the governance body's next meeting


# --- Policies, registered by the apps ------------------------------------------------------
@dataclass(frozen=True)
class Policy:
    working_days: int | None  # None: until the governance body's next meeting
    waiting_for: str  # "group" (the owner group's chair and secretary), "authors", "office",
    # "governance" (its secretary and chair)


@dataclass(frozen=True)
class Subject:
    """What the engine needs of a model whose objects wait for someone."""

    describe: Callable[[object], tuple[str, str]]  # the object's title and URL
    group: Callable[[object], Body | None] | None  # the working group that owns it
    authors: Callable[[object], list[User]] | None  # reminded while it waits for its authors
    # Reminded while it waits for its group (by default the group's chair and secretary), and
    # who hears first when the group is late (by default the group's chair).
    group_contacts: Callable[[object], list[User]] | None
    group_deciders: Callable[[object], list[User]] | None


_policies: dict[tuple[type, str], Policy] = {}
_subjects: dict[type, Subject] = {}
_meetings: dict[str, Callable] = {}


def register(
    model: type,
    policies: dict[str, Policy],
    *,
    describe: Callable[[object], tuple[str, str]],
    group: Callable[[object], Body | None] | None = None,
    authors: Callable[[object], list[User]] | None = None,
    group_contacts: Callable[[object], list[User]] | None = None,
    group_deciders: Callable[[object], list[User]] | None = None,
) -> None:
    """The states (`policies`: state -> Policy) in which objects of `model` wait for someone,
    and what the engine needs to know of them. Called from AppConfig.ready(): documents
    registers Proposal, programme SectionRevision and ProgrammeVersion."""
    waits_for = {policy.waiting_for for policy in policies.values()}
    if unknown := waits_for - WAITING_FOR.keys():
        raise ValueError(f"{model.__name__}: nobody known as {sorted(unknown)} to wait for.")
    if "authors" in waits_for and authors is None:
        raise ValueError(f"{model.__name__} waits for its authors: say who they are (authors=).")
    if waits_for & {"group", "authors"} and group is None:
        raise ValueError(f"{model.__name__} waits for a group or authors: say its group (group=).")
    _subjects[model] = Subject(describe, group, authors, group_contacts, group_deciders)
    for state, policy in policies.items():
        _policies[(model, state)] = policy


def register_meetings(
    *,
    next_governance_meeting: Callable[[datetime.date], datetime.date | None],
    overdue_tasks: Callable[[datetime.date], Iterable],
) -> None:
    """Called from MeetingsConfig.ready(): the day of the governance body's next meeting on or
    after a day (None when none is planned), and the tasks of meetings not done by a day, each
    with its `due_on`, the longest late first."""
    _meetings["next_governance_meeting"] = next_governance_meeting
    _meetings["overdue_tasks"] = overdue_tasks


def _registered_meetings(name: str) -> Callable:
    try:
        return _meetings[name]
    except KeyError:
        raise LookupError(
            f"Deadlines need {name}(), which meetings registers in MeetingsConfig.ready() "
            "(workflow.deadlines.register_meetings): is the meetings app installed?"
        ) from None


def _subject(obj) -> Subject:
    try:
        return _subjects[type(obj)]
    except KeyError:
        raise LookupError(
            f"No deadlines are registered for {type(obj).__name__}: the app owning it registers "
            "them in its AppConfig.ready() (workflow.deadlines.register)."
        ) from None


def policy_of(model: type, state: str) -> Policy:
    try:
        return _policies[(model, state)]
    except KeyError:
        raise LookupError(
            f"No deadline policy is registered for {model.__name__} in state {state!r} "
            "(workflow.deadlines.register, from the app's AppConfig.ready())."
        ) from None


# Without a planned meeting, the governance body has this long.
GOVERNANCE_FALLBACK_DAYS = 20


def due_date(policy: Policy, entered: datetime.date) -> datetime.date:
    if policy.working_days is None:
        return _registered_meetings("next_governance_meeting")(entered) or add_working_days(
            entered, GOVERNANCE_FALLBACK_DAYS
        )
    return add_working_days(entered, policy.working_days)


# --- Who is waited for -------------------------------------------------------------------------
def _group_of(obj) -> Body | None:
    subject = _subject(obj)
    return subject.group(obj) if subject.group else None


def _people(body: Body | None, *roles: str) -> list[User]:
    return [] if body is None else directory_selectors.people(body=body, roles=roles)


_office = directory_selectors.office_people


def _governance() -> Body | None:
    return Body.objects.filter(kind=Body.Kind.GOVERNANCE).first()


def responsible(obj, policy: Policy) -> tuple[list[User], Body | None]:
    """The people reminded, and the body whose chair hears of a missed deadline."""
    group = _group_of(obj)
    if policy.waiting_for == "authors":
        return _subject(obj).authors(obj), group
    if policy.waiting_for == "group":
        if contacts := _subject(obj).group_contacts:
            return contacts(obj), group
        return _people(group, Role.CHAIR, Role.SECRETARY), group
    if policy.waiting_for == "office":
        return _office(), None
    governance = _governance()
    return _people(governance, Role.SECRETARY, Role.CHAIR), governance


def _chair_of(obj, policy: Policy, body: Body | None) -> list[User]:
    """Who hears of a missed deadline first: the body's chair; for an object waiting for its
    group, whoever the app says decides in the chair's place (a proposal's chair may have a
    conflict of interest)."""
    if policy.waiting_for == "group" and (deciders := _subject(obj).group_deciders):
        return deciders(obj)
    return _people(body, Role.CHAIR)


def _describe(obj) -> tuple[str, str]:
    return _subject(obj).describe(obj)


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
    if not _policies:
        raise LookupError(
            "No deadline policies are registered: the apps register them in their "
            "AppConfig.ready() (workflow.deadlines.register)."
        )
    for (model, state), policy in _policies.items():
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


def _send(people, deadline: Deadline, *, kind: str, **params) -> None:
    notify(
        people,
        actor=None,
        kind=kind,
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
        policy = policy_of(type(obj), deadline.state)
        people, body = responsible(obj, policy)
        late_by = working_days_between(deadline.due_on, today)
        if (
            deadline.reminded_at is None
            and working_days_between(today, deadline.due_on) <= REMIND_BEFORE
            and _claim(deadline, "reminded_at")
        ):
            _send(people, deadline, kind="workflow.deadline_reminder")
            sent["reminded"] += 1
        if late_by >= 1 and deadline.escalated_to_chair_at is None:
            chair = _chair_of(obj, policy, body) or _office()
            if _claim(deadline, "escalated_to_chair_at"):
                _send(
                    chair,
                    deadline,
                    kind="workflow.deadline_overdue",
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
                deadline,
                kind="workflow.deadline_overdue_office",
                days=late_by,
                who=deadline.waiting_for_label,
            )
            sent["to_office"] += 1
    return sent


# --- Objects that carry their own due date (the tasks of meetings) ----------------------------
@dataclass(frozen=True)
class DatedPolicy:
    """What the engine needs of a model whose objects carry their own `due_on` (no state to wait
    in): which are still pending, who answers for one (reminded before its date, told first
    when it is late) and who hears when it stays late (ESCALATE_TO_OFFICE_AFTER working days).
    The model has the nullable datetimes `reminded_at`, `overdue_notice_at` and `escalated_at`:
    each notice is sent by the one run whose conditional update set its field."""

    pending: Callable[[], Iterable]  # a queryset of the objects not done yet
    responsible: Callable[[object], list[User]]
    escalate_to: Callable[[object], list[User]]
    title: Callable[[object], str]


_dated: dict[type, DatedPolicy] = {}


def register_dated(model: type, policy: DatedPolicy) -> None:
    """Called from AppConfig.ready(): meetings registers its tasks (поручения)."""
    _dated[model] = policy


def _claim_dated(obj, field: str) -> bool:
    return bool(
        type(obj).objects.filter(pk=obj.pk, **{field: None}).update(**{field: timezone.now()})
    )


def _send_dated(people, kind: str, obj, policy: DatedPolicy, **params) -> None:
    notify(
        people,
        actor=None,
        kind=kind,
        params={"title": policy.title(obj), "date": obj.due_on.strftime("%d.%m.%Y"), **params},
        url_name="workflow:overdue",
        url_kwargs={},
        category=Notice.Category.DEADLINES,
    )


def send_dated_reminders(today: datetime.date | None = None) -> dict[str, int]:
    """For each pending object with its own due date, as send_reminders() does for a stay: the
    reminder REMIND_BEFORE working days before its date (to whoever answers for it), the overdue
    notice the first working day after it (to them again), the escalation to whom the policy
    names ESCALATE_TO_OFFICE_AFTER working days later; each once."""
    today = today or timezone.localdate()
    sent = {"tasks_reminded": 0, "tasks_overdue": 0, "tasks_escalated": 0}
    for policy in _dated.values():
        waiting = policy.pending().filter(
            Q(reminded_at=None) | Q(overdue_notice_at=None) | Q(escalated_at=None)
        )
        for obj in waiting:
            late_by = working_days_between(obj.due_on, today)
            if (
                obj.reminded_at is None
                and late_by == 0
                and working_days_between(today, obj.due_on) <= REMIND_BEFORE
                and _claim_dated(obj, "reminded_at")
            ):
                _send_dated(
                    policy.responsible(obj),
                    "workflow.task_reminder",
                    obj,
                    policy,
                )
                sent["tasks_reminded"] += 1
            if (
                late_by >= 1
                and obj.overdue_notice_at is None
                and _claim_dated(obj, "overdue_notice_at")
            ):
                _send_dated(
                    policy.responsible(obj),
                    "workflow.task_overdue",
                    obj,
                    policy,
                )
                sent["tasks_overdue"] += 1
            if (
                late_by > ESCALATE_TO_OFFICE_AFTER
                and obj.escalated_at is None
                and _claim_dated(obj, "escalated_at")
            ):
                _send_dated(
                    policy.escalate_to(obj),
                    "workflow.task_overdue_office",
                    obj,
                    policy,
                    days=late_by,
                )
                sent["tasks_escalated"] += 1
    return sent


@transaction.atomic
def check(today: datetime.date | None = None) -> dict[str, int]:
    opened = open_deadlines()
    return {"opened": opened, **send_reminders(today), **send_dated_reminders(today)}


def overdue(today: datetime.date | None = None) -> list[Deadline]:
    """Open deadlines past due, the longest late first, with `late_by` in working days."""
    today = today or timezone.localdate()
    rows = list(Deadline.objects.filter(closed_at=None, due_on__lt=today).order_by("due_on"))
    exceptions = overrides(rows[0].due_on, today) if rows else {}
    for row in rows:
        row.late_by = working_days_between(row.due_on, today, exceptions)
        row.due = Due(row.due_on, -max(1, row.late_by))
    return rows


def overdue_count(today: datetime.date | None = None) -> int:
    """How many deadlines and meeting tasks are late (the overdue page lists them): two
    queries."""
    today = today or timezone.localdate()
    late = Deadline.objects.filter(closed_at=None, due_on__lt=today).count()
    return late + len(_registered_meetings("overdue_tasks")(today))


def overdue_tasks(today: datetime.date | None = None) -> list:
    """Tasks of meetings not done by their deadline (meetings registers them), with `late_by`
    in working days."""
    today = today or timezone.localdate()
    rows = list(_registered_meetings("overdue_tasks")(today))
    exceptions = overrides(rows[0].due_on, today) if rows else {}
    for row in rows:
        row.late_by = working_days_between(row.due_on, today, exceptions)
        row.due = Due(row.due_on, -max(1, row.late_by))
    return rows


# --- What is due, on the pages ---------------------------------------------------------------
# A list shows, for each object, when the step it waits for from the person looking is due.
# The date is the open Deadline's, as the reminders and the overdue page know it. The beat job
# opens a Deadline only at its next run (hourly), so an object that entered its state since has
# none yet: its date is then worked out as the beat job will, from the time the object entered
# the state (the audit entry that put it there) and the policy. Both come from subqueries of the
# list's one query; the working-day arithmetic of a page then reads the calendar's overrides once
# (and the governance body's next meeting once a day of entry, for the rare rows without a
# Deadline waiting for it), so a page costs the same whatever its number of rows.
@dataclass(frozen=True)
class Due:
    """When a step is due: `days` working days from today (0: today; negative: overdue)."""

    on: datetime.date
    days: int

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def late_by(self) -> int:
        return -self.days


def with_stay(queryset):
    """The queryset annotated with `deadline_due_on` (its open Deadline of the present stay)
    and `state_entered_at` (when it entered its present state)."""
    from django.db.models import OuterRef, Subquery

    content_type = ContentType.objects.get_for_model(queryset.model)
    of_object = {"content_type": content_type, "object_id": OuterRef("pk")}
    deadline = Deadline.objects.filter(
        **of_object, state=OuterRef("state"), closed_at=None
    ).order_by("-pk")
    entry = (
        AuditEntry.objects.filter(**of_object, to_state=OuterRef("state"))
        .exclude(from_state=OuterRef("state"))
        .order_by("-sequence")
    )
    return queryset.annotate(
        deadline_due_on=Subquery(deadline.values("due_on")[:1]),
        state_entered_at=Subquery(entry.values("at")[:1]),
    )


def waiting_for(model: type, state: str) -> str | None:
    """Whom an object of `model` in `state` waits for ("group", "authors"...), or None."""
    policy = _policies.get((model, state))
    return policy.waiting_for if policy else None


def _add_working_days(start: datetime.date, days: int, exceptions: dict) -> datetime.date:
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, exceptions):
            left -= 1
    return day


def attach_due(rows, is_mine: Callable[[object, str], bool], today=None) -> list:
    """Set `row.due` (a Due, or None) on each row of a list annotated by with_stay(): the due
    date of the step the row waits for, when `is_mine(row, waiting_for)` says that step is the
    person's. Returns the rows."""
    rows = list(rows)
    today = today or timezone.localdate()
    wanted = []
    for row in rows:
        row.due = None
        policy = _policies.get((type(row), row.state))
        if policy is None or not is_mine(row, policy.waiting_for):
            continue
        entered = row.state_entered_at and timezone.localtime(row.state_entered_at).date()
        if row.deadline_due_on is None and entered is None:
            continue  # no record of entering the state (imported data): nothing to count from
        wanted.append((row, policy, entered))
    if not wanted:
        return rows
    starts = [today] + [row.deadline_due_on or entered for row, _p, entered in wanted]
    longest = max((p.working_days or GOVERNANCE_FALLBACK_DAYS) for _r, p, _e in wanted)
    end = max(starts) + datetime.timedelta(days=longest * 3 + 30)
    exceptions = overrides(min(starts), end)
    meetings: dict[datetime.date, datetime.date | None] = {}
    for row, policy, entered in wanted:
        due_on = row.deadline_due_on
        if due_on is None and policy.working_days is None:
            if entered not in meetings:
                meetings[entered] = _registered_meetings("next_governance_meeting")(entered)
            due_on = meetings[entered] or _add_working_days(
                entered, GOVERNANCE_FALLBACK_DAYS, exceptions
            )
        elif due_on is None:
            due_on = _add_working_days(entered, policy.working_days, exceptions)
        if due_on >= today:
            days = working_days_between(today, due_on, exceptions)
        else:
            days = -max(1, working_days_between(due_on, today, exceptions))
        row.due = Due(due_on, days)
    return rows


def due_of(obj) -> Due | None:
    """When the step `obj` waits for is due (its page, for a person whose step it is): the same
    reading as a list's, for one object (two queries; one if `obj` was read with_stay())."""
    if (type(obj), obj.state) not in _policies:
        return None
    if hasattr(obj, "state_entered_at"):
        [row] = attach_due([obj], lambda *_: True)
    else:
        [row] = attach_due(with_stay(type(obj).objects.filter(pk=obj.pk)), lambda *_: True)
    return row.due


def attach_due_dates(rows, is_mine: Callable[[object], bool], today=None) -> list:
    """Set `row.due` on rows that carry their own `due_on` date (the tasks of meetings), for
    those `is_mine(row)` says are the person's; None on the others. One query in all."""
    rows = list(rows)
    today = today or timezone.localdate()
    for row in rows:
        row.due = None
    mine = [row for row in rows if row.due_on is not None and is_mine(row)]
    if not mine:
        return rows
    dates = [today] + [row.due_on for row in mine]
    exceptions = overrides(min(dates), max(dates))
    for row in mine:
        if row.due_on >= today:
            days = working_days_between(today, row.due_on, exceptions)
        else:
            days = -max(1, working_days_between(row.due_on, today, exceptions))
        row.due = Due(row.due_on, days)
    return rows

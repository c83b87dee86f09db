"""The permission matrix of meetings and their tasks: every persona × every action × every state,
generated from the meeting's transition table (meetings/actions.py MEETING) plus closing a task
(meetings/services.py task_done, a service of its own). Every cell asserts the exact outcome and
that a refused action changed nothing. How to read the tables: as in
tests/workflow/test_matrix.py (403 for a person who may not act, 409 for a state where the
action does not apply, the state being checked first; a task's rule is checked before whether it
is done).

The world — a meeting of the council in each state and a task open and done — is built once for
the module; each cell runs in a savepoint rolled back after it."""

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from mbk.exceptions import ActionRefusedError
from meetings import services
from meetings.actions import MEETING
from meetings.models import Meeting, Task
from tests.meetings.test_services import council, day_at, plan
from tests.workflow.states import PERSONAS, make_people
from workflow import audit
from workflow.models import Notice

M = Meeting.State
RUNNERS = frozenset({"secretary", "governance_chair"})  # the council's secretary and chair
OPEN = (M.PLANNED, M.AGENDA_PUBLISHED)

MEETING_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "add_item": {M.PLANNED: RUNNERS},
    "move_item": dict.fromkeys(OPEN, RUNNERS),
    "remove_item": dict.fromkeys(OPEN, RUNNERS),
    "publish_agenda": {M.PLANNED: RUNNERS},
    "hold": {M.AGENDA_PUBLISHED: RUNNERS},
    "record_attendance": {M.HELD: RUNNERS},
    "add_task": {M.HELD: RUNNERS},
    "approve_minutes": {M.HELD: RUNNERS},
    # The chair and the secretary sign each in person; the secretary approved (and signed).
    "sign_minutes": {M.MINUTES_APPROVED: RUNNERS},
    "cancel": dict.fromkeys(OPEN, RUNNERS),
    "reschedule": dict.fromkeys(OPEN, RUNNERS),
}
MEETING_LEADS_TO: dict[str, dict[str, str]] = {
    "publish_agenda": {M.PLANNED: M.AGENDA_PUBLISHED},
    "hold": {M.AGENDA_PUBLISHED: M.HELD},
    "approve_minutes": {M.HELD: M.MINUTES_APPROVED},
    "cancel": dict.fromkeys(OPEN, M.CANCELLED),
}
# Cells the rule allows that the service refuses for what only it knows (409), with the reason.
REFUSED_BY_THE_SERVICE = {
    ("sign_minutes", M.MINUTES_APPROVED, "secretary"): "signed as the secretary on approval",
}


def _second_item(meeting: Meeting) -> int:
    return meeting.items.get(position=2).pk


MEETING_PARAMS: dict[str, Callable[[dict, Meeting], dict]] = {
    "add_item": lambda people, m: {"title": "Разное"},
    "move_item": lambda people, m: {"item": _second_item(m), "direction": services.UP},
    "remove_item": lambda people, m: {"item": _second_item(m)},
    "publish_agenda": lambda people, m: {},
    "hold": lambda people, m: {"present": council(people)},
    "record_attendance": lambda people, m: {"present": council(people)[:2]},
    "add_task": lambda people, m: {
        "text": "Подготовить обзор рынка",
        "due_on": timezone.localdate() + datetime.timedelta(days=14),
        "responsible_person": people["governance_member"],
    },
    "approve_minutes": lambda people, m: {},
    "sign_minutes": lambda people, m: {},
    "cancel": lambda people, m: {"comment": "Нет кворума"},
    "reschedule": lambda people, m: {
        "starts_at": day_at(7),
        "place": "Зал № 2",
        "reason": "Зал занят",
    },
}

# A task of the held meeting, set for the governance member: they close it, and so do whoever
# runs the meeting; a task done already is refused (409) to them, 403 to anybody else.
TASK_STATES = ("open", "done")
TASK_CLOSERS = RUNNERS | {"governance_member"}


def _build(people: dict) -> dict:
    meetings = {}
    for state in M:
        meeting = plan(people)
        for title in ("Отчёт рабочих групп", "Разное"):
            services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title=title)
        if state == M.CANCELLED:
            services.meeting_cancel(meeting_id=meeting.pk, by=people["secretary"], reason="Нет")
        if state in (M.AGENDA_PUBLISHED, M.HELD, M.MINUTES_APPROVED):
            services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
        if state in (M.HELD, M.MINUTES_APPROVED):
            services.meeting_hold(
                meeting_id=meeting.pk, by=people["secretary"], present=council(people)
            )
        if state == M.MINUTES_APPROVED:
            services.minutes_approve(meeting_id=meeting.pk, by=people["secretary"])
        meetings[state] = Meeting.objects.get(pk=meeting.pk)
    tasks = {}
    for state in TASK_STATES:
        tasks[state] = services.task_add(
            meeting_id=meetings[M.HELD].pk,
            by=people["secretary"],
            text=f"Поручение: {state}",
            due_on=timezone.localdate() + datetime.timedelta(days=7),
            responsible_person=people["governance_member"],
        )
    services.task_done(task_id=tasks["done"].pk, by=people["governance_member"])
    return {"meetings": meetings, "tasks": tasks}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=media),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        people = make_people()
        yield {"people": people, **_build(people)}
        transaction.set_rollback(True)


def meeting_footprint(meeting: Meeting) -> dict:
    fresh = Meeting.objects.get(pk=meeting.pk)
    return {
        "state": fresh.state,
        "edition": fresh.edition,
        "starts_at": fresh.starts_at,
        "items": list(fresh.items.order_by("position").values_list("title", flat=True)),
        "attendance": fresh.attendance.count(),
        "tasks": fresh.tasks.count(),
        "audit entries": audit.history(fresh).count(),
        "notices": Notice.objects.count(),
    }


def task_footprint(task: Task) -> dict:
    fresh = Task.objects.get(pk=task.pk)
    return {
        "done_at": fresh.done_at,
        "audit entries": audit.history(fresh.meeting).count(),
        "notices": Notice.objects.count(),
    }


def meeting_expected(action: str, state: str, persona: str) -> str | int:
    if state not in MEETING_ALLOWED[action]:
        return 409
    if (action, state, persona) in REFUSED_BY_THE_SERVICE:
        return 409
    return "ok" if persona in MEETING_ALLOWED[action][state] else 403


def _outcome(run: Callable[[], object]) -> str | int:
    try:
        run()
    except PermissionDenied:
        return 403
    except (TransitionNotAllowed, ActionRefusedError):
        return 409
    return "ok"


MEETING_CELLS = [
    (action, state, persona) for action in MEETING_ALLOWED for state in M for persona in PERSONAS
]


@pytest.mark.parametrize(
    ("action", "state", "persona"), MEETING_CELLS, ids=["-".join(c) for c in MEETING_CELLS]
)
@pytest.mark.django_db
def test_meeting_matrix(world, action, state, persona):
    meeting = world["meetings"][state]
    person = world["people"][persona]
    params = MEETING_PARAMS[action](world["people"], meeting)
    before = meeting_footprint(meeting)
    said = MEETING[action].rule(person, Meeting.objects.get(pk=meeting.pk))

    outcome = _outcome(lambda: MEETING[action].run(meeting, by=person, seen=None, **params))

    after = meeting_footprint(meeting)
    assert outcome == meeting_expected(action, state, persona)
    if outcome != 409:
        assert said == (outcome == "ok")
    if outcome == "ok":
        assert after["state"] == MEETING_LEADS_TO.get(action, {}).get(state, state)
        assert after["audit entries"] == before["audit entries"] + 1
    else:
        assert after == before


TASK_CELLS = [(state, persona) for state in TASK_STATES for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona"), TASK_CELLS, ids=["-".join(c) for c in TASK_CELLS])
@pytest.mark.django_db
def test_task_matrix(world, state, persona):
    task = world["tasks"][state]
    person = world["people"][persona]
    before = task_footprint(task)

    outcome = _outcome(lambda: services.task_done(task_id=task.pk, by=person))

    after = task_footprint(task)
    if persona not in TASK_CLOSERS:
        assert outcome == 403
    else:
        assert outcome == ("ok" if state == "open" else 409)
    if outcome == "ok":
        assert after["done_at"] is not None
        assert after["audit entries"] == before["audit entries"] + 1
    else:
        assert after == before


def test_meeting_matrix_actions_are_the_tables_rows():
    assert set(MEETING_ALLOWED) == set(MEETING.names())
    assert set(MEETING_PARAMS) == set(MEETING.names())
    assert set(MEETING_LEADS_TO) <= set(MEETING_ALLOWED)
    assert {s for states in MEETING_ALLOWED.values() for s in states} <= set(M)
    assert {a for a, _s, _p in REFUSED_BY_THE_SERVICE} <= set(MEETING_ALLOWED)

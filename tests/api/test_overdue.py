"""The overdue list in the API (GET /api/v1/overdue/): what the programme office's page
«Просрочено» shows, the deadlines and the tasks of meetings past due, for the office only."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Proposal
from meetings import services as meeting_services
from meetings.models import Task
from tests.api.conftest import api_as
from tests.workflow.states import make_people, proposal_in
from workflow import deadlines
from workflow.models import Deadline

D = datetime.date
URL = "/api/v1/overdue/"
LATE = D(2026, 11, 2)  # as the page's tests: past due, a working day


@pytest.fixture
def people(db):
    return make_people()


def late_proposals(people, n: int) -> None:
    for number in range(n):
        proposal_in(Proposal.State.WG_REVIEW, people, title=f"Заявка {number}")
    deadlines.check()
    Deadline.objects.update(due_on=LATE)


def test_overdue_lists_late_deadlines_for_the_office(people):
    late_proposals(people, 2)

    response = api_as(people["office"]).get(URL)

    assert response.status_code == 200
    rows = response.json()["deadlines"]
    assert sorted(row["title"] for row in rows) == ["Заявка 0", "Заявка 1"]
    assert {(row["waiting_for"], row["state"], row["due_on"]) for row in rows} == {
        ("group", "wg_review", "2026-11-02")
    }
    assert all(row["late_by"] >= 1 for row in rows)
    assert response.json()["tasks"] == []


def test_overdue_lists_tasks_of_meetings_past_their_deadline(people):
    from tests.meetings.test_services import council, plan

    meeting = plan(people)
    meeting_services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    meeting_services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    meeting_services.meeting_hold(
        meeting_id=meeting.pk, by=people["secretary"], present=council(people)
    )
    for text in ["Просроченное поручение", "Будущее"]:
        meeting_services.task_add(
            meeting_id=meeting.pk,
            by=people["secretary"],
            text=text,
            due_on=D(2099, 1, 1),
            responsible_person=people["office"],
        )
    # A deadline in the past is refused when the task is set: time passes instead.
    Task.objects.filter(text="Просроченное поручение").update(due_on=LATE)

    tasks = api_as(people["office"]).get(URL).json()["tasks"]

    assert [(t["text"], t["meeting"], t["responsible_person"]["username"]) for t in tasks] == [
        ("Просроченное поручение", meeting.pk, people["office"].username)
    ]
    assert tasks[0]["responsible_body"] is None


@pytest.mark.parametrize("role", ["chair", "author", "secretary", "governance_member"])
def test_overdue_is_refused_to_anyone_but_the_office(people, role):
    late_proposals(people, 1)

    response = api_as(people[role]).get(URL)

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_overdue_costs_the_same_for_one_and_six_rows(people):
    client = api_as(people["office"])
    late_proposals(people, 1)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        first = client.get(URL)
    late_proposals(people, 5)
    with CaptureQueriesContext(connection) as six:
        second = client.get(URL)

    assert (len(first.json()["deadlines"]), len(second.json()["deadlines"])) == (1, 6)
    assert len(six) == len(one)

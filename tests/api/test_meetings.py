"""The meeting page's actions through the API (api/meetings.py): planning, the meeting's table
of transitions checked by the page's forms, the minutes' PDF, the invitation, a task done."""

import pytest

from documents.models import Proposal, RenderJob
from meetings import selectors
from meetings.models import Meeting, Task
from tests.meetings.test_services import council, day_at, plan
from tests.workflow.states import make_people, proposal_in

MEETINGS = "/api/v1/meetings/"


@pytest.fixture
def people(db):
    return make_people()


def act(client, meeting: Meeting, name: str, body: dict | None = None):
    return client.post(f"{MEETINGS}{meeting.pk}/transitions/{name}/", body or {}, format="json")


def held(client, people) -> Meeting:
    """Today's council meeting, held with the whole council present."""
    meeting = plan(people)
    act(client, meeting, "add_item", {"title": "Разное"})
    act(client, meeting, "publish_agenda")
    meeting.refresh_from_db()
    present = [p.username for p in council(people)]
    act(client, meeting, "hold", {"present": present, "edition": meeting.edition})
    meeting.refresh_from_db()
    return meeting


def test_meeting_plan_by_the_secretary_creates_it(api, people):
    response = api(people["secretary"]).post(
        MEETINGS,
        {"body": "council", "starts_at": day_at(days=3).isoformat(), "place": "Зал «Чёрная штора»"},
        format="json",
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 201
    assert response.json()["id"] == meeting.pk
    assert (meeting.body.code, meeting.place, meeting.state) == (
        "council",
        "Зал «Чёрная штора»",
        Meeting.State.PLANNED,
    )


def test_meeting_plan_without_place_or_link_is_400_in_russian(api, people):
    response = api(people["secretary"]).post(
        MEETINGS,
        {"body": "council", "starts_at": day_at(days=3).isoformat()},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "__all__": ["Укажите место проведения заседания или ссылку для участия онлайн."]
    }
    assert Meeting.objects.count() == 0


def test_meeting_plan_by_an_expert_is_403(api, people):
    response = api(people["expert"]).post(
        MEETINGS,
        {"body": "council", "starts_at": day_at(days=3).isoformat(), "place": "Зал"},
        format="json",
    )

    assert response.status_code == 403
    assert Meeting.objects.count() == 0


def test_meeting_transitions_run_the_agenda_attendance_and_a_task(api, people):
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people, title="Биоаналоги")
    meeting = plan(people)
    client = api(people["secretary"])

    added = act(
        client,
        meeting,
        "add_item",
        {"kind": "proposal", "subject_id": proposal.pk, "motion": "approve"},
    )
    free = act(client, meeting, "add_item", {"title": "Разное"})
    published = act(client, meeting, "publish_agenda")
    meeting.refresh_from_db()
    held = act(
        client,
        meeting,
        "hold",
        {"present": [p.username for p in council(people)], "edition": meeting.edition},
    )
    task = act(
        client,
        meeting,
        "add_task",
        {"text": "Подготовить справку", "due_on": "2031-01-15", "responsible_body": "council"},
    )

    assert [r.status_code for r in (added, free, published, held, task)] == [200] * 5
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    items = meeting.items.order_by("position")
    assert [(i.proposal_id, i.title) for i in items] == [
        (proposal.pk, "Биоаналоги"),
        (None, "Разное"),
    ]
    assert set(selectors.present_members(meeting)) == set(council(people))
    assert task.json()["tasks"][0]["text"] == "Подготовить справку"


def test_meeting_transitions_list_the_page_forms_fields(api, people):
    meeting = plan(people)

    response = api(people["secretary"]).get(f"{MEETINGS}{meeting.pk}/transitions/")

    offered = {t["name"]: t["fields"] for t in response.json()["transitions"]}
    assert response.status_code == 200
    assert response.json()["seen"] == {"edition": meeting.edition}
    assert offered["add_item"] == ["title", "kind", "subject_id", "motion"]
    assert offered["move_item"] == ["item", "edition", "direction"]


def test_meeting_transition_by_a_member_who_does_not_run_it_is_403(api, people):
    meeting = plan(people)
    act(api(people["secretary"]), meeting, "add_item", {"title": "Разное"})

    response = act(api(people["governance_member"]), meeting, "publish_agenda")

    meeting.refresh_from_db()
    assert response.status_code == 403
    assert meeting.state == Meeting.State.PLANNED


def test_meeting_transition_by_an_outsider_is_404(api, people):
    meeting = plan(people)

    response = act(api(people["expert"]), meeting, "add_item", {"title": "Разное"})

    assert response.status_code == 404
    assert meeting.items.count() == 0


def test_meeting_move_item_with_a_stale_edition_is_409(api, people):
    meeting = plan(people)
    client = api(people["secretary"])
    act(client, meeting, "add_item", {"title": "Первый"})
    act(client, meeting, "add_item", {"title": "Второй"})
    meeting.refresh_from_db()
    second = meeting.items.get(position=2)

    response = act(
        client, meeting, "move_item", {"item": second.pk, "direction": "up", "edition": 0}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert meeting.items.get(pk=second.pk).position == 2


def test_meeting_move_item_not_on_the_agenda_is_404(api, people):
    meeting = plan(people)
    meeting.refresh_from_db()

    response = act(
        api(people["secretary"]),
        meeting,
        "move_item",
        {"item": 999999, "direction": "up", "edition": meeting.edition},
    )

    assert response.status_code == 404


def test_meeting_minutes_request_queues_a_pdf(api, people, media):
    meeting = held(api(people["secretary"]), people)

    response = api(people["secretary"]).post(f"{MEETINGS}{meeting.pk}/minutes/")

    assert response.status_code == 202
    assert RenderJob.objects.get().kind == RenderJob.Kind.MINUTES


def test_meeting_invitation_is_an_icalendar_file(api, people):
    meeting = plan(people)

    response = api(people["governance_member"]).get(f"{MEETINGS}{meeting.pk}/invitation/")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.content.startswith(b"BEGIN:VCALENDAR")


def test_task_done_by_the_responsible_person(api, people):
    client = api(people["secretary"])
    meeting = held(client, people)
    act(
        client,
        meeting,
        "add_task",
        {"text": "Справка", "due_on": "2031-01-15", "responsible_person": "council-member"},
    )
    task = Task.objects.get()

    response = api(people["governance_member"]).post(f"/api/v1/tasks/{task.pk}/done/")

    task.refresh_from_db()
    assert response.status_code == 200
    assert task.done_at is not None


def test_task_done_by_an_outsider_is_404_and_changes_nothing(api, people):
    client = api(people["secretary"])
    meeting = held(client, people)
    act(
        client,
        meeting,
        "add_task",
        {"text": "Справка", "due_on": "2031-01-15", "responsible_body": "council"},
    )
    task = Task.objects.get()

    response = api(people["author"]).post(f"/api/v1/tasks/{task.pk}/done/")

    task.refresh_from_db()
    assert response.status_code == 404
    assert task.done_at is None

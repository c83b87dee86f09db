"""The revision loop and a programme version over the API alone: the chair asks for changes,
the authors answer the remarks and resubmit; the programme office starts a version."""

import pytest

from documents.models import Proposal
from programme.models import ProgrammeVersion
from tests.api.conftest import api_as
from tests.programme.world import new_programme
from tests.workflow.states import make_people, proposal_in

State = Proposal.State


@pytest.fixture
def people(db):
    return make_people()


def _seen(client, proposal_id: int) -> dict:
    return client.get(f"/api/v1/proposals/{proposal_id}/transitions/").json()["seen"]


@pytest.mark.django_db
def test_authors_answer_the_remarks_and_resubmit(people):
    proposal = proposal_in(State.WG_REVIEW, people)
    chair, author = api_as(people["chair"]), api_as(people["author"])
    asked = chair.post(
        f"/api/v1/proposals/{proposal.pk}/transitions/request_revision/",
        {**_seen(chair, proposal.pk), "remarks": ["Уточните рынок", "Добавьте смету"]},
        format="json",
    )
    assert asked.status_code == 200
    remarks = author.get(f"/api/v1/proposals/{proposal.pk}/remarks/").json()
    open_remarks = [r for r in remarks if r["answer"] == "" and r["round"] == proposal.round]
    assert [r["text"] for r in open_remarks] == ["Уточните рынок", "Добавьте смету"]

    early = author.post(
        f"/api/v1/proposals/{proposal.pk}/transitions/submit/",
        _seen(author, proposal.pk),
        format="json",
    )
    assert early.status_code == 409
    assert early.json()["code"] == "refused"
    assert any("2" in problem for problem in early.json()["problems"])

    answered = author.post(
        f"/api/v1/proposals/{proposal.pk}/remarks/",
        {
            "edition": _seen(author, proposal.pk)["edition"],
            "answers": [{"remark": r["id"], "answer": "Сделано"} for r in open_remarks],
        },
        format="json",
    )
    assert answered.status_code == 200
    resubmitted = author.post(
        f"/api/v1/proposals/{proposal.pk}/transitions/submit/",
        _seen(author, proposal.pk),
        format="json",
    )
    assert resubmitted.status_code == 200
    assert resubmitted.json()["state"] == State.WG_REVIEW


@pytest.mark.django_db
def test_answers_are_refused_for_others_and_for_unknown_remarks(people):
    proposal = proposal_in(State.REVISION_REQUESTED, people)
    revision = Proposal.objects.get(pk=proposal.pk).edition
    remark = proposal.remarks.get(round=proposal.round)
    body = {"edition": revision, "answers": [{"remark": remark.pk, "answer": "Чужой ответ"}]}

    by_chair = api_as(people["chair"]).post(
        f"/api/v1/proposals/{proposal.pk}/remarks/", body, format="json"
    )
    unknown = api_as(people["author"]).post(
        f"/api/v1/proposals/{proposal.pk}/remarks/",
        {"edition": revision, "answers": [{"remark": 999_999, "answer": "?"}]},
        format="json",
    )
    stale = api_as(people["author"]).post(
        f"/api/v1/proposals/{proposal.pk}/remarks/",
        {**body, "edition": revision - 1},
        format="json",
    )

    assert by_chair.status_code == 403
    assert unknown.status_code == 400
    assert "answers" in unknown.json()["errors"]
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale"
    remark.refresh_from_db()
    assert remark.answer == "Уточнили"  # as proposal_in() answered it
    assert Proposal.objects.get(pk=proposal.pk).edition == revision


@pytest.mark.django_db
def test_the_office_starts_one_programme_version_at_a_time(people):
    new_programme(people)
    office = api_as(people["office"])

    first = office.post("/api/v1/programme-versions/", {"note": "Первая"}, format="json")
    second = office.post("/api/v1/programme-versions/", {}, format="json")
    by_chair = api_as(people["chair"]).post("/api/v1/programme-versions/", {}, format="json")

    assert first.status_code == 201
    assert first.json()["state"] == ProgrammeVersion.State.DRAFTING
    assert second.status_code == 409
    assert by_chair.status_code == 403
    assert ProgrammeVersion.objects.count() == 1

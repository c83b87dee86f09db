"""The API of a call's questions and a proposal's answers (api/questions.py): the office writes
questions under the same rules as the pages, authors answer while the proposal is editable, an
expert never reads office-only answers, an outsider gets 404."""

import datetime

import pytest
from django.utils import timezone

from documents import questions, transitions
from documents.models import Answer, CallQuestion
from documents.questions import QuestionData
from tests.factories import CallFactory, draft_proposal
from workflow import audit

pytestmark = pytest.mark.django_db


def future_call():
    today = timezone.localdate()
    return CallFactory(
        opens_on=today + datetime.timedelta(days=5), closes_on=today + datetime.timedelta(days=40)
    )


@pytest.fixture
def asked(office, cluster):
    call = future_call()
    public = questions.question_add(
        call_id=call.pk, by=office, data=QuestionData(text_ru="Есть ли патент?", kind="yes_no")
    )
    hidden = questions.question_add(
        call_id=call.pk,
        by=office,
        data=QuestionData(text_ru="Служебная отметка", kind="text", visibility="office"),
    )
    type(call).objects.filter(pk=call.pk).update(
        opens_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    call.refresh_from_db()
    return call, public, hidden


def test_questions_list_hides_office_only_ones_from_an_author(api, author, office, asked):
    call, public, hidden = asked

    by_author = api(author).get(f"/api/v1/calls/{call.pk}/questions/")
    by_office = api(office).get(f"/api/v1/calls/{call.pk}/questions/")

    assert [q["id"] for q in by_author.json()] == [public.pk]
    assert [q["id"] for q in by_office.json()] == [public.pk, hidden.pk]
    assert api(author).get(f"/api/v1/calls/{call.pk}/questions/{hidden.pk}/").status_code == 404


def test_question_create_by_the_office_adds_an_optional_one_to_an_open_call(api, office, asked):
    call, _public, _hidden = asked

    response = api(office).post(
        f"/api/v1/calls/{call.pk}/questions/",
        {
            "text_ru": "Цвет",
            "kind": "choice",
            "choices": [
                {"code": "red", "label_ru": "Красный"},
                {"code": "green", "label_ru": "Зелёный"},
            ],
            "directions": ["pharma"],
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["directions"] == ["pharma"]
    assert response.json()["position"] == 2
    assert audit.history(call).last().action == "question_added"


def test_question_create_required_in_an_open_call_is_409(api, office, asked):
    call, _public, _hidden = asked

    response = api(office).post(
        f"/api/v1/calls/{call.pk}/questions/",
        {"text_ru": "Обязательный", "kind": "text", "required": True},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["message"].startswith("Приём заявок уже открыт")
    assert call.questions.count() == 2


def test_question_update_and_delete_in_an_open_call_are_409(api, office, asked):
    call, public, _hidden = asked
    client = api(office)

    edited = client.put(
        f"/api/v1/calls/{call.pk}/questions/{public.pk}/",
        {"text_ru": "Новый", "kind": "text"},
        format="json",
    )
    deleted = client.delete(f"/api/v1/calls/{call.pk}/questions/{public.pk}/")

    assert (edited.status_code, deleted.status_code) == (409, 409)
    assert CallQuestion.objects.get(pk=public.pk).text_ru == "Есть ли патент?"


def test_question_create_by_an_author_is_403(api, author, asked):
    call, _public, _hidden = asked

    response = api(author).post(
        f"/api/v1/calls/{call.pk}/questions/", {"text_ru": "Х", "kind": "text"}, format="json"
    )

    assert response.status_code == 403
    assert call.questions.count() == 2


def test_question_create_with_one_choice_is_400_in_russian(api, office, cluster):
    call = future_call()

    response = api(office).post(
        f"/api/v1/calls/{call.pk}/questions/",
        {"text_ru": "Цвет", "kind": "choice", "choices": [{"code": "a", "label_ru": "А"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "choices": ["Для вопроса с вариантами нужно не меньше двух вариантов."]
    }


def test_answers_post_by_the_author_saves_them(api, author, asked):
    call, public, hidden = asked
    proposal = draft_proposal(author, call=call)

    response = api(author).post(
        f"/api/v1/proposals/{proposal.pk}/answers/",
        {
            "edition": proposal.edition,
            "answers": [
                {"question": public.pk, "value": True},
                {"question": hidden.pk, "value": "Внутреннее"},
            ],
        },
        format="json",
    )

    assert response.status_code == 200
    assert [(a["question"], a["value"], a["shown"]) for a in response.json()] == [
        (public.pk, True, "да"),
        (hidden.pk, "Внутреннее", "Внутреннее"),
    ]
    assert audit.history(proposal).last().action == "answers_edited"


def test_answers_post_with_a_wrong_value_is_400_and_saves_nothing(api, author, asked):
    call, public, _hidden = asked
    proposal = draft_proposal(author, call=call)

    response = api(author).post(
        f"/api/v1/proposals/{proposal.pk}/answers/",
        {"edition": proposal.edition, "answers": [{"question": public.pk, "value": "да"}]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {
        f"answers[{public.pk}]": ["Ответ не соответствует виду вопроса."]
    }
    assert not Answer.objects.filter(proposal=proposal).exists()


def test_answers_post_after_submission_is_409(api, author, asked):
    call, public, _hidden = asked
    proposal = draft_proposal(author, call=call)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    response = api(author).post(
        f"/api/v1/proposals/{proposal.pk}/answers/",
        {"edition": proposal.edition + 1, "answers": [{"question": public.pk, "value": True}]},
        format="json",
    )

    assert response.status_code == 409
    assert not Answer.objects.filter(proposal=proposal).exists()


def test_expert_never_reads_office_only_answers(api, author, chair, expert, office, asked):
    call, public, hidden = asked
    proposal = draft_proposal(author, call=call)
    api(author).post(
        f"/api/v1/proposals/{proposal.pk}/answers/",
        {
            "edition": proposal.edition,
            "answers": [
                {"question": public.pk, "value": False},
                {"question": hidden.pk, "value": "Внутреннее"},
            ],
        },
        format="json",
    )
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    client = api(expert)

    answers = client.get(f"/api/v1/proposals/{proposal.pk}/answers/").json()
    detail = client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    version = client.get(f"/api/v1/proposals/{proposal.pk}/versions/1/").json()
    by_office = api(office).get(f"/api/v1/proposals/{proposal.pk}/answers/").json()

    assert [a["question"] for a in answers] == [public.pk]
    assert [a["question"] for a in detail["content"]["answers"]] == [public.pk]
    assert [a["question"] for a in version["content"]["answers"]] == [public.pk]
    assert "Внутреннее" not in str(detail) + str(version)
    assert [a["question"] for a in by_office] == [public.pk, hidden.pk]


def test_answers_of_a_draft_are_404_to_an_outsider(api, author, outsider, asked):
    call, public, _hidden = asked
    proposal = draft_proposal(author, call=call)
    client = api(outsider)

    read = client.get(f"/api/v1/proposals/{proposal.pk}/answers/")
    written = client.post(
        f"/api/v1/proposals/{proposal.pk}/answers/",
        {"edition": proposal.edition, "answers": [{"question": public.pk, "value": True}]},
        format="json",
    )

    assert (read.status_code, written.status_code) == (404, 404)
    assert not Answer.objects.filter(proposal=proposal).exists()

"""The opinions of infrastructure groups through the API: the list of a proposal's opinions and
of the caller's groups, and the opinion's transitions (give, assign, waive) with the same rules
and services as the pages."""

import pytest

from documents.models import Opinion
from tests.api.conftest import api_as
from tests.documents.test_opinions import (
    ENGINEERING,
    PRODUCTION,
    add_infrastructure_people,
    opinion_of,
    proposal_naming,
)
from tests.workflow.states import make_people


@pytest.fixture
def people(db):
    return add_infrastructure_people(make_people())


@pytest.fixture
def proposal(people):
    return proposal_naming(people, ENGINEERING, PRODUCTION)


def test_list_of_a_proposal_shows_the_sectoral_chair_every_opinion(people, proposal):
    answer = api_as(people["chair"]).get(f"/api/v1/opinions/?proposal={proposal.pk}")

    assert answer.status_code == 200
    rows = [(row["group"], row["state"]) for row in answer.json()["results"]]
    assert sorted(rows) == [(ENGINEERING, "requested"), (PRODUCTION, "requested")]


def test_list_of_a_proposal_shows_a_member_only_their_groups(people, proposal):
    answer = api_as(people["eng_member"]).get(f"/api/v1/opinions/?proposal={proposal.pk}")

    assert [row["group"] for row in answer.json()["results"]] == [ENGINEERING]


def test_list_of_a_proposal_unseen_is_404(people, proposal):
    answer = api_as(people["research_member"]).get(f"/api/v1/opinions/?proposal={proposal.pk}")

    assert answer.status_code == 404


def test_list_without_proposal_is_the_callers_groups(people, proposal):
    answer = api_as(people["prod_chair"]).get("/api/v1/opinions/")

    assert [row["group"] for row in answer.json()["results"]] == [PRODUCTION]


def test_give_through_the_api(people, proposal):
    opinion = opinion_of(proposal)

    answer = api_as(people["eng_chair"]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/give/",
        {"edition": opinion.edition, "verdict": "with_conditions", "text": "При условии."},
        format="json",
    )

    assert answer.status_code == 200
    assert (answer.json()["state"], answer.json()["verdict"]) == ("given", "with_conditions")


def test_assign_through_the_api_by_user_name(people, proposal):
    opinion = opinion_of(proposal)

    answer = api_as(people["eng_chair"]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/assign/",
        {"edition": opinion.edition, "assignee": people["eng_member"].username},
        format="json",
    )

    assert answer.status_code == 200
    assert answer.json()["assignee"]["username"] == "eng-member"


def test_waive_through_the_api_by_the_office(people, proposal):
    opinion = opinion_of(proposal)

    answer = api_as(people["office"]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/waive/",
        {"edition": opinion.edition, "reason": "Не требуется."},
        format="json",
    )

    assert answer.status_code == 200
    assert answer.json()["waiver_reason"] == "Не требуется."


@pytest.mark.parametrize(
    ("persona", "code"), [("eng_member", 403), ("prod_chair", 404), ("research_member", 404)]
)
def test_give_through_the_api_is_refused_to_others(people, proposal, persona, code):
    opinion = opinion_of(proposal)

    answer = api_as(people[persona]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/give/",
        {"edition": opinion.edition, "verdict": "favourable", "text": "Да."},
        format="json",
    )

    assert answer.status_code == code
    assert Opinion.objects.get(pk=opinion.pk).state == "requested"


def test_give_without_text_is_a_field_error(people, proposal):
    opinion = opinion_of(proposal)

    answer = api_as(people["eng_chair"]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/give/",
        {"edition": opinion.edition, "verdict": "favourable"},
        format="json",
    )

    assert answer.status_code == 400
    assert "text" in answer.json()["errors"]


def test_stale_edition_is_409(people, proposal):
    opinion = opinion_of(proposal)

    answer = api_as(people["eng_chair"]).post(
        f"/api/v1/opinions/{opinion.pk}/transitions/give/",
        {"edition": opinion.edition + 1, "verdict": "favourable", "text": "Да."},
        format="json",
    )

    assert answer.status_code == 409

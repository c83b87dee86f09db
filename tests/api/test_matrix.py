"""The permission matrix of the pages (tests/workflow/test_matrix.py) replayed on the API: every
persona × every proposal action × every state, through `POST …/transitions/{name}/` (and
`PATCH` for editing) with a personal token. The API adds what the pages add in front of the
services: who may not see the proposal gets 404, and a request without credentials 401; then
the same 409 (state) before 403 (person), the same state reached, and nothing changed by a
refusal.
"""

import pytest

from api.serializers import DraftSerializer
from documents.models import Proposal
from tests.api.conftest import api_as
from tests.workflow.states import PERSONAS, REFERENCE, SCORES, built_once
from tests.workflow.test_grants import VIEW
from tests.workflow.test_matrix import ALLOWED, LEADS_TO, expected, footprint

State = Proposal.State

# action -> the API's body besides the version seen (the same arguments as the pages' matrix)
BODIES = {
    "submit": lambda people: {},
    "withdraw": lambda people: {"comment": "Передумали"},
    "assign_experts": lambda people: {"experts": [people["spare_expert"].username]},
    "review": lambda people: {
        "scores": SCORES,
        "recommendation": "revise",
        "comments": "Доработать",
    },
    "request_revision": lambda people: {"remarks": ["Обоснуйте рынок"]},
    "approve_in_group": lambda people: {},
    "reject": lambda people: {"comment": "Нет средств", "reference": REFERENCE},
    "send_to_governance": lambda people: {},
    "governance_approve": lambda people: {"reference": REFERENCE},
    "return_to_group": lambda people: {
        "comment": "Нужна оценка рынка",
        "reference": REFERENCE,
    },
    "declare_conflict": lambda people: {"comment": "Консультирую заявителя"},
}


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as world:
        yield world


def api_expected(action: str, state: str, persona: str) -> int:
    if persona == "anonymous":
        return 401
    if persona not in VIEW[state]:
        return 404
    outcome = expected(action, state, persona)
    return 200 if outcome == "ok" else outcome


def attempt(action: str, proposal: Proposal, person, people: dict):
    client = api_as(person)
    url = f"/api/v1/proposals/{proposal.pk}/"
    if action == "edit":
        return client.patch(
            url, {"edition": proposal.edition, "summary": "Изменённое резюме"}, format="json"
        )
    latest = proposal.versions.order_by("-number").first()
    seen = {"edition": proposal.edition, "version": latest.number if latest else 0}
    return client.post(
        f"{url}transitions/{action}/", {**seen, **BODIES[action](people)}, format="json"
    )


CELLS = [(action, state, persona) for action in ALLOWED for state in State for persona in PERSONAS]


@pytest.mark.parametrize(
    ("action", "state", "persona"), CELLS, ids=["-".join(cell) for cell in CELLS]
)
@pytest.mark.django_db
def test_api_matrix(world, action, state, persona):
    proposal = Proposal.objects.get(pk=world.proposals[state].pk)
    before = footprint(proposal)

    response = attempt(action, proposal, world.people[persona], world.people)

    after = footprint(proposal)
    assert response.status_code == api_expected(action, state, persona), response.content
    if response.status_code == 200:
        assert after["state"] == LEADS_TO.get(action, {}).get(state, state)
        assert after["audit entries"] == before["audit entries"] + 1  # edits too
        assert response.json()["state"] == after["state"]
    else:
        assert after == before
        assert set(response.json()) >= {"code", "message"}


def test_every_page_action_has_an_api_body():
    assert set(BODIES) | {"edit"} == set(ALLOWED)


@pytest.mark.django_db
def test_an_edit_through_the_api_changes_what_the_page_shows(world):
    proposal = Proposal.objects.get(pk=world.proposals[State.DRAFT].pk)
    response = attempt("edit", proposal, world.people["author"], world.people)

    assert response.status_code == 200
    saved = DraftSerializer(Proposal.objects.get(pk=proposal.pk)).data
    assert saved["summary"] == "Изменённое резюме"
    assert saved["budget_lines"] == DraftSerializer(proposal).data["budget_lines"]

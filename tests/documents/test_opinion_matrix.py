"""The permission matrix of the opinions of infrastructure groups: every persona × every row of
the opinion's table (documents/opinion_actions.py OPINION) × every situation of the opinion and
its proposal, each cell asserting the exact outcome (403 for a person the row's rule refuses,
409 for a situation where the row does not apply, the situation checked first) and that a
refusal changed nothing. The world is built once for the module; each cell runs in a savepoint
rolled back after it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import TransitionNotAllowed

from documents import opinions, transitions
from documents.models import Opinion, Proposal
from documents.opinion_actions import OPINION
from mbk.exceptions import ActionRefusedError
from tests.documents.test_opinions import (
    ENGINEERING,
    add_infrastructure_people,
    give,
    proposal_naming,
)
from tests.workflow.states import PERSONAS, make_people
from workflow import audit
from workflow.models import Notice

State = Proposal.State
INFRASTRUCTURE = ["eng_chair", "eng_member", "eng_other", "eng_observer", "prod_chair"]
EVERYONE = PERSONAS + INFRASTRUCTURE
WRITERS = frozenset({"eng_chair", "eng_member"})  # the group's chair, the member assigned

# situation -> (the proposal's state, what happened to the opinion). Every opinion is assigned
# to eng_member first.
SITUATIONS = {
    "review-requested": (State.WG_REVIEW, "requested"),
    "review-given": (State.WG_REVIEW, "given"),
    "review-waived": (State.WG_REVIEW, "waived"),
    "revision-requested": (State.REVISION_REQUESTED, "requested"),
    "resubmitted-given": (State.WG_REVIEW, "given before the resubmission"),
    "approved-given": (State.WG_APPROVED, "given"),
    "rejected-closed": (State.REJECTED, "closed with the proposal"),
}
ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "give": {
        "review-requested": WRITERS,
        "revision-requested": WRITERS,
        "resubmitted-given": WRITERS,
    },
    "assign": {
        "review-requested": frozenset({"eng_chair"}),
        "revision-requested": frozenset({"eng_chair"}),
    },
    "waive": {
        "review-requested": frozenset({"office"}),
        "revision-requested": frozenset({"office"}),
    },
}
LEADS_TO = {"give": "given", "assign": "requested", "waive": "waived"}
PARAMS = {
    "give": lambda people: {"verdict": "favourable", "text": "Поддерживаем."},
    "assign": lambda people: {"assignee": people["eng_other"]},
    "waive": lambda people: {"reason": "Не требуется."},
}


def _build(situation: str, people: dict) -> Opinion:
    state, what = SITUATIONS[situation]
    at = {"resubmitted-given": State.REVISION_REQUESTED, "rejected-closed": State.WG_REVIEW}
    proposal = proposal_naming(people, ENGINEERING, state=at.get(situation, state))
    opinion = Opinion.objects.get(proposal=proposal)
    if opinion.state == "requested":
        opinions.opinion_assign(
            opinion_id=opinion.pk, by=people["eng_chair"], assignee=people["eng_member"]
        )
    if what in ("given", "given before the resubmission") and opinion.state == "requested":
        give(opinion, people["eng_member"])
    if what == "waived":
        opinions.opinion_waive(opinion_id=opinion.pk, by=people["office"], reason="Не нужно.")
    if situation == "resubmitted-given":
        transitions.proposal_submit(proposal_id=proposal.pk, by=people["author"])
    if situation == "rejected-closed":
        transitions.proposal_reject(proposal_id=proposal.pk, by=people["chair"], reason="Нет.")
    return Opinion.objects.get(pk=opinion.pk)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        people = add_infrastructure_people(make_people())
        built = {situation: _build(situation, people) for situation in SITUATIONS}
        yield people, built
        transaction.set_rollback(True)


def footprint(opinion: Opinion) -> dict:
    fresh = Opinion.objects.get(pk=opinion.pk)
    return {
        "state": fresh.state,
        "edition": fresh.edition,
        "assignee": fresh.assignee_id,
        "verdict": fresh.verdict,
        "text": fresh.text,
        "round": fresh.round,
        "audit": audit.history(fresh).count(),
        "notices": Notice.objects.count(),
    }


def expected(action: str, situation: str, persona: str) -> str | int:
    if situation not in ALLOWED[action]:
        return 409
    return "ok" if persona in ALLOWED[action][situation] else 403


def attempt(action: str, opinion: Opinion, person, people: dict) -> str | int:
    try:
        OPINION[action].run(opinion, by=person, seen=None, **PARAMS[action](people))
    except PermissionDenied:
        return 403
    except (TransitionNotAllowed, ActionRefusedError):
        return 409
    return "ok"


CELLS = [(a, s, p) for a in ALLOWED for s in SITUATIONS for p in EVERYONE]


@pytest.mark.parametrize(
    ("action", "situation", "persona"), CELLS, ids=["-".join(c) for c in CELLS]
)
@pytest.mark.django_db
def test_opinion_matrix(world, action, situation, persona):
    people, built = world
    opinion = built[situation]
    before = footprint(opinion)
    said = OPINION[action].rule(people[persona], Opinion.objects.get(pk=opinion.pk))

    outcome = attempt(action, opinion, people[persona], people)

    after = footprint(opinion)
    assert outcome == expected(action, situation, persona)
    if outcome != 409:
        assert said == (outcome == "ok")
    if outcome == "ok":
        assert after["state"] == LEADS_TO[action]
        assert after["audit"] == before["audit"] + 1
    else:
        assert after == before


def test_opinion_matrix_rows_are_the_tables_rows():
    assert set(ALLOWED) == set(OPINION.names()) == set(PARAMS)
    named = {p for cells in ALLOWED.values() for who in cells.values() for p in who}
    assert named <= set(EVERYONE)

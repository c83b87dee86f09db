"""The permission matrix of proposals: every persona × every action × every state, generated
from one table; every cell is a test case that asserts the exact outcome, and that a refused
action changed nothing.

How to read ALLOWED: for each action, the states where the action applies and, for each of
them, who may take it. Anybody else is refused with 403 (PermissionDenied); in a state that is
not listed everybody is refused with 409 (TransitionNotAllowed), the state being checked before
the person. (In views a person who cannot see the proposal gets 404 before any of this.)

The proposals, one in each state, are built once for the module (tests/workflow/states.py);
each cell runs in a savepoint rolled back after it, so every cell starts from the same world.
"""

import inspect
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django_fsm import TransitionNotAllowed

from directory.models import Body, Membership
from documents import services as documents_services
from documents import transitions
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from tests.factories import MembershipFactory, UserFactory, complete_content
from tests.workflow.states import PERSONAS, REFERENCE, SCORES, built_once
from workflow import audit
from workflow.models import Notice

State = Proposal.State
EDITABLE = set(Proposal.EDITABLE)
NOT_FINAL = set(State) - set(Proposal.FINAL)

AUTHORS = frozenset({"author", "coauthor"})
GROUP = frozenset({"expert", "chair", "wg_secretary"})  # of wg-pharma, the proposal's group
OFFICE = frozenset({"office"})
GOVERNANCE_RECORDERS = frozenset({"secretary", "governance_chair"})
GOVERNANCE = GOVERNANCE_RECORDERS | {"governance_member"}
NOBODY = frozenset()

ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "edit": dict.fromkeys(EDITABLE, AUTHORS),
    "submit": dict.fromkeys(EDITABLE, AUTHORS),
    "withdraw": dict.fromkeys(NOT_FINAL, frozenset({"author"})),
    "assign_experts": dict.fromkeys(
        [State.SUBMITTED, State.WG_REVIEW], frozenset({"chair", "wg_secretary"})
    ),
    "review": {State.WG_REVIEW: frozenset({"expert"})},
    "request_revision": {State.WG_REVIEW: frozenset({"chair"})},
    "approve_in_group": {State.WG_REVIEW: frozenset({"chair"})},
    "reject": {
        State.WG_REVIEW: frozenset({"chair"}),
        State.GOVERNANCE_REVIEW: GOVERNANCE_RECORDERS,
    },
    "send_to_governance": {State.WG_APPROVED: OFFICE},
    "governance_approve": {State.GOVERNANCE_REVIEW: GOVERNANCE_RECORDERS},
    "return_to_group": {State.GOVERNANCE_REVIEW: GOVERNANCE_RECORDERS},
    # Whoever sees the proposal and did not write it: nobody in draft; from submission on the
    # group and the programme office; before the governance body also the governance body.
    "declare_conflict": {
        State.DRAFT: NOBODY,
        State.SUBMITTED: GROUP | OFFICE,
        State.WG_REVIEW: GROUP | OFFICE,
        State.REVISION_REQUESTED: GROUP | OFFICE,
        State.WG_APPROVED: GROUP | OFFICE,
        State.GOVERNANCE_REVIEW: GROUP | OFFICE | GOVERNANCE,
    },
}

# The state an allowed action leads to (actions not listed leave the state as it was).
LEADS_TO: dict[str, dict[str, str]] = {
    "submit": {State.DRAFT: State.SUBMITTED, State.REVISION_REQUESTED: State.WG_REVIEW},
    "withdraw": dict.fromkeys(NOT_FINAL, State.WITHDRAWN),
    "assign_experts": {State.SUBMITTED: State.WG_REVIEW},
    "request_revision": {State.WG_REVIEW: State.REVISION_REQUESTED},
    "approve_in_group": {State.WG_REVIEW: State.WG_APPROVED},
    "reject": dict.fromkeys([State.WG_REVIEW, State.GOVERNANCE_REVIEW], State.REJECTED),
    "send_to_governance": {State.WG_APPROVED: State.GOVERNANCE_REVIEW},
    "governance_approve": {State.GOVERNANCE_REVIEW: State.APPROVED},
    "return_to_group": {State.GOVERNANCE_REVIEW: State.WG_REVIEW},
}


# action -> the service it calls, and its arguments besides proposal_id and by: valid ones, so
# that only the state or the person can be the reason of a refusal
ACTIONS: dict[str, tuple[Callable, Callable[[Proposal, dict], dict]]] = {
    "edit": (
        documents_services.proposal_update,
        lambda p, people: {
            "content": complete_content(p, summary="Изменённое резюме"),
            "seen_revision": p.revision,
        },
    ),
    "submit": (transitions.proposal_submit, lambda p, people: {}),
    "withdraw": (transitions.proposal_withdraw, lambda p, people: {"reason": "Передумали"}),
    "assign_experts": (
        transitions.proposal_assign_experts,
        lambda p, people: {"experts": [people["spare_expert"]]},
    ),
    "review": (
        transitions.proposal_review,
        lambda p, people: {"scores": SCORES, "recommendation": "revise", "comments": "Доработать"},
    ),
    "request_revision": (
        transitions.proposal_request_revision,
        lambda p, people: {"remarks": ["Обоснуйте рынок"]},
    ),
    "approve_in_group": (transitions.proposal_approve_in_group, lambda p, people: {}),
    "reject": (
        transitions.proposal_reject,
        lambda p, people: {"reason": "Нет средств", "reference": REFERENCE},
    ),
    "send_to_governance": (transitions.proposal_send_to_governance, lambda p, people: {}),
    "governance_approve": (
        transitions.proposal_governance_approve,
        lambda p, people: {"reference": REFERENCE},
    ),
    "return_to_group": (
        transitions.proposal_return_to_group,
        lambda p, people: {"reason": "Нужна оценка рынка", "reference": REFERENCE},
    ),
    "declare_conflict": (
        transitions.proposal_declare_conflict,
        lambda p, people: {"reason": "Консультирую заявителя"},
    ),
}


def expected(action: str, state: str, persona: str) -> str | int:
    if state not in ALLOWED[action]:
        return 409
    return "ok" if persona in ALLOWED[action][state] else 403


def attempt(action: str, proposal: Proposal, person, people: dict) -> str | int:
    service, arguments = ACTIONS[action]
    try:
        service(proposal_id=proposal.pk, by=person, **arguments(proposal, people))
    except PermissionDenied:
        return 403
    except (TransitionNotAllowed, ActionRefusedError):
        return 409
    return "ok"


def footprint(proposal: Proposal) -> dict:
    """Everything an action may change."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    return {
        "state": fresh.state,
        "revision": fresh.revision,
        "round": fresh.round,
        "summary": fresh.summary,
        "decision_reference": fresh.decision_reference,
        "audit entries": audit.history(fresh).count(),
        "versions": fresh.versions.count(),
        "assignments": fresh.assignments.count(),
        "reviews": fresh.reviews.count(),
        "remarks": fresh.remarks.count(),
        "conflicts": fresh.conflicts.count(),
        "user grants": fresh.proposaluserobjectpermission_set.count(),
        "group grants": fresh.proposalgroupobjectpermission_set.count(),
        "notices": Notice.objects.count(),
    }


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as world:
        yield world


CELLS = [(action, state, persona) for action in ALLOWED for state in State for persona in PERSONAS]


@pytest.mark.parametrize(
    ("action", "state", "persona"), CELLS, ids=["-".join(cell) for cell in CELLS]
)
@pytest.mark.django_db
def test_matrix(world, action, state, persona):
    proposal = world.proposals[state]
    before = footprint(proposal)

    outcome = attempt(action, proposal, world.people[persona], world.people)

    after = footprint(proposal)
    assert outcome == expected(action, state, persona)
    if outcome == "ok":
        assert after["state"] == LEADS_TO.get(action, {}).get(state, state)
        assert after["audit entries"] == before["audit entries"] + 1  # edits too
    else:
        assert after == before


def test_matrix_covers_every_workflow_service():
    workflow_actions = {
        function
        for name, function in inspect.getmembers(transitions, inspect.isfunction)
        if name.startswith("proposal_") and function.__module__ == transitions.__name__
    }

    assert workflow_actions <= {service for service, _ in ACTIONS.values()}
    assert set(ACTIONS) == set(ALLOWED)


def test_matrix_table_names_real_states_and_personas():
    named_states = {state for states in ALLOWED.values() for state in states}
    named_personas = {
        person for states in ALLOWED.values() for who in states.values() for person in who
    }

    assert named_states <= set(State)
    assert named_personas <= set(PERSONAS)
    assert set(LEADS_TO) <= set(ALLOWED)


@pytest.mark.django_db
def test_matrix_personas_are_every_person_of_the_world(world):
    helpers = set(world.people) - set(PERSONAS)

    assert helpers == {"second_expert", "third_expert", "spare_expert"}


# --- A conflicted chair, a deputy chair, a superuser ---------------------------------------
# The chair of wg-pharma declares a conflict on the proposal under review: the group's
# decisions (and assigning experts) pass to a deputy chair without a conflict or, where the
# group has none, to the programme office. Superuser status stands in for no role.
GROUP_DECISIONS = ["assign_experts", "request_revision", "approve_in_group", "reject"]
IN_PLACE_OF_CHAIR: dict[str, dict[str, frozenset[str]]] = {
    "with_deputy": dict.fromkeys(GROUP_DECISIONS, frozenset({"deputy"}))
    | {"assign_experts": frozenset({"deputy", "wg_secretary"})},
    "without_deputy": dict.fromkeys(GROUP_DECISIONS, OFFICE)
    | {"assign_experts": OFFICE | {"wg_secretary"}},
}
STAND_INS = ["chair", "deputy", "office", "superuser", "wg_secretary"]
CONFLICT_CELLS = [
    (group, action, persona)
    for group in IN_PLACE_OF_CHAIR
    for action in GROUP_DECISIONS
    for persona in STAND_INS
    if not (group == "without_deputy" and persona == "deputy")
]


@pytest.mark.parametrize(
    ("group", "action", "persona"), CONFLICT_CELLS, ids=["-".join(c) for c in CONFLICT_CELLS]
)
@pytest.mark.django_db
def test_matrix_of_a_conflicted_chair(world, group, action, persona):
    proposal = world.proposals[State.WG_REVIEW]
    people = dict(world.people)
    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=people["chair"], reason="Консультирую заявителя"
    )
    people["superuser"] = UserFactory(username="root", is_superuser=True, is_staff=True)
    if group == "with_deputy":
        people["deputy"] = MembershipFactory(
            body=Body.objects.get(code="wg-pharma"),
            role=Membership.Role.DEPUTY_CHAIR,
            user__username="deputy",
        ).user
    before = footprint(proposal)

    outcome = attempt(action, proposal, people[persona], people)

    after = footprint(proposal)
    assert outcome == ("ok" if persona in IN_PLACE_OF_CHAIR[group][action] else 403)
    if outcome == "ok":
        assert after["audit entries"] == before["audit entries"] + 1
    else:
        assert after == before

"""The permission matrix of proposals: every persona × every action × every state, generated
from one table; every cell is a test case that asserts the exact outcome, and that a refused
action changed nothing. Each action but editing (a service of its own) is a row of the
proposal's transition table (documents/actions.py PROPOSAL), run as the pages and the API run
it; where it runs or is refused with 403, the row's rule says the same.

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
from documents import moves, transitions
from documents import services as documents_services
from documents.actions import PROPOSAL
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from tests.factories import MembershipFactory, UserFactory, complete_content
from tests.workflow.states import PERSONAS, REFERENCE, SCORES, built_once, original_number
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
    "move_to_group": dict.fromkeys(Proposal.MOVABLE, OFFICE),
    "mark_duplicate": dict.fromkeys(Proposal.MAY_BE_DUPLICATE, OFFICE),
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
    "move_to_group": dict.fromkeys(Proposal.MOVABLE, State.SUBMITTED),
    "mark_duplicate": dict.fromkeys(Proposal.MAY_BE_DUPLICATE, State.DUPLICATE),
}


# The table's rows run as the API and the pages run them, with arguments named as the row's
# params: valid ones, so that only the state or the person can be the reason of a refusal (the
# API's bodies are these, with people by user name: tests/api/test_matrix.py).
PARAMS: dict[str, Callable[[dict], dict]] = {
    "submit": lambda people: {},
    "withdraw": lambda people: {"comment": "Передумали"},
    "assign_experts": lambda people: {"experts": [people["spare_expert"]]},
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
    "return_to_group": lambda people: {"comment": "Нужна оценка рынка", "reference": REFERENCE},
    "declare_conflict": lambda people: {"comment": "Консультирую заявителя"},
    "move_to_group": lambda people: {
        "group": Body.objects.get(code="wg-ecology"),
        "comment": "Проект об утилизации отходов",
    },
    "mark_duplicate": lambda people: {"original": original_number(), "comment": "Повтор"},
}


def edit(proposal: Proposal, by) -> None:
    """Editing is a service of its own, not a transition."""
    documents_services.proposal_update(
        proposal_id=proposal.pk,
        by=by,
        content=complete_content(proposal, summary="Изменённое резюме"),
        seen_edition=proposal.edition,
    )


def expected(action: str, state: str, persona: str) -> str | int:
    if state not in ALLOWED[action]:
        return 409
    return "ok" if persona in ALLOWED[action][state] else 403


def attempt(action: str, proposal: Proposal, person, people: dict) -> str | int:
    try:
        if action == "edit":
            edit(proposal, person)
        else:
            PROPOSAL[action].run(proposal, by=person, seen=None, **PARAMS[action](people))
    except PermissionDenied:
        return 403
    except (TransitionNotAllowed, ActionRefusedError):
        return 409
    return "ok"


def rule_says(action: str, proposal: Proposal, person) -> bool | None:
    """What the table's row's rule says of this person and the proposal as it is now (None for
    edit, which has no row). The rule is what the service enforces: asked before the attempt,
    it is True exactly where the attempt runs and False where it is refused with 403."""
    if action == "edit":
        return None
    return PROPOSAL[action].rule(person, Proposal.objects.get(pk=proposal.pk))


def assert_rule_agrees(said: bool | None, outcome: str | int) -> None:
    if said is not None and outcome != 409:
        assert said == (outcome == "ok"), f"the rule says {said}, the service {outcome}"


def footprint(proposal: Proposal) -> dict:
    """Everything an action may change."""
    fresh = Proposal.objects.get(pk=proposal.pk)
    return {
        "state": fresh.state,
        "edition": fresh.edition,
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
        "group": fresh.group_id,
        "duplicate of": fresh.duplicate_of_id,
        "open assignments": fresh.assignments.filter(ended_at=None).count(),
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
    person = world.people[persona]
    before = footprint(proposal)
    said = rule_says(action, proposal, person)

    outcome = attempt(action, proposal, person, world.people)

    after = footprint(proposal)
    assert outcome == expected(action, state, persona)
    assert_rule_agrees(said, outcome)
    if outcome == "ok":
        assert after["state"] == LEADS_TO.get(action, {}).get(state, state)
        assert after["audit entries"] == before["audit entries"] + 1  # edits too
    else:
        assert after == before


@pytest.mark.django_db
def test_matrix_actions_are_the_tables_rows_and_edit(world):
    assert set(ALLOWED) == {*PROPOSAL.names(), "edit"}
    assert set(PARAMS) == set(PROPOSAL.names())
    for row in PROPOSAL:
        given = set(PARAMS[row.name]({"spare_expert": None}))
        assert {p.name for p in row.params if p.required} <= given <= set(row.needs), row.name


def test_every_workflow_service_is_run_by_a_row():
    """Each `proposal_*` service of documents/transitions.py and documents/moves.py is called
    by some row's `run`: the names a row's lambda calls are in its code object (`co_names`)."""
    services = {
        name
        for module in (transitions, moves)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith("proposal_") and function.__module__ == module.__name__
    }
    called = {name for row in PROPOSAL for name in row.run.__code__.co_names}

    assert services <= called
    assert services  # the services are still where this test looks


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
    said = rule_says(action, proposal, people[persona])

    outcome = attempt(action, proposal, people[persona], people)

    after = footprint(proposal)
    assert outcome == ("ok" if persona in IN_PLACE_OF_CHAIR[group][action] else 403)
    assert_rule_agrees(said, outcome)
    if outcome == "ok":
        assert after["audit entries"] == before["audit entries"] + 1
    else:
        assert after == before

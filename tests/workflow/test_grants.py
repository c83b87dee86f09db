"""Object permissions follow the proposal's state and people (workflow/grants.py): who may
view, change and review it in each state, and the read path (visible_proposals) agrees."""

import pytest

from documents import rules, transitions
from documents.models import Proposal
from documents.selectors import visible_proposals
from documents.services import proposal_set_coauthors
from tests.workflow.states import PERSONAS, REFERENCE, built_once

State = Proposal.State

AUTHORS = frozenset({"author", "coauthor"})
GROUP = frozenset({"expert", "chair", "wg_secretary"})  # of wg-pharma, the proposal's group
OFFICE = frozenset({"office"})
GOVERNANCE = frozenset({"secretary", "governance_chair", "governance_member"})
SUBMITTED = AUTHORS | GROUP | OFFICE

# state -> who holds each permission on a proposal in that state. The REJECTED proposal here was
# rejected by the group, so the governance body never saw it; see the tests further down.
VIEW = {
    State.DRAFT: AUTHORS,
    State.SUBMITTED: SUBMITTED,
    State.WG_REVIEW: SUBMITTED,
    State.REVISION_REQUESTED: SUBMITTED,
    State.WG_APPROVED: SUBMITTED,
    State.GOVERNANCE_REVIEW: SUBMITTED | GOVERNANCE,
    State.APPROVED: SUBMITTED | GOVERNANCE | {"observer"},
    State.REJECTED: SUBMITTED,
    State.WITHDRAWN: SUBMITTED,
    State.DUPLICATE: SUBMITTED,
}
CHANGE = {State.DRAFT: AUTHORS, State.REVISION_REQUESTED: AUTHORS}
# the assigned expert, while the proposal is not final (it is assigned from wg_review on)
REVIEW = dict.fromkeys(
    [State.WG_REVIEW, State.REVISION_REQUESTED, State.WG_APPROVED, State.GOVERNANCE_REVIEW],
    frozenset({"expert"}),
)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as world:
        yield world


def grants(person, proposal: Proposal) -> dict[str, bool]:
    return {
        "view": person.has_perm("documents.view_proposal", proposal),
        "change": person.has_perm("documents.change_proposal", proposal),
        "review": person.has_perm("documents.review_proposal", proposal),
        "listed": visible_proposals(person).filter(pk=proposal.pk).exists(),
    }


CELLS = [(state, persona) for state in State for persona in PERSONAS]


@pytest.mark.parametrize(("state", "persona"), CELLS, ids=["-".join(cell) for cell in CELLS])
@pytest.mark.django_db
def test_grants(world, state, persona):
    proposal = world.proposals[state]

    held = grants(world.people[persona], proposal)

    assert held == {
        "view": persona in VIEW[state],
        "change": persona in CHANGE.get(state, ()),
        "review": persona in REVIEW.get(state, ()),
        "listed": persona in VIEW[state],
    }


@pytest.mark.django_db
def test_grants_other_experts_of_the_group_see_but_do_not_review(world):
    proposal = world.proposals[State.WG_REVIEW]
    spare = world.people["spare_expert"]

    assert grants(spare, proposal) == {
        "view": True,
        "change": False,
        "review": False,
        "listed": True,
    }


@pytest.mark.django_db
def test_grants_rejection_by_the_governance_body_stays_visible_to_it(world):
    people = world.people
    proposal = world.proposals[State.GOVERNANCE_REVIEW]

    transitions.proposal_reject(
        proposal_id=proposal.pk, by=people["secretary"], reason="Нет средств", reference=REFERENCE
    )

    proposal.refresh_from_db()
    assert grants(people["governance_member"], proposal)["view"]
    assert not grants(people["observer"], proposal)["view"]
    assert not grants(people["expert"], proposal)["review"]


@pytest.mark.django_db
def test_grants_governance_keeps_the_view_of_a_proposal_it_returned_to_the_group(world):
    people = world.people
    proposal = world.proposals[State.GOVERNANCE_REVIEW]

    transitions.proposal_return_to_group(
        proposal_id=proposal.pk,
        by=people["secretary"],
        reason="Уточнить бюджет",
        reference=REFERENCE,
    )

    proposal.refresh_from_db()
    assert proposal.state == State.WG_REVIEW
    assert grants(people["governance_member"], proposal)["view"]
    assert grants(people["chair"], proposal)["view"]


@pytest.mark.django_db
def test_grants_group_rejection_with_a_reference_is_not_shown_to_the_governance_body(world):
    people = world.people
    proposal = world.proposals[State.WG_REVIEW]

    transitions.proposal_reject(
        proposal_id=proposal.pk, by=people["chair"], reason="Вне приоритетов", reference=REFERENCE
    )

    proposal.refresh_from_db()
    assert proposal.state == State.REJECTED
    assert not grants(people["governance_member"], proposal)["view"]


@pytest.mark.django_db
def test_grants_review_revoked_on_conflict_declaration(world):
    people = world.people
    proposal = world.proposals[State.WG_REVIEW]

    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=people["expert"], reason="Консультирую заявителя"
    )

    assert grants(people["expert"], proposal) == {
        "view": True,
        "change": False,
        "review": False,
        "listed": True,
    }
    assert not rules.can_review_proposal(people["expert"], proposal)
    assert grants(people["second_expert"], proposal)["review"]


@pytest.mark.django_db
def test_grants_conflict_of_the_chair_removes_the_chair_from_decisions(world):
    people = world.people
    proposal = world.proposals[State.WG_REVIEW]

    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=people["chair"], reason="Бывший сотрудник заявителя"
    )

    assert grants(people["chair"], proposal)["view"]
    assert not rules.can_decide_in_group(people["chair"], proposal)
    assert not rules.can_assign_experts(people["chair"], proposal)


@pytest.mark.django_db
def test_grants_review_and_change_revoked_on_withdrawal(world):
    people = world.people
    proposal = world.proposals[State.REVISION_REQUESTED]
    before = grants(people["expert"], proposal)["review"], grants(people["author"], proposal)

    transitions.proposal_withdraw(proposal_id=proposal.pk, by=people["author"])

    assert before == (True, {"view": True, "change": True, "review": False, "listed": True})
    assert not grants(people["expert"], proposal)["review"]
    assert grants(people["author"], proposal) == {
        "view": True,
        "change": False,
        "review": False,
        "listed": True,
    }


@pytest.mark.django_db
def test_grants_follow_the_coauthors(world):
    people = world.people
    proposal = world.proposals[State.DRAFT]

    proposal_set_coauthors(proposal_id=proposal.pk, by=people["author"], coauthors=[])

    assert not grants(people["coauthor"], proposal)["view"]
    assert not grants(people["coauthor"], proposal)["change"]
    assert grants(people["author"], proposal)["change"]

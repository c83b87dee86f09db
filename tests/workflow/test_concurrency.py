"""Two people acting on one proposal at the same moment, and forms drawn before a change.

The races run on PostgreSQL (row locks are real there); each thread has its own connection.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django_fsm import TransitionNotAllowed

from directory.models import Membership
from documents import transitions
from documents.models import Proposal
from documents.services import proposal_update
from mbk.exceptions import StaleObjectError
from tests.conftest import unavailable
from tests.factories import MembershipFactory, complete_content
from tests.workflow.states import proposal_in, with_reviewers
from workflow import audit

State = Proposal.State


@pytest.fixture
def people(cluster, author, coauthor, chair, expert, office, secretary):
    wg_secretary = MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.SECRETARY, user__username="wg-secretary"
    ).user
    return with_reviewers(
        cluster,
        author=author,
        coauthor=coauthor,
        chair=chair,
        expert=expert,
        office=office,
        secretary=secretary,
        wg_secretary=wg_secretary,
    )


def approve(proposal_id, by):
    return transitions.proposal_approve_in_group(proposal_id=proposal_id, by=by)


def reject(proposal_id, by):
    return transitions.proposal_reject(proposal_id=proposal_id, by=by, reason="Нет средств")


def at_the_same_moment(*calls) -> list:
    """Run each call in its own thread (its own connection), all released together. The
    winner keeps its transaction open a moment, so the others queue on the row lock."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(n, call):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                call()
                time.sleep(0.3)
            outcomes[n] = "ok"
        except Exception as refused:  # kept to be asserted on in the test's own thread
            outcomes[n] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second"),
    [(approve, approve), (approve, reject), (reject, reject)],
    ids=["approve-approve", "approve-reject", "reject-reject"],
)
def test_two_decisions_at_once_exactly_one_wins(people, first, second):
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    proposal = proposal_in(State.WG_REVIEW, people)
    entries = audit.history(proposal).count()
    chair = people["chair"]

    outcomes = at_the_same_moment(
        lambda: first(proposal.pk, chair), lambda: second(proposal.pk, chair)
    )

    proposal.refresh_from_db()
    assert outcomes.count("ok") == 1
    assert [type(outcome) for outcome in outcomes if outcome != "ok"] == [TransitionNotAllowed]
    winner = (first, second)[outcomes.index("ok")]
    assert proposal.state == {approve: State.WG_APPROVED, reject: State.REJECTED}[winner]
    assert audit.history(proposal).count() == entries + 1
    assert audit.verify()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_governance_decisions_at_once_exactly_one_wins(people, cluster):
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    council_chair = MembershipFactory(
        body=cluster["council"], role=Membership.Role.CHAIR, user__username="council-chair"
    ).user
    proposal = proposal_in(State.GOVERNANCE_REVIEW, people)
    entries = audit.history(proposal).count()

    outcomes = at_the_same_moment(
        lambda: transitions.proposal_governance_approve(
            proposal_id=proposal.pk, by=people["secretary"], reference="№ 4"
        ),
        lambda: transitions.proposal_return_to_group(
            proposal_id=proposal.pk, by=council_chair, reason="Нужна оценка рынка"
        ),
    )

    proposal.refresh_from_db()
    assert outcomes.count("ok") == 1
    assert [type(outcome) for outcome in outcomes if outcome != "ok"] == [TransitionNotAllowed]
    assert proposal.state == (State.APPROVED, State.WG_REVIEW)[outcomes.index("ok")]
    assert audit.history(proposal).count() == entries + 1
    assert audit.verify()[1] is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_conflicting_transitions_at_once_exactly_one_wins(people):
    """25 approvals and 25 rejections of one proposal released together, each from a page
    drawn at the same revision: one wins; the other 49 are refused (the state moved, or the
    revision they saw is no longer the proposal's); one audit entry, the chain intact."""
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    proposal = proposal_in(State.WG_REVIEW, people)
    entries = audit.history(proposal).count()
    chair, seen = people["chair"], proposal.edition

    def decide(n):
        if n % 2:
            return lambda: transitions.proposal_reject(
                proposal_id=proposal.pk, by=chair, reason=f"Отказ {n}", seen_edition=seen
            )
        return lambda: transitions.proposal_approve_in_group(
            proposal_id=proposal.pk, by=chair, note=f"Одобрение {n}", seen_edition=seen
        )

    outcomes = at_the_same_moment(*(decide(n) for n in range(50)))

    proposal.refresh_from_db()
    assert outcomes.count("ok") == 1
    refusals = {type(outcome) for outcome in outcomes if outcome != "ok"}
    assert refusals <= {StaleObjectError, TransitionNotAllowed}
    assert len([o for o in outcomes if o != "ok"]) == 49
    winner = outcomes.index("ok")
    assert proposal.state == (State.REJECTED if winner % 2 else State.WG_APPROVED)
    assert proposal.edition == seen + 1
    history = list(audit.history(proposal))
    assert len(history) == entries + 1
    assert [entry.sequence for entry in history] == list(range(1, len(history) + 1))
    assert audit.verify()[1] is None


# --- Stale forms (any database) ------------------------------------------------------------
@pytest.mark.django_db
def test_edit_from_a_stale_form_is_refused_and_changes_nothing(people):
    proposal = proposal_in(State.DRAFT, people)
    seen = proposal.edition
    proposal_update(
        proposal_id=proposal.pk,
        by=people["coauthor"],
        content=complete_content(proposal, summary="Версия соавтора"),
        seen_edition=seen,
    )
    proposal.refresh_from_db()
    entries = audit.history(proposal).count()

    with pytest.raises(StaleObjectError):
        proposal_update(
            proposal_id=proposal.pk,
            by=people["author"],
            content=complete_content(proposal, summary="Версия автора"),
            seen_edition=seen,
        )

    fresh = Proposal.objects.get(pk=proposal.pk)
    assert (fresh.summary, fresh.edition) == ("Версия соавтора", seen + 1)
    assert audit.history(fresh).count() == entries


@pytest.mark.django_db
def test_decision_from_a_stale_page_is_refused_and_changes_nothing(people, cluster):
    proposal = proposal_in(State.WG_REVIEW, people)
    seen = proposal.edition  # the chair opens the decision page...
    newcomer = MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.EXPERT, user__username="expert4"
    ).user
    transitions.proposal_assign_experts(  # ...meanwhile the secretary assigns one more expert
        proposal_id=proposal.pk, by=people["wg_secretary"], experts=[newcomer]
    )
    proposal.refresh_from_db()
    before = (proposal.state, proposal.edition, audit.history(proposal).count())

    with pytest.raises(StaleObjectError):
        transitions.proposal_approve_in_group(
            proposal_id=proposal.pk, by=people["chair"], seen_edition=seen
        )

    proposal.refresh_from_db()
    assert (proposal.state, proposal.edition, audit.history(proposal).count()) == before

"""The lists of proposals: what each person sees, at a cost that does not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import selectors
from documents.models import Proposal
from tests.factories import CallFactory
from tests.workflow.states import proposal_in, with_reviewers

State = Proposal.State


@pytest.fixture
def people(cluster, author, coauthor, chair, expert, office, secretary):
    return with_reviewers(
        cluster,
        author=author,
        coauthor=coauthor,
        chair=chair,
        expert=expert,
        office=office,
        secretary=secretary,
    )


@pytest.fixture
def call(people):
    return CallFactory()


def listing(make_list) -> tuple[int, list[tuple]]:
    """The queries it takes to build a list and read what its page shows of each row."""
    with CaptureQueriesContext(connection) as queries:
        rows = [
            (
                p.title,
                p.organisation.name,
                p.direction.name,
                p.get_state_display(),
                p.call.title,
                p.group.name,
                p.author.get_full_name(),
            )
            for p in make_list()
        ]
    return len(queries), rows


LISTS = {
    "my_proposals": (State.DRAFT, lambda people: selectors.my_proposals(people["author"])),
    "my_proposals-coauthor": (
        State.REVISION_REQUESTED,
        lambda people: selectors.my_proposals(people["coauthor"]),
    ),
    "group_inbox": (State.SUBMITTED, lambda people: selectors.group_inbox(people["chair"])[0]),
    "assigned_to": (State.WG_REVIEW, lambda people: selectors.assigned_to(people["expert"])),
    "governance_queue": (
        State.GOVERNANCE_REVIEW,
        lambda people: selectors.governance_queue(people["secretary"]),
    ),
    "governance_queue-office": (
        State.WG_APPROVED,
        lambda people: selectors.governance_queue(people["office"]),
    ),
}


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.django_db
def test_list_query_count_is_the_same_for_1_and_6_proposals(people, call, name):
    state, make_list = LISTS[name]
    proposal_in(state, people, call=call, title="Заявка 1")
    one = listing(lambda: make_list(people))
    for n in range(2, 7):  # five more: a query per row would show as five more queries
        proposal_in(state, people, call=call, title=f"Заявка {n}")

    six = listing(lambda: make_list(people))

    assert len(one[1]) == 1
    assert len(six[1]) == 6
    assert six[0] == one[0]


@pytest.mark.django_db
def test_group_inbox_counts_by_state_and_leaves_out_drafts(people, call, other_chair):
    for state in [State.DRAFT, State.SUBMITTED, State.SUBMITTED, State.WG_REVIEW, State.APPROVED]:
        proposal_in(state, people, call=call)

    listed, counts = selectors.group_inbox(people["chair"])
    _, other_group_counts = selectors.group_inbox(other_chair)

    assert counts == {State.SUBMITTED: 2, State.WG_REVIEW: 1, State.APPROVED: 1}
    assert sorted(p.state for p in listed) == sorted(
        [State.SUBMITTED, State.SUBMITTED, State.WG_REVIEW, State.APPROVED]
    )
    assert other_group_counts == {}
    assert list(selectors.group_inbox(people["chair"], State.WG_REVIEW)[0]) == [
        p for p in listed if p.state == State.WG_REVIEW
    ]


@pytest.mark.django_db
def test_my_proposals_lists_each_once_for_author_and_coauthor(people, call, other_author):
    mine = [proposal_in(State.DRAFT, people, call=call, title=f"Моя {n}") for n in range(3)]

    assert set(selectors.my_proposals(people["author"])) == set(mine)
    assert len(selectors.my_proposals(people["coauthor"])) == 3
    assert list(selectors.my_proposals(other_author)) == []


@pytest.mark.django_db
def test_assigned_to_lists_only_proposals_in_review(people, call):
    in_review = proposal_in(State.WG_REVIEW, people, call=call)
    for state in [State.REVISION_REQUESTED, State.WG_APPROVED, State.WITHDRAWN]:
        proposal_in(state, people, call=call)

    assert list(selectors.assigned_to(people["expert"])) == [in_review]


@pytest.mark.django_db
def test_governance_queue_shows_the_body_only_what_was_sent_to_it(people, call, observer):
    group_approved = proposal_in(State.WG_APPROVED, people, call=call)
    before_governance = proposal_in(State.GOVERNANCE_REVIEW, people, call=call)

    assert list(selectors.governance_queue(people["secretary"])) == [before_governance]
    assert set(selectors.governance_queue(people["office"])) == {
        group_approved,
        before_governance,
    }
    assert list(selectors.governance_queue(observer)) == []

"""Every list page costs the same number of queries whatever its rows: built with three
proposals (a row in each list), then twelve more in varied shapes (every state, more
co-authors, reviews, meetings, notices, the office's messages and e-mails), each page makes
the same queries. DESIGN.md: lists are built by one query whose cost does not grow with rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents import outbox
from documents.grants import sync_proposal_permissions
from documents.models import OutboxMessage, Proposal
from meetings import services as meeting_services
from tests.factories import CallFactory, UserFactory
from tests.meetings.test_services import day_at
from tests.workflow.states import make_people, proposal_in
from workflow.models import MailRecord, Notice

State = Proposal.State
VISIBILITY = "documents_proposaluserobjectpermission"  # the table visible_proposals() reads

# (persona, URL name, its arguments, the query string)
PAGES = {
    "group inbox": ("chair", "documents:group-inbox", [], {}),
    "group inbox, one state": ("chair", "documents:group-inbox", [], {"state": "wg_review"}),
    "my proposals": ("author", "documents:my-proposals", [], {}),
    "my proposals, co-author": ("coauthor", "documents:my-proposals", [], {}),
    "assigned to the expert": ("expert", "documents:assigned", [], {}),
    "governance queue": ("office", "documents:governance-queue", [], {}),
    "register": ("office", "documents:register", [], {}),
    "review dashboard": ("chair", "documents:review-dashboard", ["wg-pharma"], {}),
    "search": ("chair", "documents:search", [], {"q": "заявка"}),
    "meetings": ("secretary", "meetings:list", [], {}),
    "my notices": ("author", "workflow:notices", [], {}),
    "outbox": ("office", "documents:outbox", [], {}),
    "sent e-mails": ("office", "documents:mail-list", [], {}),
}
# The first proposals: a row in every list, and a step due from each persona (whose due dates
# read the working calendar, one query when some row has one).
FIRST = [State.WG_REVIEW, State.WG_APPROVED, State.REVISION_REQUESTED]
# The twelve more proposals: every state, some with more co-authors.
MORE = [
    State.SUBMITTED,
    State.WG_REVIEW,
    State.REVISION_REQUESTED,
    State.WG_APPROVED,
    State.GOVERNANCE_REVIEW,
    State.APPROVED,
    State.REJECTED,
    State.WITHDRAWN,
    State.DRAFT,
    State.WG_REVIEW,
    State.SUBMITTED,
    State.WG_APPROVED,
]


@pytest.fixture
def people(db):
    return make_people()


def add_rows(people, call, states, first: int) -> None:
    """Proposals in `states`, and as many meetings, notices, messages and e-mails."""
    for n, state in enumerate(states, start=first):
        proposal = proposal_in(state, people, call=call, title=f"Заявка {n}")
        if n % 3 == 0:
            proposal.coauthors.add(*(UserFactory() for _ in range(n % 4 + 1)))
            sync_proposal_permissions(proposal)
        meeting_services.meeting_plan(
            body_id=people["secretary"].memberships.get().body_id,
            by=people["secretary"],
            starts_at=day_at(days=n),
            place=f"Зал {n}",
        )
        notice = Notice.objects.create(
            recipient=people["author"], text=f"Уведомление {n}", url="/", kind="submitted"
        )
        if n % 2:
            MailRecord.objects.create(
                notice=notice,
                recipient=people["author"],
                address="author@example.org",
                subject=f"Письмо {n}",
                status=MailRecord.Status.SENT if n % 4 else MailRecord.Status.FAILED,
            )
        outbox.message_compose(
            by=people["office"],
            audience_kind=OutboxMessage.Audience.CALL_AUTHORS,
            subject_ru=f"Сообщение {n}",
            body_ru="Текст",
            call_id=call.pk,
            states=[State.SUBMITTED, State.WG_REVIEW],
        )


def rows_shown(response) -> int:
    context = response.context
    if "page" in context:
        return len(context["page"].object_list)
    if "hits" in context:
        return len(context["hits"])
    return len(context["proposals"])


def measure(client, people, call) -> dict[str, tuple[int, int]]:
    """Each page: (its queries, the rows it shows); after one request that warms caches."""
    measured = {}
    for name, (persona, url_name, args, params) in PAGES.items():
        client.force_login(people[persona])
        url = reverse(url_name, args=args)
        params = {"call": call.pk, **params} if url_name == "documents:register" else params
        assert client.get(url, params).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, name
        measured[name] = (len(queries), rows_shown(response))
    return measured


@pytest.mark.django_db
def test_every_list_page_costs_the_same_queries_for_3_and_15_rows(client, people):
    call = CallFactory()
    add_rows(people, call, FIRST, first=1)
    first = measure(client, people, call)

    add_rows(people, call, MORE, first=len(FIRST) + 1)
    more = measure(client, people, call)

    assert {name: queries for name, (queries, _) in more.items()} == {
        name: queries for name, (queries, _) in first.items()
    }
    assert [name for name in PAGES if first[name][1] == 0] == []
    assert [name for name in PAGES if more[name][1] <= first[name][1]] == []


@pytest.mark.django_db
def test_inbox_runs_the_visibility_filter_twice_counts_and_page(client, people, monkeypatch):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    call = CallFactory()
    for n, state in enumerate([State.SUBMITTED, State.WG_REVIEW, State.SUBMITTED]):
        proposal_in(state, people, call=call, title=f"Заявка {n}")
    client.force_login(people["chair"])

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("documents:group-inbox"))
    filtered = sum(VISIBILITY in query["sql"] for query in queries)  # before the next request
    second = client.get(reverse("documents:group-inbox"), {"page": 2})
    one_state = client.get(reverse("documents:group-inbox"), {"state": "submitted"})

    assert filtered == 2
    assert (response.context["page"].paginator.count, len(response.context["proposals"])) == (3, 2)
    assert len(second.context["proposals"]) == 1
    assert (one_state.context["page"].paginator.count, len(one_state.context["proposals"])) == (
        2,
        2,
    )
    assert one_state.context["page"].paginator.num_pages == 1


@pytest.mark.django_db
def test_inbox_of_a_state_without_proposals_shows_its_empty_tab(client, people):
    proposal_in(State.SUBMITTED, people, call=CallFactory())
    client.force_login(people["chair"])

    response = client.get(reverse("documents:group-inbox"), {"state": "wg_approved"})

    assert response.status_code == 200
    assert [(tab.state, tab.count, tab.active) for tab in response.context["tabs"]] == [
        (State.SUBMITTED, 1, False),
        (State.WG_APPROVED, 0, True),
    ]
    assert response.context["page"].paginator.count == 0

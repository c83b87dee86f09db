"""The home page's panels and the navigation bar: each person sees what waits for them, and
the cost of the page does not grow with the number of proposals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Membership
from documents import review_dashboard, transitions
from documents.models import Proposal
from tests.factories import MembershipFactory, draft_proposal
from workflow.models import Notice

State = Proposal.State
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def second_expert(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.EXPERT, user__username="expert2"
    ).user


def submit(author, title: str) -> Proposal:
    draft = draft_proposal(author, title=title)
    return transitions.proposal_submit(proposal_id=draft.pk, by=author)


@pytest.fixture
def proposals(author, chair, expert, second_expert, office, secretary):
    """A draft, one proposal in review with an expert, one approved by the governance body."""
    draft = draft_proposal(author, title="Черновик")
    in_review = submit(author, "На экспертизе")
    transitions.proposal_assign_experts(proposal_id=in_review.pk, by=chair, experts=[expert])
    approved = submit(author, "Утверждённый")
    transitions.proposal_assign_experts(
        proposal_id=approved.pk, by=chair, experts=[expert, second_expert]
    )
    for person in (expert, second_expert):
        transitions.proposal_review(
            proposal_id=approved.pk,
            by=person,
            scores=SCORES,
            recommendation="approve",
            comments="Поддерживаю.",
        )
    transitions.proposal_approve_in_group(proposal_id=approved.pk, by=chair)
    transitions.proposal_send_to_governance(proposal_id=approved.pk, by=office)
    transitions.proposal_governance_approve(
        proposal_id=approved.pk, by=secretary, reference="№ 4 от 15.12.2026"
    )
    return {"draft": draft, "in_review": in_review, "approved": approved}


def panels_of(client, user) -> dict[str, list]:
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return {
        str(panel.title): [str(item) for item in panel.items]
        for panel in response.context["panels"]
    }


@pytest.mark.django_db
def test_home_of_the_author(client, proposals, author):
    panels = panels_of(client, author)

    assert panels == {"My proposals": ["Утверждённый", "На экспертизе", "Черновик"]}


@pytest.mark.django_db
def test_home_of_the_expert(client, proposals, expert):
    panels = panels_of(client, expert)

    assert panels["Proposals assigned to me"] == ["На экспертизе"]
    assert panels["Proposals in my working group"] == ["На экспертизе"]


@pytest.mark.django_db
def test_home_of_the_expert_says_whether_the_review_is_in(client, proposals, expert):
    transitions.proposal_review(
        proposal_id=proposals["in_review"].pk,
        by=expert,
        scores=SCORES,
        recommendation="revise",
        comments="Уточнить план.",
    )
    client.force_login(expert)

    html = client.get("/").content.decode()

    assert "Review submitted" in html
    assert "Awaits your review" not in html


@pytest.mark.django_db
def test_home_of_the_chair_counts_the_groups_proposals_by_state(client, proposals, chair):
    client.force_login(chair)

    response = client.get("/")

    inbox = next(p for p in response.context["panels"] if p.link_name == "documents:group-inbox")
    assert [str(item) for item in inbox.items] == ["На экспертизе"]
    assert [(tab.state, tab.count) for tab in inbox.tabs] == [("wg_review", 1), ("approved", 1)]
    assert 'href="/inbox/?state=approved"' in response.content.decode()


@pytest.mark.django_db
def test_home_of_the_other_groups_chair_is_empty(client, proposals, other_chair):
    panels = panels_of(client, other_chair)

    assert panels["Proposals in my working group"] == []


@pytest.mark.django_db
def test_home_of_the_programme_office(client, proposals, office, proposed_organisation):
    panels = panels_of(client, office)

    assert panels == {
        "The call at a glance": [],
        "My proposals": [],
        "Review dashboards": [str(group) for group in review_dashboard.dashboard_groups(office)],
        "Awaiting the governance body's decision": [],
        "Organisations awaiting confirmation": [proposed_organisation.name_en],
        "People asking to join an organisation": [],
    }


@pytest.mark.django_db
def test_home_of_the_governance_secretary(
    client, author, chair, expert, second_expert, office, secretary
):
    proposal = submit(author, "На совете")
    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=chair, experts=[expert, second_expert]
    )
    for person in (expert, second_expert):
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=person,
            scores=SCORES,
            recommendation="approve",
            comments="Да",
        )
    transitions.proposal_approve_in_group(proposal_id=proposal.pk, by=chair)
    office_panels = panels_of(client, office)
    transitions.proposal_send_to_governance(proposal_id=proposal.pk, by=office)

    panels = panels_of(client, secretary)

    assert office_panels["Awaiting the governance body's decision"] == ["На совете"]
    assert panels["Awaiting the governance body's decision"] == ["На совете"]
    assert panels["Meetings I prepare"] == []


@pytest.mark.django_db
def test_home_of_the_secretary_lists_the_meetings_being_prepared(client, secretary, cluster):
    from meetings import services as meeting_services
    from tests.meetings.test_services import day_at

    meeting = meeting_services.meeting_plan(
        body_id=cluster["council"].pk, by=secretary, starts_at=day_at(days=7), place="Зал"
    )

    panels = panels_of(client, secretary)

    assert panels["Meetings I prepare"] == [str(meeting)]


@pytest.mark.django_db
def test_home_of_the_observer_shows_approved_proposals_only(client, proposals, observer):
    panels = panels_of(client, observer)

    assert panels == {"The development programme": [], "Approved documents": ["Утверждённый"]}


@pytest.mark.django_db
def test_home_of_an_outsider_has_no_panels(client, proposals, outsider):
    client.force_login(outsider)

    response = client.get("/")

    assert response.context["panels"] == []
    assert "No role has been given to you yet." in response.content.decode()


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["author", "chair", "expert", "office", "observer"])
@pytest.mark.django_db
def test_home_query_count_is_the_same_for_1_and_6_proposals(
    client, request, persona, author, chair, expert, office, secretary
):
    def add_proposal(n: int) -> None:
        proposal = submit(author, f"Проект {n}")
        transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])

    client.force_login(request.getfixturevalue(persona))
    add_proposal(0)
    with_one = home_queries(client)

    for n in range(1, 6):  # five more: a query per row would show as five more queries
        add_proposal(n)
    with_six = home_queries(client)

    assert with_six == with_one


# --- Navigation bar ------------------------------------------------------------------------
NAV_LINKS = {
    "/proposals/mine/": "my proposals",
    "/calls/": "calls",
    "/assigned/": "for review",
    "/inbox/": "inbox",
    "/governance/": "governance",
    "/register/": "register",
    "/notices/": "notices",
}
# persona -> the links of the navigation bar they get
NAVIGATION = {
    "author": {"my proposals", "calls", "notices"},
    "expert": {"my proposals", "calls", "for review", "inbox", "notices"},
    "chair": {"my proposals", "calls", "inbox", "notices"},
    "secretary": {"my proposals", "calls", "governance", "register", "notices"},
    "governance_member": {"my proposals", "calls", "governance", "register", "notices"},
    "office": {"my proposals", "calls", "governance", "register", "notices"},
    "observer": {"notices"},
    "outsider": {"notices"},
}


def navigation_bar(html: str) -> str:
    return html.split('<main class="container', 1)[0]


@pytest.mark.parametrize("persona", sorted(NAVIGATION))
@pytest.mark.django_db
def test_navigation_links_per_persona(client, request, persona, cluster):
    client.force_login(request.getfixturevalue(persona))

    bar = navigation_bar(client.get("/").content.decode())

    assert {name for url, name in NAV_LINKS.items() if f'href="{url}"' in bar} == NAVIGATION[
        persona
    ]


@pytest.mark.django_db
def test_navigation_counts_unread_notices(client, author):
    Notice.objects.bulk_create(
        Notice(recipient=author, text=f"Уведомление {n}", url="/") for n in range(3)
    )
    Notice.objects.filter(pk=Notice.objects.order_by("pk").first().pk).update(
        read_at="2026-01-01T00:00Z"
    )
    client.force_login(author)

    bar = navigation_bar(client.get("/").content.decode())

    assert 'data-testid="unread-notices">2<' in bar


@pytest.mark.django_db
def test_navigation_without_unread_notices_has_no_badge(client, author):
    client.force_login(author)

    bar = navigation_bar(client.get("/").content.decode())

    assert "unread-notices" not in bar


@pytest.mark.django_db
def test_navigation_of_anonymous_visitors_has_no_work_links(client, db):
    bar = navigation_bar(client.get("/accounts/login/").content.decode())

    assert not any(f'href="{url}"' in bar for url in NAV_LINKS)


def test_every_link_the_templates_read_is_registered(author, db):
    import re
    from pathlib import Path

    from django.conf import settings

    from workflow import home

    names = {
        name
        for template in Path(settings.BASE_DIR, "templates").rglob("*.html")
        for name in re.findall(r"navigation\.(\w+)", template.read_text(encoding="utf-8"))
    }

    assert names
    assert names <= home.navigation(author).keys()


def test_an_unregistered_link_fails_loudly(author, db):
    from workflow import home

    with pytest.raises(LookupError, match="register_link"):
        home.navigation(author)["no_such_link"]

"""Acts that cannot be undone name their consequence before they run (issue 17, item 5): every
row of a transition table with a `confirm` text shows that text, as its button's
`data-confirm`, on the page that offers it; buttons the service would refuse are disabled with
the reason beside them, and a forged POST is still refused with nothing changed."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from documents import transitions
from documents.actions import PROPOSAL
from documents.models import Proposal
from meetings import services
from meetings.actions import MEETING
from programme import services as programme_services
from programme.actions import SECTION, VERSION
from tests.meetings.test_services import council, plan
from tests.programme.world import decider_of, new_programme, ready_programme, section, writer_of
from tests.workflow.states import make_people, proposal_in
from workflow import tables

State = Proposal.State


@pytest.fixture
def people(db):
    return make_people()


def as_user(client, person):
    client.logout()
    client.force_login(person)
    return client


def data_confirm(row) -> str:
    with translation.override("ru"):
        return f'data-confirm="{escape(str(row.confirm))}"'


def test_every_confirm_text_has_its_russian():
    rows = [row for table in tables.all_tables() for row in table if row.confirm]

    with translation.override("en"):
        english = {(row.name, str(row.confirm)) for row in rows}
    with translation.override("ru"):
        untranslated = [row.name for row in rows if (row.name, str(row.confirm)) in english]

    assert len(rows) >= 20
    assert untranslated == []


# Where each proposal transition with a confirmation is offered: the state, who opens which page.
PROPOSAL_PAGES = {
    "submit": (State.DRAFT, "author", "documents:proposal-submit"),
    "withdraw": (State.DRAFT, "author", "documents:proposal-withdraw"),
    "review": (State.WG_REVIEW, "expert", "documents:proposal-review"),
    "request_revision": (State.WG_REVIEW, "chair", "documents:proposal-decide"),
    "approve_in_group": (State.WG_REVIEW, "chair", "documents:proposal-decide"),
    "reject": (State.WG_REVIEW, "chair", "documents:proposal-decide"),
    "send_to_governance": (State.WG_APPROVED, "office", "documents:governance-queue"),
    "governance_approve": (
        State.GOVERNANCE_REVIEW,
        "secretary",
        "documents:proposal-governance-decide",
    ),
    "return_to_group": (
        State.GOVERNANCE_REVIEW,
        "secretary",
        "documents:proposal-governance-decide",
    ),
    "declare_conflict": (State.WG_REVIEW, "expert", "documents:proposal-conflict"),
    "move_to_group": (State.WG_REVIEW, "office", "documents:proposal-move"),
    "mark_duplicate": (State.WG_REVIEW, "office", "documents:proposal-duplicate"),
}


def test_every_proposal_transition_with_a_confirmation_has_its_page():
    assert {row.name for row in PROPOSAL if row.confirm} == set(PROPOSAL_PAGES)


@pytest.mark.parametrize("name", sorted(PROPOSAL_PAGES))
def test_the_proposal_page_shows_the_confirmation_of(client, people, name):
    state, persona, url_name = PROPOSAL_PAGES[name]
    proposal = proposal_in(state, people)
    args = [] if url_name == "documents:governance-queue" else [proposal.pk]

    html = as_user(client, people[persona]).get(reverse(url_name, args=args)).content.decode()

    assert data_confirm(PROPOSAL[name]) in html


def test_the_meeting_page_shows_the_confirmations_of_its_acts(client, people):
    planned = plan(people)
    services.agenda_add(meeting_id=planned.pk, by=people["secretary"], title="Разное")
    as_user(client, people["secretary"])
    url = reverse("meetings:detail", args=[planned.pk])

    before = client.get(url).content.decode()
    services.agenda_publish(meeting_id=planned.pk, by=people["secretary"])
    published = client.get(url).content.decode()
    services.meeting_hold(meeting_id=planned.pk, by=people["secretary"], present=council(people))
    held = client.get(url).content.decode()

    for name in ("publish_agenda", "remove_item", "cancel"):
        assert data_confirm(MEETING[name]) in before
    assert data_confirm(MEETING["hold"]) in published
    assert data_confirm(MEETING["approve_minutes"]) in held


def test_the_version_page_shows_the_confirmation_and_a_blocked_send(client, people):
    version = programme_services.version_create(
        programme_id=new_programme(people).pk, by=people["office"]
    )

    html = (
        as_user(client, people["office"])
        .get(reverse("programme:version-detail", args=[version.pk]))
        .content.decode()
    )

    assert data_confirm(VERSION["send_to_governance"]) in html
    assert 'aria-describedby="blocked-send_to_governance"' in html
    assert "Пока нельзя: проверка полноты и согласованности не пройдена" in html


def test_a_version_that_passes_the_check_is_not_blocked(client, people):
    programme = ready_programme(people, projects=1)
    version = programme_services.version_create(programme_id=programme.pk, by=people["office"])

    html = (
        as_user(client, people["office"])
        .get(reverse("programme:version-detail", args=[version.pk]))
        .content.decode()
    )

    assert data_confirm(VERSION["send_to_governance"]) in html
    assert 'data-testid="blocked-send_to_governance"' not in html


def test_the_section_page_shows_the_confirmation_of_the_owners_approval(client, people):
    risks = section(new_programme(people), "risks")
    writer = writer_of(risks, people)
    programme_services.section_write(
        section_id=risks.pk, by=writer, text="Риски проекта.", rows=[], seen_edition=None
    )
    programme_services.section_submit(section_id=risks.pk, by=writer)

    html = (
        as_user(client, decider_of(risks, people))
        .get(reverse("programme:section-detail", args=[risks.pk]))
        .content.decode()
    )

    assert data_confirm(SECTION["approve_in_group"]) in html


# --- Buttons that would be refused ---------------------------------------------------------
def test_submit_of_an_incomplete_proposal_is_disabled_with_the_reason(client, people):
    proposal = proposal_in(State.DRAFT, people, summary="")
    as_user(client, people["author"])

    html = client.get(reverse("documents:proposal-submit", args=[proposal.pk])).content.decode()
    forged = client.post(
        reverse("documents:proposal-submit", args=[proposal.pk]), {"edition": proposal.edition}
    )

    assert 'aria-describedby="submit-blocked"' in html
    assert "Пока нельзя: заявка заполнена не полностью" in html
    assert forged.status_code == 409
    proposal.refresh_from_db()
    assert proposal.state == State.DRAFT


def test_approval_without_enough_reviews_is_disabled_with_the_reason(client, people):
    proposal = proposal_in(State.SUBMITTED, people)
    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=people["chair"], experts=[people["expert"]]
    )
    proposal.refresh_from_db()
    as_user(client, people["chair"])

    html = client.get(reverse("documents:proposal-decide", args=[proposal.pk])).content.decode()
    forged = client.post(
        reverse("documents:proposal-decide", args=[proposal.pk]),
        {"decision": "approve", "approve-edition": proposal.edition},
    )

    assert 'aria-describedby="approve-blocked"' in html
    assert "Пока нельзя: подано 0 из" in html
    assert forged.status_code == 409
    proposal.refresh_from_db()
    assert proposal.state == State.WG_REVIEW

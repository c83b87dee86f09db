"""A governance meeting in a real browser, in Russian: the secretary puts a proposal awaiting
the body on the agenda, publishes it, records who is present, opens a named vote, records that
all voted for by a show of hands and closes the vote, and the proposal is approved with the
minutes' reference."""

import pytest

from documents.models import Proposal
from meetings.models import Meeting
from tests.browser.dialogs import confirm
from tests.browser.test_pdf_document import log_in
from tests.meetings.test_services import plan
from tests.workflow.states import make_people, proposal_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_secretary_runs_a_governance_meeting(page, screenshot, media):
    people = make_people()
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people, title="Биоаналоги антител")
    meeting = plan(people)

    log_in(page, "secretary")
    page.goto("/meetings/")
    page.get_by_test_id("meeting-row").get_by_role("link").click()
    suggestions = page.get_by_test_id("suggestions")
    suggestions.get_by_role("combobox").select_option("approve")
    suggestions.get_by_role("button", name="Включить в повестку").click()
    confirm(page, page.get_by_test_id("publish"))
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_test_id("meeting-state").get_attribute("data-state") == "agenda_published"
    screenshot("agenda-published")
    attendance = page.get_by_test_id("attendance-form")
    for checkbox in attendance.get_by_role("checkbox").all():
        checkbox.check()
    confirm(page, attendance.get_by_role("button"))
    page.wait_for_load_state("domcontentloaded")
    assert "кворум есть" in page.get_by_test_id("quorum").inner_text()
    page.get_by_test_id("ballot-open-form").get_by_role("button").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_test_id("all-in-favour").click()
    page.wait_for_load_state("domcontentloaded")
    confirm(page, page.get_by_test_id("decision-form").get_by_role("button"))
    page.wait_for_load_state("domcontentloaded")

    assert page.get_by_test_id("item-result").get_attribute("data-result") == "adopted"
    assert (
        "Голоса: за 3, против 0, воздержались 0." in page.get_by_test_id("agenda-item").inner_text()
    )
    screenshot("decision-recorded")
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED
    assert proposal.decision_reference.startswith(f"протокол № {meeting.number} от ")
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.HELD

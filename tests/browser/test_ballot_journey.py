"""Members vote from their own phones (390 px wide browsers), in Russian: they open the meeting
page before the vote, the buttons appear when the chair opens it, each votes, and the chair's
page (another browser) follows the tally without a reload; the member's page never scrolls
sideways. Then the chair closes the vote and the proposal is approved."""

import pytest
from playwright.sync_api import expect

from documents.models import Proposal
from meetings import services
from tests.browser.dialogs import confirm
from tests.browser.test_pdf_document import log_in
from tests.meetings.test_services import council, plan
from tests.workflow.states import make_people, proposal_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
WAIT = 10_000  # ms: the page polls every two seconds


@pytest.fixture
def phone(browser, live_server):
    """A new 390 px browser per call (its own cookies: its own session); each fails the test
    on console errors (CSP violations) and on answers of 400 or more."""
    contexts, problems = [], []

    def open_phone():
        context = browser.new_context(base_url=live_server.url, viewport=PHONE)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
        return page

    yield open_phone
    for context in contexts:
        context.close()
    assert problems == []


def test_members_vote_from_their_phones_and_the_chair_sees_the_tally(page, phone, screenshot):
    people = make_people()
    proposal = proposal_in(Proposal.State.GOVERNANCE_REVIEW, people, title="Биоаналоги антител")
    meeting = plan(people)
    services.agenda_add(
        meeting_id=meeting.pk, by=people["secretary"], subject=proposal, motion="approve"
    )
    services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    services.meeting_hold(meeting_id=meeting.pk, by=people["secretary"], present=council(people))
    url = f"/meetings/{meeting.pk}/"
    members = {}
    for username in ("council-member", "secretary"):
        members[username] = phone()
        log_in(members[username], username)
        members[username].goto(url)
        expect(members[username].get_by_test_id("ballot-not-open")).to_be_visible()

    log_in(page, "council-chair")
    page.goto(url)
    page.get_by_test_id("ballot-open-form").get_by_label("Вид голосования").select_option("named")
    page.get_by_role("button", name="Открыть голосование").click()
    progress = page.get_by_test_id("ballot-progress")
    expect(progress).to_have_text("Проголосовали: 0 из 3.")
    member = members["council-member"]
    member.get_by_test_id("vote-for").click(timeout=WAIT)  # appears without a reload
    expect(member.get_by_test_id("my-choice")).to_have_attribute("data-choice", "for")
    expect(progress).to_have_text("Проголосовали: 1 из 3.", timeout=WAIT)
    members["secretary"].get_by_test_id("vote-against").click(timeout=WAIT)
    expect(progress).to_have_text("Проголосовали: 2 из 3.", timeout=WAIT)
    expect(page.get_by_test_id("ballot-tally")).to_have_text(
        "Голоса: за 1, против 1, воздержались 0."
    )
    expect(page.get_by_test_id("ballot-waiting")).to_contain_text("Иванов Иван Иванович")
    page.get_by_test_id("my-vote").get_by_test_id("vote-for").click()
    screenshot("chair-before-closing")

    assert member.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    expect(progress).to_have_text("Проголосовали: 3 из 3.", timeout=WAIT)
    confirm(page, page.get_by_test_id("decision-form").get_by_role("button"))
    expect(page.get_by_test_id("item-result")).to_have_attribute("data-result", "adopted")
    expect(member.get_by_test_id("ballot-result")).to_contain_text(
        "Голоса: за 2, против 1, воздержались 0.", timeout=WAIT
    )
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.APPROVED

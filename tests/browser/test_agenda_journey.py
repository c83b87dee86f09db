"""The secretary edits the agenda of a planned meeting in a real browser, in Russian (issue 17,
item 9): moves an item up (htmx swaps the meeting's block, no reload), removes one after the
confirmation, and moves the meeting to another room; every change is in the meeting's record."""

import pytest
from playwright.sync_api import expect

from meetings import services
from meetings.models import Meeting
from tests.browser.test_pdf_document import log_in
from tests.meetings.test_services import plan
from tests.workflow.states import make_people
from workflow import audit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PLACE = "Технопарк «Мосгормаш», зал 2"


def titles(page) -> list[str]:
    return [h.inner_text() for h in page.get_by_test_id("agenda-item").locator("h3").all()]


def test_secretary_reorders_and_trims_the_agenda_and_moves_the_meeting(page, screenshot):
    people = make_people()
    meeting = plan(people)
    for title in ("Отчёт дирекции", "Разное", "Бюджет на 2027 год"):
        services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title=title)

    log_in(page, people["secretary"].username)
    page.goto(f"/meetings/{meeting.pk}/")
    screenshot("before")
    page.get_by_role("button", name="Переместить вопрос 3 вверх").click()

    expect(page.get_by_test_id("agenda-item").nth(1)).to_contain_text("2. Бюджет на 2027 год")
    assert titles(page) == ["1. Отчёт дирекции", "2. Бюджет на 2027 год", "3. Разное"]
    expect(
        page.locator("#item-" + str(meeting.items.get(title="Бюджет на 2027 год").pk) + "-up")
    ).to_be_focused()
    screenshot("moved")

    page.get_by_role("button", name="Исключить вопрос 3").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("Вопрос исключается из повестки")
    page.get_by_test_id("confirm-ok").click()

    expect(page.get_by_test_id("agenda-item")).to_have_count(2)
    assert titles(page) == ["1. Отчёт дирекции", "2. Бюджет на 2027 год"]
    screenshot("removed")

    moving = page.get_by_test_id("reschedule-form")
    moving.get_by_label("Место").fill(NEW_PLACE)
    moving.get_by_label("Причина переноса").fill("Зал занят")
    moving.get_by_role("button", name="Перенести заседание").click()
    page.wait_for_load_state("domcontentloaded")

    expect(page.get_by_role("main")).to_contain_text(NEW_PLACE)
    screenshot("place-changed")
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.place, meeting.sequence) == (NEW_PLACE, 1)
    actions = [entry.action for entry in audit.history(meeting)]
    assert actions[-3:] == ["agenda_item_moved", "agenda_item_removed", "rescheduled"]

"""Irreversible acts ask first (issue 17, item 5), in a real browser in Russian: the expert's
«Представить отзыв» opens a dialog naming the consequence; «Отмена» sends nothing and gives the
focus back to the button; «Подтвердить» submits the review. A button the server would refuse is
disabled with the reason beside it."""

import pytest
from playwright.sync_api import expect

from documents.models import Proposal, Review, ReviewCriterion
from tests.browser.dialogs import confirm
from tests.browser.test_pdf_document import log_in
from tests.workflow.states import make_people, proposal_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSEQUENCE = "Поданное заключение нельзя отозвать; изменить его можно до решения руководителя"


def test_a_review_is_submitted_only_once_confirmed(page, screenshot):
    people = make_people()
    proposal = proposal_in(Proposal.State.WG_REVIEW, people, title="Биоаналоги антител")
    expert = people["expert"]

    log_in(page, expert.username)
    page.goto(f"/proposals/{proposal.pk}/review/")
    for criterion in ReviewCriterion.objects.all():
        page.get_by_role("radiogroup", name=criterion.name_ru).get_by_label("4", exact=True).check()
    page.get_by_role("group", name="Рекомендация").get_by_label("Одобрить").check()
    page.get_by_label("Комментарии").fill("Проект проработан, бюджет реалистичен.")
    submit = page.get_by_test_id("submit-review")
    submit.click()

    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(CONSEQUENCE)
    expect(page.get_by_test_id("confirm-cancel")).to_be_focused()
    screenshot("dialog")
    page.get_by_test_id("confirm-cancel").click()

    expect(dialog).to_be_hidden()
    expect(submit).to_be_focused()
    assert not Review.objects.filter(proposal=proposal, expert=expert).exists()

    confirm(page, submit)

    expect(page.get_by_role("main")).to_contain_text("Ваш отзыв представлен")
    assert Review.objects.filter(proposal=proposal, expert=expert).count() == 1
    screenshot("submitted")


def test_escape_closes_the_dialog_and_sends_nothing(page):
    people = make_people()
    proposal = proposal_in(Proposal.State.DRAFT, people)

    log_in(page, people["author"].username)
    page.goto(f"/proposals/{proposal.pk}/withdraw/")
    page.get_by_role("button", name="Отозвать заявку").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("Отозванная заявка")
    page.keyboard.press("Escape")

    expect(page.get_by_test_id("confirm-dialog")).to_be_hidden()
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.DRAFT


def test_submit_of_an_incomplete_proposal_is_disabled_with_its_reason(page, screenshot):
    people = make_people()
    proposal = proposal_in(Proposal.State.DRAFT, people, summary="")

    log_in(page, people["author"].username)
    page.goto(f"/proposals/{proposal.pk}/submit/")

    button = page.get_by_test_id("submit-proposal")
    expect(button).to_be_disabled()
    expect(button).to_have_attribute("aria-describedby", "submit-blocked")
    expect(page.get_by_test_id("submit-blocked")).to_have_text(
        "Пока нельзя: заявка заполнена не полностью (см. список выше)."
    )
    screenshot("submit-blocked")

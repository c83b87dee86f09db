"""A proposal of the demo data through the review and the decisions, in Russian, in a real
browser: the second expert's review, the chair's approval, the programme office sending it to
the governance body, the secretary recording the approval, and the author downloading the
project passport. Each step through the pages a person would use."""

import pytest
from django.core.management import call_command

from documents.models import Proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-pass-1"
TITLE = "Биоаналоги моноклональных антител для онкологии"


@pytest.fixture
def demo(settings, media):
    settings.DEBUG = True
    call_command("load_demo", "--password", PASSWORD)
    settings.DEBUG = False
    return Proposal.objects.get(title=TITLE)


def log_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def message(page) -> str:
    return page.get_by_role("alert").or_(page.get_by_role("status")).first.inner_text()


def test_review_group_approval_and_governance_decision_then_the_passport(demo, page, screenshot):
    detail = f"/proposals/{demo.pk}/"

    log_in(page, "expert2.pharma")
    page.goto("/assigned/")
    page.get_by_role("link", name=TITLE).click()
    page.locator('[data-action="review"]').click()
    for group in page.get_by_role("radiogroup").all():
        group.get_by_label("4", exact=True).check()
    page.locator('input[name="recommendation"][value="approve"]').check()
    page.get_by_label("Комментарии").fill("Команда и бюджет обоснованы.")
    screenshot("review")
    page.get_by_role("button", name="Представить отзыв").click()
    assert "Ваш отзыв представлен" in page.content()

    log_in(page, "chair.pharma")
    page.goto(detail)
    page.locator('[data-action="decide"]').click()
    screenshot("decide")
    page.get_by_role("button", name="Одобрить в рабочей группе").click()
    assert "Заявка одобрена рабочей группой." in page.content()

    log_in(page, "office")
    page.goto("/governance/")
    page.locator(f'form[action="/proposals/{demo.pk}/send-to-governance/"]').get_by_role(
        "button", name="Направить в Координационный совет"
    ).click()
    assert "Заявка направлена в Координационный совет." in page.content()

    log_in(page, "secretary")
    page.goto(detail)
    page.locator('[data-action="governance_decision"]').click()
    approval = page.locator(
        "form", has=page.get_by_role("button", name="Внести решение об утверждении")
    )
    approval.get_by_label("Номер решения").fill("№ 4")
    approval.get_by_label("Дата решения").fill("2026-12-15")
    screenshot("governance-decision")
    approval.get_by_role("button", name="Внести решение об утверждении").click()
    assert "Решение Координационного совета об утверждении внесено." in page.content()

    log_in(page, "author.biopharm")
    page.goto(detail)
    history = page.get_by_test_id("history").inner_text()
    screenshot("approved")
    assert "4" in page.get_by_test_id("decision").inner_text()
    assert "Одобрена рабочей группой" in history
    assert "Утверждена Координационным советом" in history
    page.get_by_role("button", name="Паспорт проекта, версия 1").click()
    download_link = page.get_by_test_id("document-download")
    download_link.wait_for(timeout=30_000)
    with page.expect_download() as download:
        download_link.click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert Proposal.objects.get(pk=demo.pk).state == Proposal.State.APPROVED


def test_draft_without_a_summary_is_refused_with_the_reason_in_russian(demo, page, screenshot):
    draft = Proposal.objects.get(author__username="author.agro")

    log_in(page, "author.agro")
    page.goto(f"/proposals/{draft.pk}/edit/")
    page.get_by_label("Краткое описание").fill("")
    page.get_by_role("button", name="Сохранить", exact=True).click()
    assert "Заявка сохранена." in page.content()
    page.goto(f"/proposals/{draft.pk}/")
    page.locator('[data-action="submit"]').click()
    screenshot("incomplete")

    problems = page.get_by_test_id("problems").inner_text()
    assert "Заявку пока нельзя подать" in problems
    assert "краткое описание" in problems.lower()
    assert page.get_by_role("button", name="Подать в рабочую группу").is_disabled()
    assert Proposal.objects.get(pk=draft.pk).state == Proposal.State.DRAFT

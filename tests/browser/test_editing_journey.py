"""Nothing typed is lost, in a real browser: two sessions edit one draft and the second, having
lost the race, sees both versions and merges them; an attachment is uploaded (htmx) without
losing what is typed in the form; the local draft is offered back after a reload; a budget row
is added without saving and the running total follows the typing."""

import pytest
from playwright.sync_api import expect

from documents.models import Attachment, Proposal
from tests.browser.conftest import CHROMIUM  # noqa: F401  (the browser fixture needs it)
from tests.factories import draft_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


@pytest.fixture
def draft(author, cluster, media):
    return draft_proposal(author)


@pytest.fixture
def tabs(browser, live_server):
    """Two people's browsers (separate contexts: separate sessions and storage), failing the
    test on console errors — CSP violations among them — and on failed responses other than
    the 409 of the lost race."""
    opened, problems = [], []

    def open_tab():
        context = browser.new_context(base_url=live_server.url, locale="ru-RU")
        page = context.new_page()
        page.on(
            "console",
            lambda m: m.type == "error" and "409" not in m.text and problems.append(m.text),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on(
            "response",
            lambda r: (
                r.status >= 400 and r.status != 409 and problems.append(f"{r.status} {r.url}")
            ),
        )
        opened.append(context)
        return page

    yield open_tab
    for context in opened:
        context.close()
    assert problems == []


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def save(page) -> None:
    page.get_by_test_id("edit-form").get_by_role("button", name="Сохранить", exact=True).click()


def shot(page, request, name: str) -> None:
    from tests.browser.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{name}.png", full_page=True)


def test_second_saver_merges_both_versions_field_by_field(tabs, draft, author, request):
    first, second = tabs(), tabs()
    for page in (first, second):
        log_in(page, author.username)
        page.goto(f"/proposals/{draft.pk}/edit/")
    second.locator("#id_summary").fill("Аннотация второго.")
    second.locator("#id_goals").fill("Цели второго.")
    first.locator("#id_summary").fill("Аннотация первого.")
    first.locator("#id_goals").fill("Цели первого.")
    save(first)
    first.wait_for_url(f"**/proposals/{draft.pk}/edit/")

    save(second)
    expect(second.get_by_test_id("merge-overview")).to_be_visible()
    shot(second, request, "comparison")
    expect(second.get_by_test_id("merge-summary-mine")).to_have_text("Аннотация второго.")
    expect(second.get_by_test_id("merge-summary-current")).to_have_text("Аннотация первого.")
    expect(second.locator("#id_summary")).to_have_value("Аннотация второго.")
    second.get_by_test_id("merge-goals").get_by_role("button", name="Взять сохранённый").click()
    expect(second.locator("#id_goals")).to_have_value("Цели первого.")
    save(second)
    second.wait_for_url(f"**/proposals/{draft.pk}/edit/")

    proposal = Proposal.objects.get(pk=draft.pk)
    assert (proposal.summary, proposal.goals) == ("Аннотация второго.", "Цели первого.")


def test_upload_keeps_typed_text_and_the_draft_is_offered_back(
    tabs, draft, author, request, tmp_path
):
    page = tabs()
    log_in(page, author.username)
    page.goto(f"/proposals/{draft.pk}/edit/")
    page.locator("#id_expected_results").fill("Результаты, набранные до загрузки.")
    pdf = tmp_path / "План.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n")

    page.get_by_test_id("upload-form").locator("input[type=file]").set_input_files(pdf)
    page.get_by_test_id("upload-form").get_by_role("button", name="Загрузить").click()

    expect(page.get_by_test_id("attachments")).to_contain_text("План.pdf")
    expect(page.locator("#id_expected_results")).to_have_value("Результаты, набранные до загрузки.")
    assert Attachment.objects.filter(proposal=draft).count() == 1
    shot(page, request, "uploaded")

    page.locator("#id_description").fill("Описание, которое не успели сохранить.")
    page.wait_for_timeout(800)  # the autosave's pause
    page.reload()
    offer = page.get_by_test_id("autosave-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Восстановить несохранённый текст от")
    shot(page, request, "offer")
    offer.get_by_role("button", name="Восстановить").click()
    expect(page.locator("#id_description")).to_have_value("Описание, которое не успели сохранить.")
    expect(page.locator("#id_expected_results")).to_have_value("Результаты, набранные до загрузки.")
    save(page)
    page.wait_for_url(f"**/proposals/{draft.pk}/edit/")

    expect(page.get_by_test_id("autosave-offer")).to_be_hidden()
    proposal = Proposal.objects.get(pk=draft.pk)
    assert proposal.description == "Описание, которое не успели сохранить."
    assert proposal.expected_results == "Результаты, набранные до загрузки."


def test_budget_row_is_added_without_saving_and_the_total_follows(tabs, draft, author, request):
    page = tabs()
    log_in(page, author.username)
    page.goto(f"/proposals/{draft.pk}/edit/")
    total = page.get_by_test_id("budget-running-grand-total")
    expect(total).to_have_text("3 500 000")
    rows = page.locator('[data-formset-body="budget"] tr')
    before = rows.count()

    page.locator('[data-formset-add="budget"]').click()

    expect(rows).to_have_count(before + 1)
    assert page.locator('input[name="budget-TOTAL_FORMS"]').input_value() == str(before + 1)
    row = rows.last
    row.locator("select[name$='-year']").select_option("2028")
    row.locator("select[name$='-source']").select_option("federal")
    amount = row.locator("input[name$='-amount']")
    amount.press_sequentially("1500000,5")
    expect(amount).to_have_value("1 500 000,5")
    expect(total).to_have_text("5 000 000,50")
    shot(page, request, "budget-row")
    save(page)
    page.wait_for_url(f"**/proposals/{draft.pk}/edit/")

    amounts = Proposal.objects.get(pk=draft.pk).budget_lines.filter(year=2028)
    assert [str(line.amount) for line in amounts] == ["1500000.50"]

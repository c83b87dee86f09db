"""The programme office's register of proposals, in Russian, in a real browser, on the demo:
the office opens the call, clicks a count of its table and lands in the register filtered by
that direction and state; widens the filter to every submitted proposal, sorts by title and
exports the rows to XLSX, which holds exactly what the page shows."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect

from documents.demo import DEMO_CALL
from documents.models import Call
from tests.browser.test_proposal_journey import PASSWORD, go_to, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
IN_REVIEW = "Биоаналоги моноклональных антител для онкологии"
SUBMITTED = "Биологическая переработка органических отходов мегаполиса"


@pytest.fixture
def demo(settings, media):
    settings.DEBUG = True
    call_command("load_demo", "--password", PASSWORD)
    settings.DEBUG = False
    return Call.objects.get(title_ru=DEMO_CALL)


def shown_titles(page) -> list[str]:
    return page.get_by_test_id("register").locator("tbody tr td:nth-child(2) a").all_inner_texts()


def test_the_office_goes_from_the_calls_counts_to_the_register_and_exports_it(
    page, demo, screenshot
):
    log_in(page, "office")
    go_to(page, "Приём заявок")
    page.get_by_role("link", name=DEMO_CALL).click()
    screenshot("call-counts")

    # The count of pharma proposals in working-group review leads into the register.
    page.get_by_test_id("count-link").first.click()
    expect(page.get_by_role("heading", name="Реестр заявок")).to_be_visible()
    assert shown_titles(page) == [IN_REVIEW]
    expect(page.get_by_label("На экспертизе в рабочей группе")).to_be_checked()
    screenshot("register-from-count")

    # Every proposal in review or submitted, of any direction.
    page.get_by_label("Приоритетное направление").select_option("")
    page.get_by_label("Подана", exact=True).check()
    page.get_by_test_id("filter-apply").click()
    expect(page.get_by_test_id("register-count")).to_contain_text("2")
    assert "state=submitted" in page.url  # the filters are in the address: bookmarkable

    # Sorted by title, then the other way round.
    page.get_by_role("link", name="Заявка", exact=True).click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Заявка")
    assert shown_titles(page) == sorted([IN_REVIEW, SUBMITTED])
    page.get_by_role("link", name="Заявка", exact=True).click()
    expect(page.locator('th[aria-sort="descending"]')).to_contain_text("Заявка")
    assert shown_titles(page) == sorted([IN_REVIEW, SUBMITTED], reverse=True)
    screenshot("register-sorted")

    with page.expect_download() as download:
        page.get_by_test_id("register-export").click()
    path = download.value.path()
    assert download.value.suggested_filename == f"register-call-{demo.pk}.xlsx"
    sheet = load_workbook(io.BytesIO(path.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("№", "Заявка")
    assert [row[1] for row in rows[1:]] == sorted([IN_REVIEW, SUBMITTED], reverse=True)

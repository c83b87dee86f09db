"""The programme in a real browser, in Russian: the programme office writes the last section
with the live preview, its owner approves it and the governance body's secretary records the
approval; the office freezes a version that passes the consistency check; the governance
body's chair signs it off; an observer downloads the compiled PDF and finds the approval
sheet and the section in it."""

import io
import re

import pytest
from pypdf import PdfReader

from documents.models import RenderJob
from documents.pdf import pipeline
from tests.browser.dialogs import confirm
from tests.browser.test_pdf_document import log_in
from tests.programme.world import (
    approve_section,
    approved_projects,
    financing_rows_matching,
    new_programme,
)
from tests.workflow.states import make_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(media):
    people = make_people()
    approved_projects(people, 2)
    programme = new_programme(people)
    for item in programme.sections.exclude(code="risks"):
        rows = financing_rows_matching(programme) if item.table == "financing" else None
        approve_section(item, people, rows=rows)
    return people


def decide(page, testid: str, **fields) -> None:
    form = page.get_by_test_id(testid)
    for label, value in fields.items():
        form.get_by_label(label).fill(value)
    button = form.get_by_role("button")
    if button.get_attribute("data-confirm"):
        confirm(page, button)
    else:
        button.click()
    page.wait_for_load_state("domcontentloaded")


def test_programme_from_the_last_section_to_the_signed_pdf(page, screenshot, people):
    log_in(page, "office")
    page.goto("/programme/")
    page.get_by_role("link", name="Риски").click()
    page.get_by_test_id("edit-section").click()
    page.get_by_test_id("section-text-input").fill(
        "## Основные риски\n\n- рыночные: **падение спроса**;\n- <script>alert(1)</script>"
    )
    preview = page.get_by_test_id("preview")
    preview.locator("h2", has_text="Основные риски").wait_for(timeout=10_000)
    assert preview.locator("strong").inner_text() == "падение спроса"
    assert "<script>alert(1)</script>" in preview.inner_text()
    screenshot("section-edit-preview")
    page.get_by_test_id("save-section").click()
    page.wait_for_url("**/programme/sections/*/")
    decide(page, "decision-submit")
    decide(page, "decision-approve_in_group")
    decide(page, "decision-send_to_governance")
    assert page.get_by_test_id("revision-state").first.get_attribute("data-state") == (
        "governance_review"
    )
    section_url = page.url
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Выйти").click()

    log_in(page, "secretary")
    page.goto(section_url)
    decide(
        page,
        "decision-governance_approve",
        **{"Решение Координационного совета (номер и дата)": "протокол № 6, п. 2"},
    )
    assert page.get_by_test_id("revision-state").first.get_attribute("data-state") == "approved"
    screenshot("section-approved")
    page.context.clear_cookies()

    log_in(page, "office")
    page.goto("/programme/")
    page.get_by_role("button", name="Начать новую версию").click()
    page.get_by_test_id("check-passed").wait_for()
    screenshot("version-drafting")
    decide(page, "decision-send_to_governance")
    assert page.get_by_test_id("version-state").get_attribute("data-state") == "governance_review"
    version_url = page.url
    page.context.clear_cookies()

    log_in(page, "council-chair")
    page.goto(version_url)
    decide(page, "decision-approve", **{"Номер решения": "8", "Дата решения": "2026-11-20"})
    assert page.get_by_test_id("version-state").get_attribute("data-state") == "approved"
    assert "№ 8 от 20.11.2026" in page.get_by_test_id("decision").inner_text()
    screenshot("version-approved")
    page.context.clear_cookies()

    log_in(page, "observer")
    page.goto("/programme/")
    page.get_by_role("link", name="Версия 1").click()
    page.get_by_test_id("request-programme-pdf").click()
    page.wait_for_url("**/documents/*/")
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME)
    pipeline.render_job(job.pk, task_id="browser-programme")
    link = page.get_by_test_id("document-download")
    link.wait_for(timeout=15_000)
    screenshot("programme-pdf-ready")
    with page.expect_download() as download:
        link.click()
    with open(download.value.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    assert "Лист утверждения" in text
    assert "Решение Координационного совета № 8 от 20.11.2026" in text
    assert "Основные риски" in text
    assert "<script>alert(1)</script>" in text  # shown as the text it is

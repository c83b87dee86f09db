"""The compiled programme as WeasyPrint renders it, read back from the PDF's text: the table of
contents points at the pages where the sections start, the registry's totals are the sum of
the projects' budgets, and a hostile section text stays text."""

import hashlib
import io
import json
import re
from decimal import Decimal

import pytest
from pypdf import PdfReader

from documents.pdf import render
from programme import document
from programme.models import ProgrammeVersion
from tests.programme.world import approve_section, approved_version, ready_programme, section


def pdf_pages(version: ProgrammeVersion, language: str = "ru") -> tuple[PdfReader, list[str]]:
    source = document.build(version, language=language, generated_at=version.approved_at)
    data = render_source(source, language)
    reader = PdfReader(io.BytesIO(data))
    return reader, [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def render_source(source, language: str = "ru") -> bytes:
    return render.html_to_pdf(
        source.html,
        title=source.title,
        author="МБК",
        language=language,
        variant=source.variant,
        embedded=source.embedded,
    )


@pytest.fixture
def version(people):
    programme = ready_programme(people, projects=3)
    approve_section(
        section(programme, "characteristics"),
        people,
        text="Длинный раздел.\n\n"
        + "\n\n".join(f"Абзац {n}. " + "Текст " * 120 for n in range(12)),
    )
    return approved_version(programme, people)


def _toc_entries(pages: list[str]) -> dict[str, int]:
    """'N. Title .... page' entries of the contents page."""
    contents = next(text for text in pages if text.startswith("Содержание"))
    entries = {}
    for match in re.finditer(r"(\d+)\. ([^.\d][^.]*?) ?(?:\. ?)+ ?(\d+)", contents):
        entries[match.group(2).strip()] = int(match.group(3))
    return entries


def test_table_of_contents_page_numbers_match_where_sections_start(version):
    _reader, pages = pdf_pages(version)

    entries = _toc_entries(pages)
    titles = [s["title_ru"] for s in version.snapshot["sections"]]
    assert set(titles) <= set(entries)
    contents_page = next(i for i, text in enumerate(pages) if text.startswith("Содержание"))
    for number, title in enumerate(titles, start=1):
        heading = f"{number}. {title}"
        # A section starts a page with its heading (the running header is read after the body).
        started = [
            i + 1 for i, text in enumerate(pages) if i > contents_page and text.startswith(heading)
        ]
        assert len(started) == 1, (heading, started)
        assert entries[title] == started[0], (title, entries[title], started)
    # the long section takes more than a page, so later numbers are not simply consecutive
    assert entries[titles[2]] - entries[titles[1]] >= 2
    assert f"стр. {len(pages)} из {len(pages)}" in pages[-1]


def test_registry_totals_in_the_pdf_equal_the_sum_of_the_projects_budgets(version):
    _reader, pages = pdf_pages(version)
    text = " ".join(pages)

    budgets = sum(
        Decimal(line["amount"]) for p in version.snapshot["projects"] for line in p["budget"]
    )
    grouped = f"{budgets:,.0f}".replace(",", "\u00a0")
    match = re.search(r"3 якорных проекта, всего ([\d\s\u00a0]+) руб", text)
    assert match
    assert Decimal(re.sub(r"\D", "", match.group(1))) == budgets
    assert grouped.replace("\u00a0", " ") in text.replace("\u00a0", " ")


def test_approval_sheet_shows_the_decision_and_the_snapshot_hash(version):
    _reader, pages = pdf_pages(version)

    sheet = pages[1]
    assert "Решение Координационного совета № 7 от 10.11.2026" in sheet
    assert version.signed_by.get_full_name() in sheet
    assert version.snapshot_sha256[:32] in sheet.replace(" ", "")


def test_each_project_has_a_one_page_passport(version):
    _reader, pages = pdf_pages(version)

    for project in version.snapshot["projects"]:
        pages_with_title = [t for t in pages if project["title"] in t and "SHA-256" in t]
        assert len(pages_with_title) == 1, project["title"]


def test_programme_pdf_is_pdf_a_3b_and_carries_the_snapshot_that_hashes_to_the_version(version):
    source = document.build(version, language="ru", generated_at=version.approved_at)

    data = render_source(source)

    reader = PdfReader(io.BytesIO(data))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    embedded = reader.attachments[document.SNAPSHOT_FILE_NAME]
    assert len(embedded) == 1
    assert hashlib.sha256(embedded[0]).hexdigest() == version.snapshot_sha256
    assert json.loads(embedded[0]) == version.snapshot

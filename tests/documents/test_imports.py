"""Bulk import of proposals from the XLSX template: a dry run that lists every error with its
row and column and writes nothing; an import that writes all rows or none."""

import io
import re
import struct
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from directory.models import Organisation
from documents import imports
from documents.models import Proposal
from mbk.exceptions import ActionRefusedError
from tests.factories import CallFactory, UserFactory
from workflow import audit


@pytest.fixture
def call(cluster):
    return CallFactory()


def filled(call, rows: list[dict]) -> SimpleUploadedFile:
    book = load_workbook(io.BytesIO(imports.template(call)))
    sheet = book["Заявки"]
    header = [cell.value for cell in sheet[1]]
    for row in rows:
        sheet.append([row.get(column, "") for column in header])
    output = io.BytesIO()
    book.save(output)
    return SimpleUploadedFile("заявки.xlsx", output.getvalue())


def good_row(author, call, **overrides) -> dict:
    year = call.years[0]
    return {
        "ИНН организации": author.organisation.inn,
        "E-mail автора": author.email,
        "Направление (код)": "pharma",
        "Название проекта": "Биоаналоги антител",
        "Резюме": "Производство биоаналогов.",
        "Уровень готовности технологии (1–9)": 5,
        f"{year}, собственные средства, руб.": 1_000_000,
        f"{year}, бюджет города Москвы, руб.": "250 000,50",
        **overrides,
    }


@pytest.fixture
def author(author, organisation):
    Organisation.objects.filter(pk=organisation.pk).update(inn="7712345671", status="confirmed")
    author.email = "author@example.ru"
    author.save()
    author.refresh_from_db()
    return author


def test_template_has_russian_columns_and_the_calls_years(call):
    sheet = load_workbook(io.BytesIO(imports.template(call)))["Заявки"]

    header = [cell.value for cell in sheet[1]]
    assert header[:4] == [
        "ИНН организации",
        "E-mail автора",
        "Направление (код)",
        "Название проекта",
    ]
    assert f"{call.years[-1]}, федеральный бюджет, руб." in header


def test_dry_run_lists_every_error_with_its_row_and_column_and_writes_nothing(call, author, office):
    upload = filled(
        call,
        [
            good_row(author, call),
            good_row(author, call, **{"ИНН организации": "0000000000", "Направление (код)": "x"}),
            good_row(author, call, **{"Уровень готовности технологии (1–9)": 12}),
        ],
    )

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert [r.number for r in results] == [2, 3, 4]
    assert results[0].errors == []
    assert results[1].errors == [
        "ИНН организации: в справочнике нет организации с таким ИНН.",
        "Направление (код): не направление этого приёма заявок (см. лист «Направления»).",
    ]
    assert results[2].errors == ["Уровень готовности технологии (1–9): целое число от 1 до 9."]
    assert Proposal.objects.count() == 0


def test_import_refuses_a_title_on_several_lines(call, author, office):
    upload = filled(call, [good_row(author, call, **{"Название проекта": "Биоаналоги\nантител"})])

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert results[0].errors == [
        "Название проекта: Введите значение одной строкой: уберите переносы строк, табуляцию и "
        "другие управляющие символы."
    ]
    assert Proposal.objects.count() == 0


def test_import_creates_drafts_for_their_authors_when_every_row_is_valid(call, author, office):
    upload = filled(
        call, [good_row(author, call), good_row(author, call, **{"Название проекта": "Второй"})]
    )

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert [r.errors for r in results] == [[], []]
    first, second = Proposal.objects.order_by("pk")
    assert (first.title, second.title) == ("Биоаналоги антител", "Второй")
    assert first.author == author
    assert first.state == Proposal.State.DRAFT
    assert sorted(str(line.amount) for line in first.budget_lines.all()) == [
        "1000000.00",
        "250000.50",
    ]
    entry = audit.history(first).last()
    assert (entry.action, entry.actor) == ("imported", office)


def test_dry_run_writes_nothing_even_when_valid(call, author, office):
    upload = filled(call, [good_row(author, call)])

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert results[0].errors == []
    assert Proposal.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused(call, office):
    fake = SimpleUploadedFile("заявки.xlsx", b"<html><script>alert(1)</script></html>")

    with pytest.raises(ActionRefusedError):
        imports.proposals_import(call_id=call.pk, by=office, upload=fake, dry_run=True)


def test_import_page_is_for_the_programme_office(client, call, author, office, chair):
    url = reverse("documents:proposals-import", args=[call.pk])
    client.force_login(chair)
    assert client.get(url).status_code == 403
    client.force_login(office)

    response = client.post(
        url,
        {
            "file": filled(call, [good_row(author, call, **{"E-mail автора": "x@y.ru"})]),
            "mode": "import",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "E-mail автора: нет активного пользователя с таким e-mail." in html
    assert Proposal.objects.count() == 0


# --- Files made to exhaust the server -------------------------------------------------------
TOO_MANY_ROWS = (
    "Файл слишком велик или содержит слишком много строк: на листе «Заявки» может быть не более "
    "1000 строк под заголовком, включая пустые. Удалите лишние строки в конце листа или "
    "разделите файл на несколько."
)


def with_sheet_rows(upload: SimpleUploadedFile, rows_xml: str) -> SimpleUploadedFile:
    """The workbook with rows_xml appended to the sheet «Заявки» and no <dimension>, as other
    programs write it: its size is then known only by reading every row."""
    source = zipfile.ZipFile(io.BytesIO(upload.read()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as crafted:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = re.sub(r"<dimension[^>]*/>", "", data.decode())
                data = xml.replace("</sheetData>", rows_xml + "</sheetData>").encode()
            crafted.writestr(info.filename, data)
    return SimpleUploadedFile("заявки.xlsx", output.getvalue())


def blank_rows(first: int, count: int) -> str:
    """Rows with an empty cell each, as a sheet cleared but not deleted leaves them."""
    return "".join(f'<row r="{n}"><c r="A{n}" s="0"/></row>' for n in range(first, first + count))


def test_import_refuses_150000_blank_rows_without_reading_them(call, author, office):
    upload = with_sheet_rows(filled(call, [good_row(author, call)]), blank_rows(3, 150_000))
    started = time.monotonic()

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert str(refused.value.message) == TOO_MANY_ROWS
    assert time.monotonic() - started < 2
    assert Proposal.objects.count() == 0


def test_import_counts_blank_rows_towards_the_cap(call, author, office):
    upload = with_sheet_rows(
        filled(call, [good_row(author, call)]),
        blank_rows(3, 998) + '<row r="1002"><c r="D1002" t="inlineStr"><is><t>x</t></is></c></row>',
    )

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert str(refused.value.message) == TOO_MANY_ROWS


def test_import_reads_blank_rows_up_to_the_cap(call, author, office):
    upload = with_sheet_rows(filled(call, [good_row(author, call)]), blank_rows(3, 999))

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert [(r.number, r.errors) for r in results] == [(2, [])]


def test_import_refuses_a_row_beyond_the_cap_behind_a_gap(call, author, office):
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    upload = with_sheet_rows(filled(call, [good_row(author, call)]), far)

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert str(refused.value.message) == TOO_MANY_ROWS


def test_import_reads_only_the_templates_columns_of_a_wide_row(call, author, office):
    wide = "".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>' for n in range(3, 900))
    upload = with_sheet_rows(filled(call, [good_row(author, call)]), wide)
    started = time.monotonic()

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert [r.number for r in results] == [2]
    assert time.monotonic() - started < 5


def test_import_past_its_time_budget_is_refused_and_writes_nothing(call, author, office, settings):
    settings.IMPORT_TIME_BUDGET_SECONDS = 0
    upload = filled(call, [good_row(author, call)])

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert str(refused.value.message) == (
        "Файл слишком велик или содержит слишком много строк: его проверка заняла больше 0 с. "
        "Удалите лишние строки в конце листа или разделите файл на несколько."
    )
    assert Proposal.objects.count() == 0


def zip_bomb(*, declared: int | None = None) -> bytes:
    """About 200 KB of workbook whose [Content_Types].xml (the first part openpyxl reads whole)
    inflates to 200 MB; declared: the size its headers claim instead."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/workbook.xml", "<xml/>")
        with archive.open("[Content_Types].xml", "w") as inflated:
            for _ in range(200):
                inflated.write(bytes(1024 * 1024))
    data = bytearray(buffer.getvalue())
    if declared is not None:
        local = data.find(b"PK\x03\x04", data.find(b"PK\x03\x04") + 4)
        central = data.rfind(b"PK\x01\x02")
        struct.pack_into("<I", data, local + 22, declared)
        struct.pack_into("<I", data, central + 24, declared)
    return bytes(data)


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (None, "Файл упакован подозрительно"),
        (100, "Книгу не удаётся прочитать: файл повреждён."),  # the directory lies
    ],
)
def test_import_of_a_zip_bomb_is_refused_without_inflating_it(call, office, declared, message):
    bomb = zip_bomb(declared=declared)
    tracemalloc.start()

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(
            call_id=call.pk, by=office, upload=SimpleUploadedFile("заявки.xlsx", bomb), dry_run=True
        )

    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(bomb) < 250_000
    assert str(refused.value.message).startswith(message)
    assert peak < 50 * 1024 * 1024


def test_import_of_a_sheet_of_broken_xml_is_refused_as_damaged(call, author, office):
    upload = with_sheet_rows(filled(call, [good_row(author, call)]), "<row><c></row>")

    with pytest.raises(ActionRefusedError) as refused:
        imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=True)

    assert str(refused.value.message) == "Книгу не удаётся прочитать: файл повреждён."


def test_import_refuses_an_author_whose_membership_awaits_confirmation(call, author, office):
    stranger = UserFactory(
        username="stranger",
        email="stranger@example.ru",
        organisation=author.organisation,
        affiliated=False,
    )
    upload = filled(call, [good_row(stranger, call)])

    results = imports.proposals_import(call_id=call.pk, by=office, upload=upload, dry_run=False)

    assert results[0].errors == [
        "E-mail автора: принадлежность этого человека к организации ещё не подтверждена."
    ]
    assert Proposal.objects.count() == 0

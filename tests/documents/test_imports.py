"""Bulk import of proposals from the XLSX template: a dry run that lists every error with its
row and column and writes nothing; an import that writes all rows or none."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from directory.models import Organisation
from documents import imports
from documents.models import Proposal
from tests.factories import CallFactory, UserFactory
from workflow import audit
from workflow.exceptions import ActionRefusedError


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

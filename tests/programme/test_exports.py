"""The registry and the summary tables as CSV and XLSX: Russian column names, budgets by year and
source, totals that add up, the page's filter, permissions, and text that stays text."""

import csv
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from mbk import spreadsheets
from programme import assembly, exports, services
from tests.programme.world import (
    approved_projects,
    approved_version,
    new_programme,
    ready_programme,
)


def test_registry_csv_has_russian_columns_and_the_projects_budgets(client, people):
    projects = approved_projects(people, 2)
    version = services.version_create(programme_id=new_programme(people).pk, by=people["office"])
    client.force_login(people["office"])

    response = client.get(reverse("programme:version-registry-export", args=[version.pk, "csv"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header = rows[0]
    assert header[:5] == ["№", "Направление", "Проект", "Организация", "Решение"]
    assert "2027, собственные средства" in header
    assert header[-2:] == ["Итого, руб.", "Инструменты поддержки"]
    assert [row[2] for row in rows[1:]] == [p.title for p in projects]
    total = sum(Decimal(row[-2].replace(",", ".")) for row in rows[1:])
    assert total == sum(line.amount for p in projects for line in p.budget_lines.all())


def test_registry_xlsx_is_filtered_as_on_the_page(client, people):
    (project,) = approved_projects(people, 1)  # in pharma
    version = services.version_create(programme_id=new_programme(people).pk, by=people["office"])
    client.force_login(people["chair"])
    url = reverse("programme:version-registry-export", args=[version.pk, "xlsx"])

    pharma = load_workbook(io.BytesIO(client.get(url, {"direction": "pharma"}).content)).active
    ecology = load_workbook(io.BytesIO(client.get(url, {"direction": "ecology"}).content)).active

    assert pharma.title == "Реестр якорных проектов"
    assert [row[2] for row in pharma.iter_rows(min_row=2, values_only=True)] == [project.title]
    assert ecology.max_row == 1  # the header only
    assert client.get(url, {"direction": "nowhere"}).status_code == 404


def test_summary_tables_add_up(client, people):
    programme = ready_programme(people, projects=2)
    version = approved_version(programme, people)
    client.force_login(people["observer"])

    response = client.get(reverse("programme:version-summary", args=[version.pk]))

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Финансирование по годам", "Инструменты поддержки"]
    financing = list(book["Финансирование по годам"].iter_rows(values_only=True))
    assert financing[-1][0] == "Итого"
    assert financing[-1][-1] == float(assembly.figures(version.snapshot)["total"]) == 7_000_000
    matrix = list(book["Инструменты поддержки"].iter_rows(values_only=True))
    assert matrix[0][0] == "Направление"
    assert sum(row[-1] for row in matrix[1:]) == 2


def test_observers_cannot_export_a_draft(client, people):
    version = services.version_create(programme_id=new_programme(people).pk, by=people["office"])
    client.force_login(people["observer"])

    for url in (
        reverse("programme:version-registry-export", args=[version.pk, "csv"]),
        reverse("programme:version-summary", args=[version.pk]),
    ):
        assert client.get(url).status_code == 404


def test_text_that_looks_like_a_formula_stays_text():
    rows = [["Проект"], ['=HYPERLINK("http://evil","x")'], ["+7 495"]]

    csv_text = exports.to_csv(rows).decode("utf-8")
    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx({"Лист": rows}))).active

    assert "'=HYPERLINK" in csv_text
    assert "'+7 495" in csv_text
    cell = sheet["A2"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://evil","x")', "s")

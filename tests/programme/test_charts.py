"""The financing charts of a programme version: on its page (drawn by Chart.js from a data
block, with a table) and in its PDF (SVG drawn on the server), from the same figures."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from directory.models import Direction
from programme import assembly, charts, document
from tests.programme.test_document import render_source
from tests.programme.world import approved_version, ready_programme


@pytest.fixture
def version(people):
    """Two approved pharma projects, each 1 000 000 of own money in 2027 and 2 500 000 of the
    city's in 2029 (tests/factories.complete_content)."""
    return approved_version(ready_programme(people, projects=2), people)


def values(chart) -> dict[str, list]:
    return {series.label: series.values for series in chart.series}


@pytest.mark.django_db
def test_financing_by_year_stacks_the_sources_of_each_year(version):
    with translation.override("en"):
        chart = charts.financing_by_year(assembly.figures(assembly.snapshot_of(version)))

    assert chart.labels == ["2027", "2028", "2029"]
    assert values(chart)["Own funds"] == [Decimal(2_000_000), 0, 0]
    assert values(chart)["City of Moscow"] == [0, 0, Decimal(5_000_000)]
    assert chart.totals == [Decimal(2_000_000), 0, Decimal(5_000_000)]


@pytest.mark.django_db
def test_financing_by_direction_totals_each_direction(version):
    chart = charts.financing_by_direction(assembly.figures(assembly.snapshot_of(version)))

    totals = dict(zip(chart.labels, chart.totals, strict=True))
    assert totals[Direction.objects.get(code="pharma").name] == Decimal(7_000_000)
    assert sum(totals.values()) == Decimal(7_000_000)


@pytest.mark.django_db
def test_version_page_has_the_charts_data_their_tables_and_scripts(client, version, people):
    client.force_login(people["office"])

    html = client.get(f"/programme/versions/{version.pk}/").content.decode()

    block = re.search(
        r'<script id="chart-financing-by-year-data" type="application/json">(.*?)</script>', html
    )
    data = json.loads(block.group(1))
    assert data["labels"] == ["2027", "2028", "2029"]
    assert [sum(s["values"]) for s in data["series"]] == [2_000_000, 0, 5_000_000, 0]
    assert 'data-chart="chart-financing-by-direction-data"' in html
    assert html.count('role="img"') == 2
    assert html.count('data-testid="chart-table"') == 2
    assert "/static/js/charts.js" in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html


@pytest.mark.django_db
def test_programme_pdf_shows_the_financing_charts(version):
    source = document.build(version, language="ru", generated_at=version.approved_at)

    reader = PdfReader(io.BytesIO(render_source(source)))

    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]
    by_year = next(p for p in pages if "Финансирование по годам и источникам, руб." in p)
    by_direction = next(p for p in pages if "Финансирование по направлениям, руб." in p)
    # the SVG's totals over the bars and the labels along the axes are text in the PDF
    after_caption = by_year.split("Финансирование по годам и источникам, руб.", 1)[1]
    assert re.search(r"2 000 000.*2027", after_caption.replace("\xa0", " "))
    assert "5 000 000" in after_caption.replace("\xa0", " ")
    pharma = Direction.objects.get(code="pharma").name_ru
    assert pharma in by_direction.split("Финансирование по направлениям, руб.", 1)[1]

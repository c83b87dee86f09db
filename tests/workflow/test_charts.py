"""A chart's numbers for Chart.js, its table and its SVG for the PDF documents."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from django.utils import translation

from workflow.charts import BAR, HORIZONTAL, Chart, Series, svg

SVG = "{http://www.w3.org/2000/svg}"


def money_chart(kind: str = BAR) -> Chart:
    return Chart(
        key="money",
        title="Финансирование",
        unit="руб.",
        labels=["2027", "2028"],
        series=[
            Series("Собственные", [Decimal("1000000.00"), Decimal("0")]),
            Series("Город", [Decimal("250000.50"), Decimal("2500000")]),
        ],
        kind=kind,
    )


def test_chart_totals_each_label_over_its_series():
    chart = money_chart()

    assert chart.totals == [Decimal("1250000.50"), Decimal("2500000")]
    assert chart.total == Decimal("3750000.50")
    assert [row["values"] for row in chart.rows()] == [
        [Decimal("1000000.00"), Decimal("250000.50")],
        [Decimal("0"), Decimal("2500000")],
    ]


def test_chart_data_keeps_whole_roubles_whole_and_names_a_colour_per_series():
    data = money_chart().data()

    assert data["labels"] == ["2027", "2028"]
    assert [s["values"] for s in data["series"]] == [[1000000, 0], [250000.5, 2500000]]
    assert isinstance(data["series"][0]["values"][0], int)
    assert len({s["colour"] for s in data["series"]}) == 2


def test_chart_summary_names_each_labels_total():
    with translation.override("ru"):
        summary = money_chart().summary()

    assert summary == "Финансирование (руб.). 2027: 1\xa0250\xa0000,50; 2028: 2\xa0500\xa0000"


def test_chart_without_numbers_is_empty():
    chart = Chart(key="none", title="Пусто", labels=["a"], series=[Series("x", [0])])

    assert chart.is_empty


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)  # noqa: S314 - markup the test itself just made


def svg_texts(markup: str) -> list[str]:
    root = parse(markup)
    return [element.text for element in root.iter(f"{SVG}text")]


def test_svg_of_stacked_bars_is_well_formed_with_labels_totals_and_legend():
    with translation.override("ru"):
        markup = str(svg(money_chart()))

    root = parse(markup)
    assert root.tag == f"{SVG}svg"
    texts = svg_texts(markup)
    assert {"2027", "2028", "Собственные", "Город"} <= set(texts)
    assert "1\xa0250\xa0000,50" in texts
    assert "2\xa0500\xa0000" in texts
    # a bar per non-zero amount, a square per legend entry
    assert len(root.findall(f"{SVG}rect")) == 3 + 2


def test_svg_of_horizontal_bars_puts_the_biggest_at_full_width():
    chart = Chart(
        key="directions",
        title="По направлениям",
        labels=["Фармацевтика", "Экология"],
        series=[Series("Итого", [Decimal(300), Decimal(100)])],
        kind=HORIZONTAL,
    )

    root = parse(str(svg(chart)))

    widths = [float(rect.get("width")) for rect in root.findall(f"{SVG}rect")]
    assert widths[0] == 3 * widths[1]
    assert {"Фармацевтика", "Экология", "300", "100"} <= set(svg_texts(str(svg(chart))))


def test_svg_escapes_every_text():
    chart = Chart(
        key="hostile",
        title='<script>alert("t")</script>',
        labels=["<b>&</b>"],
        series=[Series('"><img src=x>', [1])],
    )

    markup = str(svg(chart))

    assert "<script" not in markup
    assert "<img" not in markup
    assert "<b>" not in markup
    texts = svg_texts(markup)
    assert "<b>&</b>" in texts
    assert '"><img src=x>' in texts
    assert parse(markup).find(f"{SVG}title").text.startswith("<script>")

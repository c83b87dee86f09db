"""The financing of a programme version as two charts, built from the figures the version's
page and PDF show in their tables (programme/assembly.figures): by year and source (stacked
bars) and by direction (horizontal bars). The page draws them with Chart.js, the PDF as SVG
(workflow/charts.py)."""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from workflow.charts import BAR, HORIZONTAL, Chart, Series


def financing_by_year(figures: dict) -> Chart:
    rows = figures["financing"]["rows"]
    return Chart(
        key="financing-by-year",
        title=_("Financing by year and source"),
        unit=_("roubles"),
        label_title=_("Year"),
        labels=[str(row["year"]) for row in rows],
        series=[
            Series(capfirst(str(source)), [row["amounts"][i] for row in rows])
            for i, source in enumerate(figures["sources"])
        ],
        kind=BAR,
    )


def financing_by_direction(figures: dict) -> Chart:
    directions = figures["registry"]
    return Chart(
        key="financing-by-direction",
        title=_("Financing by direction"),
        unit=_("roubles"),
        label_title=_("Direction"),
        labels=[direction["name"] for direction in directions],
        series=[Series(_("Total"), [direction["total"] for direction in directions])],
        kind=HORIZONTAL,
    )


def financing(figures: dict) -> list[Chart]:
    """Both charts, or none when no approved project has a budget."""
    charts = [financing_by_year(figures), financing_by_direction(figures)]
    return [] if charts[0].is_empty else charts

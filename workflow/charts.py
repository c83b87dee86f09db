"""Charts: the numbers of a chart, drawn on a page by Chart.js and in a PDF as SVG.

On a page, templates/workflow/_chart.html puts `Chart.data()` in a `json_script` block (data,
not code, so the Content-Security-Policy holds) beside a <canvas>, and static/js/charts.js
draws it; the same numbers follow as a table for screen readers. A PDF cannot run scripts, so
`svg()` draws the same chart on the server as inline SVG, which WeasyPrint renders. The apps
build their charts from their own selectors (documents/charts.py, programme/charts.py)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe–Ito: told apart by people with the common colour-vision deficiencies, and in grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000")

BAR = "bar"  # vertical bars, the series stacked
HORIZONTAL = "horizontal"  # horizontal bars, the series stacked


@dataclass
class Series:
    label: str
    values: list


@dataclass
class Chart:
    """`labels` along the axis; one `series` per colour, stacked on each label."""

    key: str  # unique on its page: the ids of the canvas and of the data block derive from it
    title: str
    labels: list[str]
    series: list[Series]
    kind: str = BAR
    unit: str = ""
    series_title: str = ""  # what the series are (the table's first header), e.g. "Source"
    label_title: str = ""  # what the labels are, e.g. "Year"
    totals: list = field(init=False)

    def __post_init__(self):
        self.totals = [sum((s.values[i] for s in self.series), 0) for i in range(len(self.labels))]

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    @property
    def total(self):
        return sum(self.totals, 0)

    @property
    def is_empty(self) -> bool:
        return not self.total

    def data(self) -> dict:
        """What static/js/charts.js draws."""
        return {
            "kind": self.kind,
            "unit": self.unit,
            "labels": [str(label) for label in self.labels],
            "series": [
                {
                    "label": str(s.label),
                    "values": [plain(v) for v in s.values],
                    "colour": PALETTE[i % len(PALETTE)],
                }
                for i, s in enumerate(self.series)
            ],
        }

    def rows(self) -> list[dict]:
        """The table of the chart: a row per label, a column per series, and the row's total."""
        return [
            {
                "label": label,
                "values": [s.values[i] for s in self.series],
                "total": self.totals[i],
            }
            for i, label in enumerate(self.labels)
        ]

    def summary(self) -> str:
        """The canvas's aria-label: the title and each label's total."""
        pairs = zip(self.labels, self.totals, strict=True)
        parts = [f"{label}: {grouped(total)}" for label, total in pairs]
        unit = f" ({self.unit})" if self.unit else ""
        return f"{self.title}{unit}. " + "; ".join(parts)


def plain(value) -> int | float:
    """A number as JSON knows it: whole amounts as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def grouped(value) -> str:
    """12 500 000: thousands apart, no kopecks for whole roubles."""
    value = plain(value)
    digits = 0 if isinstance(value, int) else 2
    return number_format(value, decimal_pos=digits, use_l10n=True, force_grouping=True)


# --- SVG for the PDF documents -------------------------------------------------------------
WIDTH = 640
ROW = 22  # a legend line, a horizontal bar
FONT = 'font-family="PT Sans, sans-serif"'


def _legend(chart: Chart, top: int) -> tuple[list[str], int]:
    parts = []
    for i, series in enumerate(chart.series):
        y = top + i * ROW
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="0" y="{y}" width="12" height="12" fill="{colour}"/>')
        parts.append(
            f'<text x="18" y="{y + 10}" font-size="11" {FONT}>{escape(series.label)}</text>'
        )
    return parts, top + len(chart.series) * ROW


def _vertical(chart: Chart) -> tuple[list[str], int]:
    plot_height, left, bottom_gap = 200, 20, 34
    biggest = max(chart.totals, default=0) or 1
    step = (WIDTH - left) / max(len(chart.labels), 1)
    bar = min(step * 0.6, 80)
    parts = [
        f'<line x1="{left}" y1="{plot_height}" x2="{WIDTH}" y2="{plot_height}" stroke="#666"/>'
    ]
    for i, label in enumerate(chart.labels):
        x = left + i * step + (step - bar) / 2
        y = plot_height
        for k, series in enumerate(chart.series):
            height = float(series.values[i]) / float(biggest) * (plot_height - 20)
            if height > 0:
                y -= height
                colour = PALETTE[k % len(PALETTE)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{height:.1f}" '
                    f'fill="{colour}"/>'
                )
        centre = x + bar / 2
        parts.append(
            f'<text x="{centre:.1f}" y="{y - 4:.1f}" font-size="10" text-anchor="middle" '
            f"{FONT}>{escape(grouped(chart.totals[i]))}</text>"
        )
        parts.append(
            f'<text x="{centre:.1f}" y="{plot_height + 16}" font-size="11" text-anchor="middle" '
            f"{FONT}>{escape(label)}</text>"
        )
    legend, height = _legend(chart, plot_height + bottom_gap)
    return parts + legend, height


def _horizontal(chart: Chart) -> tuple[list[str], int]:
    label_width, number_width = 230, 110
    room = WIDTH - label_width - number_width
    biggest = max(chart.totals, default=0) or 1
    parts = []
    for i, label in enumerate(chart.labels):
        y = i * ROW
        x = label_width
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" font-size="11" text-anchor="end" '
            f"{FONT}>{escape(label)}</text>"
        )
        for k, series in enumerate(chart.series):
            width = float(series.values[i]) / float(biggest) * room
            if width > 0:
                colour = PALETTE[k % len(PALETTE)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{width:.1f}" height="{ROW - 6}" '
                    f'fill="{colour}"/>'
                )
                x += width
        parts.append(
            f'<text x="{x + 6:.1f}" y="{y + 14}" font-size="10" {FONT}>'
            f"{escape(grouped(chart.totals[i]))}</text>"
        )
    height = len(chart.labels) * ROW + 10
    if len(chart.series) > 1:
        legend, height = _legend(chart, height)
        parts += legend
    return parts, height


def svg(chart: Chart) -> SafeString:
    """The chart as inline SVG: every text escaped, nothing fetched."""
    parts, height = (_horizontal if chart.kind == HORIZONTAL else _vertical)(chart)
    title = escape(chart.summary())
    markup = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">'
        f"<title>{title}</title>" + "".join(parts) + "</svg>"
    )
    return mark_safe(markup)  # noqa: S308 - built here from escaped texts and numbers

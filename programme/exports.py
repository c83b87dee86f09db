"""The registry of anchor projects and the office's summary tables as spreadsheets: CSV (UTF-8
with BOM, semicolons, as Russian Excel opens it) and XLSX. Columns are named in Russian
whatever the reader's language. Text that a spreadsheet would run as a formula is written as
text."""

import csv
import io
from decimal import Decimal

from django.utils import translation

from programme import assembly

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def registry_table(snapshot: dict, direction: str | None = None) -> list[list]:
    """Header and one row per approved project: direction, title, organisation, decision, the
    budget by year and source, totals by source, the total and the requested instruments."""
    with translation.override("ru"):
        numbers = assembly.figures(snapshot)
        years = assembly.years_of(snapshot)
        sources = numbers["sources"]
        header = ["№", "Направление", "Проект", "Организация", "Решение"]
        header += [f"{year}, {source}" for year in years for source in sources]
        header += [f"Итого, {source}" for source in sources]
        header += ["Итого, руб.", "Инструменты поддержки"]
        rows = [header]
        codes = assembly.SOURCES
        for block in numbers["registry"]:
            if direction and block["code"] != direction:
                continue
            for project in block["projects"]:
                cells = {
                    (int(line["year"]), line["source"]): Decimal(line["amount"])
                    for line in project.entry["budget"]
                }
                rows.append(
                    [
                        len(rows),
                        block["name"],
                        project.entry["title"],
                        project.entry["organisation"],
                        project.entry["decision_reference"],
                        *[cells.get((y, s), Decimal(0)) for y in years for s in codes],
                        *project.by_source,
                        project.total,
                        "; ".join(project.instruments),
                    ]
                )
    return rows


def summary_tables(snapshot: dict) -> dict[str, list[list]]:
    """Financing by direction and year; instruments by direction."""
    with translation.override("ru"):
        numbers = assembly.figures(snapshot)
        years = assembly.years_of(snapshot)
        financing = [["Направление", *[str(y) for y in years], "Итого, руб."]]
        for block in numbers["registry"]:
            by_year = [
                sum((p.by_year.get(y, Decimal(0)) for p in block["projects"]), Decimal(0))
                for y in years
            ]
            financing.append([block["name"], *by_year, block["total"]])
        financing.append(
            ["Итого", *[r["total"] for r in numbers["financing"]["rows"]], numbers["total"]]
        )
        matrix = [["Направление", *numbers["matrix"]["instruments"], "Проектов"]]
        for row in numbers["matrix"]["rows"]:
            matrix.append([row["name"], *row["counts"], row["projects"]])
    return {"Финансирование по годам": financing, "Инструменты поддержки": matrix}


def _safe_text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(
            [f"{v:.2f}".replace(".", ",") if isinstance(v, Decimal) else _safe_text(v) for v in row]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

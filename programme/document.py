"""The compiled programme as a printable document (rendered by the PDF pipeline of
documents/pdf): cover, approval sheet, table of contents with page numbers, the sections in
order, the registry of anchor projects by direction, the financing summary, the instrument
matrix and a one-page passport of each anchor project. Built from the version's snapshot
alone, so that the signed version prints the same whatever changes later."""

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal

import nh3
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from documents.models import BudgetLine
from documents.pdf.signatures import SigningPlan
from documents.pdf.sources import DocumentSource, EmbeddedFile, printed_words
from programme import assembly, charts
from programme.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, ALLOWED_URL_SCHEMES
from programme.models import ProgrammeVersion
from signing import services as signing_services
from workflow.charts import svg

# A passport of the appendix is one page: longer texts are cut, with the full text in the
# proposal's own passport.
PASSPORT_TEXT_LIMIT = 900
# The name of the snapshot's file inside the programme PDF.
SNAPSHOT_FILE_NAME = "programme-snapshot.json"


def source_key(version: ProgrammeVersion) -> str:
    """Changes when what the document shows changes: the snapshot, and the approval (a version
    before the governance body prints as a draft). Never after approval."""
    facts = {
        "snapshot": version.snapshot_sha256,
        "approved": version.state in ProgrammeVersion.SIGNED,
        "decision": [version.decision_number, str(version.decision_date or "")],
        "signed_by": version.signed_by_id,
    }
    canonical = json.dumps(["programme", facts], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _shorten(text: str) -> str:
    text = (text or "").strip()
    return text if len(text) <= PASSPORT_TEXT_LIMIT else text[:PASSPORT_TEXT_LIMIT].rstrip() + "…"


def section_table(section: dict, years: list[int]) -> dict | None:
    rows = section["rows"]
    if not section["table"] or not rows:
        return None
    if section["table"] == "indicators":
        return {
            "kind": "indicators",
            "years": years,
            "rows": [
                {**row, "targets": [row.get("targets", {}).get(str(y), "") for y in years]}
                for row in rows
            ],
        }
    if section["table"] == "financing":
        sources = [s for s, _label in BudgetLine.Source.choices]
        table_rows = []
        for row in rows:
            amounts = [Decimal(row.get(s) or 0) for s in sources]
            table_rows.append({"year": row["year"], "amounts": amounts, "total": sum(amounts)})
        labels = [label for _s, label in BudgetLine.Source.choices]
        return {"kind": "financing", "rows": table_rows, "sources": labels}
    return {
        "kind": "activities",
        "rows": [
            {
                **row,
                "funding": Decimal(row.get("funding") or 0),
                # Stored as ISO text; shown as ДД.ММ.ГГГГ on the pages and in the PDF.
                "deadline": _date_or_text(row.get("deadline")),
            }
            for row in rows
        ],
    }


def _date_or_text(value):
    """A date for an ISO date string, the value itself otherwise (hand-edited data)."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return value or ""


def _sections(snapshot: dict, years: list[int]) -> list[dict]:
    return [
        {
            "code": section["code"],
            "title": assembly.name(section, "title"),
            "owner": assembly.name(section, "owner"),
            "revision": section["revision"],
            "reference": section["reference"],
            # Sanitised when frozen; cleaned again here so that no stored HTML is trusted.
            "html": mark_safe(  # noqa: S308
                nh3.clean(
                    section["html"],
                    tags=ALLOWED_TAGS,
                    attributes=ALLOWED_ATTRIBUTES,
                    url_schemes=ALLOWED_URL_SCHEMES,
                )
            ),
            "table": section_table(section, years),
        }
        for section in snapshot["sections"]
    ]


def context(version: ProgrammeVersion, generated_at: datetime) -> dict:
    snapshot = assembly.snapshot_of(version)
    years = assembly.years_of(snapshot)
    numbers = assembly.figures(snapshot)
    programme = snapshot["programme"]
    title = assembly.name(programme, "title")
    for direction in numbers["registry"]:
        for project in direction["projects"]:
            project.summary = _shorten(project.entry["summary"])
            project.results = _shorten(project.entry["expected_results"])
    return {
        "title": title,
        "version": version,
        "approved": version.state in ProgrammeVersion.SIGNED,
        "years": years,
        "period": f"{programme['first_year']}–{programme['last_year']}",
        "sections": _sections(snapshot, years),
        "figures": numbers,
        "charts": [
            {"title": f"{chart.title}, {chart.unit}", "svg": svg(chart)}
            for chart in charts.financing(numbers)
        ],
        "generated_at": generated_at,
        "snapshot_file": SNAPSHOT_FILE_NAME,
        # the bottom left of every page: «Версия программы 2» or «… · проект»
        "stamp": _("Programme version %(number)s") % {"number": version.number}
        + ("" if version.state in ProgrammeVersion.SIGNED else " · " + _("draft")),
        **printed_words(),
    }


def build(version: ProgrammeVersion, *, language: str, generated_at: datetime) -> DocumentSource:
    with translation.override(language):
        data = context(version, generated_at)
        html = render_to_string("programme/pdf/programme.html", data)
        title = _("Development programme: %(title)s, version %(number)s") % {
            "title": data["title"],
            "number": version.number,
        }
    return DocumentSource(
        kind="programme",
        title=title,
        html=html,
        version_sha256=version.snapshot_sha256,
        # An archival PDF that carries its own data: the frozen snapshot, byte for byte what
        # the version's SHA-256 is taken of, so the data travels with the signed document.
        variant="pdf/a-3b",
        embedded=(
            EmbeddedFile(
                name=SNAPSHOT_FILE_NAME,
                content=assembly.canonical_snapshot(version.snapshot),
                description=_("The data of programme version %(number)s (SHA-256 %(sha)s)")
                % {"number": version.number, "sha": version.snapshot_sha256},
            ),
        ),
    )


def job_source(job, version: ProgrammeVersion) -> DocumentSource:
    """What a job of the programme kind renders (registered in programme/apps.py)."""
    if version.snapshot is None:
        raise LookupError(_("The programme version of this document no longer exists."))
    return build(version, language=job.language, generated_at=job.created_at)


def signing_plan(job, version: ProgrammeVersion, source: DocumentSource) -> SigningPlan:
    """An approved version is signed by the governance chair who signed it off (their own act,
    recorded as a sign-off at approval), then sealed; a draft is sealed only."""
    if version.state not in ProgrammeVersion.SIGNED:
        return SigningPlan(reference=_("draft, not approved"))
    reference = _("decision of the governance body № %(number)s of %(date)s") % {
        "number": version.decision_number,
        "date": version.decision_date.strftime("%d.%m.%Y") if version.decision_date else "",
    }
    return SigningPlan(reference=reference, signoffs=signing_services.signoffs_of(version))

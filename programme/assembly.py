"""A programme as plain data: what a version gathers (the approved revisions of its sections and
the approved anchor projects), the figures computed from the projects' own data (the registry
by direction, the financing summary, the instrument matrix), the consistency check that stands
between a draft and the governance body, and the comparison of two versions.

The same functions serve the live draft (assembled from the database now) and a frozen version
(its snapshot): what the governance body signed is computed from the snapshot alone."""

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from directory.models import Direction, SupportInstrument
from documents.models import BudgetLine, Proposal, ProposalVersion
from mbk.i18n import bilingual
from mbk.money import money
from programme.markdown import to_html
from programme.models import Programme, ProgrammeVersion, Section, SectionRevision
from programme.structure import mandatory_codes

SOURCES = [source for source, _label in BudgetLine.Source.choices]
ZERO = Decimal(0)


# --- Gathering ----------------------------------------------------------------------------
def revision_content_hash(revision: SectionRevision) -> str:
    canonical = json.dumps(
        {"text": revision.text, "rows": revision.rows}, sort_keys=True, ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def canonical_snapshot(snapshot: dict) -> bytes:
    """The one byte form of a snapshot: what its SHA-256 is taken of, and what the signed
    programme PDF carries as its embedded data file."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_snapshot(snapshot)).hexdigest()


def live_sections(programme: Programme):
    """The programme's sections in order, each with its revisions (newest first)."""
    return (
        programme.sections.filter(removed_at=None)
        .select_related("owner")
        .prefetch_related(
            Prefetch("revisions", queryset=SectionRevision.objects.order_by("-number"))
        )
    )


def approved_revision(section: Section) -> SectionRevision | None:
    """The newest approved revision (from the prefetched revisions)."""
    return next(
        (r for r in section.revisions.all() if r.state == SectionRevision.State.APPROVED), None
    )


def _section_entry(section: Section) -> dict:
    revision = approved_revision(section)
    latest = next(iter(section.revisions.all()), None)
    return {
        "code": section.code,
        "title_ru": section.title_ru,
        "title_en": section.title_en,
        "owner_ru": section.owner.name_ru,
        "owner_en": section.owner.name_en,
        "table": section.table,
        "revision": revision.number if revision else None,
        "latest_state": latest.state if latest else "",
        "reference": revision.decision_reference if revision else "",
        "approved_at": revision.approved_at.isoformat() if revision else "",
        "text": revision.text if revision else "",
        "html": to_html(revision.text) if revision else "",
        "rows": revision.rows if revision else [],
        "sha256": revision.sha256 if revision else "",
    }


def _project_entry(proposal: Proposal, version: ProposalVersion, instrument_codes: dict) -> dict:
    content = version.content
    return {
        "id": proposal.pk,
        "version": version.number,
        "version_sha256": version.sha256,
        "title": content.get("title", ""),
        "organisation": content.get("organisation", ""),
        "direction": proposal.direction.code,
        "summary": content.get("summary", ""),
        "readiness_level": content.get("readiness_level"),
        "expected_results": content.get("expected_results", ""),
        "decision_reference": proposal.decision_reference,
        "approved_at": proposal.decided_at.isoformat() if proposal.decided_at else "",
        "budget": content.get("budget_lines", []),
        "instruments": [
            instrument_codes.get(row["instrument"], row["instrument"])
            for row in content.get("requested_instruments", [])
        ],
    }


def assemble(programme: Programme) -> dict:
    """What a version of the programme would hold if it were frozen now."""
    instruments = list(SupportInstrument.objects.all())
    instrument_codes = {i.name_ru: i.code for i in instruments}
    approved = (
        Proposal.objects.filter(state=Proposal.State.APPROVED)
        .select_related("direction")
        .order_by("direction__position", "decided_at", "pk")
    )
    latest_versions = {}
    for version in ProposalVersion.objects.filter(proposal__in=approved).order_by("number"):
        latest_versions[version.proposal_id] = version  # the last one wins: the approved one
    return {
        "programme": {
            "title_ru": programme.title_ru,
            "title_en": programme.title_en,
            "first_year": programme.first_year,
            "last_year": programme.last_year,
        },
        "sections": [_section_entry(section) for section in live_sections(programme)],
        "projects": [
            _project_entry(p, latest_versions[p.pk], instrument_codes)
            for p in approved
            if p.pk in latest_versions
        ],
        "directions": [
            {"code": d.code, "name_ru": d.name_ru, "name_en": d.name_en}
            for d in Direction.objects.all()
        ],
        "instruments": [
            {"code": i.code, "name_ru": i.name_ru, "name_en": i.name_en} for i in instruments
        ],
    }


def snapshot_of(version: ProgrammeVersion) -> dict:
    """The frozen snapshot, or the live assembly for a version still being drafted."""
    return version.snapshot if version.snapshot is not None else assemble(version.programme)


# --- Figures ------------------------------------------------------------------------------
def name(entry: dict, key: str = "name") -> str:
    """The English or Russian name of a snapshot entry, in the current language."""
    return bilingual(entry[f"{key}_ru"], entry.get(f"{key}_en", ""))


@dataclass
class ProjectFigures:
    entry: dict
    by_source: list[Decimal]
    by_year: dict[int, Decimal]
    total: Decimal
    instruments: list[str] = field(default_factory=list)


def years_of(snapshot: dict) -> list[int]:
    programme = snapshot["programme"]
    years = set(range(programme["first_year"], programme["last_year"] + 1))
    for project in snapshot["projects"]:
        years |= {int(line["year"]) for line in project["budget"]}
    return sorted(years)


def _project_figures(project: dict, instrument_names: dict) -> ProjectFigures:
    by_source = dict.fromkeys(SOURCES, ZERO)
    by_year: dict[int, Decimal] = {}
    for line in project["budget"]:
        amount = Decimal(line["amount"])
        by_source[line["source"]] += amount
        by_year[int(line["year"])] = by_year.get(int(line["year"]), ZERO) + amount
    return ProjectFigures(
        entry=project,
        by_source=[by_source[s] for s in SOURCES],
        by_year=dict(sorted(by_year.items())),
        total=sum(by_source.values(), ZERO),
        instruments=[instrument_names.get(code, code) for code in project["instruments"]],
    )


def budget_cells(snapshot: dict) -> dict[tuple[int, str], Decimal]:
    """The projects' budgets summed by (year, source)."""
    cells: dict[tuple[int, str], Decimal] = {}
    for project in snapshot["projects"]:
        for line in project["budget"]:
            key = (int(line["year"]), line["source"])
            cells[key] = cells.get(key, ZERO) + Decimal(line["amount"])
    return cells


def figures(snapshot: dict) -> dict:
    """The registry of anchor projects by direction, the financing summary by year and source,
    and the matrix of requested support instruments by direction, in the current language."""
    instrument_names = {i["code"]: name(i) for i in snapshot["instruments"]}
    projects = [_project_figures(p, instrument_names) for p in snapshot["projects"]]
    registry = []
    for direction in snapshot["directions"]:
        mine = [p for p in projects if p.entry["direction"] == direction["code"]]
        registry.append(
            {
                "code": direction["code"],
                "name": name(direction),
                "projects": mine,
                "by_source": [
                    sum((p.by_source[i] for p in mine), ZERO) for i in range(len(SOURCES))
                ],
                "total": sum((p.total for p in mine), ZERO),
            }
        )
    years = years_of(snapshot)
    cells = budget_cells(snapshot)
    rows = []
    for year in years:
        amounts = [cells.get((year, source), ZERO) for source in SOURCES]
        rows.append({"year": year, "amounts": amounts, "total": sum(amounts, ZERO)})
    source_totals = [sum((r["amounts"][i] for r in rows), ZERO) for i in range(len(SOURCES))]
    matrix_rows = []
    for direction in snapshot["directions"]:
        mine = [p for p in snapshot["projects"] if p["direction"] == direction["code"]]
        counts = [
            sum(1 for p in mine if instrument["code"] in p["instruments"])
            for instrument in snapshot["instruments"]
        ]
        matrix_rows.append({"name": name(direction), "counts": counts, "projects": len(mine)})
    return {
        "sources": [BudgetLine.Source(s).label for s in SOURCES],
        "registry": registry,
        "financing": {
            "rows": rows,
            "totals": source_totals,
            "total": sum(source_totals, ZERO),
        },
        "matrix": {
            "instruments": [name(i) for i in snapshot["instruments"]],
            "rows": matrix_rows,
            "totals": [
                sum(r["counts"][i] for r in matrix_rows)
                for i in range(len(snapshot["instruments"]))
            ],
        },
        "project_count": len(projects),
        "total": sum((p.total for p in projects), ZERO),
    }


# --- The consistency check -----------------------------------------------------------------
def _financing_problems(snapshot: dict) -> list[str]:
    section = next((s for s in snapshot["sections"] if s["table"] == "financing"), None)
    if section is None or section["revision"] is None:
        return []  # said by the missing or unapproved section
    stated: dict[tuple[int, str], Decimal] = {}
    for row in section["rows"]:
        for source in SOURCES:
            amount = Decimal(row.get(source) or 0)
            if amount:
                stated[(int(row["year"]), source)] = amount
    projects = budget_cells(snapshot)
    problems = []
    labels = dict(BudgetLine.Source.choices)
    for year, source in sorted(set(stated) | set(projects)):
        in_section = stated.get((year, source), ZERO)
        in_projects = projects.get((year, source), ZERO)
        if in_section != in_projects:
            problems.append(
                _(
                    "Financing, %(year)s, %(source)s: the section «%(section)s» states "
                    "%(stated)s roubles, the approved anchor projects' budgets add up to "
                    "%(projects)s roubles."
                )
                % {
                    "year": year,
                    "source": labels[source],
                    "section": name(section, "title"),
                    "stated": money(in_section),
                    "projects": money(in_projects),
                }
            )
    return problems


def draft_problems(snapshot: dict) -> list[str]:
    """What stands in the way of sending an assembled draft to the governance body."""
    problems = []
    present = {s["code"] for s in snapshot["sections"]}
    for code, template in mandatory_codes().items():
        if code not in present:
            problems.append(
                _("The mandatory section «%(title)s» is missing.")
                % {"title": bilingual(template.title_ru, template.title_en)}
            )
    states = dict(SectionRevision.State.choices)
    for section in snapshot["sections"]:
        if section["revision"] is None:
            state = states.get(section["latest_state"], _("no text yet"))
            problems.append(
                _("The section «%(title)s» is not approved yet (now: %(state)s).")
                % {"title": name(section, "title"), "state": state}
            )
    if not snapshot["projects"]:
        problems.append(_("No anchor project is approved yet."))
    return problems + _financing_problems(snapshot)


def late_problems(version: ProgrammeVersion) -> list[str]:
    """What was approved after the version was frozen and is not in it: the governance body
    would sign a programme that is already out of date."""
    if version.snapshot is None:
        return []
    problems = []
    frozen_ids = {p["id"] for p in version.snapshot["projects"]}
    late = Proposal.objects.filter(
        state=Proposal.State.APPROVED, decided_at__gt=version.frozen_at
    ).exclude(pk__in=frozen_ids)
    for proposal in late.order_by("decided_at"):
        problems.append(
            _(
                "The anchor project «%(title)s» was approved on %(date)s, after this version "
                "was frozen, and is not in it."
            )
            % {"title": proposal.title, "date": proposal.decided_at.strftime("%d.%m.%Y")}
        )
    frozen = {s["code"]: s["revision"] for s in version.snapshot["sections"]}
    for section in live_sections(version.programme):
        revision = approved_revision(section)
        if revision and revision.number != frozen.get(section.code):
            problems.append(
                _(
                    "Revision %(number)s of the section «%(title)s» was approved after this "
                    "version was frozen, and is not in it."
                )
                % {"number": revision.number, "title": section.title}
            )
    return problems


# --- Comparing two versions ------------------------------------------------------------------
@dataclass
class Comparison:
    sections_added: list[str]
    sections_removed: list[str]
    sections_changed: list[tuple[str, int | None, int | None]]
    projects_added: list[str]
    projects_removed: list[str]
    totals: list[tuple[str, Decimal, Decimal]]  # (label, before, after) where they differ

    @property
    def is_empty(self) -> bool:
        return not any(
            [
                self.sections_added,
                self.sections_removed,
                self.sections_changed,
                self.projects_added,
                self.projects_removed,
                self.totals,
            ]
        )


def compare(before: dict, after: dict) -> Comparison:
    """Sections added, removed or in another revision; projects added or removed; totals by
    year and source that changed."""
    old = {s["code"]: s for s in before["sections"]}
    new = {s["code"]: s for s in after["sections"]}
    changed = [
        (name(new[code], "title"), old[code]["revision"], new[code]["revision"])
        for code in new
        if code in old
        and (old[code]["revision"], old[code]["sha256"])
        != (new[code]["revision"], new[code]["sha256"])
    ]
    old_projects = {p["id"]: p for p in before["projects"]}
    new_projects = {p["id"]: p for p in after["projects"]}
    before_figures, after_figures = figures(before), figures(after)
    totals = []
    old_rows = {r["year"]: r for r in before_figures["financing"]["rows"]}
    new_rows = {r["year"]: r for r in after_figures["financing"]["rows"]}
    for year in sorted(set(old_rows) | set(new_rows)):
        was = old_rows[year]["total"] if year in old_rows else ZERO
        now = new_rows[year]["total"] if year in new_rows else ZERO
        if was != now:
            totals.append((str(year), was, now))
    for i, label in enumerate(after_figures["sources"]):
        was, now = before_figures["financing"]["totals"][i], after_figures["financing"]["totals"][i]
        if was != now:
            totals.append((str(label), was, now))
    if before_figures["total"] != after_figures["total"]:
        totals.append((_("All years and sources"), before_figures["total"], after_figures["total"]))
    return Comparison(
        sections_added=[name(new[c], "title") for c in new if c not in old],
        sections_removed=[name(old[c], "title") for c in old if c not in new],
        sections_changed=changed,
        projects_added=[new_projects[i]["title"] for i in new_projects if i not in old_projects],
        projects_removed=[old_projects[i]["title"] for i in old_projects if i not in new_projects],
        totals=totals,
    )

"""A programme in any stage of its life, built through the services as people would.

`people` are the personas of tests/workflow/states.make_people: `office` (programme office
staff) writes and decides the office's sections, `chair` chairs wg-pharma, `secretary` and
`governance_chair` record the governance body's decisions, `governance_chair` signs versions.
"""

import datetime
from decimal import Decimal

from documents.models import Proposal
from programme import assembly, services
from programme.models import Programme, Section, SectionRevision
from tests.workflow.states import proposal_in

SectionState = SectionRevision.State
SOURCES = ("own", "private", "city", "federal")
DECISION = "протокол № 5 от 10.11.2026"


def new_programme(people: dict, *, first_year: int = 2027, last_year: int = 2029) -> Programme:
    return services.programme_create(
        title_ru="Программа развития МБК",
        title_en="MBK development programme",
        first_year=first_year,
        last_year=last_year,
        by=people["office"],
    )


def section(programme: Programme, code: str) -> Section:
    return programme.sections.get(code=code)


def writer_of(section: Section, people: dict):
    return people["office"] if section.owner.kind == "programme_office" else people["chair"]


def decider_of(section: Section, people: dict):
    return people["office"] if section.owner.kind == "programme_office" else people["chair"]


def approve_section(
    section: Section, people: dict, *, text: str | None = None, rows: list | None = None
) -> SectionRevision:
    """Write (or rewrite) the open revision and take it through to the governance body's
    approval. An approved section is amended first."""
    latest = services.latest_revision(section)
    if latest is not None and latest.state == SectionState.APPROVED:
        services.section_amend(section_id=section.pk, by=writer_of(section, people))
    services.section_write(
        section_id=section.pk,
        by=writer_of(section, people),
        text=text if text is not None else f"Текст раздела «{section.title_ru}».",
        rows=rows if rows is not None else [],
        seen_edition=None,
    )
    services.section_submit(section_id=section.pk, by=writer_of(section, people))
    services.section_approve_in_group(section_id=section.pk, by=decider_of(section, people))
    services.section_send_to_governance(section_id=section.pk, by=people["office"])
    return services.section_governance_approve(
        section_id=section.pk, by=people["secretary"], reference=DECISION
    )


def financing_rows_matching(programme: Programme) -> list[dict]:
    """The financing table that states exactly what the approved projects' budgets add up to."""
    cells = assembly.budget_cells(assembly.assemble(programme))
    years = sorted({year for year, _source in cells})
    return [{"year": y, **{s: str(cells.get((y, s), Decimal(0))) for s in SOURCES}} for y in years]


def approved_projects(people: dict, count: int = 2) -> list[Proposal]:
    return [
        proposal_in(Proposal.State.APPROVED, people, title=f"Якорный проект {n}")
        for n in range(1, count + 1)
    ]


def ready_programme(people: dict, *, projects: int = 2) -> Programme:
    """Every section approved, the financing section matching the approved projects."""
    approved_projects(people, projects)
    programme = new_programme(people)
    for item in programme.sections.all():
        rows = financing_rows_matching(programme) if item.table == "financing" else None
        approve_section(item, people, rows=rows)
    return programme


def approved_version(programme: Programme, people: dict, *, number: str = "7"):
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])
    return services.version_approve(
        version_id=version.pk,
        by=people["governance_chair"],
        decision_number=number,
        decision_date=datetime.date(2026, 11, 10),
    )

"""Benchmark: the compiled programme of a large cluster (10 sections, 200 approved anchor
projects across the four directions, each with a one-page passport in the appendix) rendered the
way the worker renders it (programme.document.build + render.html_to_pdf, through our URL
fetcher), next to WeasyPrint alone on the same HTML string (the floor). Median time and peak
memory of each, every variant in a process of its own. Target: under 60 s and 1 GB.

    DEBUG=1 .venv/bin/python bench/render_programme.py [--runs 3] [--projects 200]

The data generator writes the proposals and their frozen versions straight into a throwaway
SQLite database (the services would take minutes for 200 proposals and are not what is
measured), then freezes and approves the programme version through the services."""

import argparse
import datetime
import io
import json
import random
import tempfile
from decimal import Decimal

from common import collect_static, print_rows, run_children, setup_django, time_runs

YEARS = list(range(2027, 2033))  # the programme's six years
SOURCES = ("own", "private", "city", "federal")
PARAGRAPH = (
    "Кластер развивает биотехнологическую отрасль Москвы: поддерживает якорные проекты, "
    "создаёт инфраструктуру коллективного пользования и привлекает частные инвестиции. "
)


def _section_text(title: str, n: int) -> str:
    rows = "\n".join(f"| Показатель {i} | {i * 10} | {i * 20} |" for i in range(1, 8))
    return (
        f"## {title}\n\n"
        + "\n\n".join(PARAGRAPH * 4 for _ in range(4 + n % 3))
        + "\n\n- первое направление работ;\n- второе направление работ;\n- третье.\n\n"
        + "| Показатель | 2027 | 2032 |\n|---|---|---|\n"
        + rows
    )


def generate(projects: int) -> int:
    """The cluster, `projects` approved proposals and a signed programme version; its id."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from directory.models import Body, Direction, Membership, Organisation, SupportInstrument
    from documents.content import content_hash, snapshot
    from documents.models import BudgetLine, Call, Proposal, ProposalVersion, RequestedInstrument
    from programme import assembly, services
    from programme.models import SectionRevision
    from signing import authority

    call_command("migrate", verbosity=0)
    call_command("load_directory", verbosity=0, stdout=io.StringIO())
    users = get_user_model().objects
    office = users.create_user("bench-office", last_name="Орлова")
    chair = users.create_user("bench-chair", last_name="Григорьев", first_name="Виктор")
    Membership.objects.create(
        body=Body.objects.get(kind=Body.Kind.PROGRAMME_OFFICE), user=office, role="staff"
    )
    Membership.objects.create(body=Body.objects.get(code="council"), user=chair, role="chair")
    today = timezone.localdate()
    call = Call.objects.create(
        title_ru="Приём заявок для замера",
        opens_on=today - datetime.timedelta(days=90),
        closes_on=today,
        first_year=YEARS[0],
        last_year=YEARS[-1],
        created_by=office,
    )
    directions = list(Direction.objects.all())
    instruments = list(SupportInstrument.objects.all())
    random.seed(2014)
    for n in range(projects):
        organisation = Organisation.objects.create(
            name_ru=f"ООО «Биотех-{n + 1}»", status="confirmed"
        )
        author = users.create_user(f"bench-author-{n}", organisation=organisation)
        direction = directions[n % len(directions)]
        proposal = Proposal.objects.create(
            call=call,
            author=author,
            organisation=organisation,
            direction=direction,
            group=direction.working_group,
            title=f"Якорный проект № {n + 1}: биотехнологическое производство",
            summary=PARAGRAPH * 3,
            goals=PARAGRAPH,
            description=PARAGRAPH * 6,
            readiness_level=1 + n % 9,
            expected_results=PARAGRAPH * 2,
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                proposal=proposal,
                year=year,
                source=source,
                amount=Decimal(random.randrange(1, 500) * 100_000),
            )
            for year in YEARS
            for source in SOURCES
        )
        RequestedInstrument.objects.bulk_create(
            RequestedInstrument(proposal=proposal, instrument=i, justification="Обоснование")
            for i in random.sample(instruments, 2)
        )
        content = snapshot(proposal)
        ProposalVersion.objects.create(
            proposal=proposal,
            number=1,
            content=content,
            sha256=content_hash(content),
            created_by=author,
        )
        Proposal.objects.filter(pk=proposal.pk).update(
            state="approved",
            decided_at=timezone.now(),
            decision_reference="протокол № 3 от 20.11.2026",
        )
    programme = services.programme_create(
        title_ru="Программа развития МБК",
        title_en="MBK development programme",
        first_year=YEARS[0],
        last_year=YEARS[-1],
        by=office,
    )
    cells = assembly.budget_cells(assembly.assemble(programme))
    for n, section in enumerate(programme.sections.all()):
        rows = []
        if section.table == "financing":
            rows = [{"year": y, **{s: str(cells.get((y, s), 0)) for s in SOURCES}} for y in YEARS]
        elif section.table == "indicators":
            rows = [
                {
                    "name": f"Показатель {i}",
                    "unit": "ед.",
                    "baseline": "0",
                    "targets": {str(y): str(i * k) for k, y in enumerate(YEARS, 1)},
                }
                for i in range(1, 11)
            ]
        elif section.table == "activities":
            rows = [
                {
                    "name": f"Мероприятие {i}",
                    "responsible": "Дирекция программы",
                    "deadline": f"{YEARS[i % len(YEARS)]}-12-01",
                    "funding": "1000000",
                }
                for i in range(1, 31)
            ]
        revision = SectionRevision(
            section=section,
            number=1,
            state=SectionRevision.State.APPROVED,
            text=_section_text(section.title_ru, n),
            rows=rows,
            decision_reference="протокол № 2",
            approved_at=timezone.now(),
            created_by=office,
        )
        revision.sha256 = assembly.revision_content_hash(revision)
        revision.save()
    version = services.version_create(programme_id=programme.pk, by=office)
    services.version_send_to_governance(version_id=version.pk, by=office)
    # The chair signs what they approve: the throwaway authority certifies them.
    authority.ensure_ready()
    authority.issue("person", person=chair)
    services.version_approve(
        version_id=version.pk, by=chair, decision_number="5", decision_date=today
    )
    return version.pk


def measure(variant: str, version_id: int, runs: int, static_root_url: str) -> dict:
    from django.utils import timezone

    from documents.pdf import render
    from programme import document
    from programme.models import ProgrammeVersion

    version = ProgrammeVersion.objects.get(pk=version_id)

    def build() -> str:
        return document.build(version, language="ru", generated_at=timezone.now()).html

    def pipeline() -> bytes:
        source = document.build(version, language="ru", generated_at=timezone.now())
        return render.html_to_pdf(
            source.html,
            title=source.title,
            author="МБК",
            language="ru",
            variant=source.variant,
            embedded=source.embedded,
        )

    def signed() -> bytes:
        """What the worker stores: the rendering signed by the chair, then sealed."""
        from documents.pdf import signatures
        from documents.pdf.signatures import SigningPlan
        from signing import services as signing_services
        from signing.builtin import ClusterSigner

        plan = SigningPlan(reference="", signoffs=signing_services.signoffs_of(version))
        return ClusterSigner().sign(
            pipeline(), signatures.specs_of(plan), document_id=f"bench:{version.pk}"
        )

    html = build()

    def floor() -> bytes:
        from weasyprint import HTML

        return HTML(string=html, base_url=static_root_url).write_pdf()

    work = {"build": build, "pipeline": pipeline, "signed": signed, "floor": floor}[variant]
    result = time_runs(variant, work, runs)
    if variant == "pipeline":
        from pypdf import PdfReader

        result["pages"] = len(PdfReader(io.BytesIO(pipeline())).pages)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--projects", type=int, default=200)
    parser.add_argument("--child", nargs=4, metavar=("FOLDER", "VERSION", "STATIC", "VARIANT"))
    args = parser.parse_args()
    if args.child:
        folder, version_id, static_root_url, variant = args.child
        setup_django(folder)
        print(json.dumps(measure(variant, int(version_id), args.runs, static_root_url)))
        return
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        version_id = generate(args.projects)
        static_root_url = collect_static()
        results = run_children(
            __file__,
            args.runs,
            [folder, str(version_id), static_root_url],
            ["floor", "pipeline", "signed", "build"],
        )
    print(
        f"Compiled programme: 10 sections, {args.projects} anchor projects in 4 directions, "
        f"{results['pipeline']['pages']} A4 pages; {args.runs} runs each after a warm-up, "
        "each variant in its own process"
    )
    labels = {
        "floor": "WeasyPrint alone on the same HTML (floor)",
        "pipeline": "document.build + render.html_to_pdf (PDF/A-3b, snapshot inside)",
        "signed": "... + the chair's signature and the seal (what the worker stores)",
        "build": "document.build alone (HTML, no PDF)",
    }
    print_rows(results, labels, lambda variant: "HTML" if variant == "build" else "PDF")


if __name__ == "__main__":
    main()

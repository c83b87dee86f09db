"""Benchmark: the project passport of a large proposal (10 budget years, 20 indicators,
30 milestones) rendered the way the worker renders it (sources.build + render.html_to_pdf, through
our URL fetcher), next to WeasyPrint alone on the same HTML string with its own fetcher reading
the collected static files (the floor). Median time and peak memory of each, every variant in a
process of its own so that its peak memory is its own.

    DEBUG=1 .venv/bin/python bench/render_passport.py [--runs 7]

It builds a throwaway SQLite database and collects the static files under a temporary folder;
nothing of var/ is touched."""

import argparse
import io
import json
import tempfile

from common import collect_static, print_rows, run_children, setup_django, time_runs

YEARS = list(range(2027, 2037))  # 10 budget years


def build_proposal() -> int:
    """A submitted proposal of the size named above; returns its id."""
    import datetime
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from directory.models import Affiliation, Direction, Organisation, SupportInstrument
    from documents.models import Call
    from documents.services import ProposalContent, proposal_create, proposal_update
    from documents.transitions import proposal_submit

    call_command("migrate", verbosity=0)
    call_command("load_directory", verbosity=0, stdout=io.StringIO())
    organisation = Organisation.objects.create(
        name_ru="АО «Бенчмарк Биотех»", name_en="Benchmark Biotech JSC", status="confirmed"
    )
    author = User.objects.create_user("bench-author", organisation=organisation, last_name="Автор")
    Affiliation.objects.create(user=author, organisation=organisation, status="confirmed")
    office = User.objects.create_user("bench-office")
    today = timezone.localdate()
    call = Call.objects.create(
        title_ru="Приём заявок для замера",
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=30),
        first_year=YEARS[0],
        last_year=YEARS[-1],
        created_by=office,
    )
    call.directions.set(Direction.objects.all())
    direction = Direction.objects.get(code="pharma")
    proposal = proposal_create(by=author, call=call, direction=direction, title="Биофабрика")
    text = "Разработка и вывод на рынок биотехнологических препаратов. " * 40
    content = ProposalContent(
        fields={
            "title": "Биофабрика полного цикла",
            "summary": text[:600],
            "goals": text,
            "description": text * 3,
            "readiness_level": 6,
            "expected_results": text,
            "investors_and_partners": "АО «Инвест», ООО «Партнёр»",
            "contact_name": "Иванов Иван Иванович",
            "contact_email": "ivanov@example.ru",
            "contact_phone": "+7 495 000-00-00",
        },
        infrastructure_groups=[],
        services=[],
        budget_lines=[
            {"year": year, "source": source, "amount": Decimal(1_000_000 * (n + 1))}
            for n, year in enumerate(YEARS)
            for source in ("own", "private", "city", "federal")
        ],
        indicators=[
            {
                "name": f"Показатель № {i + 1}",
                "unit": "шт.",
                "baseline": Decimal(i),
                "targets": {str(year): str(i * 10 + n) for n, year in enumerate(YEARS)},
            }
            for i in range(20)
        ],
        requested_instruments=[
            {"instrument": instrument, "justification": "Обоснование запроса."}
            for instrument in SupportInstrument.objects.all()[:5]
        ],
        milestones=[
            {"name": f"Этап {i + 1}", "due_on": datetime.date(YEARS[i // 3], 1 + (i % 3) * 4, 15)}
            for i in range(30)
        ],
    )
    proposal = proposal_update(
        proposal_id=proposal.pk, by=author, content=content, seen_edition=proposal.edition
    )
    proposal_submit(proposal_id=proposal.pk, by=author)
    return proposal.pk


def measure(variant: str, proposal_id: int, runs: int, static_root_url: str) -> dict:
    """Run one variant `runs` times in this process (after one warm-up run)."""
    from django.utils import timezone

    from documents.models import Proposal
    from documents.pdf import render, sources

    proposal = Proposal.objects.get(pk=proposal_id)
    version = proposal.versions.get()

    def build() -> str:
        return sources.build(
            sources.PASSPORT, proposal, version, language="ru", generated_at=timezone.now()
        ).html

    def pipeline() -> bytes:
        source = sources.build(
            sources.PASSPORT, proposal, version, language="ru", generated_at=timezone.now()
        )
        return render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    html = build()

    def floor() -> bytes:
        # WeasyPrint as it comes: its default fetcher, our files read straight from the disk.
        from weasyprint import HTML

        return HTML(string=html, base_url=static_root_url).write_pdf()

    work = {"build": build, "pipeline": pipeline, "floor": floor}[variant]
    return time_runs(variant, work, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", nargs=4, metavar=("FOLDER", "PROPOSAL", "STATIC", "VARIANT"))
    args = parser.parse_args()
    if args.child:
        folder, proposal_id, static_root_url, variant = args.child
        setup_django(folder)
        print(json.dumps(measure(variant, int(proposal_id), args.runs, static_root_url)))
        return
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        proposal_id = build_proposal()
        static_root_url = collect_static()
        results = run_children(
            __file__,
            args.runs,
            [folder, str(proposal_id), static_root_url],
            ["floor", "pipeline", "build"],
        )
    print(
        f"Project passport: {len(YEARS)} budget years, 20 indicators, 30 milestones; "
        f"{args.runs} runs each after a warm-up, each variant in its own process"
    )
    labels = {
        "floor": "WeasyPrint alone on the same HTML (floor)",
        "pipeline": "sources.build + render.html_to_pdf",
        "build": "sources.build alone (HTML, no PDF)",
    }
    print_rows(results, labels, lambda variant: "HTML" if variant == "build" else "PDF")


if __name__ == "__main__":
    main()

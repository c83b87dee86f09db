"""Benchmark: the project passport of a large proposal (10 budget years, 20 indicators,
30 milestones) through the pipeline's render path (sources.build + render.html_to_pdf), next
to WeasyPrint alone on the same HTML string (the floor). Median time and peak memory of each,
every variant in a process of its own so that peak memory is its own.

    .venv/bin/python bench/render_passport.py [--runs 7]

It builds a throwaway SQLite database under a temporary folder; nothing of var/ is touched."""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
YEARS = list(range(2027, 2037))  # 10 budget years


def setup_django(folder: str) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "mbk.settings",
            "DEBUG": "1",
            "MBK_VAR_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def build_proposal() -> int:
    """A submitted proposal of the size named above; returns its id."""
    import datetime
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from directory.models import Direction, Organisation, SupportInstrument
    from documents.models import Call
    from documents.services import ProposalContent, proposal_create, proposal_update
    from workflow.services import proposal_submit

    call_command("migrate", verbosity=0)
    call_command("load_directory", verbosity=0)
    organisation = Organisation.objects.create(
        name_ru="АО «Бенчмарк Биотех»", name_en="Benchmark Biotech JSC", status="confirmed"
    )
    author = User.objects.create_user("bench-author", organisation=organisation, last_name="Автор")
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
        proposal_id=proposal.pk, by=author, content=content, seen_revision=proposal.revision
    )
    proposal_submit(proposal_id=proposal.pk, by=author)
    return proposal.pk


def measure(variant: str, proposal_id: int, runs: int) -> dict:
    """Run one variant `runs` times in this process (after one warm-up run)."""
    from django.utils import timezone

    from documents.models import Proposal, RenderJob
    from documents.pdf import render, sources
    from documents.pdf.fetcher import STATIC_BASE, safe_url_fetcher

    proposal = Proposal.objects.get(pk=proposal_id)
    version = proposal.versions.get()
    kind = RenderJob.Kind.PASSPORT

    def pipeline() -> bytes:
        source = sources.build(kind, proposal, version, language="ru", generated_at=timezone.now())
        return render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    html = sources.build(kind, proposal, version, language="ru", generated_at=timezone.now()).html

    def floor() -> bytes:
        from weasyprint import HTML

        return HTML(string=html, base_url=STATIC_BASE, url_fetcher=safe_url_fetcher()).write_pdf()

    work = {"pipeline": pipeline, "floor": floor}[variant]
    size = len(work())  # warm-up: imports, font loading
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return {
        "variant": variant,
        "median_s": statistics.median(timings),
        "min_s": min(timings),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "pdf_bytes": size,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", nargs=3, metavar=("FOLDER", "VARIANT", "PROPOSAL"))
    args = parser.parse_args()
    if args.child:
        folder, variant, proposal_id = args.child
        setup_django(folder)
        print(json.dumps(measure(variant, int(proposal_id), args.runs)))
        return
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        proposal_id = build_proposal()
        results = {}
        for variant in ("floor", "pipeline"):
            command = [sys.executable, __file__, "--runs", str(args.runs), "--child", folder]
            output = subprocess.run(  # noqa: S603 (our own interpreter and script)
                [*command, variant, str(proposal_id)], check=True, capture_output=True, text=True
            ).stdout
            results[variant] = json.loads(output.strip().splitlines()[-1])
    floor, pipeline = results["floor"], results["pipeline"]
    print(
        f"Project passport: {len(YEARS)} budget years, 20 indicators, 30 milestones; "
        f"{args.runs} runs each after a warm-up"
    )
    for row in (floor, pipeline):
        print(
            f"  {row['variant']:<9} median {row['median_s'] * 1000:7.0f} ms   "
            f"min {row['min_s'] * 1000:7.0f} ms   peak RSS {row['peak_rss_mb']:6.0f} MB   "
            f"PDF {row['pdf_bytes'] / 1024:5.0f} KiB"
        )
    print(
        f"  ratio pipeline/floor: time {pipeline['median_s'] / floor['median_s']:.2f}, "
        f"memory {pipeline['peak_rss_mb'] / floor['peak_rss_mb']:.2f}"
    )


if __name__ == "__main__":
    main()

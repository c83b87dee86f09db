"""Every benchmark in one go, one table at the end:

    .venv/bin/python -m bench [--quick] [--reuse]        (or bench/run)

1. bench/generate.py: the large cluster in PostgreSQL (mbk_bench; skipped with --reuse);
2. bench/load.py: the busiest pages under 8 concurrent clients, each against its floor;
3. bench/transitions.py: transitions per second, and a race that must lose nothing;
4. bench/render_passport.py and bench/render_programme.py: PDF time and memory vs WeasyPrint.

--quick: 2 000 proposals, 4 s per page, 4 transitions per process, one PDF run, a programme
of 20 projects (about 6 minutes); the full run takes about 15. The database generated is
dropped at the end (BENCH_DATABASE names it) unless --keep; --reuse keeps it too."""

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _step(script: str, *arguments: str) -> dict:
    command = [sys.executable, "-W", "ignore", str(HERE / script), *arguments]
    print(f"$ {' '.join(command[3:])}", flush=True)
    finished = subprocess.run(command, capture_output=True, text=True)
    if finished.returncode:
        print(finished.stdout, finished.stderr, sep="\n", file=sys.stderr)
        finished.check_returncode()
    lines = finished.stdout.strip().splitlines()
    print("\n".join(lines[:-1]), flush=True)
    return json.loads(lines[-1])


def _pdf(script: str, *arguments: str) -> dict:
    """The render scripts print their rows as text: the floor's and the pipeline's."""
    command = [sys.executable, "-W", "ignore", str(HERE / script), *arguments]
    print(f"$ {' '.join(command[3:])}", flush=True)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    print(output.strip(), flush=True)
    rows = {}
    for line in output.splitlines():
        found = re.search(r"median\s+(\d+) ms.*peak RSS\s+(\d+) MB", line)
        if found:
            variant = (
                "floor"
                if "WeasyPrint alone" in line
                else "build"
                if "alone" in line
                else "pipeline"
            )
            rows[variant] = {"median_s": int(found[1]) / 1000, "peak_rss_mb": int(found[2])}
    return rows


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    ram = (
        int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        // 1024**2
    )
    postgres = (
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", "show server_version"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "?"
    )
    return f"{os.cpu_count()} cores ({cpu}), {ram} GB RAM, PostgreSQL {postgres}"


def _postgres(setting: str) -> str:
    return (
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", f"show {setting}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "?"
    )


def drop_database() -> None:
    sys.path.insert(0, str(HERE))
    import psycopg
    from cluster import BENCH_DATABASE, POSTGRES_URL

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
    print(f"Dropped {BENCH_DATABASE}.")


def print_table(load: dict, moves: dict, passport: dict, programme: dict) -> None:
    """One line per page: its median and p95, its floor's, both ratios, the queries of a
    request of each; then the transitions and the PDFs."""
    print(
        f"{'what':<60}{'median':>8}{'p95':>8}{'floor':>8}{'fl.p95':>8}"
        f"{'ratio':>7}{'r.p95':>7}{'q':>5}{'fl.q':>5}"
    )
    for row in load["load"]:
        page, floor = row["url"], row["floor"]
        print(
            f"{row['page'][:59]:<60}"
            f"{page['median_ms']:>6.0f}ms{page['p95_ms']:>6.0f}ms"
            f"{floor['median_ms']:>6.0f}ms{floor['p95_ms']:>6.0f}ms"
            f"{page['median_ms'] / floor['median_ms']:>7.2f}"
            f"{page['p95_ms'] / floor['p95_ms']:>7.2f}"
            f"{row['url_queries']:>5}{row['floor_queries']:>5}"
        )
    for name, row in moves.items():
        if isinstance(row, dict):
            label = f"transition {name} ({moves['workers']} processes)"
            print(
                f"{label:<60}"
                f"{row['per_second']:>6.1f}/s   done {row['done']}, refused {row['refused']}"
            )
    for name, rows in (("passport PDF", passport), ("programme PDF", programme)):
        pipeline, floor = rows["pipeline"], rows["floor"]
        rss = f"peak RSS {pipeline['peak_rss_mb']:.0f} MB, floor {floor['peak_rss_mb']:.0f} MB"
        label = f"{name} ({rss})"
        print(
            f"{label:<60}"
            f"{pipeline['median_s'] * 1000:>6.0f}ms{'':>8}{floor['median_s'] * 1000:>6.0f}ms"
            f"{'':>8}{pipeline['median_s'] / floor['median_s']:>7.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep mbk_bench as it is")
    parser.add_argument("--keep", action="store_true", help="do not drop the database at the end")
    args = parser.parse_args()
    q = args.quick
    load_at_start = os.getloadavg()
    if not args.reuse:
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--proposals", "2000" if q else "10000"],
            check=True,
        )
    try:
        load = _step("load.py", "--seconds", "4" if q else "15")
        moves = _step("transitions.py", "--per-worker", "4" if q else "10")["transitions"]
    finally:
        if not (args.reuse or args.keep):
            drop_database()
    passport = _pdf("render_passport.py", "--runs", "1" if q else "3")
    programme = _pdf("render_programme.py", "--runs", "1", "--projects", "20" if q else "50")

    during = load["conditions"]
    site_jit = "on" if os.environ.get("DATABASE_JIT", "").lower() in {"1", "true", "on"} else "off"
    print(f"\nMachine: {machine()}; server's JIT {_postgres('jit')}, the site's {site_jit}")
    print(
        "Load average (1, 5, 15 min): "
        f"{' '.join(f'{x:.2f}' for x in load_at_start)} at the start, "
        f"{' '.join(f'{x:.2f}' for x in during['load_average'])} when the pages' load began, "
        f"{' '.join(f'{x:.2f}' for x in during['load_average_end'])} when it ended, "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end"
    )
    print(
        f"Pages: {load['clients']} clients on {load['workers']} gunicorn workers, "
        f"{load['seconds']:.0f} s a page; q = queries of a request\n"
    )
    print_table(load, moves, passport, programme)


if __name__ == "__main__":
    main()

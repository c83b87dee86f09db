"""Benchmark: what PostgreSQL's JIT costs the list pages, against the large cluster of
bench/generate.py. The visibility filter (documents.selectors.visible_proposals: an OR of two
EXISTS over ~200 000 object permissions) is priced above `jit_above_cost`, so PostgreSQL
compiles the query's expressions before running it; on these queries the compiling can take
longer than the query.

    .venv/bin/python bench/explain_jit.py [--runs 5]

For each page (group inbox, my proposals, register of proposals) the queries its view makes
are captured (Django's test client in this process, DEBUG off); every one whose estimated cost
is above jit_above_cost is run `--runs` times under EXPLAIN (ANALYZE) with jit on and with jit
off: the median execution time and, with jit on, the functions compiled and the time JIT took.
Then the whole page, `--runs` requests each way. The old shape of "my proposals" (the
co-author join with distinct()) is measured alongside for comparison."""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import BENCH_DATABASE, setup_cluster_django

PAGES = [
    ("group inbox", "chair", "/inbox/"),
    ("my proposals", "author", "/proposals/mine/"),
    ("register of proposals", "office", "/register/"),
]


def _explain(cursor, sql: str, params, jit: bool) -> dict:
    cursor.execute(f"SET jit = {'on' if jit else 'off'}")
    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    jit_info = plan.get("JIT") or {}
    return {
        "ms": plan["Execution Time"] + plan["Planning Time"],
        "functions": jit_info.get("Functions", 0),
        "jit_ms": (jit_info.get("Timing") or {}).get("Total", 0.0),
        "cost": plan["Plan"]["Total Cost"],
    }


def _compare(cursor, sql: str, params, runs: int) -> dict:
    on = [_explain(cursor, sql, params, True) for _ in range(runs)]
    off = [_explain(cursor, sql, params, False) for _ in range(runs)]
    return {
        "cost": on[0]["cost"],
        "on_ms": statistics.median(r["ms"] for r in on),
        "jit_ms": statistics.median(r["jit_ms"] for r in on),
        "functions": on[0]["functions"],
        "off_ms": statistics.median(r["ms"] for r in off),
    }


def _label(sql: str) -> str:
    head = sql[:60].replace("\n", " ")
    if "COUNT(" in sql[:200]:
        return "count  " + head
    return "rows   " + head


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_cluster_django(folder)
        from django.db import connection
        from django.db.models import Q
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from accounts.models import User
        from documents import selectors
        from workflow import deadlines

        with connection.cursor() as cursor:
            cursor.execute("SHOW jit_above_cost")
            threshold = float(cursor.fetchone()[0])
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        print(f"{BENCH_DATABASE}: PostgreSQL {version}, jit_above_cost {threshold:.0f}")
        print(f"{'query':<70} {'cost':>9} {'jit on':>9} {'of it JIT':>9} {'fns':>4} {'jit off':>9}")

        for name, who, url in PAGES:
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(User.objects.get(username=who))
            client.get(url)  # warm caches
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            captured = [q["sql"] for q in queries]
            with connection.cursor() as cursor:
                for sql in captured:
                    cursor.execute("SET jit = off")
                    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                    plan = cursor.fetchone()[0]
                    plan = plan[0] if isinstance(plan, list) else plan
                    if plan["Plan"]["Total Cost"] < threshold:
                        continue
                    r = _compare(cursor, sql, None, args.runs)
                    print(
                        f"{name + ': ' + _label(sql):<70.70} {r['cost']:>9.0f} "
                        f"{r['on_ms']:>7.1f}ms {r['jit_ms']:>7.1f}ms {r['functions']:>4} "
                        f"{r['off_ms']:>7.1f}ms"
                    )
            for jit in (True, False):
                with connection.cursor() as cursor:
                    cursor.execute(f"SET jit = {'on' if jit else 'off'}")
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    assert client.get(url).status_code == 200
                    times.append((time.perf_counter() - start) * 1000)
                print(
                    f"  {name} page, jit {'on ' if jit else 'off'}: median "
                    f"{statistics.median(times):.0f} ms, min {min(times):.0f} ms"
                )
            with connection.cursor() as cursor:
                cursor.execute("RESET jit")

        # The shape of my proposals before (the co-author join and distinct()) and now.
        author = User.objects.get(username="author")
        visible = selectors.visible_proposals(author)
        shapes = {
            "before (join + distinct)": visible.filter(
                Q(author=author) | Q(coauthors=author)
            ).distinct(),
            "now (EXISTS)": visible.filter(selectors.authored_or_coauthored(author)),
        }
        with connection.cursor() as cursor:
            for shape, rows in shapes.items():
                page = deadlines.with_stay(selectors._listed(rows)).order_by("-created_at")
                for what, queryset in [
                    ("count", page.order_by().values("pk")),
                    ("page", page[:50]),
                ]:
                    sql, params = queryset.query.sql_with_params()
                    if what == "count":
                        sql = f"SELECT COUNT(*) FROM ({sql}) subquery"  # noqa: S608 - ORM SQL
                    r = _compare(cursor, sql, params, args.runs)
                    print(
                        f"{'my proposals ' + what + ', ' + shape:<70.70} {r['cost']:>9.0f} "
                        f"{r['on_ms']:>7.1f}ms {r['jit_ms']:>7.1f}ms {r['functions']:>4} "
                        f"{r['off_ms']:>7.1f}ms"
                    )
            cursor.execute("RESET jit")


if __name__ == "__main__":
    main()

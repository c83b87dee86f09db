"""One page of bench/load.py's table, in this process against the kept bench database: its
median and queries beside its floor's, then a profile of its requests (where the time goes).

    bench/run --keep     # once: generate mbk_bench and keep it
    .venv/bin/python bench/profile_page.py "proposal detail (author" --queries
    .venv/bin/python bench/profile_page.py "group inbox" --sort tottime --floor

The page is named by the start of its line in the table. Not part of bench/run."""

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cluster import setup_cluster_django


def median_ms(client, url: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        assert client.get(url).status_code == 200, url
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="the start of the page's name in the table")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--floor", action="store_true", help="profile the floor instead")
    parser.add_argument("--sort", default="cumulative", help="pstats order (tottime...)")
    parser.add_argument("--queries", action="store_true", help="list each query and its time")
    parser.add_argument("--lines", type=int, default=40)
    arguments = parser.parse_args()

    setup_cluster_django(tempfile.mkdtemp(prefix="mbk-profile-"))
    import load
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    target = next(t for t in load.targets() if t["page"].startswith(arguments.page))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=target["who"]))
    for url in (target["url"], target["floor"]):
        median_ms(client, url, 3)  # warm: what is read once per process
        median = median_ms(client, url, arguments.runs)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        database = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(f"{url}: median {median:.1f} ms, {len(queries)} queries, {database:.0f} ms in them")
        if arguments.queries:
            for query in queries.captured_queries:
                print(f"   {float(query['time']) * 1000:5.1f} ms  {query['sql'][:140]}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(arguments.runs):
        client.get(target["floor" if arguments.floor else "url"])
    profile.disable()
    pstats.Stats(profile).sort_stats(arguments.sort).print_stats(arguments.lines)


if __name__ == "__main__":
    main()

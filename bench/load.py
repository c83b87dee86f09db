"""Benchmark: every working list, search, the proposal page (its author's and its chair's
view) and the programme version under concurrent load, against the large cluster of
bench/generate.py, each next to its floor (bench/floor_urls.py: the same rows in one query,
the same template). gunicorn (sync workers) serves mbk_bench in production mode on a free
loopback port; a second process logs in as the people below and drives `--clients` concurrent
clients at one page at a time for `--seconds`; then the median and the 95th percentile of the
latency of each page and of its floor, and their ratios. The queries per request of each (page
and floor) are counted in this process with CaptureQueriesContext on the same views, and each
floor is checked to list the same rows as its page (the links to them, in order). The
machine's conditions (cores, load average at the start and the end, PostgreSQL's version and
its JIT setting) are printed with the figures.

    .venv/bin/python bench/load.py [--seconds 15] [--clients 8] [--workers 2]
    .venv/bin/python bench/load.py --only "register,proposal detail"   # some pages only

Prints a JSON line last (for bench/__main__.py)."""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster import BASE_DIR, PASSWORD, cluster_environment, percentile, setup_cluster_django

SEARCH_WORD = "вакцины"  # bench/generate.py: one proposal in twenty is about vaccines


def targets() -> list[dict]:
    """The pages, the person who opens each, and the floor's address: every working list
    (its first page, as a person opens it), search, the proposal page for its author and for
    the group's chair, and the programme version."""
    from django.db.models import Count, Q

    from accounts.models import User
    from documents.models import Assignment, OutboxMessage, Proposal
    from documents.register import default_call
    from documents.selectors import my_proposals
    from meetings.models import Meeting
    from programme.models import ProgrammeVersion
    from workflow.models import Notice

    author = User.objects.get(username="author")
    chair = User.objects.get(username="chair")
    # The author's submitted proposal with the longest history: what the page shows them.
    detail = (
        Proposal.objects.filter(author=author, state=Proposal.State.WG_REVIEW)
        .annotate(n=Count("versions"))
        .order_by("-n", "pk")
        .first()
    )
    # The chair's: a proposal of wg-pharma in review with the most reviews in.
    reviewed = (
        Proposal.objects.filter(group__code="wg-pharma", state=Proposal.State.WG_REVIEW)
        .annotate(n=Count("reviews"))
        .order_by("-n", "pk")
        .first()
    )
    # The reviewer with the most open assignments.
    expert_id, assignments = (
        Assignment.objects.filter(ended_at=None, proposal__state=Proposal.State.WG_REVIEW)
        .values_list("expert")
        .annotate(n=Count("pk"))
        .order_by("-n", "expert")
        .first()
    )
    expert = User.objects.get(pk=expert_id)
    version = ProgrammeVersion.objects.order_by("-pk").first()
    call = default_call()
    register_rows = Proposal.objects.filter(call=call).exclude(state="draft").count()
    inbox_rows = Proposal.objects.filter(group__code="wg-pharma").exclude(state="draft").count()
    in_review = Proposal.objects.filter(
        group__code="wg-pharma", state__in=["submitted", "wg_review"]
    ).count()
    queue = Proposal.objects.filter(state="governance_review").count()
    about = Proposal.objects.filter(
        Q(title__icontains=SEARCH_WORD[:-1]) | Q(summary__icontains=SEARCH_WORD[:-1])
    )
    sent = OutboxMessage.objects.filter(status="sent").count()
    notices = Notice.objects.filter(recipient=chair).count()
    return [
        {
            "page": f"group inbox (chair of wg-pharma, {inbox_rows} rows)",
            "who": "chair",
            "url": "/inbox/",
            "floor": "/bench-floor/inbox/",
        },
        {
            "page": f"my proposals (author, {my_proposals(author).count()} rows)",
            "who": "author",
            "url": "/proposals/mine/",
            "floor": "/bench-floor/mine/",
        },
        {
            "page": f"assigned to me ({expert.username}, {assignments} open)",
            "who": expert.username,
            "url": "/assigned/",
            "floor": "/bench-floor/assigned/",
        },
        {
            "page": f"governance queue (secretary, {queue} before the body)",
            "who": "secretary",
            "url": "/governance/",
            "floor": "/bench-floor/governance/",
        },
        {
            "page": f"register of proposals (office, {register_rows} rows)",
            "who": "office",
            "url": "/register/",
            "floor": "/bench-floor/register/",
        },
        {
            "page": f"review dashboard (chair of wg-pharma, {in_review} in review)",
            "who": "chair",
            "url": "/groups/wg-pharma/dashboard/",
            "floor": "/bench-floor/groups/wg-pharma/dashboard/",
        },
        {
            "page": f"meetings (office, {Meeting.objects.count()} meetings)",
            "who": "office",
            "url": "/meetings/",
            "floor": "/bench-floor/meetings/",
        },
        {
            "page": f"notices (chair of wg-pharma, {notices} notices)",
            "who": "chair",
            "url": "/notices/",
            "floor": "/bench-floor/notices/",
        },
        {
            "page": f"outbox, sent (office, {sent} messages)",
            "who": "office",
            "url": "/outbox/?status=sent",
            "floor": "/bench-floor/outbox/?status=sent",
        },
        {
            "page": f"search «{SEARCH_WORD}» (office, {about.count()} proposals about it)",
            "who": "office",
            "url": f"/search/?q={urllib.parse.quote(SEARCH_WORD)}",
            "floor": f"/bench-floor/search/?q={urllib.parse.quote(SEARCH_WORD)}",
            # Hits of equal rank come in any order, and any of them fill the last places:
            # only the number of hits is compared.
            "ties": True,
        },
        {
            "page": f"proposal detail (author, {detail.versions.count()} versions)",
            "who": "author",
            "url": f"/proposals/{detail.pk}/",
            "floor": f"/bench-floor/proposals/{detail.pk}/",
        },
        {
            "page": f"proposal detail (chair, {reviewed.reviews.count()} reviews)",
            "who": "chair",
            "url": f"/proposals/{reviewed.pk}/",
            "floor": f"/bench-floor/proposals/{reviewed.pk}/",
        },
        {
            "page": f"programme version ({len(version.snapshot['projects'])} projects)",
            "who": "office",
            "url": f"/programme/versions/{version.pk}/",
            "floor": f"/bench-floor/versions/{version.pk}/",
        },
    ]


# The links to the rows a page lists: a floor must list the same, in the same order.
ROW_LINK = re.compile(
    r'(?:href|action)="(/(?:proposals|meetings|outbox|programme/sections|notices)/\d+/(?:open/)?)"'
)


def count_queries(pages: list[dict]) -> None:
    """Queries per request of each page and floor, middleware included, in this process; and
    the check that each floor lists exactly the rows of its page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    for page in pages:
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=page["who"]))
        rows = {}
        for key in ("url", "floor"):
            client.get(page[key])  # warm caches (content types, the floor's navigation)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page[key])
            assert response.status_code == 200, (page[key], response.status_code)
            page[f"{key}_queries"] = len(queries)
            page[f"{key}_bytes"] = len(response.content)
            rows[key] = ROW_LINK.findall(response.content.decode())
        if page.get("ties"):
            rows = {key: len(links) for key, links in rows.items()}
        if rows["url"] != rows["floor"]:
            if page.get("ties"):
                raise RuntimeError(f"{page['page']}: {rows['url']} hits, the floor {rows['floor']}")
            missing = [r for r in rows["url"] if r not in rows["floor"]][:5]
            extra = [r for r in rows["floor"] if r not in rows["url"]][:5]
            raise RuntimeError(
                f"the floor of {page['page']} lists other rows than the page: "
                f"{len(rows['url'])} links against {len(rows['floor'])}; "
                f"missing {missing}, extra {extra}"
            )
        page["rows_listed"] = rows["url"] if page.get("ties") else len(rows["url"])


def conditions() -> dict:
    """The machine as the load found it: cores, load average, PostgreSQL and its JIT."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
    return {
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "postgres": version,
        "jit": jit,
    }


# --- The client process ---------------------------------------------------------------------
def _login(port: int, username: str) -> str:
    """Sign in through the login form; the session cookie."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    response.read()
    cookies = dict(
        re.match(r"([^=]+)=([^;]*)", value).groups()
        for name, value in response.getheaders()
        if name.lower() == "set-cookie"
    )
    body = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": cookies["csrftoken"], "username": username, "password": PASSWORD}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    response = connection.getresponse()
    response.read()
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("sessionid="):
            return f"sessionid={value.split(';')[0].split('=', 1)[1]}"
    raise RuntimeError(f"{username} could not sign in (HTTP {response.status})")


def _hammer(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """`clients` threads requesting `path` in a loop for `seconds`; latencies of 200s."""
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                (latencies if response.status == 200 else failures).append(
                    elapsed if response.status == 200 else response.status
                )

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures or not latencies:
        raise RuntimeError(f"{path}: {len(failures)} failed requests, e.g. HTTP {failures[:3]}")
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / wall,
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
    }


def drive(plan: dict) -> dict:
    """The second process: sign in once per person, then each page and its floor in turn."""
    port = plan["port"]
    cookies = {who: _login(port, who) for who in {page["who"] for page in plan["pages"]}}
    results = []
    for page in plan["pages"]:
        row = {"page": page["page"]}
        for key in ("url", "floor"):
            _hammer(port, page[key], cookies[page["who"]], plan["clients"], 1.0)  # warm-up
            row[key] = _hammer(
                port, page[key], cookies[page["who"]], plan["clients"], plan["seconds"]
            )
        results.append(row)
    return {"results": results}


# --- gunicorn -------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(folder: str, port: int, workers: int) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "mbk.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=cluster_environment(folder), cwd=BASE_DIR)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/")
            if connection.getresponse().status < 500:
                return server
        except OSError:
            time.sleep(0.2)
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped at start-up")
    server.terminate()
    raise RuntimeError("gunicorn did not answer within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--only", help="the pages whose names start with one of these (comma-separated)"
    )
    parser.add_argument("--drive", help=argparse.SUPPRESS)  # the client process's plan (JSON)
    args = parser.parse_args()
    if args.drive:
        print(json.dumps(drive(json.loads(args.drive))))
        return
    with tempfile.TemporaryDirectory() as folder:
        setup_cluster_django(folder)
        started = conditions()
        pages = targets()
        if args.only:
            starts = tuple(name.strip() for name in args.only.split(","))
            pages = [page for page in pages if page["page"].startswith(starts)]
        count_queries(pages)
        from django.db import connections

        connections.close_all()
        port = _free_port()
        server = start_gunicorn(folder, port, args.workers)
        try:
            plan = {"port": port, "pages": pages, "clients": args.clients, "seconds": args.seconds}
            output = subprocess.run(
                [sys.executable, __file__, "--drive", json.dumps(plan)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(BASE_DIR)},
            ).stdout
        finally:
            server.terminate()
            server.wait(timeout=30)
    results = json.loads(output.strip().splitlines()[-1])["results"]
    for page, row in zip(pages, results, strict=True):
        row.update({k: v for k, v in page.items() if k.endswith(("_queries", "_bytes", "_listed"))})
    ended = {"load_average": [round(x, 2) for x in os.getloadavg()]}
    print(
        f"Pages under load: gunicorn {args.workers} sync workers, {args.clients} concurrent "
        f"clients, {args.seconds:.0f} s per page (latency of each request, ms). "
        f"{started['cores']} cores, load average {started['load_average']} at the start, "
        f"{ended['load_average']} at the end; PostgreSQL {started['postgres']}, "
        f"jit {started['jit']}"
    )
    for row in results:
        page, floor = row["url"], row["floor"]
        print(
            f"  {row['page']:<56} median {page['median_ms']:6.0f}  p95 {page['p95_ms']:6.0f}  "
            f"{page['per_second']:5.1f} req/s  {row['url_queries']:3d} q  "
            f"{row['url_bytes'] // 1024:4d} KiB | floor median {floor['median_ms']:6.0f}  "
            f"p95 {floor['p95_ms']:6.0f}  {row['floor_queries']:2d} q  "
            f"{row['floor_bytes'] // 1024:4d} KiB | "
            f"ratio {page['median_ms'] / floor['median_ms']:.2f} "
            f"(p95 {page['p95_ms'] / floor['p95_ms']:.2f}), {row['rows_listed']} rows listed"
        )
    print(
        json.dumps(
            {
                "load": results,
                "workers": args.workers,
                "clients": args.clients,
                "seconds": args.seconds,
                "conditions": {**started, "load_average_end": ended["load_average"]},
            }
        )
    )


if __name__ == "__main__":
    main()

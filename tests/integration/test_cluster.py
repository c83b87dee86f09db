"""The production deployment on one machine, loopback only: nginx with the repository's own
configuration (docker/nginx/mbk.conf, only its addresses replaced), two web nodes (gunicorn),
two Celery workers and beat, on a PostgreSQL cluster and Redis servers of the test's own (the
broker's with its append-only file, the cache's without, as in docker-compose.yml).

A second process (tests/integration/cluster_load.py) loads the site through nginx: a page with
a signed-in session, a static file, the API's list, new drafts, PDF documents. Meanwhile:
1. one web node (its master and workers) and one worker (with its children, while PDF jobs are
   rendering) are killed with SIGKILL: nginx routes around the node, only writes in flight on
   it may fail (a GET in flight is retried on the other node), every draft the API confirmed
   exists, and every PDF job ends done;
2. both Redis servers are restarted: pages with a session are 503s that say so, never 500s, and
   afterwards the session still signs its person in (it is kept in the database);
3. PostgreSQL is restarted: every request Django answers is a 503 that says so; the site comes
   back by itself.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from shutil import which

import psycopg
import pytest

from tests.conftest import collect_static, unavailable
from tests.integration.services import (
    BASE_DIR,
    OwnPostgres,
    OwnRedis,
    free_port,
    manage,
)
from tests.integration.test_database_restart import CHECK

SETUP = """
import json
from api.tokens import token_issue
from directory.loading import load_cluster_directory
from directory.models import Body, Membership
from documents import transitions
from signing import authority
from tests.factories import CallFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.factories import draft_proposal
load_cluster_directory()
authority.ensure_ready()
author = UserFactory(username="author", organisation=OrganisationFactory())
author.set_password("cluster-test-password-1")
author.save()
for code, role, name in [("wg-pharma", "chair", "chair"), ("programme-office", "staff", "office")]:
    MembershipFactory(body=Body.objects.get(code=code), role=role, user__username=name)
call = CallFactory()
proposals = []
for number in range(PROPOSALS):
    draft = draft_proposal(
        author, call=call, title=f"Проект {number}", description="Описание этапа работ. " * 2000
    )
    proposals.append(transitions.proposal_submit(proposal_id=draft.pk, by=author).pk)
token = token_issue(user=author, name="cluster").secret
print(json.dumps({"token": token, "call": call.pk, "proposals": proposals}))
"""
PROPOSALS = 8  # two languages each: 16 PDF jobs
SECRET = "cluster-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def rendered_nginx_conf(nodes: list[int], http: int, https: int, certs: Path, static: Path):
    """docker/nginx/mbk.conf with the test's addresses: the web nodes for compose's `web`, the
    ports, the certificate's folder, the static files' folder. Nothing else changes."""
    conf = (BASE_DIR / "docker" / "nginx" / "mbk.conf").read_text()
    upstream = re.compile(r"^(\s*)server web:8000( [^;]*);$", re.MULTILINE)
    assert upstream.search(conf)
    conf = upstream.sub(
        lambda m: "\n".join(f"{m[1]}server 127.0.0.1:{port}{m[2]};" for port in nodes), conf
    )
    replaced = {  # each with the number of times it stands in the file
        "listen 80;": (f"listen 127.0.0.1:{http};", 1),
        "listen 443 ssl;": (f"listen 127.0.0.1:{https} ssl;", 1),
        "/etc/nginx/certs/": (f"{certs}/", 2),
        "alias /var/lib/mbk/static/;": (f"alias {static}/;", 1),
    }
    for old, (new, times) in replaced.items():
        assert conf.count(old) == times, old
        conf = conf.replace(old, new)
    return conf


def nginx_main_conf(folder: Path, site_conf: Path) -> str:
    """What the nginx image's own nginx.conf gives the site's file: the process, the http
    block, the MIME types; here with every path in the test's folder."""
    temp = "\n".join(
        f"  {kind}_temp_path {folder}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
user root;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log {folder}/access.log;
{temp}
  include {site_conf};
}}
"""


class Processes:
    """The cluster's processes, each in a session of its own so that a node dies whole."""

    def __init__(self, folder: Path, environment: dict):
        self.folder = folder
        self.environment = environment
        self.started: dict[str, subprocess.Popen] = {}

    def start(self, name: str, *command: str, **environment: str) -> subprocess.Popen:
        process = subprocess.Popen(
            command,
            cwd=BASE_DIR,
            env={**self.environment, **environment},
            stdout=(self.folder / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def kill(self, name: str) -> None:
        """SIGKILL to the main process and its children at once (the OOM killer, a lost
        machine): nothing is handed back, nothing finishes."""
        os.killpg(self.started[name].pid, signal.SIGKILL)
        self.started[name].wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.started.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.started.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def refused_since(port: int) -> float:
    """When the killed node's port first refused a connection. Its main process is reaped at
    once, but the workers' SIGKILL takes effect as each is scheduled, and the listening socket
    they share accepts connections until the last of them is gone (49 ms on a busy machine):
    such a connection is in flight on the killed node."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        except OSError:
            return time.monotonic()
        time.sleep(0.002)
    raise AssertionError(f"port {port} still accepts connections 10 s after the kill")


def wait_until(check, seconds: float, message) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, message()
        time.sleep(0.1)


def answered_since(answers_file: Path, since: float, kinds: set, minimum: float) -> None:
    """Waits at least `minimum` seconds, then until each of `kinds` has been asked after
    `since` and answered (30 s at most): on a busy machine a fixed outage of a few seconds may
    see no request of some kind at all."""
    began = time.monotonic()
    while time.monotonic() - began < 30:
        seen = set()
        for line in (answers_file.read_text() if answers_file.exists() else "").splitlines():
            try:
                kind, _method, asked, *_rest = json.loads(line)
            except ValueError:  # the line being written
                continue
            if asked > since:
                seen.add(kind)
        if time.monotonic() - began >= minimum and kinds <= seen:
            return
        time.sleep(0.2)


def https_status(url: str) -> int:
    result = subprocess.run(
        ["curl", "-ks", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", url],
        capture_output=True,
        text=True,
        check=False,
    )
    return int(result.stdout or 0)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_cluster_survives_a_lost_node_a_lost_worker_and_restarts_of_redis_and_postgres(
    tmp_path, tmp_path_factory
):
    for program in ("nginx", "redis-server", "openssl", "curl"):
        if not _which(program):
            unavailable(f"needs {program} (bin/install --test installs it)")
    began = time.monotonic()
    postgres = OwnPostgres()
    broker = OwnRedis(tmp_path, "--appendonly", "yes", "--appendfsync", "everysec")
    (tmp_path / "cache").mkdir()
    cache = OwnRedis(tmp_path / "cache", "--maxmemory-policy", "allkeys-lru")
    processes = Processes(tmp_path, {})
    took = {}  # where the test's time goes, printed with its figures

    def mark(step: str) -> None:
        took[step] = time.monotonic() - began - sum(took.values())

    try:
        postgres.create()
        broker.start()
        cache.start()
        certs = tmp_path / "certs"
        certs.mkdir()
        openssl = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", str(certs / "privkey.pem"),
            "-out", str(certs / "fullchain.pem"),
        ]  # fmt: skip
        subprocess.run(openssl, check=True, capture_output=True)
        var = collect_static(tmp_path_factory)
        nodes, http, https = [free_port(), free_port()], free_port(), free_port()
        site = f"https://127.0.0.1:{https}"
        environment = {
            **os.environ,
            "DEBUG": "false",
            "SECRET_KEY": SECRET,
            "MBK_AUDIT_KEY": "audit-key-of-this-test-only-" + "a" * 40,
            "MBK_SIGNING_KEY": "signing-key-of-this-test-only-" + "s" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": site,
            # As compose runs it: behind nginx, which says the scheme and the client.
            "SECURE_PROXY_SSL_HEADER": "true",
            "TRUSTED_PROXIES": "127.0.0.1",
            "DATABASE_URL": postgres.url,
            "DATABASE_CONN_MAX_AGE": "600",
            "CELERY_BROKER_URL": broker.url,
            "CACHE_URL": cache.url,
            "MBK_VAR_DIR": str(var),  # the production static files, read only
            "MBK_MEDIA_DIR": str(tmp_path / "media"),  # shared by the nodes, as compose's volume
            "MBK_CA_DIR": str(tmp_path / "ca"),
            "MBK_AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit" / "checkpoints.log"),
            "EMAIL_URL": f"filemail://{tmp_path / 'outbox'}",
            # A killed worker's job comes back within seconds, not the production minute.
            "PDF_HEARTBEAT_SECONDS": "1",
            "PDF_LEASE_SECONDS": "3",
            "PDF_SWEEP_EVERY_SECONDS": "2",
            "PDF_REQUEUE_AFTER": "10",
        }
        environment.pop("PYTEST_XDIST_WORKER", None)
        processes.environment = environment
        mark("servers")
        manage(environment, "migrate", "--noinput", "-v0")
        mark("migrate")
        given = json.loads(
            manage(environment, "shell", "-c", SETUP.replace("PROPOSALS", str(PROPOSALS)))
            .strip()
            .splitlines()[-1]
        )
        mark("data")

        for number, port in enumerate(nodes):
            processes.start(
                f"web-{number}",
                sys.executable, "-m", "gunicorn", "mbk.wsgi", "-b", f"127.0.0.1:{port}",
                "-w", "2", "--timeout", "60", "--no-control-socket",
            )  # fmt: skip
        for number in range(2):
            processes.start(
                f"worker-{number}",
                sys.executable, "-m", "celery", "-A", "mbk", "worker", "--pool=prefork",
                "--concurrency=1", "--queues=celery,pdf", "--without-gossip", "--without-mingle",
                "--loglevel=INFO", "-n", f"cluster-{number}@%h",
            )  # fmt: skip
        processes.start(
            "beat",
            sys.executable, "-m", "celery", "-A", "mbk", "beat", "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        )  # fmt: skip
        site_conf = tmp_path / "mbk.conf"
        site_conf.write_text(rendered_nginx_conf(nodes, http, https, certs, var / "static"))
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (tmp_path / kind).mkdir()
        (tmp_path / "nginx.conf").write_text(nginx_main_conf(tmp_path, site_conf))
        processes.start("nginx", _which("nginx"), "-c", str(tmp_path / "nginx.conf"))

        def logs():
            names = [*processes.started, "error"]
            return "\n".join(
                f"--- {name}\n{(tmp_path / f'{name}.log').read_text(errors='replace')[-3000:]}"
                for name in names
                if (tmp_path / f"{name}.log").exists()
            )

        wait_until(
            lambda: (
                all(https_status(f"http://127.0.0.1:{p}/health/") in (200, 301) for p in nodes)
                and https_status(f"{site}/health/") == 200
            ),
            90,
            logs,
        )
        wait_until(
            lambda: all("ready." in processes.log(f"worker-{n}") for n in range(2)), 90, logs
        )
        manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
        load_settings = {
            **given,
            "site": site,
            "login": "author",
            "password": "cluster-test-password-1",
            "static": "/static/" + manifest["css/mbk.css"],
            "pdf_every": 1.5,
        }
        (tmp_path / "load.json").write_text(json.dumps(load_settings))
        answers_file = tmp_path / "answers.jsonl"
        everything = {"page", "read", "write", "static"}
        mark("nodes up")
        started_at = time.monotonic()
        load = processes.start(
            "load",
            sys.executable, "-m", "tests.integration.cluster_load", str(tmp_path / "load.json"),
            str(tmp_path / "answers.jsonl"), str(tmp_path / "stop"),
        )  # fmt: skip
        database = psycopg.connect(postgres.url, autocommit=True)

        def jobs(status: str | None = None) -> list[int]:
            try:
                query = "SELECT id FROM documents_renderjob"
                if status:
                    rows = database.execute(query + " WHERE status = %s", [status]).fetchall()
                else:
                    rows = database.execute(query).fetchall()
            except psycopg.Error:
                return []
            return [row[0] for row in rows]

        def rendering_on_worker_0() -> set[int]:
            try:
                running = database.execute(
                    "SELECT id, task_id FROM documents_renderjob WHERE status = 'running'"
                ).fetchall()
            except psycopg.Error:
                return set()
            log = processes.log("worker-0")
            return {job for job, task in running if f"[{task}]" in log}

        # 1. Once the load has run a few seconds and the first worker renders, a web node and
        # that worker die whole.
        time.sleep(max(0.0, 4 - (time.monotonic() - started_at)))
        wait_until(rendering_on_worker_0, 60, logs)
        killed_at = time.monotonic()
        processes.kill("web-0")
        web_dead_at = refused_since(nodes[0])
        processes.kill("worker-0")
        killed_wall = datetime.now(UTC)
        rendering = rendering_on_worker_0()  # left running by the dead worker
        time.sleep(8)

        # 2. Both Redis servers restart (the broker's keeps its messages in its file).
        redis_down_at = time.monotonic()
        broker.stop()
        cache.stop()
        answered_since(answers_file, redis_down_at, {"page", "read", "write"}, minimum=3)
        redis_restarting_at = time.monotonic()
        broker.start()
        cache.start()
        redis_up_at = time.monotonic()
        answered_since(answers_file, redis_up_at + 2, everything, minimum=6)

        # 3. PostgreSQL restarts.
        database.close()
        postgres_down_at = time.monotonic()
        postgres.stop()
        answered_since(answers_file, postgres_down_at, {"page", "read", "write"}, minimum=3)
        postgres_restarting_at = time.monotonic()
        postgres.start()
        postgres_up_at = time.monotonic()
        answered_since(answers_file, postgres_up_at + 2, {"page", "read", "write"}, minimum=6)
        (tmp_path / "stop").touch()
        load.wait(timeout=60)
        stopped_at = time.monotonic()
        mark("load")

        database = psycopg.connect(postgres.url, autocommit=True)
        wait_until(lambda: set(jobs()) <= set(jobs("done")), 120, logs)
        mark("jobs done")
        # The jobs the killed worker was rendering: the last done, counted from the kill.
        finished = database.execute(
            "SELECT max(finished_at) FROM documents_renderjob WHERE id = ANY(%s)",
            [list(rendering)],
        ).fetchone()[0]
        rendering_done_after = (finished - killed_wall).total_seconds()
        all_jobs = database.execute(
            "SELECT id, status, attempts FROM documents_renderjob ORDER BY id"
        ).fetchall()
        titles = {row[0] for row in database.execute("SELECT title FROM documents_proposal")}
        state = json.loads(manage(environment, "shell", "-c", CHECK).splitlines()[-1])
        database.close()
        mark("check")
    finally:
        (tmp_path / "stop").touch()
        processes.stop_all()
        for redis in (broker, cache):
            if redis.process is not None and redis.process.poll() is None:
                redis.stop()
        postgres.remove()
        mark("stop")

    answers = [json.loads(line) for line in (tmp_path / "answers.jsonl").read_text().splitlines()]
    # [kind, method, began, ended, status, about]
    kill_phase = [a for a in answers if a[3] < redis_down_at]
    failed_in_kill = [a for a in kill_phase if a[4] >= 500 or a[4] == 0]
    redis_during = [a for a in answers if a[2] > redis_down_at and a[3] < redis_restarting_at]
    redis_after = [a for a in answers if redis_up_at + 2 < a[2] and a[3] < postgres_down_at]
    pg_during = [a for a in answers if a[2] > postgres_down_at and a[3] < postgres_restarting_at]
    pg_after = [a for a in answers if a[2] > postgres_up_at + 2]
    confirmed = {a[5] for a in answers if a[0] == "write" and a[4] == 201}
    unknown = {a[5] for a in failed_in_kill if a[0] == "write" and a[4] in (0, 502)}
    refused = {a[5] for a in answers if a[0] == "write" and a[4] not in (0, 201, 502)}
    found = {title for title in titles if title.startswith("Черновик нагрузки")}
    print(
        f"\ncluster: {len(answers)} requests in {stopped_at - started_at:.0f} s "
        f"({time.monotonic() - began:.0f} s with the set-up); "
        f"5xx during the kill: {len(failed_in_kill)} "
        f"({', '.join(f'{a[0]} {a[1]} {a[4]}' for a in failed_in_kill) or 'none'}); "
        f"writes confirmed {len(confirmed)}, found {len(found & confirmed)} "
        f"(+{len(found - confirmed)} of {len(unknown)} unanswered); "
        f"PDF jobs {len(all_jobs)}, the killed worker's {len(rendering)} done "
        f"{rendering_done_after:.1f} s after the kill; "
        f"during Redis's restart {sorted({a[4] for a in redis_during})}, "
        f"PostgreSQL's {sorted({a[4] for a in pg_during})}; "
        f"time: {', '.join(f'{step} {seconds:.0f} s' for step, seconds in took.items())}"
    )
    statuses = {a[4] for a in answers}
    assert 500 not in statuses, [a for a in answers if a[4] == 500][:5]
    assert statuses <= {0, 200, 201, 202, 502, 503}, statuses
    assert killed_at - started_at >= 3

    # 1. Only requests in flight on the killed node failed: a write nginx must not replay (502),
    # or an answer the node was still sending (cut off: 0). A GET not yet answered is retried
    # on the other node.
    for kind, method, asked, answered, status, _about in failed_in_kill:
        assert (method, status) == ("POST", 502) or status == 0, kind
        # Asked before the node's port refused connections (until its last process is gone, it
        # may still accept one), answered after the signal.
        assert asked <= web_dead_at, (asked - killed_at, web_dead_at - killed_at)
        assert answered >= killed_at, answered - killed_at
    assert len(failed_in_kill) <= 5  # one request of each thread nginx passes to a node
    assert {a[4] for a in kill_phase if a[2] > killed_at + 1} <= {200, 201, 202}
    assert confirmed <= found
    assert found - confirmed <= unknown
    assert not (found & refused)
    assert {status for _id, status, _attempts in all_jobs} == {"done"}
    assert rendering  # the killed worker was caught rendering
    assert rendering_done_after < 60

    # 2. Redis restarted: pages with a session said so; the session survived it.
    pages = [a for a in redis_during if a[0] == "page"]
    assert pages
    assert {a[4] for a in pages} == {503}
    assert "Хранилище сессий не отвечает" in pages[0][5]
    assert {a[4] for a in redis_during} <= {200, 201, 202, 503}
    assert {a[0] for a in redis_after} >= {"page", "read", "write", "static"}
    assert {a[4] for a in redis_after} <= {200, 201, 202}  # the page, still signed in

    # 3. PostgreSQL restarted: every answer of Django a 503 saying so; nginx's static files on.
    assert {a[4] for a in pg_during if a[0] != "static"} == {503}
    assert {a[4] for a in pg_during if a[0] == "static"} <= {200}
    assert "База данных не отвечает" in next(a[5] for a in pg_during if a[0] == "page")
    assert {a[0] for a in pg_after} >= {"page", "read", "write"}
    assert {a[4] for a in pg_after} <= {200, 201, 202}

    assert state["broken"] is None
    assert stopped_at - started_at < 240


def _which(program: str) -> str | None:
    return which(program) or which(program, path="/usr/sbin:/sbin")

"""PostgreSQL restarted under load, on a server of the test's own (the shared one stays up).

gunicorn serves the real application against a fresh PostgreSQL cluster; threads keep asking
a page, the API and the API's write (a new draft: a proposal, its audit entry and its object
permissions in one transaction). The database is stopped for a few seconds and started again:
meanwhile every request must be a 503 that says so (never a 500), afterwards the site must
answer again by itself, without restarting gunicorn, and every draft the API confirmed must be
whole, and nothing it refused must exist.
"""

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import collect_static
from tests.integration.services import BASE_DIR, free_port, manage, request

SECRET = "restart-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"

SETUP = """
from api.tokens import token_issue
from directory.loading import load_cluster_directory
from tests.factories import CallFactory, OrganisationFactory, UserFactory
load_cluster_directory()
author = UserFactory(username="author", organisation=OrganisationFactory())
call = CallFactory()
print(token_issue(user=author, name="restart").secret, call.pk)
"""

CHECK = """
from documents.models import Proposal
from workflow import audit
rows = []
for proposal in Proposal.objects.all():
    actions = [entry.action for entry in audit.history(proposal)]
    grants = proposal.proposaluserobjectpermission_set.count()
    rows.append([proposal.title, actions, grants])
print(__import__("json").dumps({"proposals": rows, "broken": audit.verify()[1]}))
"""


def answered_since(answers: list, since: float, minimum: float, most: float = 30) -> None:
    """Waits at least `minimum` seconds, then until each kind of request has been asked after
    `since` and answered (or `most` seconds have passed)."""
    began = time.monotonic()
    while time.monotonic() - began < most:
        kinds = {kind for kind, asked, *_ in list(answers) if asked > since}
        if time.monotonic() - began >= minimum and kinds == {"page", "read", "write"}:
            return
        time.sleep(0.1)


@pytest.mark.postgres
def test_postgres_restart_under_load_is_a_503_then_recovers(
    own_postgres, tmp_path, tmp_path_factory
):
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": SECRET,
        "MBK_AUDIT_KEY": "audit-key-of-this-test-only-" + "a" * 40,
        "MBK_SIGNING_KEY": "signing-key-of-this-test-only-" + "s" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": own_postgres.url,
        "CELERY_BROKER_URL": "filesystem://",
        "MBK_VAR_DIR": str(collect_static(tmp_path_factory)),  # the production static files
        "DATABASE_CONN_MAX_AGE": "600",
    }
    manage(environment, "migrate", "--noinput", "-v0")
    token, call = manage(environment, "shell", "-c", SETUP).split()[-2:]
    port = free_port()
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "mbk.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "2",
            "--timeout",
            "60",
        ],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("w"),
    )
    site = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while request(f"{site}/health/", token)[0] != 200:
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
            time.sleep(0.2)

        answers: list[tuple[str, float, float, int, str]] = []
        stop = threading.Event()
        drafts = iter(range(10_000))

        def load(kind: str):
            while not stop.is_set():
                began = time.monotonic()
                if kind == "page":
                    status, body = request(f"{site}/accounts/signup/", token)
                elif kind == "read":
                    status, body = request(f"{site}/api/v1/directions/", token)
                else:
                    title = f"Черновик {next(drafts)}"
                    status, body = request(
                        f"{site}/api/v1/proposals/",
                        token,
                        {"call": int(call), "direction": "pharma", "title": title},
                    )
                    body = title if status == 201 else body
                answers.append((kind, began, time.monotonic(), status, body))
                time.sleep(0.05)

        threads = [threading.Thread(target=load, args=(k,)) for k in ("page", "read", "write")]
        for thread in threads:
            thread.start()
        time.sleep(2)
        own_postgres.stop()
        stopped_at = time.monotonic()  # pg_ctl -w: the server is down from here on
        # Down for 3 s, and longer on a busy machine: until every kind of request has been
        # asked and answered while it was down (30 s at most).
        answered_since(answers, stopped_at, minimum=3)
        restarting_at = time.monotonic()
        own_postgres.start()
        started_at = time.monotonic()
        answered_since(answers, started_at + 2, minimum=4)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    statuses = {status for _kind, _b, _e, status, _body in answers}
    # asked after the server was down and answered before it was started again
    during = [a for a in answers if a[1] > stopped_at and a[2] < restarting_at]
    after = [a for a in answers if a[1] > started_at + 2]  # the site came back by itself
    errors = [
        (kind, body[:300])
        for kind, _b, _e, status, body in answers
        if status not in (200, 201, 503)
    ]
    log = (tmp_path / "gunicorn.log").read_text()
    assert statuses <= {200, 201, 503}, (errors, log[-3000:])
    assert during
    assert {status for _k, _b, _e, status, _body in during} == {503}
    page_503 = next(body for kind, _b, _e, _status, body in during if kind == "page")
    api_503 = next(body for kind, _b, _e, _status, body in during if kind == "write")
    assert "Сервис временно недоступен" in page_503
    assert json.loads(api_503)["code"] == "unavailable"
    assert after
    assert {status for _k, _b, _e, status, _body in after} <= {200, 201}
    assert {kind for kind, *_ in after} == {"page", "read", "write"}

    created = sorted(
        body for kind, _b, _e, status, body in answers if kind == "write" and status == 201
    )
    state = json.loads(manage(environment, "shell", "-c", CHECK).splitlines()[-1])
    assert state["broken"] is None
    assert sorted(title for title, _actions, _grants in state["proposals"]) == created
    for _title, actions, grants in state["proposals"]:
        assert actions == ["created"]
        assert grants > 0

"""A worker killed whole (its main process and its children, SIGKILL: the OOM killer, a lost
container) while it renders a PDF. Its message stays unacknowledged in Redis for the visibility
timeout (an hour), so only the job's lease brings the job back: the rendering process stops
renewing it, beat's sweeper queues the job again once it has run out, and a new worker renders
it. Needs Redis as the broker and PostgreSQL, as in production."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from documents.models import RenderJob
from tests.conftest import unavailable
from tests.integration.conftest import BASE_DIR, database_url_of_the_test_database
from tests.integration.test_pdf_worker import (
    ask_for_passport,
    children_of,
    submitted_proposal,
    wait_for,
)

Status = RenderJob.Status


@pytest.fixture
def beat(start_worker, tmp_path):
    """Celery beat with the production schedule (the sweeper every PDF_SWEEP_EVERY_SECONDS)."""
    log_path = tmp_path / "beat.log"
    log = log_path.open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mbk",
            "beat",
            "--loglevel=INFO",
            f"--schedule={tmp_path / 'beat-schedule'}",
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": database_url_of_the_test_database(),
            "MBK_AUDIT_KEY": settings.MBK_AUDIT_KEY,  # without it, beat refuses to start
            "MBK_AUDIT_KEY_ID": settings.MBK_AUDIT_KEY_ID,
            "MBK_SIGNING_KEY": settings.MBK_SIGNING_KEY,  # nor without this one
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.worker
def test_worker_killed_with_its_children_mid_render_the_job_is_done_within_a_minute(
    start_worker, beat, author, chair, office
):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        unavailable("needs Redis as the broker (CELERY_BROKER_URL=redis://...)")
    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL (DATABASE_URL=postgres://...)")
    first = start_worker(pool="prefork")
    # A few seconds of rendering, so that the worker is killed in the middle of it.
    proposal = submitted_proposal(author, description="Описание этапа работ проекта. " * 1000)
    job = wait_for(ask_for_passport(proposal, author), Status.RUNNING, poll=0.02)

    killed = [first.process.pid, *children_of(first.process.pid)]  # the main process first,
    for pid in killed:  # so that it cannot hand the message back to the queue
        os.kill(pid, signal.SIGKILL)
    first.process.wait()
    killed_at = time.monotonic()
    second = start_worker(pool="prefork")
    job = wait_for(job, Status.DONE, Status.FAILED, seconds=180)
    took = time.monotonic() - killed_at
    print(f"\nkilled worker's job done {took:.1f} s after the kill")

    assert job.status == Status.DONE, job.error
    assert took < 60
    assert job.attempts == 2
    assert first.log().count("signed and stored") == 0
    assert second.log().count("signed and stored") == 1  # exactly one rendering completed
    assert [p.relative_to(second.media) for p in second.media.rglob("*.pdf")] == [
        Path(job.file.name)
    ]

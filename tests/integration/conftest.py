"""A real Celery worker process on the configured broker (a file queue on a developer's
machine, Redis in CI), reading and writing the test database."""

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import unavailable
from tests.integration.services import OwnPostgres, OwnRedis

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url_of_the_test_database() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db['HOST']}:{port}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log_path: Path
    outbox: Path
    media: Path

    def log(self) -> str:
        return self.log_path.read_text()


@pytest.fixture
def start_worker(transactional_db, tmp_path, settings):
    """Start a worker: `start_worker(pool="prefork")`. It consumes every queue the tasks are
    routed to, and shares the test's MEDIA_ROOT; stopped at the end of the test."""
    started = []
    settings.MEDIA_ROOT = tmp_path / "media"

    def start(*, pool: str = "solo", **environment: str) -> Worker:
        worker = Worker(
            None, tmp_path / f"worker-{len(started)}.log", tmp_path / "outbox", settings.MEDIA_ROOT
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url_of_the_test_database(),
            "EMAIL_URL": f"filemail://{worker.outbox}",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "MBK_MEDIA_DIR": str(worker.media),
            # The worker signs audit entries with the key the test verifies them with.
            "MBK_AUDIT_KEY": settings.MBK_AUDIT_KEY,
            "MBK_AUDIT_KEY_ID": settings.MBK_AUDIT_KEY_ID,
            # ...and reads the signing keys the test stored.
            "MBK_SIGNING_KEY": settings.MBK_SIGNING_KEY,
            **environment,
        }
        log = worker.log_path.open("w")
        worker.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "mbk",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--queues=celery,pdf",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"test-{os.getpid()}-{len(started)}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((worker, log))
        deadline = time.monotonic() + 60
        while "ready." not in worker.log():
            if worker.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The Celery worker did not start:\n" + worker.log())
            time.sleep(0.2)
        return worker

    yield start
    for worker, log in started:
        worker.process.terminate()
        try:
            worker.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.process.kill()
        log.close()


@pytest.fixture
def celery_worker_process(start_worker) -> Path:
    """A worker with the default pool; the value is the folder its e-mails are written to."""
    return start_worker().outbox


@pytest.fixture
def own_postgres():
    server = OwnPostgres()
    try:
        server.create()
        yield server
    finally:
        server.remove()


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    redis = OwnRedis(tmp_path)
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()

"""The asynchronous path with a real Celery worker process and the configured broker
(a file queue on a developer's machine, Redis in CI)."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts import services
from accounts.models import User

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url_of_the_test_database() -> str:
    db = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db['HOST']}:{port}/{db['NAME']}"


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    outbox = tmp_path / "outbox"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_the_test_database(),
        "EMAIL_URL": f"filemail://{outbox}",
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mbk",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "ready." not in (tmp_path / "worker.log").read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(
                "The Celery worker did not start:\n" + (tmp_path / "worker.log").read_text()
            )
        time.sleep(0.2)
    yield outbox
    process.terminate()
    process.wait(timeout=30)
    log.close()


def wait_for_mail(outbox: Path, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        files = sorted(outbox.glob("*.log")) if outbox.exists() else []
        if files and files[0].stat().st_size:
            return files[0].read_text()
        time.sleep(0.2)
    pytest.fail("No e-mail was written by the worker")
    return ""


@pytest.mark.worker
def test_worker_sends_the_signup_confirmation(celery_worker_process, organisation, client):
    services.author_sign_up(
        email="worker@example.ru",
        password="Parol-dlya-testa-1",
        last_name="Рабочий",
        first_name="Тест",
        organisation=organisation,
    )

    letter = wait_for_mail(celery_worker_process)

    assert "To: worker@example.ru" in letter
    link = re.search(r"https?://\S+/accounts/signup/confirm/\S+", letter).group(0)
    response = client.post("/" + link.split("/", 3)[3])
    assert response.status_code == 302
    assert User.objects.get(email="worker@example.ru").is_active

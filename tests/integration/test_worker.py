"""The asynchronous path with a real Celery worker process and the configured broker
(a file queue on a developer's machine, Redis in CI)."""

import re
import time
from pathlib import Path

import pytest

from accounts import services
from accounts.models import User


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

"""Faults injected into the real services the system runs on.

Redis: a Redis server of the test's own (the shared one stays up for the rest of the suite) is
the broker of this process and of a real worker; it is stopped while the governance body's
chair signs the programme off, a transition that schedules the compiled PDF. The decision
must commit and the page answer within 5 s; the job waits, queued, and is rendered once Redis
is back and the sweeper sends it again; the notices' e-mails, due, are sent by their sweeper.
"""

import datetime
import os
import time
from contextlib import contextmanager

import kombu.pools
import pytest
from django.utils import timezone

from documents.models import RenderJob
from documents.pdf import pipeline
from mbk.celery import app as celery_app
from programme import services as programme_services
from programme.models import ProgrammeVersion
from tests.integration.test_pdf_worker import wait_for
from tests.programme.world import ready_programme
from tests.workflow.states import make_people
from workflow import audit
from workflow.models import Notice
from workflow.tasks import task_resend_notice_emails

Status = RenderJob.Status


@contextmanager
def publishing_to(url: str):
    """This process's Celery app sends to `url` (its connection pools are dropped so the next
    message opens a connection there)."""
    previous = celery_app.conf.broker_url
    previous_environment = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads it before its configuration

    def forget_connections():
        kombu.pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.broker_url = url
    forget_connections()
    assert celery_app.connection_for_write().as_uri().endswith(url.rsplit(":", 1)[1])
    try:
        yield
    finally:
        celery_app.conf.broker_url = previous
        if previous_environment is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = previous_environment
        forget_connections()


@pytest.mark.redis
@pytest.mark.worker
def test_redis_down_during_a_transition_loses_nothing(start_worker, own_redis, client, caplog):
    people = make_people()
    programme = ready_programme(people, projects=1)
    version = programme_services.version_create(programme_id=programme.pk, by=people["office"])
    programme_services.version_send_to_governance(version_id=version.pk, by=people["office"])
    version.refresh_from_db()
    worker = start_worker(CELERY_BROKER_URL=own_redis.url)
    client.force_login(people["governance_chair"])

    with publishing_to(own_redis.url):
        own_redis.stop()
        started = time.monotonic()
        response = client.post(
            f"/programme/versions/{version.pk}/decide/",
            {
                "action": "approve",
                "edition": version.edition,
                "decision_number": "12",
                "decision_date": datetime.date(2026, 11, 20).isoformat(),
            },
        )
        answered_in = time.monotonic() - started

        version.refresh_from_db()
        job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)
        assert response.status_code == 302
        assert answered_in < 5, f"the page took {answered_in:.1f} s with Redis down"
        assert version.state == ProgrammeVersion.State.APPROVED
        assert audit.history(version).last().action == "approved"
        assert job.status == Status.QUEUED
        assert "stays queued: the broker cannot be reached" in caplog.text

        own_redis.start()
        RenderJob.objects.filter(pk=job.pk).update(
            queued_at=job.queued_at - datetime.timedelta(hours=1)
        )
        assert pipeline.sweep()["resent"] == 1
        due = Notice.objects.filter(email_due=True, emailed_at=None)
        waiting = due.count()
        assert waiting >= 2  # the office and the governance body's recorders
        due.update(created_at=timezone.now() - datetime.timedelta(hours=1))
        assert task_resend_notice_emails() == waiting

    job = wait_for(job, Status.DONE, Status.FAILED)
    assert job.status == Status.DONE, job.error + worker.log()
    assert (worker.media / job.file.name).stat().st_size > 10_000
    assert RenderJob.objects.filter(kind=RenderJob.Kind.PROGRAMME).count() == 1
    deadline = time.monotonic() + 60
    while Notice.objects.filter(email_due=True, emailed_at=None).exists():
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    letters = "".join(path.read_text() for path in worker.outbox.iterdir())
    assert letters.count("Message-ID:") >= waiting

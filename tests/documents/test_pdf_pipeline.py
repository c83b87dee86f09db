"""The PDF pipeline (documents/pdf/pipeline.py, services.py): one job per content, rendered
once, safe to run twice, taken over after a lost worker, swept when stuck, retried by people.
Tasks run in-process here (conftest); tests/integration/test_pdf_worker.py uses a real worker."""

import errno
import hashlib
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from pypdf import PdfReader

from documents import transitions
from documents.models import Proposal, RenderJob
from documents.pdf import pipeline, render, signatures
from documents.pdf.services import document_request, document_retry
from mbk.celery import app as celery_app
from mbk.exceptions import ActionRefusedError
from mbk.storage import AtomicFileSystemStorage
from tests.factories import draft_proposal

Status = RenderJob.Status
PASSPORT = RenderJob.Kind.PASSPORT
CONCLUSION = RenderJob.Kind.CONCLUSION


@pytest.fixture
def submitted(author, chair, office):
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def ask(proposal, person, *, kind=PASSPORT, version=1, language="ru") -> RenderJob:
    job = document_request(
        kind=kind, proposal_id=proposal.pk, version_number=version, by=person, language=language
    )
    return RenderJob.objects.get(pk=job.pk)


def pdf_files(media) -> list:
    return sorted(p for p in media.rglob("*.pdf"))


def text_of(job: RenderJob) -> str:
    with job.file.open("rb") as handle:
        return "\n".join(page.extract_text() for page in PdfReader(handle).pages)


# --- Requesting -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_request_renders_after_commit_and_stores_the_file_under_its_hash(
    submitted, author, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(submitted, author)

    job.refresh_from_db()
    assert job.status == Status.DONE
    assert (job.attempts, job.error) == (1, "")
    assert job.file.name == f"documents/passport/{job.file_sha256[:2]}/{job.file_sha256}.pdf"
    assert pdf_files(media) == [media / job.file.name]
    assert submitted.title in text_of(job)


@pytest.mark.django_db
def test_request_is_queued_until_the_transaction_commits(submitted, author, media):
    job = ask(submitted, author)

    assert job.status == Status.QUEUED
    assert pdf_files(media) == []


@pytest.mark.django_db
def test_request_again_for_the_same_content_returns_the_same_job(
    submitted, author, coauthor, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(submitted, author)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = ask(submitted, author)

    assert again.pk == first.pk
    assert callbacks == []  # nothing sent, nothing rendered again
    assert RenderJob.objects.count() == 1
    assert len(pdf_files(media)) == 1


@pytest.mark.django_db
def test_request_in_english_is_a_document_of_its_own(
    submitted, author, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        russian = ask(submitted, author)
        english = ask(submitted, author, language="en")

    english.refresh_from_db()
    assert english.pk != russian.pk
    assert english.status == Status.DONE
    assert "page 1 of" in text_of(english)


@pytest.mark.django_db
def test_request_after_a_new_decision_renders_anew_and_keeps_the_old_file(
    submitted, author, chair, expert, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        before = ask(submitted, author)
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    with django_capture_on_commit_callbacks(execute=True):
        after = ask(Proposal.objects.get(pk=submitted.pk), author)

    before.refresh_from_db()
    after.refresh_from_db()
    assert after.pk != before.pk
    assert (before.status, after.status) == (Status.DONE, Status.DONE)
    assert len(pdf_files(media)) == 2
    assert before.file.storage.exists(before.file.name)


@pytest.mark.django_db
def test_request_of_a_version_that_does_not_exist_is_refused(submitted, author, media):
    with pytest.raises(ActionRefusedError):
        ask(submitted, author, version=7)

    assert RenderJob.objects.count() == 0


@pytest.mark.django_db
def test_request_by_someone_who_cannot_see_the_proposal_is_refused(submitted, other_author):
    with pytest.raises(PermissionDenied):
        ask(submitted, other_author)

    assert RenderJob.objects.count() == 0


@pytest.mark.django_db
def test_conclusion_is_refused_before_the_group_decides(submitted, chair):
    with pytest.raises(ActionRefusedError):
        ask(submitted, chair, kind=CONCLUSION)

    assert RenderJob.objects.count() == 0


@pytest.mark.django_db
def test_conclusion_is_not_for_the_authors(submitted, author):
    with pytest.raises(PermissionDenied):
        ask(submitted, author, kind=CONCLUSION)


# --- The worker's part ------------------------------------------------------------------------
def queued_job(proposal, person) -> RenderJob:
    return ask(proposal, person)  # not committed in these tests: nothing was sent


@pytest.mark.django_db
def test_render_twice_by_the_same_message_does_no_harm(submitted, author, media):
    job = queued_job(submitted, author)

    pipeline.render_job(job.pk, task_id="message-1")
    pipeline.render_job(job.pk, task_id="message-1")

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 1)
    assert len(pdf_files(media)) == 1


@pytest.mark.django_db
def test_render_by_a_second_message_for_a_held_job_does_nothing(submitted, author, media):
    job = queued_job(submitted, author)
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id="message-1", attempts=1, started_at=timezone.now()
    )

    pipeline.render_job(job.pk, task_id="message-2")

    job.refresh_from_db()
    assert (job.status, job.task_id, job.attempts) == (Status.RUNNING, "message-1", 1)
    assert pdf_files(media) == []


@pytest.mark.django_db
def test_render_of_the_same_message_after_its_worker_died_takes_the_job_over(
    submitted, author, media
):
    job = queued_job(submitted, author)
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id="message-1", attempts=1, started_at=timezone.now()
    )

    pipeline.render_job(job.pk, task_id="message-1")

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert len(pdf_files(media)) == 1


@pytest.mark.django_db
def test_render_gives_up_after_the_attempts_limit(submitted, author, media, settings):
    job = queued_job(submitted, author)
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id="message-1", attempts=settings.PDF_MAX_ATTEMPTS
    )

    pipeline.render_job(job.pk, task_id="message-1")

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert f"{settings.PDF_MAX_ATTEMPTS} attempts" in job.error or "попыт" in job.error
    assert pdf_files(media) == []


@pytest.mark.django_db
def test_render_failure_is_recorded_and_a_retry_renders_it(
    submitted, author, media, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    job = queued_job(submitted, author)
    real = render.html_to_pdf

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(render, "html_to_pdf", broken)
    pipeline.render_job(job.pk, task_id="message-1")
    failed = RenderJob.objects.get(pk=job.pk)
    monkeypatch.setattr(render, "html_to_pdf", real)
    with django_capture_on_commit_callbacks(execute=True):
        document_retry(job_id=job.pk, by=author)

    job.refresh_from_db()
    assert failed.status == Status.FAILED
    assert failed.error.startswith("Документ не удалось сформировать из-за внутренней ошибки")
    assert failed.error.endswith(f"номер этого задания: {job.pk}.")
    assert "disk full" not in failed.error  # the detail is in the worker's log, not the page
    assert "disk full" in caplog.text
    assert (job.status, job.attempts, job.error) == (Status.DONE, 1, "")


@pytest.mark.django_db
def test_retry_of_a_job_that_did_not_fail_is_refused(submitted, author):
    job = queued_job(submitted, author)

    with pytest.raises(ActionRefusedError):
        document_retry(job_id=job.pk, by=author)

    assert RenderJob.objects.get(pk=job.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_retry_by_someone_who_cannot_see_the_proposal_is_refused(submitted, author, other_author):
    job = queued_job(submitted, author)
    RenderJob.objects.filter(pk=job.pk).update(status=Status.FAILED, error="x")

    with pytest.raises(PermissionDenied):
        document_retry(job_id=job.pk, by=other_author)

    assert RenderJob.objects.get(pk=job.pk).status == Status.FAILED


# --- The sweeper ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_sweep_sends_again_a_job_queued_too_long(submitted, author, media, settings):
    job = queued_job(submitted, author)
    RenderJob.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - timedelta(seconds=settings.PDF_REQUEUE_AFTER + 1)
    )

    counts = pipeline.sweep()

    job.refresh_from_db()
    assert counts == {"resent": 1, "requeued": 0, "failed": 0}
    assert job.status == Status.DONE


@pytest.mark.django_db
def test_sweep_leaves_a_job_queued_a_moment_ago(submitted, author, media):
    job = queued_job(submitted, author)

    counts = pipeline.sweep()

    assert counts == {"resent": 0, "requeued": 0, "failed": 0}
    assert RenderJob.objects.get(pk=job.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_sweep_with_nothing_to_do_costs_two_queries(
    submitted, author, media, django_assert_num_queries
):
    job = queued_job(submitted, author)
    running(job, lease_seconds=10)

    with django_assert_num_queries(2):  # beat runs it every 15 s
        counts = pipeline.sweep()

    assert counts == {"resent": 0, "requeued": 0, "failed": 0}


@pytest.mark.django_db
def test_sweep_takes_back_a_job_whose_worker_vanished(submitted, author, media, settings):
    job = queued_job(submitted, author)
    long_ago = timezone.now() - timedelta(seconds=settings.PDF_HARD_TIME_LIMIT + 31)
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id="lost", attempts=1, started_at=long_ago
    )

    counts = pipeline.sweep()

    job.refresh_from_db()
    assert counts == {"resent": 0, "requeued": 1, "failed": 0}
    assert (job.status, job.attempts) == (Status.DONE, 2)


@pytest.mark.django_db
def test_sweep_fails_a_vanished_job_past_the_attempts_limit(submitted, author, media, settings):
    job = queued_job(submitted, author)
    long_ago = timezone.now() - timedelta(seconds=settings.PDF_HARD_TIME_LIMIT + 31)
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING,
        task_id="lost",
        attempts=settings.PDF_MAX_ATTEMPTS,
        started_at=long_ago,
    )

    counts = pipeline.sweep()

    job.refresh_from_db()
    assert counts == {"resent": 0, "requeued": 0, "failed": 1}
    assert job.status == Status.FAILED
    assert job.error


# --- The lease of a running job ---------------------------------------------------------------
def running(job, *, task_id="lost", attempts=1, lease_seconds: float) -> None:
    now = timezone.now()
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING,
        task_id=task_id,
        attempts=attempts,
        started_at=now - timedelta(seconds=5),
        lease_until=now + timedelta(seconds=lease_seconds),
    )


@pytest.mark.django_db
def test_claim_gives_the_job_a_lease(submitted, author, settings):
    job = queued_job(submitted, author)
    before = timezone.now()

    claimed = pipeline._claim(job.pk, "message-1")

    lease = timedelta(seconds=settings.PDF_LEASE_SECONDS)
    assert (claimed.status, claimed.task_id) == (Status.RUNNING, "message-1")
    assert before + lease <= claimed.lease_until <= timezone.now() + lease


@pytest.mark.django_db
def test_sweep_takes_back_a_running_job_whose_lease_expired(submitted, author, media):
    job = queued_job(submitted, author)
    running(job, lease_seconds=-1)  # its worker stopped renewing a second ago

    counts = pipeline.sweep()

    job.refresh_from_db()
    assert counts == {"resent": 0, "requeued": 1, "failed": 0}
    assert (job.status, job.attempts) == (Status.DONE, 2)
    assert job.task_id not in ("", "lost")


@pytest.mark.django_db
def test_sweep_leaves_a_running_job_whose_lease_is_renewed(submitted, author, media):
    job = queued_job(submitted, author)
    running(job, lease_seconds=10)

    counts = pipeline.sweep()

    job.refresh_from_db()
    assert counts == {"resent": 0, "requeued": 0, "failed": 0}
    assert (job.status, job.task_id, job.attempts) == (Status.RUNNING, "lost", 1)
    assert pdf_files(media) == []


@pytest.mark.django_db
def test_lease_renewal_extends_the_holders_lease_and_not_a_taken_job(submitted, author, settings):
    job = queued_job(submitted, author)
    running(job, task_id="message-2", lease_seconds=1)
    before = timezone.now()

    renewed = pipeline.renew_lease(job.pk, "message-2")
    stolen = pipeline.renew_lease(job.pk, "message-1")

    job.refresh_from_db()
    assert (renewed, stolen) == (True, False)
    assert job.lease_until >= before + timedelta(seconds=settings.PDF_LEASE_SECONDS)
    assert job.task_id == "message-2"


@pytest.mark.django_db(transaction=True)
def test_heartbeat_renews_the_lease_until_the_render_ends(submitted, author, settings):
    settings.PDF_HEARTBEAT_SECONDS = 0.05
    job = queued_job(submitted, author)
    running(job, task_id="message-1", lease_seconds=0)
    claimed_lease = RenderJob.objects.get(pk=job.pk).lease_until

    with pipeline.heartbeat(job.pk, "message-1"):
        time.sleep(0.5)  # rendering
    renewed_lease = RenderJob.objects.get(pk=job.pk).lease_until
    time.sleep(0.2)

    assert renewed_lease > claimed_lease
    assert RenderJob.objects.get(pk=job.pk).lease_until == renewed_lease  # stopped with it


@pytest.mark.django_db
def test_late_finisher_of_a_job_the_sweeper_took_back_changes_nothing(submitted, author, media):
    job = queued_job(submitted, author)
    late = pipeline._claim(job.pk, "message-1")
    RenderJob.objects.filter(pk=job.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    pipeline.sweep()  # message-2 renders it
    done = RenderJob.objects.get(pk=job.pk)

    pipeline._store(late, "message-1", rendering_of(b"%PDF-1.7 a different rendering"))

    job.refresh_from_db()
    assert (job.status, job.task_id, job.attempts) == (Status.DONE, done.task_id, 2)
    assert (job.file.name, job.file_sha256) == (done.file.name, done.file_sha256)
    assert pdf_files(media) == [media / done.file.name]


def rendering_of(pdf: bytes) -> pipeline.Rendering:
    """What _render hands to _store, for bytes made up by the test (the seal's spec only)."""
    plan = signatures.SigningPlan(reference="")
    return pipeline.Rendering(
        signed=signatures.Signed(pdf=pdf, specs=[]), title="Паспорт", plan=plan
    )


# --- The broker down --------------------------------------------------------------------------
@contextmanager
def broker_unreachable():
    """Messages really sent, to a port where nothing listens; the broker is back afterwards."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, celery_app._pool)
    conf.broker_url, conf.task_always_eager, celery_app._pool = "redis://127.0.0.1:9/0", False, None
    try:
        yield
    finally:
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        conf.broker_url, conf.task_always_eager, celery_app._pool = saved


@pytest.mark.django_db
def test_request_with_the_broker_down_succeeds_and_the_sweeper_sends_it_later(
    submitted, author, media, settings, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        job = ask(submitted, author)
    took = time.monotonic() - started
    waiting = RenderJob.objects.get(pk=job.pk)
    RenderJob.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - timedelta(seconds=settings.PDF_REQUEUE_AFTER + 1)
    )

    pipeline.sweep()

    job.refresh_from_db()
    assert took < 5
    assert waiting.status == Status.QUEUED
    assert job.status == Status.DONE


# --- Storing the file -------------------------------------------------------------------------
class FullDisk(AtomicFileSystemStorage):
    """A media folder on a disk with no space left: every write is refused as the OS does."""

    def _write(self, name, content, *, overwrite):
        raise OSError(errno.ENOSPC, "No space left on device", name)


@pytest.mark.django_db
def test_store_over_a_truncated_file_under_its_name_stores_the_whole_file(
    submitted, author, media, client
):
    # Renderings are signed with the time, so two renders differ; the same bytes come back
    # when a worker that stored them died before recording the job and its message is
    # delivered again with the rendering it made: stored here directly.
    job = queued_job(submitted, author)
    pipeline.render_job(job.pk, task_id="message-1")
    job.refresh_from_db()
    planted = media / job.file.name
    whole = planted.read_bytes()
    planted.write_bytes(whole[: len(whole) // 2])  # a write killed halfway
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.RUNNING, task_id="message-2", file="", file_sha256="", file_size=None
    )
    job.refresh_from_db()

    pipeline._store(job, "message-2", rendering_of(whole))

    job.refresh_from_db()
    client.force_login(author)
    body = b"".join(client.get(f"/documents/{job.pk}/download/").streaming_content)
    assert job.status == Status.DONE
    assert body == whole
    assert (hashlib.sha256(body).hexdigest(), len(body)) == (job.file_sha256, job.file_size)
    assert [p for p in media.rglob("*") if p.is_file()] == [planted]  # no temporary file left


@pytest.mark.django_db
def test_render_with_the_disk_full_fails_the_job_with_a_message_and_a_retry_renders_it(
    submitted, author, media, settings, client, django_capture_on_commit_callbacks
):
    job = queued_job(submitted, author)
    storages = settings.STORAGES
    settings.STORAGES = {**storages, "default": {"BACKEND": f"{__name__}.FullDisk"}}

    pipeline.render_job(job.pk, task_id="message-1")

    failed = RenderJob.objects.get(pk=job.pk)
    client.force_login(author)
    page = client.get(f"/documents/{job.pk}/").content.decode()
    settings.STORAGES = storages
    with django_capture_on_commit_callbacks(execute=True):
        document_retry(job_id=job.pk, by=author)
    job.refresh_from_db()
    assert failed.status == Status.FAILED
    assert failed.error == (
        "Документ сформирован, но его не удалось сохранить: хранилище файлов отказало в "
        "записи (например, закончилось место на диске). Повторите попытку позже; если "
        f"ошибка повторится, сообщите в дирекцию программы номер этого задания: {job.pk}."
    )
    assert failed.error in page
    assert [p for p in media.rglob("*") if p.is_file()] == [media / job.file.name]
    assert (job.status, job.attempts, job.error) == (Status.DONE, 1, "")

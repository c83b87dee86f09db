"""PDF documents rendered by a real Celery worker process (documents/pdf/pipeline.py)."""

import os
import signal
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from documents import transitions
from documents.models import RenderJob
from documents.pdf.services import document_request
from tests.factories import draft_proposal

Status = RenderJob.Status


def submitted_proposal(author, **fields):
    proposal = draft_proposal(author, **fields)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def ask_for_passport(proposal, person) -> RenderJob:
    return document_request(
        kind=RenderJob.Kind.PASSPORT,
        proposal_id=proposal.pk,
        version_number=1,
        by=person,
        language="ru",
    )


def wait_for(job: RenderJob, *statuses: str, seconds: float = 120, poll: float = 0.2) -> RenderJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status in statuses:
            return job
        time.sleep(poll)
    pytest.fail(f"The job stayed {job.status} (attempts {job.attempts}, error {job.error!r})")


def children_of(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


@pytest.mark.worker
def test_worker_renders_a_passport_end_to_end(start_worker, author, chair, office):
    worker = start_worker()
    proposal = submitted_proposal(author)

    job = wait_for(ask_for_passport(proposal, author), Status.DONE, Status.FAILED)

    assert job.status == Status.DONE, job.error
    assert job.attempts == 1
    pdf = worker.media / job.file.name
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert proposal.title in text
    assert "стр. 1 из" in text


@pytest.mark.worker
def test_worker_killed_while_rendering_delivers_again_and_ends_done_with_one_file(
    start_worker, author, chair, office
):
    worker = start_worker(pool="prefork")
    # Long enough to take the worker a few seconds, so it is caught in the middle.
    proposal = submitted_proposal(author, description="Описание этапа работ проекта. " * 4000)
    job = ask_for_passport(proposal, author)
    wait_for(job, Status.RUNNING, poll=0.02)

    for child in children_of(worker.process.pid):
        os.kill(child, signal.SIGKILL)
    job = wait_for(job, Status.DONE, Status.FAILED)

    assert job.status == Status.DONE, job.error
    assert job.attempts == 2
    assert [p.relative_to(worker.media) for p in worker.media.rglob("*.pdf")] == [
        Path(job.file.name)
    ]
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log()

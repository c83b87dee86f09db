"""The signed programme rendered by a real Celery worker: the governance body's chair signs the
version off, the job is sent after commit, and the worker stores the compiled PDF."""

import pytest
from pypdf import PdfReader

from documents.models import RenderJob
from tests.integration.test_pdf_worker import wait_for
from tests.programme.world import approved_version, ready_programme
from tests.workflow.states import make_people

Status = RenderJob.Status


@pytest.mark.worker
def test_worker_renders_the_signed_programme_once(start_worker):
    worker = start_worker()
    people = make_people()
    programme = ready_programme(people, projects=2)

    version = approved_version(programme, people, number="11")

    job = wait_for(
        RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk),
        Status.DONE,
        Status.FAILED,
    )
    assert job.status == Status.DONE, job.error
    text = " ".join(page.extract_text() for page in PdfReader(worker.media / job.file.name).pages)
    assert "Лист утверждения" in text
    assert "№ 11" in text
    assert RenderJob.objects.filter(kind=RenderJob.Kind.PROGRAMME).count() == 1

"""Celery entry points of the documents app: thin, ids only (STYLE.md, "Celery tasks")."""

from celery import shared_task
from django.conf import settings

from documents.pdf import pipeline


@shared_task(
    bind=True,
    acks_late=True,  # a message is acknowledged once rendered, not when a worker takes it
    reject_on_worker_lost=True,  # a killed worker gives its message back to the queue
    soft_time_limit=settings.PDF_SOFT_TIME_LIMIT,
    time_limit=settings.PDF_HARD_TIME_LIMIT,
)
def task_render_pdf(self, *, job_id: int) -> None:
    pipeline.render_job(job_id, task_id=self.request.id, keep_lease=not self.request.is_eager)


@shared_task
def task_sweep_pdf_jobs() -> dict[str, int]:
    return pipeline.sweep()

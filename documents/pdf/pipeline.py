"""How a PDF gets made. A job row is queued (services.py); after commit its message is sent;
a worker claims the job with a conditional update and a lease it renews while rendering,
and stores the file under its hash; a periodic sweeper sends again what got stuck, takes back a
job whose lease ran out (its worker died) and gives up on what keeps failing.

Every step is safe to repeat: a message for a job another worker holds does nothing, the same
message delivered again after its worker died takes the job over, only the job's current
message may record its result, and a file is named by its content and written whole (the
storage's replace(), mbk/storage.py: a reader sees the old file or the new, never half of one),
so two renders of the same job cannot leave two files or half a file."""

import hashlib
import logging
import threading
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents.models import RenderJob, rendered_document_path
from documents.pdf import kinds, render, signatures

log = logging.getLogger(__name__)
Status = RenderJob.Status


def publish(job_id: int) -> bool:
    """Send the job's message. False when the broker cannot be reached (after the bounded
    retries of CELERY_TASK_PUBLISH_RETRY_POLICY): the job stays queued for the sweeper."""
    from documents.tasks import task_render_pdf

    RenderJob.objects.filter(pk=job_id, status=Status.QUEUED).update(queued_at=timezone.now())
    try:
        task_render_pdf.apply_async(kwargs={"job_id": job_id}, retry=True)
    except Exception:  # the broker's client raises many kinds; none may fail the caller
        log.warning("PDF job %s stays queued: the broker cannot be reached", job_id, exc_info=True)
        return False
    return True


def _claim(job_id: int, task_id: str) -> RenderJob | None:
    """Take the job for this message, or None if it is not ours to render."""
    mine = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, task_id=task_id)
    claimed = (
        RenderJob.objects.filter(pk=job_id, attempts__lt=settings.PDF_MAX_ATTEMPTS)
        .filter(mine)
        .update(
            status=Status.RUNNING,
            task_id=task_id,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            lease_until=_lease_end(),
            finished_at=None,
            error="",
        )
    )
    if claimed:
        return RenderJob.objects.get(pk=job_id)
    # The same message again after its worker died, too many times: stop here.
    RenderJob.objects.filter(pk=job_id, attempts__gte=settings.PDF_MAX_ATTEMPTS).filter(
        mine
    ).update(
        status=Status.FAILED,
        finished_at=timezone.now(),
        error=_gave_up_message(),
    )
    return None


def _lease_end():
    return timezone.now() + timedelta(seconds=settings.PDF_LEASE_SECONDS)


def renew_lease(job_id: int, task_id: str) -> bool:
    """Extend the lease of a job this message still holds; False once it was taken from us."""
    return bool(
        RenderJob.objects.filter(pk=job_id, status=Status.RUNNING, task_id=task_id).update(
            lease_until=_lease_end()
        )
    )


@contextmanager
def heartbeat(job_id: int, task_id: str):
    """While the block runs (the render), a thread of the rendering process renews the job's
    lease every PDF_HEARTBEAT_SECONDS. It dies with the process: a killed worker stops renewing
    and the sweeper takes the job back once the lease has run out."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.PDF_HEARTBEAT_SECONDS):
                try:
                    if not renew_lease(job_id, task_id):
                        return  # taken back: whatever we render will not be recorded
                except DatabaseError:
                    log.warning("PDF job %s: the lease could not be renewed", job_id, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"pdf-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _gave_up_message() -> str:
    return _(
        "The document could not be rendered after %(attempts)s attempts: the rendering process "
        "stopped each time. Try again later or tell the programme office."
    ) % {"attempts": settings.PDF_MAX_ATTEMPTS}


def _internal_error(job: RenderJob) -> str:
    return _(
        "The document could not be rendered because of an internal error. Try again; "
        "if it fails again, tell the programme office the number of this job: %(job)s."
    ) % {"job": job.pk}


def _fail(job: RenderJob, task_id: str, error: str) -> None:
    RenderJob.objects.filter(pk=job.pk, status=Status.RUNNING, task_id=task_id).update(
        status=Status.FAILED, error=error, finished_at=timezone.now()
    )


@dataclass(frozen=True)
class Rendering:
    signed: signatures.Signed
    title: str
    plan: signatures.SigningPlan

    @property
    def pdf(self) -> bytes:
        return self.signed.pdf


def _render(job: RenderJob) -> Rendering:
    kind = kinds.get(job.kind)
    subject = job.subject
    if subject is None:
        raise LookupError(str(kind.gone))
    source = kind.build(job, subject)
    author = _("Moscow Biotechnology Cluster")
    pdf = render.html_to_pdf(
        source.html,
        title=source.title,
        author=author,
        language=job.language,
        variant=source.variant,
        embedded=source.embedded,
    )
    # The kind names who signs; a kind that does not, the seal alone.
    plan = kind.sign(job, subject, source) if kind.sign else signatures.SigningPlan(reference="")
    return Rendering(signed=signatures.sign(pdf, job, plan), title=source.title, plan=plan)


def _holds(name: str, sha256: str, size: int) -> bool:
    """Whether the stored file of this name is whole: its size and SHA-256 are the content's."""
    if not default_storage.exists(name) or default_storage.size(name) != size:
        return False
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
    return digest.hexdigest() == sha256


def _store(job: RenderJob, task_id: str, rendering: Rendering) -> None:
    pdf = rendering.pdf
    job.file_sha256 = hashlib.sha256(pdf).hexdigest()
    name = rendered_document_path(job, "")
    try:
        # The same content was stored before (a second render of the job): reused only if
        # whole, since a partial file under the name would be served as the document.
        if not _holds(name, job.file_sha256, len(pdf)):
            # Whole or not at all, over the partial file if there is one (mbk/storage.py).
            default_storage.replace(name, ContentFile(pdf))
    except OSError:
        log.exception("PDF job %s: the rendered file could not be stored as %s", job.pk, name)
        message = _(
            "The document was rendered but could not be saved: the file storage refused to "
            "write it (for example, the disk is full). Try again later; if it fails again, tell "
            "the programme office the number of this job: %(job)s."
        )
        _fail(job, task_id, message % {"job": job.pk})
        return
    # The job is done and its file entered in the register of issued documents together, or
    # neither: a file served as the document always verifies as issued.
    with transaction.atomic():
        finished = RenderJob.objects.filter(
            pk=job.pk, status=Status.RUNNING, task_id=task_id
        ).update(
            status=Status.DONE,
            file=name,
            file_sha256=job.file_sha256,
            file_size=len(pdf),
            finished_at=timezone.now(),
        )
        if finished:
            signatures.register(job, rendering.signed, rendering.plan, title=rendering.title)
    if finished:
        log.info("PDF job %s rendered, signed and stored by %s", job.pk, task_id)
        return
    # The job was taken from us meanwhile. Its new holder renders the same content to the same
    # name and may be about to record it: the file stays while the job is pending or uses it.
    pending = RenderJob.objects.filter(pk=job.pk, status__in=(Status.QUEUED, Status.RUNNING))
    if not pending.exists() and not RenderJob.objects.filter(file=name).exists():
        default_storage.delete(name)


def render_job(job_id: int, *, task_id: str, keep_lease: bool = False) -> None:
    """The worker's part: claim, render, store; a failure is recorded on the job for people to
    see and retry. A worker keeps its lease renewed while it renders (see heartbeat); a render
    in the caller's own process (tests, eager tasks) has nobody else to take it over."""
    job = _claim(job_id, task_id)
    if job is None:
        return
    with translation.override(job.language):
        try:
            with heartbeat(job_id, task_id) if keep_lease else nullcontext():
                rendering = _render(job)
        except kinds.UnknownKindError:
            log.exception("PDF job %s has a kind no app registered", job_id)
            _fail(job, task_id, _internal_error(job))
        except SoftTimeLimitExceeded:
            _fail(
                job,
                task_id,
                _("Rendering took longer than %(seconds)s seconds and was stopped.")
                % {"seconds": settings.PDF_SOFT_TIME_LIMIT},
            )
        except LookupError as error:  # the subject or a part of it is gone: say which
            _fail(job, task_id, str(error))
        except signatures.UnvouchedSignoffError:
            log.exception("PDF job %s: a sign-off is not vouched for by the audit trail", job_id)
            message = _(
                "The document was not signed: a signature it asks for is not confirmed by the "
                "audit trail (it was not recorded by the system's own action). Tell the "
                "programme office the number of this job: %(job)s."
            )
            _fail(job, task_id, message % {"job": job.pk})
        except signatures.SigningFailedError:
            log.exception("PDF job %s: the rendering could not be signed", job_id)
            message = _(
                "The document was rendered but could not be signed: the cluster's certificate "
                "authority is not set up or a signatory has no valid certificate. Tell the "
                "programme office the number of this job: %(job)s; it can be tried again once "
                "the certificates are issued."
            )
            _fail(job, task_id, message % {"job": job.pk})
        except Exception:
            # The technical detail (paths, library messages) goes to the worker's log, which
            # the job's number finds; the people reading the page get words they can act on.
            log.exception("PDF job %s failed", job_id)
            _fail(job, task_id, _internal_error(job))
        else:
            _store(job, task_id, rendering)


def sweep() -> dict[str, int]:
    """Send again the jobs queued too long (the broker was down, a message was lost) and take
    back the jobs whose worker died without its message coming back."""
    now = timezone.now()
    counts = {"resent": 0, "requeued": 0, "failed": 0}
    waiting = RenderJob.objects.filter(
        status=Status.QUEUED, queued_at__lt=now - timedelta(seconds=settings.PDF_REQUEUE_AFTER)
    )
    for job_id in waiting.values_list("pk", flat=True):
        counts["resent"] += publish(job_id)
    # A running job whose lease ran out has no live worker any more (a row claimed without a
    # lease, before leases existed: past the hard time limit and a margin).
    abandoned = RenderJob.objects.filter(status=Status.RUNNING).filter(
        Q(lease_until__lt=now)
        | Q(
            lease_until__isnull=True,
            started_at__lt=now - timedelta(seconds=settings.PDF_HARD_TIME_LIMIT + 30),
        )
    )
    for job in abandoned.only("pk", "attempts", "task_id", "lease_until"):
        # Conditional on the holder's message: a job renewed or taken meanwhile is left alone,
        # and its old holder, should it finish late, can no longer record anything.
        still = RenderJob.objects.filter(
            pk=job.pk, status=Status.RUNNING, task_id=job.task_id, lease_until=job.lease_until
        )
        if job.attempts >= settings.PDF_MAX_ATTEMPTS:
            counts["failed"] += still.update(
                status=Status.FAILED, finished_at=now, error=_gave_up_message()
            )
        elif still.update(status=Status.QUEUED, task_id="", lease_until=None):
            counts["requeued"] += 1
            publish(job.pk)
    return counts

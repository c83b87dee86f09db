"""What people do with PDF documents: ask for one, and try again after a failure. Rendering
itself happens in a worker (pipeline.py); these only write the job and send it after commit."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from documents import rules
from documents.models import Proposal, RenderJob
from documents.pdf import kinds, pipeline, sources
from mbk.exceptions import ActionRefusedError

Status = RenderJob.Status


def _job_for(
    kind: str,
    subject,
    *,
    key: str,
    number: int,
    language: str,
    by: User,
    anonymised: bool = False,
) -> RenderJob:
    """The job of this document for this content: the existing one if the same content was asked
    for before (rendered or on its way), a new one sent after commit otherwise."""
    job, created = RenderJob.objects.get_or_create(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        source_key=key,
        language=language,
        defaults={"version_number": number, "requested_by": by, "anonymised": anonymised},
    )
    if created:
        transaction.on_commit(lambda: pipeline.publish(job.pk))
    return job


@transaction.atomic
def document_request(
    *, kind: str, proposal_id: int, version_number: int, by: User, language: str
) -> RenderJob:
    """The proposal's document of this version (see _job_for); for an expert of a blind review
    its anonymised copy (documents.rules.sees_blind), a job of its own."""
    proposal = Proposal.objects.select_related("call").get(pk=proposal_id)
    rules.require(rules.can_read_document, by, proposal, kind)
    if not sources.is_available(kind, proposal):
        raise ActionRefusedError(
            _("The expert conclusion exists once the working group has decided on the proposal.")
        )
    version = proposal.versions.filter(number=version_number).first()
    if version is None:
        raise ActionRefusedError(
            _("The proposal has no version %(number)s.") % {"number": version_number}
        )
    anonymised = rules.sees_blind(by, proposal)
    key = sources.source_key(kind, proposal, version, anonymised=anonymised)
    return _job_for(
        kind,
        proposal,
        key=key,
        number=version.number,
        language=language,
        by=by,
        anonymised=anonymised,
    )


@transaction.atomic
def document_retry(*, job_id: int, by: User) -> RenderJob:
    """A failed job is queued again with its attempts counted anew."""
    job = RenderJob.objects.select_for_update().get(pk=job_id)
    rules.require(kinds.can_read_job, by, job)
    if job.status != Status.FAILED:
        raise ActionRefusedError(_("Only a document whose rendering failed can be tried again."))
    job.status = Status.QUEUED
    job.attempts = 0
    job.error = ""
    job.task_id = ""
    job.started_at = job.finished_at = None
    job.save()
    transaction.on_commit(lambda: pipeline.publish(job.pk))
    return job


@transaction.atomic
def subject_document_request(
    *, kind: str, subject, key: str, number: int, by: User, language: str
) -> RenderJob:
    """The document of a whole object (a programme version, a meeting's minutes), for the
    services of the app owning it: whoever may read its kind (documents/pdf/kinds.py) gets the
    job of its content `key` (see _job_for); `number` is the content version it shows."""
    rules.require(kinds.get(kind).may_read, by, subject)
    return _job_for(kind, subject, key=key, number=number, language=language, by=by)

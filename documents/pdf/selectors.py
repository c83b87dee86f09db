"""What the proposal's page offers in PDF and which renderings a person may see."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from documents import rules
from documents.models import Proposal, ProposalVersion, RenderJob
from documents.pdf import kinds, sources
from mbk.lookups import id_or_404


@dataclass(frozen=True)
class Offer:
    kind: str
    label: str
    version_number: int


def readable_kinds(user, proposal: Proposal) -> list[str]:
    return [
        kind for kind in RenderJob.PROPOSAL_KINDS if rules.can_read_document(user, proposal, kind)
    ]


def offers(
    user,
    proposal: Proposal,
    latest: ProposalVersion | None,
    *,
    kinds: list[str] | None = None,
    trail: list | None = None,
) -> list[Offer]:
    """The documents this person may ask for now, of the latest submitted version. A page
    passes what it read already: readable_kinds() and documents.selectors.decisions_trail()."""
    if latest is None:
        return []
    return [
        Offer(kind, RenderJob.Kind(kind).label, latest.number)
        for kind in (readable_kinds(user, proposal) if kinds is None else kinds)
        if sources.is_available(kind, proposal, latest=latest, trail=trail)
    ]


def jobs_of(
    user, proposal: Proposal, limit: int = 10, *, kinds: list[str] | None = None
) -> QuerySet[RenderJob]:
    """The renderings of this proposal's documents the person may read, newest first: for an
    expert of a blind review the anonymised ones only (`kinds`: readable_kinds(), when the
    caller has them). None for a proposal its page's lookup read as having none
    (`has_renderings`)."""
    if getattr(proposal, "has_renderings", True) is False:
        return RenderJob.objects.none()
    jobs = RenderJob.objects.filter(
        subject_type=ContentType.objects.get_for_model(Proposal),
        subject_id=proposal.pk,
        kind__in=readable_kinds(user, proposal) if kinds is None else kinds,
    )
    if rules.sees_blind(user, proposal):
        jobs = jobs.filter(anonymised=True)
    return jobs[:limit]


def get_readable_job_or_404(user, pk: int) -> RenderJob:
    """A rendering whose document the person may not read does not exist for them."""
    job = RenderJob.objects.filter(pk=id_or_404(pk)).first()
    if job is None or not kinds.can_read_job(user, job):
        raise Http404
    return job

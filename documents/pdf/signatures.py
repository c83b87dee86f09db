"""Every rendered document leaves the worker signed. The kind says who signs its subject: the
people whose own acts were recorded as sign-offs (signing/services.py: the governance chair
who approved a programme version, the chair and secretary who approved minutes), then the
system's seal; a kind that names nobody gets the seal alone (passports, expert conclusions,
drafts). The signer (signing/backends.py, one interface, replaceable by a qualified provider)
applies the signatures, and the stored file is entered in the register of issued documents
that the public verification looks files up in."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import RenderJob
from signing import backends, services
from signing.backends import SignatureSpec


class SigningFailedError(Exception):
    """The document was rendered but could not be signed (no valid certificate, the authority
    is not set up, the signer failed): the job fails with words people can act on."""


class UnvouchedSignoffError(SigningFailedError):
    """A sign-off the audit trail does not vouch for (signing/services.py is_vouched)."""


@dataclass(frozen=True)
class SigningPlan:
    reference: str  # the decision or version the document is issued under, for the register
    signoffs: list = field(default_factory=list)  # signing.models.Signoff, in signing order


def seal_reason() -> str:
    return _("Issued by the information system of the Moscow Biotechnology Cluster")


def specs_of(plan: SigningPlan) -> list[SignatureSpec]:
    """The people's signatures in the order they signed, then the seal (with the time now: the
    seal says when the system issued this file)."""
    people = [services.spec_of(signoff) for signoff in plan.signoffs]
    seal = SignatureSpec(person=None, role="seal", reason=seal_reason(), signed_at=timezone.now())
    return [*people, seal]


def document_id(job: RenderJob) -> str:
    """Names the rendering inside the signed file, so that the verification recognises a
    document of ours even when its bytes were changed."""
    return f"mbk:{job.kind}:{job.subject_id}:{job.pk}"


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    specs: list[SignatureSpec]


def sign(pdf: bytes, job: RenderJob, plan: SigningPlan) -> Signed:
    # A person's key signs only on the strength of an act the audit trail records intact.
    try:
        services.require_vouched(plan.signoffs)
    except services.UnvouchedSignoffError as error:
        raise UnvouchedSignoffError(str(error)) from error
    specs = specs_of(plan)
    try:
        signed = backends.get_signer().sign(pdf, specs, document_id=document_id(job))
    except Exception as error:  # the signer's library raises many kinds; say it in words
        raise SigningFailedError(str(error)) from error
    return Signed(pdf=signed, specs=specs)


def register(job: RenderJob, signed: Signed, plan: SigningPlan, *, title: str) -> None:
    """Enter the stored file in the register of issued documents (idempotent by its hash)."""
    services.register_issued(
        pdf=signed.pdf,
        kind=job.kind,
        subject=job.subject,
        job_id=job.pk,
        title=title,
        reference=str(plan.reference),
        specs=signed.specs,
    )

"""Writes of the signing app: a person's sign-off and the register of issued documents."""

import hashlib
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.decode_limits import DecodeLimits
from pyhanko.pdf_utils.reader import PdfFileReader

from mbk.exceptions import ActionRefusedError
from signing import authority
from signing.backends import SignatureSpec
from signing.models import Certificate, IssuedDocument, Signoff
from workflow import audit
from workflow.models import AuditEntry


@transaction.atomic
def sign_off(
    *, subject: models.Model, person, role: str, reason: str, audited: bool = True
) -> Signoff:
    """Record that `person` signs `subject` in `role` now, with their certificate in force.
    Idempotent: a second call for the same subject, person and role returns the first
    sign-off unchanged. Audited on the subject, unless the caller's service records the act
    itself (`audited=False`: one entry per act, naming the certificate). Refused (nothing
    changes) when the person has no certificate in force."""
    subject_type = ContentType.objects.get_for_model(subject)
    existing = Signoff.objects.filter(
        subject_type=subject_type, subject_id=subject.pk, person=person, role=role
    ).first()
    if existing is not None:
        return existing
    certificate = authority.certificate_of(person)
    if certificate is None:
        raise ActionRefusedError(
            _(
                "%(name)s cannot sign: they have no signing certificate in force. The programme "
                "office issues one (manage.py ca_issue --person %(login)s); nothing was signed."
            )
            % {"name": person.get_full_name(), "login": person.username}
        )
    signoff, created = Signoff.objects.get_or_create(
        subject_type=subject_type,
        subject_id=subject.pk,
        person=person,
        role=role,
        defaults={"certificate": certificate, "signed_at": timezone.now(), "reason": reason},
    )
    if created and audited:
        audit.record(
            subject,
            actor=person,
            action="signed_off",
            comment=f"{role}: {reason}; certificate {certificate.serial}",
        )
    return signoff


def signed_with(certificate: Certificate) -> str:
    """What the audit entry of a signed act says of the signature."""
    return _("signed with certificate %(serial)s") % {"serial": certificate.serial}


def signoffs_of(subject: models.Model) -> list[Signoff]:
    """The sign-offs of `subject`, in the order they were given."""
    return list(
        Signoff.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
        ).select_related("person", "certificate")
    )


class UnvouchedSignoffError(Exception):
    """A sign-off no intact audit entry vouches for: written past the services (a database
    console), so nobody's key signs on its strength."""


def is_vouched(signoff: Signoff) -> bool:
    """Whether an intact entry of the audit trail on the subject, by the signatory, names the
    sign-off's certificate: the services write one with every sign-off (their act's entry, or
    sign_off's own). A row written past them has none, and an entry edited to fit fails its
    MAC."""
    entries = AuditEntry.objects.filter(
        content_type_id=signoff.subject_type_id,
        object_id=signoff.subject_id,
        actor_id=signoff.person_id,
        comment__contains=signoff.certificate.serial,
    )
    return any(audit.is_intact(entry) for entry in entries)


def require_vouched(signoffs: list[Signoff]) -> None:
    for signoff in signoffs:
        if not is_vouched(signoff):
            raise UnvouchedSignoffError(
                f"sign-off {signoff.pk} ({signoff.person_id}, {signoff.role}) has no intact "
                "audit entry naming its certificate"
            )


def spec_of(signoff: Signoff) -> SignatureSpec:
    """The signature a sign-off asks for in the PDF."""
    return SignatureSpec(
        person=signoff.person, role=signoff.role, reason=signoff.reason, signed_at=signoff.signed_at
    )


@transaction.atomic
def register_issued(
    *,
    pdf: bytes,
    kind: str,
    subject: models.Model,
    title: str,
    reference: str = "",
    specs: list[SignatureSpec] | None = None,
    job_id: int | None = None,
) -> IssuedDocument:
    """Enter a signed PDF the system produced into the register, by the SHA-256 of the whole
    file; the signatories are read from its signatures (name, certificate serial, claimed time)
    and take their roles from `specs`, given in the order they were signed. Idempotent per
    file."""
    sha256 = hashlib.sha256(pdf).hexdigest()
    existing = IssuedDocument.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    signatories = _signatories(pdf, specs or [])
    issued, _created = IssuedDocument.objects.get_or_create(
        sha256=sha256,
        defaults={
            "kind": kind,
            "subject_type": ContentType.objects.get_for_model(subject),
            "subject_id": subject.pk,
            "job_id": job_id,
            "title": title,
            "reference": reference,
            "signatories": signatories,
        },
    )
    return issued


def _signatories(pdf: bytes, specs: list[SignatureSpec]) -> list[dict]:
    """The signatures of the file in the order they were made. The last len(specs) of them
    are the ones `specs` asked for."""
    reader = PdfFileReader(BytesIO(pdf), decode_limits=DecodeLimits.for_trusted_input())
    signatures = sorted(reader.embedded_signatures, key=lambda sig: sig.signed_revision)
    offset = len(signatures) - len(specs)
    if offset < 0:
        raise ValueError("register_issued() was given more specs than the file has signatures")
    known = {
        row.fingerprint_sha256: row
        for row in Certificate.objects.filter(
            fingerprint_sha256__in=[sig.signer_cert.sha256.hex() for sig in signatures]
        )
    }
    signatories = []
    for position, signature in enumerate(signatures):
        cert = signature.signer_cert
        row = known.get(cert.sha256.hex())
        role = specs[position - offset].role if position >= offset else ""
        if not role and row is not None:
            role = "seal" if row.kind == Certificate.Kind.SEAL else "signatory"
        signed_at = signature.self_reported_timestamp
        signatories.append(
            {
                "name": cert.subject.native.get("common_name", ""),
                "role": role,
                "certificate": authority.serial_text(cert.serial_number),
                "signed_at": signed_at.isoformat() if signed_at else "",
            }
        )
    return signatories

"""The public verification of a PDF: is it a document this system issued, unchanged since it
was signed, and by whom?

pyHanko validates each signature with our certificate authorities as the only trust roots, at
the moment of its timestamp (our time-stamping unit's token proves the signature existed then,
so a certificate that expired since still counts); revocation comes from our Certificate rows
(revoked before that moment: the signature is invalid; after: valid, and the report says so).
The whole file's SHA-256 must be in the register of issued documents for the verdict "genuine".

The verdicts: "genuine", "modified", "invalid" (ours and unchanged, but a certificate was
revoked before signing or a signature is not trusted) and "foreign". `verify_pdf` never raises
on what it is given (random bytes, a truncated or hostile PDF): such a file is "foreign", or
"modified" when it carries a certificate of our authority. Callers refuse files over MAX_BYTES
before reading them whole (MBK_VERIFY_MAX_BYTES); verify_pdf answers for them too.
"""

import hashlib
import itertools
import logging
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyhanko.pdf_utils.decode_limits import DecodeLimits, DocumentDecodeBudget
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import EmbeddedPdfSignature, validate_pdf_signature
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from signing import authority
from signing.asyncs import outside_any_event_loop
from signing.builtin import DOCUMENT_ID_KEY
from signing.models import Certificate, IssuedDocument
from workflow import audit
from workflow.models import AuditEntry

logger = logging.getLogger(__name__)

MAX_BYTES = settings.MBK_VERIFY_MAX_BYTES
# Bounds of the work on one file: reading stops after TIME_LIMIT_SECONDS (where a timer can be
# set, see _time_limit), beyond MAX_SIGNATURES signature fields, and when its streams decode to
# more than 64 MB or four times the file's size, whichever is more (ours are far within).
TIME_LIMIT_SECONDS = 10
MAX_SIGNATURES = 50
_DECODE_LIMITS = DecodeLimits(
    document_budget=DocumentDecodeBudget(base_allowance=64 * 1024 * 1024, max_ratio=4)
)

GENUINE = "genuine"  # ours, intact, valid, trusted, unchanged since, and registered
MODIFIED = "modified"  # ours, but a signature is broken or the file changed after signing
INVALID = "invalid"  # ours and unchanged, but a certificate was revoked before signing or
# a signature is not trusted (wrong key usage, no valid timestamp...)
FOREIGN = "foreign"  # no signature of ours, or not a PDF

VERDICT_LABELS = {
    GENUINE: gettext_lazy("genuine"),
    MODIFIED: gettext_lazy("changed after signing"),
    INVALID: gettext_lazy("signature not valid"),
    FOREIGN: gettext_lazy("not issued by the MBK system"),
}

# Changes after a signature that keep it standing (pyHanko's modification levels): the next
# signatures and their fields, and the maintenance of long-term validation data.
_PERMITTED_LEVELS = {"none", "lta_updates", "form_filling"}


@dataclass(frozen=True)
class SignatureReport:
    name: str  # the signer: the certificate's common name
    role: str  # "chair", "secretary", "signatory", "seal"... ("" when not ours)
    certificate_serial: str
    signed_at: datetime | None  # claimed by the signer (/M): the person's act
    timestamp_at: datetime | None  # of our time-stamping unit's token, when it is valid
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the signature value checks out
    trusted: bool  # chains to our authority, timestamp valid, not revoked before signing
    revoked: bool  # its certificate (or its authority's) is revoked, before or after signing
    covers_whole_file: bool
    # What follows this signature (pyHanko's levels): "none", "form_filling" (signatures and
    # form fields), "other"...; "" when not analysed: a registered file is the one issued.
    modification_level: str
    field_name: str = ""
    ours: bool = False  # signed with a certificate of our authority
    revoked_at: datetime | None = None
    revoked_before_signing: bool = False
    changes_permitted: bool = True  # what was added after it is only signatures and the like


@dataclass
class Report:
    sha256: str
    is_pdf: bool
    signatures: list[SignatureReport] = field(default_factory=list)
    issued: IssuedDocument | None = None
    document_id: str = ""
    verdict: str = FOREIGN
    message: str = ""

    @property
    def is_genuine(self) -> bool:
        return self.verdict == GENUINE


def verify_pdf(data: bytes) -> Report:
    sha256 = hashlib.sha256(data).hexdigest()
    if len(data) > settings.MBK_VERIFY_MAX_BYTES:
        return Report(
            sha256=sha256,
            is_pdf=False,
            message=_("The file is larger than %(size)s MB and was not checked.")
            % {"size": settings.MBK_VERIFY_MAX_BYTES // (1024 * 1024)},
        )
    if b"%PDF-" not in data[:1024]:
        return Report(
            sha256=sha256,
            is_pdf=False,
            message=_(
                "This file is not a PDF document, so it is not a document issued by the MBK system."
            ),
        )
    known = _Known.read(sha256)  # the database first: the file is read under a time limit
    try:
        with _time_limit(TIME_LIMIT_SECONDS):
            return _verify(data, sha256, known)
    except (Exception, _TooSlowError) as problem:  # hostile, damaged, too complex: an answer
        logger.info("A PDF could not be verified", exc_info=True)
        report = Report(sha256=sha256, is_pdf=True)
        if _mentions(data, known.authority_key_ids):
            report.verdict = MODIFIED
            report.message = _(
                "The file carries a signature of the MBK system, but it is damaged and cannot "
                "be checked: it was changed after signing."
            )
        elif isinstance(problem, _TooSlowError | _TooComplexError):
            report.message = _(
                "The file is too complex to be checked; it is not recognised as a document "
                "issued by the MBK system."
            )
        else:
            report.message = _(
                "The file cannot be read as a PDF document; it is not a document issued by the "
                "MBK system."
            )
        return report


@dataclass(frozen=True)
class _Known:
    """What the database knows, read before the file is."""

    certificates: dict[str, Certificate]  # every certificate of ours, by SHA-256 fingerprint
    roots: list[asn1_x509.Certificate]  # our authorities: the only trust roots
    authority_key_ids: list[bytes]
    issued: IssuedDocument | None

    @classmethod
    def read(cls, sha256: str) -> "_Known":
        certificates = {
            row.fingerprint_sha256: row for row in Certificate.objects.select_related("authority")
        }
        authorities = [
            row
            for row in certificates.values()
            if row.kind == Certificate.Kind.CA and _vouched_authority(row)
        ]
        return cls(
            certificates=certificates,
            roots=[authority.asn1_of(row) for row in authorities],
            authority_key_ids=[
                authority.x509_of(row)
                .extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
                .value.digest
                for row in authorities
            ],
            issued=IssuedDocument.objects.filter(sha256=sha256).first(),
        )


class _TooComplexError(Exception):
    pass


class _TooSlowError(BaseException):
    """Not an Exception, so that no `except Exception` on the way (ours, pyHanko's) stops it."""


@contextmanager
def _time_limit(seconds: float):
    """Stop reading the file after `seconds` (SIGALRM: in the main thread, as in gunicorn's sync
    workers, Celery's workers and commands; elsewhere, or when a timer already runs, the file
    size alone bounds the work). No database access happens inside."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )
    if not usable:
        yield
        return

    def stop(signum, frame):
        raise _TooSlowError(f"the file was not read within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    # Again every 0.1 s after the first: an exception raised while Python runs a finalizer or
    # a __del__ is dropped there ("Exception ignored in..."), the next one is not.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # even when the alarm rang on the way out
            signal.signal(signal.SIGALRM, previous)


def _verify(data: bytes, sha256: str, known: _Known) -> Report:
    reader = PdfFileReader(BytesIO(data), strict=True, decode_limits=_DECODE_LIMITS)
    report = Report(sha256=sha256, is_pdf=True, issued=known.issued)
    embedded, unreadable = [], []
    fields = enumerate_sig_fields(reader, filled_status=True)
    for name, _value, sig_field in itertools.islice(fields, MAX_SIGNATURES + 1):
        try:
            embedded.append(EmbeddedPdfSignature(reader, sig_field, name))
        except Exception:
            unreadable.append(name)
    if len(embedded) + len(unreadable) > MAX_SIGNATURES:
        raise _TooComplexError(f"more than {MAX_SIGNATURES} signatures")
    embedded.sort(key=lambda signature: signature.signed_revision)
    report.signatures = [
        _check(signature, known, index) for index, signature in enumerate(embedded)
    ]
    ours = [
        signature
        for signature, checked in zip(embedded, report.signatures, strict=True)
        if checked.ours
    ]
    if ours:
        report.document_id = _document_id(reader, ours[0])
    report.verdict, report.message = _verdict(report, unreadable, data, known)
    return report


def _fingerprint(certificate: asn1_x509.Certificate | None) -> str:
    try:
        return certificate.sha256.hex()
    except Exception:
        return ""


def _claimed_timestamp(signature: EmbeddedPdfSignature) -> datetime | None:
    """The time of the signature's timestamp token, before checking it (pyHanko checks it)."""
    try:
        token = next(extract_tst_data_iter(signature.signer_info, signed=False))
        return token["encap_content_info"]["content"].parsed["gen_time"].native
    except Exception:
        return None


def _check(signature: EmbeddedPdfSignature, known: _Known, index: int) -> SignatureReport:
    try:
        cert = signature.signer_cert
        row = known.certificates.get(_fingerprint(cert))
        name = cert.subject.native.get("common_name", "") or cert.subject.human_friendly
        serial = authority.serial_text(cert.serial_number)
    except Exception:
        row, name, serial = None, "", ""
    issued = known.issued
    moment = _claimed_timestamp(signature) or timezone.now()
    try:
        status = (
            _validate(signature, known.roots, moment, skip_diff=issued is not None)
            if known.roots
            else None
        )
    except Exception:
        logger.info("A signature could not be validated", exc_info=True)
        status = None
    if status is None:
        return SignatureReport(
            name=name,
            role=_role(row, serial, issued, index),
            certificate_serial=serial,
            signed_at=_safe(lambda: signature.self_reported_timestamp),
            timestamp_at=None,
            intact=False,
            valid=False,
            trusted=False,
            revoked=False,
            covers_whole_file=False,
            modification_level="",
            field_name=signature.field_name,
            ours=row is not None,
            changes_permitted=False,
        )
    timestamp = status.timestamp_validity
    timestamp_ok = bool(timestamp and timestamp.intact and timestamp.valid and timestamp.trusted)
    signed_moment = timestamp.timestamp if timestamp_ok else None
    tsa_row = known.certificates.get(_fingerprint(timestamp.signing_cert)) if timestamp else None
    revoked_at = _earliest_revocation(row, tsa_row)
    revoked_before = revoked_at is not None and (
        signed_moment is None or revoked_at <= signed_moment
    )
    level = status.modification_level.name.lower() if status.modification_level else ""
    return SignatureReport(
        name=name,
        role=_role(row, serial, issued, index),
        certificate_serial=serial,
        signed_at=status.signer_reported_dt,
        timestamp_at=signed_moment,
        intact=status.intact,
        valid=status.valid,
        trusted=bool(row is not None and status.trusted and timestamp_ok and not revoked_before),
        revoked=revoked_at is not None,
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=level,
        field_name=signature.field_name,
        ours=row is not None,
        revoked_at=revoked_at,
        revoked_before_signing=revoked_before,
        changes_permitted=status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        or (
            status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
            and (issued is not None or (bool(status.docmdp_ok) and level in _PERMITTED_LEVELS))
        ),
    )


def _vouched_authority(row: Certificate) -> bool:
    """An authority is a trust root only if an intact audit entry recorded its creation (or its
    registration from MBK_CA_DIR) with its fingerprint: one inserted from a database console
    is not, so certificates it signed are not trusted."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate),
        object_id=row.pk,
        action__in=("authority_created", "authority_registered"),
        content_sha256=row.fingerprint_sha256,
    )
    return any(audit.is_intact(entry) for entry in entries)


def _validate(signature, roots, moment: datetime, *, skip_diff: bool):
    """pyHanko's validation at `moment` with our authorities as the only roots; no fetching
    (our revocations are applied from our rows afterwards). The analysis of what was changed
    after a signature reads every object of the file (seconds for a long programme): it is
    skipped for a registered file, which is byte for byte the one the system issued."""

    def context():
        return ValidationContext(
            trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
        )

    return outside_any_event_loop(
        lambda: validate_pdf_signature(signature, context(), context(), skip_diff=skip_diff)
    )


def _earliest_revocation(*rows: Certificate | None) -> datetime | None:
    """The earliest revocation among the certificates and their authorities."""
    moments = []
    for row in rows:
        if row is None:
            continue
        for certificate in (row, row.authority):
            if certificate is not None and certificate.revoked_at is not None:
                moments.append(certificate.revoked_at)
    return min(moments, default=None)


def _role(row: Certificate | None, serial: str, issued: IssuedDocument | None, index: int):
    if row is None:
        return ""
    if issued is not None:
        signatories = issued.signatories or []
        if index < len(signatories) and signatories[index].get("certificate") == serial:
            return signatories[index].get("role", "")
        for signatory in signatories:
            if signatory.get("certificate") == serial:
                return signatory.get("role", "")
    return "seal" if row.kind == Certificate.Kind.SEAL else "signatory"


def _document_id(reader: PdfFileReader, signature: EmbeddedPdfSignature) -> str:
    """The id written before the first signature of ours, as that signature covers it."""
    try:
        info = reader.get_historical_resolver(signature.signed_revision).trailer_view["/Info"]
        return str(info.get(DOCUMENT_ID_KEY, ""))
    except Exception:
        return ""


def _safe(read):
    try:
        return read()
    except Exception:
        return None


def _mentions(data: bytes, key_ids: list[bytes]) -> bool:
    """Whether the bytes carry a certificate issued by one of our authorities (its authority
    key identifier, raw or as the hexadecimal of a signature's /Contents): for files too
    damaged to read."""
    lowered = data.lower()
    return any(key_id in data or key_id.hex().encode() in lowered for key_id in key_ids)


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y %H:%M}"


def _verdict(report: Report, unreadable: list[str], data: bytes, known: _Known) -> tuple[str, str]:
    ours = [signature for signature in report.signatures if signature.ours]
    if not ours:
        if unreadable and _mentions(data, known.authority_key_ids):
            return MODIFIED, _(
                "The document was changed after signing: a signature of the MBK system in it is "
                "damaged."
            )
        return FOREIGN, _("This file is not a document issued by the MBK system.")
    for signature in ours:
        if not (signature.intact and signature.valid):
            return MODIFIED, _(
                "The document was changed after signing: the signature of %(name)s does not "
                "match the content."
            ) % {"name": signature.name}
    if unreadable:
        return MODIFIED, _("The document was changed after signing: a signature in it is damaged.")
    for signature in ours:
        if signature.revoked_before_signing:
            return INVALID, _(
                "The signature of %(name)s is not valid: its certificate was revoked on "
                "%(date)s, before the document was signed."
            ) % {"name": signature.name, "date": _when(signature.revoked_at)}
        if not signature.trusted:
            return INVALID, _(
                "The signature of %(name)s is not valid: its certificate or its timestamp is "
                "not trusted."
            ) % {"name": signature.name}
    for signature in ours:
        if not signature.changes_permitted:
            return MODIFIED, _(
                "The document was changed after signing: changes were made to the file after "
                "the signature of %(name)s."
            ) % {"name": signature.name}
    if report.issued is None:
        return MODIFIED, _(
            "The signatures of the MBK system in this file are intact, but the file is not one "
            "the system issued: it was changed or re-saved after signing."
        )
    message = _(
        "The document was issued by the MBK system and has not changed since it was signed."
    )
    for signature in ours:
        if signature.revoked:
            message += " " + _(
                "The certificate of %(name)s was revoked on %(date)s, after the document was "
                "signed."
            ) % {"name": signature.name, "date": _when(signature.revoked_at)}
    return GENUINE, message

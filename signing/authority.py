"""The cluster's certificate authority (удостоверяющий центр МБК).

One self-signed authority issues every certificate the system signs with: a person's (their
own signature on minutes and programme versions), the system's seal, and the time-stamping
unit's (its RFC 3161 timestamps). `manage.py ca_init` creates it; its key is a file in
MBK_CA_DIR and never enters the database; its certificate is also a row (kind "ca"), so
verification needs no file. Every issuance and revocation is written to the audit trail.
"""

import warnings
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from directory.models import Membership
from mbk.exceptions import ActionRefusedError
from signing import keys
from signing.models import Certificate
from workflow import audit

CLUSTER = "Московский биотехнологический кластер"
AUTHORITY_NAME = "Удостоверяющий центр МБК"
SEAL_NAME = "Московский биотехнологический кластер — система"
TSA_NAME = "Московский биотехнологический кластер — служба меток времени"
# A certificate's dates start a little before its issuance: clocks of verifiers differ.
_CLOCK_SKEW = timedelta(minutes=5)
_KEY_FILE = "ca-key.pem"
_CERTIFICATE_FILE = "ca-certificate.pem"


# --- Reading certificates --------------------------------------------------------------------
def x509_of(certificate: Certificate) -> x509.Certificate:
    """The certificate as `cryptography` reads it (read its names within `long_names()`)."""
    return x509.load_pem_x509_certificate(certificate.certificate_pem.encode())


def asn1_of(certificate: Certificate) -> asn1_x509.Certificate:
    """The certificate as pyHanko takes it."""
    return asn1_x509.Certificate.load(x509_of(certificate).public_bytes(serialization.Encoding.DER))


def private_key_of(certificate: Certificate) -> keys.PrivateKey:
    """The certificate's private key, decrypted in this process only."""
    if certificate.kind == Certificate.Kind.CA:
        return _authority_key(certificate)
    return keys.decrypt(certificate.encrypted_key, fingerprint=certificate.fingerprint_sha256)


def serial_text(number: int) -> str:
    return format(number, "X")


def fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()


# --- The authority -----------------------------------------------------------------------------
def _folder() -> Path:
    return Path(settings.MBK_CA_DIR)


def current_authority() -> Certificate | None:
    """The newest authority in force; it issues new certificates."""
    return (
        Certificate.objects.valid()
        .filter(kind=Certificate.Kind.CA)
        .order_by("-not_before", "-pk")
        .first()
    )


def _authority_key(authority: Certificate) -> keys.PrivateKey:
    path = _folder() / _KEY_FILE
    if not path.exists():
        raise keys.KeyUnavailableError(
            f"the certificate authority's key is not in {path} (MBK_CA_DIR): restore the "
            "folder from its backup"
        )
    key = keys.read_ca_key(path)
    if key.public_key() != x509_of(authority).public_key():
        raise keys.KeyUnavailableError(
            f"the key in {path} is not the key of the certificate authority {authority.serial}"
        )
    return key


@transaction.atomic
def init_authority(
    *, name: str = AUTHORITY_NAME, years: int = 10, force: bool = False, by=None
) -> Certificate:
    """Create the certificate authority: its key (a file in MBK_CA_DIR) and its self-signed
    certificate (a row). Refused when one exists, in the database or as a key file, unless
    `force`: then the old key file is kept beside under another name; the old authority and
    what it issued stay trusted (the documents already signed, people's certificates until
    revoked), while the seal, the time-stamping unit and new certificates come from the new
    one. Audited."""
    _check_years(years, most=30)
    if not name.strip():
        raise ActionRefusedError(_("Give the certificate authority a name."))
    key_path = _folder() / _KEY_FILE
    if not force and (current_authority() is not None or key_path.exists()):
        raise ActionRefusedError(
            _(
                "The certificate authority already exists (in the database or as the key file "
                "in %(folder)s). Nothing was changed; to replace it, run ca_init with --force."
            )
            % {"folder": _folder()}
        )
    key = keys.generate()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "RU"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CLUSTER),
            _common_name(name),
        ]
    )
    now = timezone.now()
    builder = (
        _builder(subject, subject, key.public_key(), now, now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(authority=True), critical=True)
    )
    cert = builder.sign(key, hashes.SHA256())
    authority = _save(cert, kind=Certificate.Kind.CA, authority=None, by=by)
    audit.record(
        authority,
        actor=by,
        action="authority_created",
        comment=f"{authority.subject_name}; serial {authority.serial}; "
        f"valid until {authority.not_after:%Y-%m-%d}",
        content_sha256=authority.fingerprint_sha256,
    )
    # The files last: if anything above fails, none claims an authority the database lacks.
    if force:
        _set_aside(key_path)
        _set_aside(_folder() / _CERTIFICATE_FILE)
    keys.write_ca_key(key_path, key)
    _write_public(_folder() / _CERTIFICATE_FILE, cert.public_bytes(serialization.Encoding.PEM))
    return authority


def _set_aside(path: Path) -> None:
    """Keep a replaced file beside, under a name no other file has (never over one)."""
    if not path.exists():
        return
    stamp = f"{timezone.now():%Y%m%d%H%M%S}"
    target, number = path.with_name(f"{path.stem}.replaced-{stamp}.pem"), 1
    while target.exists():
        target, number = path.with_name(f"{path.stem}.replaced-{stamp}-{number}.pem"), number + 1
    path.rename(target)


def _write_public(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    path.chmod(0o644)


def _register_authority_from_folder() -> Certificate | None:
    """The authority of MBK_CA_DIR as a row again (the database was restored or emptied while
    the folder stayed). None when the folder has no authority or it was revoked."""
    certificate_path = _folder() / _CERTIFICATE_FILE
    if not certificate_path.exists() or not (_folder() / _KEY_FILE).exists():
        return None
    cert = x509.load_pem_x509_certificate(certificate_path.read_bytes())
    known = Certificate.objects.filter(fingerprint_sha256=fingerprint(cert)).first()
    if known is not None:
        return known if known.is_valid_at(timezone.now()) else None
    with transaction.atomic():
        authority = _save(cert, kind=Certificate.Kind.CA, authority=None, by=None)
        _authority_key(authority)  # the key file must be this certificate's
        audit.record(
            authority,
            actor=None,
            action="authority_registered",
            comment=f"{authority.subject_name}; serial {authority.serial}; from {_folder()}",
            content_sha256=authority.fingerprint_sha256,
        )
    return authority


# --- Issuing and revoking ------------------------------------------------------------------------
@transaction.atomic
def issue(kind: str, *, person=None, by=None, years: int = 3) -> Certificate:
    """Issue a certificate of `kind` (person, seal or tsa) from the current authority, with a
    new key stored encrypted. Audited on the new row."""
    _check_years(years, most=10)
    authority = current_authority()
    if authority is None:
        raise ActionRefusedError(
            _("There is no certificate authority yet: run manage.py ca_init first.")
        )
    if kind == Certificate.Kind.PERSON:
        if person is None:
            raise ActionRefusedError(_("A person's certificate needs the person."))
        if not person.is_active:
            raise ActionRefusedError(
                _("%(name)s is not an active user: no certificate is issued.")
                % {"name": person.get_full_name()}
            )
    elif kind in (Certificate.Kind.SEAL, Certificate.Kind.TSA):
        if person is not None:
            raise ActionRefusedError(_("The seal and the time-stamping unit belong to no person."))
    else:
        raise ActionRefusedError(
            _("Certificates of kind «%(kind)s» are not issued (the authority is made by ca_init).")
            % {"kind": kind}
        )
    ca_key = _authority_key(authority)
    ca_cert = x509_of(authority)
    key = keys.generate()
    now = timezone.now()
    not_after = min(now + timedelta(days=365 * years), authority.not_after)
    with long_names():
        subject, issuer = _subject(kind, person), ca_cert.subject
    builder = _builder(subject, issuer, key.public_key(), now, not_after)
    builder = builder.add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
    )
    builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
    builder = builder.add_extension(_key_usage(authority=False), critical=True)
    if kind == Certificate.Kind.TSA:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    if person is not None and person.email and person.email.isascii():
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(person.email)]), critical=False
        )
    cert = builder.sign(ca_key, hashes.SHA256())
    certificate = _save(cert, kind=kind, authority=authority, by=by, person=person, key=key)
    audit.record(
        certificate,
        actor=by,
        action="certificate_issued",
        comment=f"{certificate.get_kind_display()}: {certificate.subject_name}; serial "
        f"{certificate.serial}; valid until {certificate.not_after:%Y-%m-%d}",
        content_sha256=certificate.fingerprint_sha256,
    )
    return certificate


@transaction.atomic
def revoke(certificate: Certificate, *, by=None, reason: str, at: datetime | None = None):
    """Revoke the certificate from `at` (now by default; earlier when the key is known to have
    been compromised since then). Signatures made before that moment stay valid and are
    reported as made with a since-revoked certificate; later ones are invalid. Audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefusedError(_("Say why the certificate is revoked."))
    now = timezone.now()
    at = at or now
    if at > now:
        raise ActionRefusedError(_("A certificate cannot be revoked from a moment in the future."))
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ActionRefusedError(
            _("The certificate %(serial)s was already revoked on %(date)s.")
            % {"serial": certificate.serial, "date": f"{certificate.revoked_at:%d.%m.%Y %H:%M}"}
        )
    certificate.revoked_at = at
    certificate.revoked_by = by
    certificate.revocation_reason = reason
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.record(
        certificate,
        actor=by,
        action="certificate_revoked",
        comment=f"{certificate.get_kind_display()}: {certificate.subject_name}; serial "
        f"{certificate.serial}; from {at.isoformat()}; {reason}",
        content_sha256=certificate.fingerprint_sha256,
    )
    return certificate


def certificate_of(person) -> Certificate | None:
    """The person's newest certificate in force, from an authority in force."""
    return _newest(Certificate.objects.filter(kind=Certificate.Kind.PERSON, person=person))


def seal_certificate() -> Certificate:
    """The system's seal in force from the current authority, issued on first need (refused
    without an authority)."""
    return _newest(
        Certificate.objects.filter(kind=Certificate.Kind.SEAL, authority=current_authority())
    ) or issue(Certificate.Kind.SEAL)


def tsa_certificate() -> Certificate:
    """The time-stamping unit's certificate in force from the current authority, issued on
    first need."""
    return _newest(
        Certificate.objects.filter(kind=Certificate.Kind.TSA, authority=current_authority())
    ) or issue(Certificate.Kind.TSA)


def ensure_ready() -> Certificate:
    """The authority, the seal and the time-stamping unit exist (made as needed); returns the
    authority. For the run command, the demo and tests."""
    authority = current_authority() or _register_authority_from_folder() or init_authority()
    seal_certificate()
    tsa_certificate()
    return authority


def _newest(certificates) -> Certificate | None:
    now = timezone.now()
    authorities = Certificate.objects.valid(now).filter(kind=Certificate.Kind.CA)
    return (
        certificates.valid(now)
        .filter(authority__in=authorities)
        .order_by("-not_before", "-pk")
        .first()
    )


# --- Building certificates ---------------------------------------------------------------------
def _check_years(years: int, *, most: int) -> None:
    if not 1 <= years <= most:
        raise ActionRefusedError(
            _("A certificate is issued for 1 to %(most)s years.") % {"most": most}
        )


def _subject(kind: str, person) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "RU")]
    if kind == Certificate.Kind.SEAL:
        attributes += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CLUSTER),
            _common_name(SEAL_NAME),
        ]
    elif kind == Certificate.Kind.TSA:
        attributes += [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, CLUSTER),
            _common_name(TSA_NAME),
        ]
    else:
        if person.organisation_id:
            attributes.append(
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, person.organisation.name_ru[:64])
            )
        attributes.append(_common_name(person.get_full_name()))
        if person.email and person.email.isascii():
            attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, person.email))
    return x509.Name(attributes)


def _common_name(value: str) -> x509.NameAttribute:
    """A common name of at most 64 characters, as RFC 5280 bounds it (ub-common-name)."""
    with long_names():
        return x509.NameAttribute(NameOID.COMMON_NAME, value.strip()[:64], _validate=False)


@contextmanager
def long_names():
    """`cryptography` bounds a common name to 64 UTF-8 bytes where RFC 5280 says 64 characters:
    32 Cyrillic letters, not enough for «Московский биотехнологический кластер — система» or
    many a full name. Ours are built without its check, and it warns whenever it builds or reads
    one; the warning is silenced here."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=r"Attribute's length must be >= 1 and <= 64", category=UserWarning
        )
        yield


def _builder(subject, issuer, public_key, now: datetime, not_after: datetime):
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _key_usage(*, authority: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not authority,  # nonRepudiation: the signer stands by the content
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=authority,
        crl_sign=authority,
        encipher_only=False,
        decipher_only=False,
    )


def _save(cert: x509.Certificate, *, kind, authority, by, person=None, key=None) -> Certificate:
    print_ = fingerprint(cert)
    with long_names():
        subject = cert.subject.rfc4514_string()
    return Certificate.objects.create(
        kind=kind,
        person=person,
        authority=authority,
        serial=serial_text(cert.serial_number),
        subject_name=subject[:500],
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        encrypted_key=keys.encrypt(key, fingerprint=print_) if key is not None else b"",
        fingerprint_sha256=print_,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        issued_by=by,
    )


# Who signs what the bodies decide: the minutes (a body's chair, deputy chair, secretary) and,
# for the governance body's chair, the programme.
SIGNATORY_ROLES = (Membership.Role.CHAIR, Membership.Role.DEPUTY_CHAIR, Membership.Role.SECRETARY)


def certify_signatories(*, by=None, years: int = 3) -> list[Certificate]:
    """A certificate for every active chair, deputy chair and secretary of a body who has none
    in force (idempotent): what `ca_issue --signatories` and the demo run."""
    people = User.objects.filter(is_active=True, memberships__role__in=SIGNATORY_ROLES).distinct()
    return [
        issue(Certificate.Kind.PERSON, person=person, by=by, years=years)
        for person in people.order_by("last_name", "first_name", "pk")
        if certificate_of(person) is None
    ]

"""The public verification: genuine, modified, invalid or foreign, never an exception."""

import datetime
import os
import time
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from signing import authority, verify
from signing.services import register_issued
from tests.signing.conftest import sign, spec
from tests.signing.test_signing import flipped


@pytest.fixture
def specs(signatory):
    return [spec(signatory, role="chair"), spec(None, reason="Печать системы", hours_ago=0)]


@pytest.fixture
def issued(signatory, plain_pdf, specs):
    data = sign(plain_pdf, *specs)
    register_issued(
        pdf=data,
        kind="minutes",
        subject=signatory,  # any model row will do as the subject here
        title="Протокол заседания № 2",
        reference="протокол № 2 от 04.12.2026",
        specs=specs,
    )
    return data


def test_issued_document_is_genuine(issued):
    report = verify.verify_pdf(issued)

    assert report.verdict == verify.GENUINE
    assert report.message == "Документ выпущен системой МБК и не изменялся после подписания."
    assert report.document_id == "minutes-2"
    assert report.issued.title == "Протокол заседания № 2"
    assert [(s.name, s.role) for s in report.signatures] == [
        ("Петрова Анна Сергеевна", "chair"),
        ("Московский биотехнологический кластер — система", "seal"),
    ]
    assert all(s.intact and s.valid and s.trusted and not s.revoked for s in report.signatures)
    assert [s.covers_whole_file for s in report.signatures] == [False, True]
    assert [s.modification_level for s in report.signatures] == ["", "none"]
    assert all(s.timestamp_at is not None for s in report.signatures)


def test_register_records_the_signatories_in_order(issued, signatory):
    report = verify.verify_pdf(issued)

    signatories = report.issued.signatories
    assert [(s["name"], s["role"]) for s in signatories] == [
        ("Петрова Анна Сергеевна", "chair"),
        ("Московский биотехнологический кластер — система", "seal"),
    ]
    assert signatories[0]["certificate"] == authority.certificate_of(signatory).serial


def test_signed_but_unregistered_file_is_modified(signatory, plain_pdf, specs):
    data = sign(plain_pdf, *specs)

    report = verify.verify_pdf(data)

    assert report.verdict == verify.MODIFIED
    assert "не совпадает ни с одним выпущенным системой" in report.message
    assert all(s.intact and s.trusted for s in report.signatures)
    assert [s.modification_level for s in report.signatures] == ["form_filling", "none"]


def test_flipped_byte_is_modified(issued):
    report = verify.verify_pdf(flipped(issued))

    assert report.verdict == verify.MODIFIED
    assert report.message == (
        "Документ изменён после подписания: подпись Петрова Анна Сергеевна не совпадает "
        "с содержимым."
    )
    assert [s.intact for s in report.signatures] == [False, False]


def test_content_added_after_signing_is_modified(issued):
    writer = IncrementalPdfFileWriter(BytesIO(issued))
    stream = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 24 Tf (FAKE) Tj ET"))
    writer.add_stream_to_page(0, stream)
    output = BytesIO()
    writer.write(output)

    report = verify.verify_pdf(output.getvalue())

    assert report.verdict == verify.MODIFIED
    assert "после подписи" in report.message
    assert report.signatures[-1].modification_level == "other"


def test_plain_pdf_is_foreign(ready, plain_pdf):
    report = verify.verify_pdf(plain_pdf)

    assert report.verdict == verify.FOREIGN
    assert report.is_pdf
    assert report.signatures == []
    assert report.message == "Этот файл не является документом, выпущенным системой МБК."


def _foreign_signed(pdf: bytes) -> bytes:
    """Signed by a certificate authority somebody made for themselves, as ours is made."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Other CA")])

    def certificate(subject, public_key, signing_key, ca):
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(ca_name)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .sign(signing_key, hashes.SHA256())
        )

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization

    def asn1(cert):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    ca_cert = certificate(ca_name, ca_key.public_key(), ca_key, ca=True)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Петрова Анна Сергеевна")])
    leaf = certificate(name, key.public_key(), ca_key, ca=False)
    signer = signers.SimpleSigner(
        signing_cert=asn1(leaf),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([asn1(ca_cert)]),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name="Signature-1", subfilter=fields.SigSeedSubFilter.PADES
    )
    return (
        signers.PdfSigner(metadata, signer)
        .sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)))
        .getvalue()
    )


def test_pdf_signed_by_another_authority_is_foreign(ready, plain_pdf):
    report = verify.verify_pdf(_foreign_signed(plain_pdf))

    assert report.verdict == verify.FOREIGN
    assert len(report.signatures) == 1
    assert report.signatures[0].ours is False
    assert report.signatures[0].trusted is False


def _pdf(objects: dict[int, bytes], *, free_entries: int = 0) -> bytes:
    """A well-formed PDF of these objects (1: the catalog) with a correct cross-reference
    table, padded with `free_entries` free entries."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    count = max(objects) + 1 + free_entries
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for number in range(1, count):
        out += (
            b"%010d 00000 n \n" % offsets[number]
            if number in offsets
            else b"0" * 10 + b" 00000 f \n"
        )
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)


_PAGES = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] >>",
}


def _deeply_nested() -> bytes:
    nesting = b"[" * 100_000 + b"]" * 100_000
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R /X %s >>" % nesting, **_PAGES})


def _many_objects() -> bytes:
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", **_PAGES}, free_entries=300_000)


def _many_signature_fields(count: int = 100_000) -> bytes:
    """One signature field referred to `count` times by the form."""
    signature = (
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
        b"/ByteRange [0 1 2 3] /Contents <00> >>"
    )
    fields = b"[" + b"4 0 R " * count + b"]"
    return _pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields %s >> >>" % fields,
            **_PAGES,
            4: b"<< /FT /Sig /T (S) /V 5 0 R >>",
            5: signature,
        }
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda signed: os.urandom(4096),
        lambda signed: b"",
        lambda signed: b"%PDF-1.7\n" + os.urandom(4096),
        lambda signed: signed[: len(signed) // 2],
        lambda signed: signed[:-300],
        lambda signed: _deeply_nested(),
        lambda signed: _many_objects(),
        lambda signed: _many_signature_fields(),
    ],
    ids=[
        "random",
        "empty",
        "pdf-header-then-noise",
        "half",
        "tail-cut",
        "nested",
        "many-objects",
        "many-signature-fields",
    ],
)
def test_garbage_is_answered_without_an_exception(issued, make):
    report = verify.verify_pdf(make(issued))

    assert report.verdict in {verify.FOREIGN, verify.MODIFIED}
    assert report.message


def test_reading_stops_at_the_time_limit(ready, monkeypatch):
    monkeypatch.setattr(verify, "TIME_LIMIT_SECONDS", 0.2)
    data = _many_signature_fields(2_000_000)

    started = time.perf_counter()
    report = verify.verify_pdf(data)

    assert time.perf_counter() - started < 2
    assert report.verdict == verify.FOREIGN
    assert report.message == (
        "Файл слишком сложен для проверки; он не распознан как документ, выпущенный системой МБК."
    )


def test_truncated_signed_file_is_not_genuine(issued):
    report = verify.verify_pdf(issued[:-1000])

    assert report.verdict == verify.MODIFIED


def test_random_bytes_are_not_a_pdf(ready):
    report = verify.verify_pdf(os.urandom(1000))

    assert (report.verdict, report.is_pdf) == (verify.FOREIGN, False)
    assert "не является PDF" in report.message


def test_too_large_a_file_is_not_read(ready, settings):
    settings.MBK_VERIFY_MAX_BYTES = 100

    report = verify.verify_pdf(b"%PDF-1.7\n" + b"0" * 200)

    assert report.verdict == verify.FOREIGN
    assert "не проверялся" in report.message


def test_certificate_revoked_before_signing_is_invalid(issued, signatory):
    certificate = authority.certificate_of(signatory)
    report = verify.verify_pdf(issued)
    # The key was compromised before the document's timestamp: revoked from then on.
    authority.revoke(
        certificate,
        reason="Ключ скомпрометирован",
        at=report.signatures[0].timestamp_at - datetime.timedelta(minutes=1),
    )

    report = verify.verify_pdf(issued)

    assert report.verdict == verify.INVALID
    assert report.verdict != verify.GENUINE
    assert report.signatures[0].revoked_before_signing
    assert not report.signatures[0].trusted
    assert "отозван" in report.message


def test_certificate_revoked_after_signing_stays_genuine_and_says_so(issued, signatory):
    authority.revoke(authority.certificate_of(signatory), reason="Сотрудник уволился")

    report = verify.verify_pdf(issued)

    assert report.verdict == verify.GENUINE
    first = report.signatures[0]
    assert (first.revoked, first.revoked_before_signing, first.trusted) == (True, False, True)
    assert "уже после подписания" in report.message


def test_signature_stays_genuine_after_its_certificate_expires(issued, signatory):
    certificate = authority.certificate_of(signatory)
    certificate.not_after = timezone.now()
    certificate.save()

    report = verify.verify_pdf(issued)

    assert report.verdict == verify.GENUINE

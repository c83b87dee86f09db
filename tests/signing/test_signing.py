"""The built-in signer: PAdES-B-T signatures that pyHanko and poppler's pdfsig accept."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from mbk.exceptions import ActionRefusedError
from signing import authority
from signing.backends import get_signer
from signing.builtin import ClusterSigner
from signing.verify import verify_pdf
from tests.factories import UserFactory
from tests.signing.conftest import pdfsig, sign, spec


def flipped(data: bytes) -> bytes:
    """One byte changed inside the first signed range: in the first page's content stream."""
    position = data.index(b"stream\n", 200) + 40
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


@pytest.fixture
def signed(signatory, plain_pdf):
    return sign(plain_pdf, spec(signatory), spec(None, reason="Печать системы", hours_ago=0))


class OtherProvider:
    """Another provider behind the same interface (a qualified one would be)."""

    name = "ГОСТ Р 34.10-2012"

    def can_sign(self, person) -> bool:
        return True

    def sign(self, pdf, specs, *, document_id, location="Москва") -> bytes:
        return pdf


def test_get_signer_gives_the_built_in_one_by_default():
    assert isinstance(get_signer(), ClusterSigner)


def test_get_signer_gives_the_one_named_by_the_setting(settings):
    settings.MBK_SIGNER = "tests.signing.test_signing.OtherProvider"

    assert isinstance(get_signer(), OtherProvider)


def test_signatures_are_intact_valid_and_trusted_for_pyhanko(signed, signatory):
    context = ValidationContext(
        trust_roots=[authority.asn1_of(authority.current_authority())], allow_fetching=False
    )
    reader = PdfFileReader(BytesIO(signed))

    statuses = [
        validate_pdf_signature(signature, context, context)
        for signature in reader.embedded_signatures
    ]

    assert [signature.field_name for signature in reader.embedded_signatures] == [
        "Signature-1",
        "Signature-2",
    ]
    assert all(status.bottom_line for status in statuses)
    assert all(status.intact and status.valid and status.trusted for status in statuses)
    assert all(status.timestamp_validity.trusted for status in statuses)
    assert statuses[0].signing_cert.subject.native["common_name"] == "Петрова Анна Сергеевна"
    assert statuses[1].coverage == SignatureCoverageLevel.ENTIRE_FILE
    signature = reader.embedded_signatures[0].sig_object
    assert signature["/Reason"] == "Утверждаю"
    assert signature["/Location"] == "Москва"
    assert signature["/SubFilter"] == "/ETSI.CAdES.detached"
    assert reader.trailer["/Info"]["/MBKDocumentID"] == "minutes-2"


def test_claimed_signing_time_is_the_persons_act(signatory, plain_pdf):
    act = spec(signatory, hours_ago=5)

    data = sign(plain_pdf, act)

    reader = PdfFileReader(BytesIO(data))
    claimed = reader.embedded_signatures[0].self_reported_timestamp
    assert claimed == act.signed_at.replace(microsecond=0)


def test_pdfsig_reports_every_signature_valid_and_the_last_covering_the_file(signed, tmp_path):
    output = pdfsig(signed, tmp_path)

    assert output.count("Signature Validation: Signature is Valid.") == 2
    assert "Signer Certificate Common Name: Петрова Анна Сергеевна" in output
    assert "Signature Type: ETSI.CAdES.detached" in output
    last = output.split("Signature #2:")[1]
    assert "Total document signed" in last
    assert "Signer Certificate Common Name: Московский биотехнологический кластер — система" in (
        last
    )


def test_pyhanko_finds_a_flipped_byte(signed):
    context = ValidationContext(
        trust_roots=[authority.asn1_of(authority.current_authority())], allow_fetching=False
    )
    reader = PdfFileReader(BytesIO(flipped(signed)))

    statuses = [
        validate_pdf_signature(signature, context, context)
        for signature in reader.embedded_signatures
    ]

    assert [status.intact for status in statuses] == [False, False]
    assert not any(status.bottom_line for status in statuses)


def test_pdfsig_reports_a_digest_mismatch_for_a_flipped_byte(signed, tmp_path):
    output = pdfsig(flipped(signed), tmp_path)

    assert output.count("Signature Validation: Digest Mismatch.") == 2
    assert "Signature is Valid" not in output


def test_signer_refuses_a_person_without_a_certificate_and_signs_nothing(ready, plain_pdf):
    person = UserFactory(username="no-certificate")

    with pytest.raises(ActionRefusedError, match="нет действующего сертификата подписи"):
        sign(plain_pdf, spec(None), spec(person))

    assert not ClusterSigner().can_sign(person)


def test_signing_a_signed_file_numbers_the_next_fields(signed):
    data = sign(signed, spec(None, hours_ago=0))

    reader = PdfFileReader(BytesIO(data))
    assert [signature.field_name for signature in reader.embedded_signatures][-1] == "Signature-3"


@pytest.mark.django_db(transaction=True)
def test_signing_and_verifying_work_where_an_event_loop_runs(signatory, plain_pdf, monkeypatch):
    # pyHanko runs its own loop; a caller's thread may have one already (the browser tests'
    # Playwright does, in the thread of this xdist worker too: so the loop runs in a thread of
    # the test's own). Committed rows (transaction=True): that thread has its own connection.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    async def inside_a_loop():
        data = sign(plain_pdf, spec(signatory), spec(None, hours_ago=0))
        return data, verify_pdf(data)

    with ThreadPoolExecutor(max_workers=1) as pool:
        data, report = pool.submit(asyncio.run, inside_a_loop()).result()

    assert [s.intact and s.valid for s in report.signatures] == [True, True]
    assert data.startswith(b"%PDF-")

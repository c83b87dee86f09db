"""Documents leave the PDF worker signed and the verification recognises them, the same on the
public page, through the API and with `manage.py verify_pdf`: the approved programme (the
governance chair's signature, the seal, the frozen snapshot inside), approved minutes (whoever
approved them, then both), a passport (the seal); a changed byte, a foreign file."""

import hashlib
import io
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader
from rest_framework.test import APIClient

from documents.models import Proposal, RenderJob
from documents.pdf import pipeline
from documents.pdf import services as pdf_services
from mbk.exceptions import ActionRefusedError
from meetings import services as meetings_services
from programme import document as programme_document
from programme import services as programme_services
from programme.models import ProgrammeVersion
from signing import authority, registry
from signing.builtin import ClusterSigner
from signing.models import Certificate, IssuedDocument, Signoff
from signing.verify import verify_pdf
from tests.meetings.test_services import council, plan
from tests.programme.world import approved_version, ready_programme
from tests.signing.conftest import nss_verdicts, pdfsig, spec
from tests.signing.test_signing import flipped
from tests.workflow.states import proposal_in
from workflow.models import AuditEntry

SEAL = "Московский биотехнологический кластер — система"


def rendered(kind: str, subject) -> bytes:
    """The newest job of the subject's document of this kind, rendered by the pipeline."""
    job = (
        RenderJob.objects.filter(
            kind=kind,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )
        .order_by("-pk")
        .first()
    )
    pipeline.render_job(job.pk, task_id=f"message-{job.pk}")
    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE, job.error
    return job.file.open("rb").read()


@pytest.fixture
def programme_pdf(people, media):
    version = approved_version(ready_programme(people, projects=1), people)
    return version, rendered(RenderJob.Kind.PROGRAMME, version)


def test_approved_programme_is_signed_by_its_chair_then_sealed_and_verifies_genuine(
    programme_pdf, people
):
    version, data = programme_pdf

    report, description = registry.verify_and_describe(data)

    assert report.verdict == "genuine", report.message
    assert [(s.name, s.role) for s in report.signatures] == [
        (people["governance_chair"].get_full_name(), "signatory"),
        (SEAL, "seal"),
    ]
    assert all(s.intact and s.valid and s.trusted for s in report.signatures)
    assert report.signatures[-1].covers_whole_file
    assert report.issued.kind == "programme"
    assert report.issued.subject_id == version.pk
    assert description.decision == "решение Координационного совета № 7 от 10.11.2026"
    assert description.standing == "утверждена, действует"
    assert description.newer == ""


def test_pdfsig_finds_every_signature_of_the_programme_valid_and_the_last_covering_all(
    programme_pdf, tmp_path
):
    _version, data = programme_pdf

    said = pdfsig(data, tmp_path)

    *_head, first, last = said.split("Signature #")
    for signature in (first, last):
        assert "Signature Validation: Signature is Valid." in signature, said
    assert "- Total document signed" in last, said
    assert "- Not total document signed" in first, said


def test_nss_trusting_only_our_authority_accepts_every_signers_certificate(programme_pdf, tmp_path):
    _version, data = programme_pdf

    trusting = nss_verdicts(data, tmp_path / "ours")
    trusting_nobody = nss_verdicts(data, tmp_path / "none", trusting_us=False)

    assert trusting == ["certutil: certificate is valid"] * 2
    assert all("Peer's Certificate issuer is not recognized" in v for v in trusting_nobody), (
        trusting_nobody
    )


def test_the_signed_programme_carries_its_snapshot_hashing_to_the_versions_sha256(programme_pdf):
    version, data = programme_pdf

    reader = PdfReader(io.BytesIO(data))
    (snapshot,) = reader.attachments[programme_document.SNAPSHOT_FILE_NAME]

    assert hashlib.sha256(snapshot).hexdigest() == version.snapshot_sha256


def test_one_changed_byte_of_the_programme_fails_verification_and_pdfsig(programme_pdf, tmp_path):
    _version, data = programme_pdf

    changed = flipped(data)
    report = verify_pdf(changed)

    assert report.verdict == "modified"
    assert report.message.startswith("Документ изменён после подписания")
    assert "Signature is Valid" not in pdfsig(changed, tmp_path)


def test_a_newer_approved_version_is_named_on_the_older_ones_verification(programme_pdf, people):
    version, data = programme_pdf
    newer = approved_version(version.programme, people, number="9")

    _report, description = registry.verify_and_describe(data)

    assert description.standing == "утверждена, заменена более поздней версией"
    assert description.newer == (
        f"Есть более новая утверждённая версия: версия {newer.number}, "
        "решение Координационного совета № 9 от 10.11.2026."
    )


def test_an_authority_written_past_the_audit_trail_is_no_trust_root(
    people, plain_pdf, tmp_path, settings
):
    # An insider makes an authority of their own and a certificate from it; their audit
    # entries are then altered (as if the rows had been inserted from a database console).
    ours = settings.MBK_CA_DIR
    settings.MBK_CA_DIR = tmp_path / "rogue"
    rogue = authority.init_authority(name="Поддельный УЦ", force=True)
    authority.issue("person", person=people["governance_member"])
    signed = ClusterSigner().sign(
        plain_pdf, [spec(people["governance_member"])], document_id="mbk:programme:1:1"
    )
    settings.MBK_CA_DIR = ours
    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate), object_id=rogue.pk
    ).update(comment="создан при установке")
    vouched = verify_pdf(signed)

    AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Certificate), object_id=rogue.pk
    ).delete()
    unaudited = verify_pdf(signed)

    assert [s.trusted for s in vouched.signatures] == [False]  # its entry's MAC fails
    assert [s.trusted for s in unaudited.signatures] == [False]
    assert "genuine" not in (vouched.verdict, unaudited.verdict)


def test_approval_by_a_chair_without_a_certificate_is_refused_and_changes_nothing(people):
    programme = ready_programme(people, projects=1)
    version = programme_services.version_create(programme_id=programme.pk, by=people["office"])
    programme_services.version_send_to_governance(version_id=version.pk, by=people["office"])
    authority.revoke(authority.certificate_of(people["governance_chair"]), reason="Ключ утерян")

    with pytest.raises(ActionRefusedError, match="нет действующего сертификата"):
        programme_services.version_approve(
            version_id=version.pk,
            by=people["governance_chair"],
            decision_number="7",
            decision_date=version.created_at.date(),
        )

    version.refresh_from_db()
    assert version.state == ProgrammeVersion.State.GOVERNANCE_REVIEW
    assert not Signoff.objects.exists()


def test_a_render_whose_signatory_lost_the_certificate_fails_in_words_and_retries(people, media):
    version = approved_version(ready_programme(people, projects=1), people)
    chair = people["governance_chair"]
    authority.revoke(authority.certificate_of(chair), reason="Ключ скомпрометирован")
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)

    pipeline.render_job(job.pk, task_id="first")

    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED
    assert job.error.startswith("Документ сформирован, но не подписан")
    assert not IssuedDocument.objects.exists()

    authority.issue("person", person=chair)
    pdf_services.document_retry(job_id=job.pk, by=people["office"])
    pipeline.render_job(job.pk, task_id="second")

    job.refresh_from_db()
    assert job.status == RenderJob.Status.DONE
    assert verify_pdf(job.file.open("rb").read()).verdict == "genuine"


def test_a_sign_off_written_past_the_services_signs_nothing(people, media):
    # An insider with a database console adds a sign-off for the secretary to the version.
    version = approved_version(ready_programme(people, projects=1), people)
    Signoff.objects.create(
        subject_type=ContentType.objects.get_for_model(version),
        subject_id=version.pk,
        person=people["secretary"],
        role="secretary",
        certificate=authority.certificate_of(people["secretary"]),
        reason="Утверждаю",
        signed_at=version.approved_at,
    )
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)

    pipeline.render_job(job.pk, task_id="forged")

    job.refresh_from_db()
    assert job.status == RenderJob.Status.FAILED
    assert job.error.startswith("Документ не подписан: подпись, которую он требует")
    assert not IssuedDocument.objects.exists()


def test_minutes_are_signed_by_whoever_approved_them_then_by_both(people, media, tmp_path):
    meeting = plan(people)
    meetings_services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    meetings_services.agenda_publish(meeting_id=meeting.pk, by=people["secretary"])
    meetings_services.meeting_hold(
        meeting_id=meeting.pk, by=people["secretary"], present=council(people)
    )
    meetings_services.minutes_approve(meeting_id=meeting.pk, by=people["secretary"])
    first = rendered(RenderJob.Kind.MINUTES, meeting)

    meetings_services.minutes_sign(meeting_id=meeting.pk, by=people["governance_chair"])
    second = rendered(RenderJob.Kind.MINUTES, meeting)

    secretary, chair = people["secretary"], people["governance_chair"]
    first_report, first_description = registry.verify_and_describe(first)
    second_report, _ = registry.verify_and_describe(second)
    assert [(s.name, s.role) for s in first_report.signatures] == [
        (secretary.get_full_name(), "secretary"),
        (SEAL, "seal"),
    ]
    assert [(s.name, s.role) for s in second_report.signatures] == [
        (secretary.get_full_name(), "secretary"),
        (chair.get_full_name(), "chair"),
        (SEAL, "seal"),
    ]
    assert (first_report.verdict, second_report.verdict) == ("genuine", "genuine")
    assert first_description.newer.startswith("Есть более поздний экземпляр этого протокола")
    said = pdfsig(second, tmp_path)
    assert said.count("Signature Validation: Signature is Valid.") == 3, said
    assert said.split("Signature #")[-1].count("- Total document signed") == 1, said
    with pytest.raises(ActionRefusedError, match="уже подписан"):
        meetings_services.minutes_sign(meeting_id=meeting.pk, by=chair)


def test_a_passport_carries_the_seal_and_names_its_proposal(people, media):
    proposal = proposal_in(Proposal.State.SUBMITTED, people)
    pdf_services.document_request(
        kind="passport",
        proposal_id=proposal.pk,
        version_number=1,
        by=people["author"],
        language="ru",
    )

    report, description = registry.verify_and_describe(rendered("passport", proposal))

    assert report.verdict == "genuine"
    assert [s.name for s in report.signatures] == [SEAL]
    assert description.subject == f"Заявка «{proposal.title}», версия 1"


# --- The same answer on the page, through the API and on the command line ---------------------
def upload(data: bytes, name: str = "документ.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_public_page_answers_for_a_genuine_a_changed_and_a_foreign_file(
    programme_pdf, client, plain_pdf
):
    _version, data = programme_pdf

    page = client.get("/verify/")
    genuine = client.post("/verify/", {"file": upload(data)})
    changed = client.post("/verify/", {"file": upload(flipped(data))})
    foreign = client.post("/verify/", {"file": upload(plain_pdf)})

    assert page.status_code == 200
    assert 'data-verdict="genuine"' in genuine.content.decode()
    assert "решение Координационного совета № 7 от 10.11.2026" in genuine.content.decode()
    assert 'data-verdict="modified"' in changed.content.decode()
    assert "Документ изменён после подписания" in changed.content.decode()
    assert 'data-verdict="foreign"' in foreign.content.decode()


def test_the_public_page_refuses_a_file_over_the_limit_with_a_field_error(db, client, settings):
    settings.MBK_VERIFY_MAX_BYTES = 1000

    response = client.post("/verify/", {"file": upload(b"%PDF-1.7\n" + b"0" * 2000)})

    assert response.status_code == 400
    assert "Файл больше 1000" in response.content.decode()


def test_a_request_declaring_a_larger_body_is_refused_before_it_is_read(db, client, settings):
    settings.MBK_VERIFY_MAX_BYTES = 1000
    huge = str(1000 + 64 * 1024 + 1)

    page = client.post(
        "/verify/", data=b"x", content_type="multipart/form-data; boundary=b", CONTENT_LENGTH=huge
    )
    api = APIClient().post(
        "/api/v1/verify/",
        data=b"x",
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=huge,
    )

    assert page.status_code == 413
    assert "Файл больше 1000" in page.content.decode()
    assert (api.status_code, api.json()["code"]) == (413, "too_large")


def test_the_public_page_and_the_api_stop_a_client_past_its_hourly_limit(db, client, settings):
    settings.MBK_VERIFY_REQUESTS_PER_CLIENT_PER_HOUR = 2
    api = APIClient()

    answers = [
        client.post("/verify/", {"file": upload(b"not a pdf")}).status_code,
        api.post("/api/v1/verify/", {"file": upload(b"not a pdf")}, format="multipart").status_code,
        client.post("/verify/", {"file": upload(b"not a pdf")}).status_code,
        api.post("/api/v1/verify/", {"file": upload(b"not a pdf")}, format="multipart").status_code,
    ]

    assert answers == [200, 200, 429, 429]


def test_the_api_gives_the_pages_answer_without_credentials(programme_pdf):
    _version, data = programme_pdf

    response = APIClient().post("/api/v1/verify/", {"file": upload(data)}, format="multipart")
    changed = APIClient().post(
        "/api/v1/verify/", {"file": upload(flipped(data))}, format="multipart"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == "genuine"
    assert body["document"]["decision"] == "решение Координационного совета № 7 от 10.11.2026"
    assert [s["role"] for s in body["signatures"]] == ["signatory", "seal"]
    assert changed.json()["verdict"] == "modified"


def test_verify_pdf_command_says_the_same_and_fails_for_a_changed_file(programme_pdf, tmp_path):
    _version, data = programme_pdf
    genuine, changed = tmp_path / "programme.pdf", tmp_path / "changed.pdf"
    genuine.write_bytes(data)
    changed.write_bytes(flipped(data))
    output = StringIO()

    call_command("verify_pdf", str(genuine), stdout=output)
    with pytest.raises(CommandError, match="изменён после подписания"):
        call_command("verify_pdf", str(changed), stdout=StringIO())

    assert "(genuine)" in output.getvalue()
    assert "решение Координационного совета № 7 от 10.11.2026" in output.getvalue()

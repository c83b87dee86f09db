"""Attachments: accepted by what they are, not by their name; no larger than the limit,
counted while they stream in; stored under generated names; downloaded only by people who
may see the proposal."""

import functools
import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from documents import transitions
from documents.models import Attachment, Proposal
from documents.uploads import UnsafeArchiveError, check_upload, clean_name, named_as, sniff
from tests.factories import draft_proposal

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
ODT_TYPE = b"application/vnd.oasis.opendocument.text"


def zipped(*names: str, mimetype: bytes | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr("mimetype", mimetype)
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def kind_of(data: bytes) -> str | None:
    return sniff(data)


MB = 1024 * 1024


@functools.cache
def zip_bomb(member: str = "mimetype", *others: str) -> bytes:
    """About 200 KB that inflate to 200 MB: one member of zeros, written in pieces so that the
    test itself never holds it whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in others:
            archive.writestr(name, "<xml/>")
        with archive.open(member, "w") as inflated:
            for _ in range(200):
                inflated.write(bytes(MB))
    return buffer.getvalue()


def peak_memory_of(action) -> tuple[int, object]:
    """The most memory the action allocated at once, in bytes, and its outcome."""
    tracemalloc.start()
    try:
        outcome = action()
    except Exception as error:  # the outcome is asserted by the test
        outcome = error
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, outcome


UNSAFE_ARCHIVE = (
    "The file is packed suspiciously: unpacked, it would be too large or made of too many "
    "parts. Save it again in your office application and attach it anew."
)


def test_check_upload_refuses_a_zip_bomb_without_inflating_it(english):
    bomb = zip_bomb("mimetype", "content.xml")

    peak, outcome = peak_memory_of(lambda: check_upload(SimpleUploadedFile("отчёт.odt", bomb)))

    assert len(bomb) < 250_000
    assert isinstance(outcome, ValueError)
    assert str(outcome) == UNSAFE_ARCHIVE
    assert peak < 50 * MB


def test_sniff_reads_only_the_head_of_the_odt_mimetype(settings):
    settings.UPLOAD_ZIP_MAX_RATIO = 10_000
    settings.UPLOAD_ZIP_MAX_BYTES = 10_000 * MB
    bomb = zip_bomb("mimetype", "content.xml")

    peak, outcome = peak_memory_of(lambda: kind_of(bomb))

    assert outcome is None
    assert peak < 5 * MB


def test_sniff_refuses_a_zip_of_too_many_members(settings, english):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 20
    data = zipped("word/document.xml", *(f"word/media/{n}.png" for n in range(20)))

    with pytest.raises(UnsafeArchiveError) as refused:
        kind_of(data)

    assert str(refused.value) == UNSAFE_ARCHIVE


def test_sniff_refuses_a_directory_larger_than_its_members_allow(settings, english):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 20
    data = zipped("word/document.xml", *(f"word/media/{'x' * 1100}{n}.png" for n in range(18)))

    with pytest.raises(UnsafeArchiveError) as refused:
        kind_of(data)

    assert str(refused.value) == UNSAFE_ARCHIVE


def test_sniff_refuses_a_member_packed_over_the_ratio(english):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<xml/>")
        archive.writestr("word/document.xml", b" " * (2 * MB))

    with pytest.raises(UnsafeArchiveError) as refused:
        kind_of(buffer.getvalue())

    assert str(refused.value) == UNSAFE_ARCHIVE


def test_sniff_refuses_members_declaring_more_than_the_total(settings, english):
    settings.UPLOAD_ZIP_MAX_BYTES = MB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<xml/>")
        archive.writestr("word/media/scan.png", PNG + bytes(range(256)) * 4096)

    with pytest.raises(UnsafeArchiveError) as refused:
        kind_of(buffer.getvalue())

    assert str(refused.value) == UNSAFE_ARCHIVE


def test_sniff_recognises_a_workbook_openpyxl_wrote():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Название", "Сумма"] * 50)
    for n in range(2000):
        book.active.append([f"Строка {n}", n * 1000] * 50)
    output = io.BytesIO()
    book.save(output)

    assert kind_of(output.getvalue()) == ".xlsx"


# --- The content decides the type ----------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (PDF, ".pdf"),
        (PNG, ".png"),
        (JPEG, ".jpg"),
        (zipped("word/document.xml", "[Content_Types].xml"), ".docx"),
        (zipped("xl/workbook.xml", "[Content_Types].xml"), ".xlsx"),
        (zipped("content.xml", mimetype=ODT_TYPE), ".odt"),
    ],
)
def test_sniff_recognises(data, extension):
    assert kind_of(data) == extension


@pytest.mark.parametrize(
    "data",
    [
        HTML,
        b"MZ\x90\x00 an executable",
        zipped("evil.sh"),
        zipped("content.xml", mimetype=b"application/vnd.oasis.opendocument.spreadsheet"),
        b"PK\x03\x04 not really a zip archive",
        b"",
    ],
)
def test_sniff_refuses(data):
    assert kind_of(data) is None


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ivanov\\Бизнес-план.docx", "Бизнес-план.docx"),
        ("отчёт\u202efdp.exe", "отчётfdp.exe"),
        ("line\nbreak.pdf", "linebreak.pdf"),
        ("   ", "file"),
        ("/", "file"),
    ],
)
def test_clean_name(name, cleaned):
    assert clean_name(name) == cleaned


def test_check_upload_names_the_real_type_whatever_the_file_is_called():
    upload = check_upload(SimpleUploadedFile("scan.docx", PNG))

    assert (upload.extension, upload.content_type, upload.size) == (".png", "image/png", len(PNG))
    assert upload.original_name == "scan.png"


@pytest.mark.parametrize(
    ("name", "extension", "named"),
    [
        ("report.html", ".pdf", "report.pdf"),
        ("x.pdf", ".docx", "x.docx"),
        ("Бизнес-план.pdf", ".pdf", "Бизнес-план.pdf"),
        ("СКАН.PDF", ".pdf", "СКАН.PDF"),
        ("photo.jpeg", ".jpg", "photo.jpeg"),
        ("photo.JPG", ".jpg", "photo.JPG"),
        ("passport", ".pdf", "passport.pdf"),
        ("План v1.2 final", ".pdf", "План v1.2 final.pdf"),
        ("archive.tar.gz", ".xlsx", "archive.tar.xlsx"),
        ("file", ".odt", "file.odt"),
        ("ф" * 200, ".pdf", "ф" * 196 + ".pdf"),
    ],
)
def test_named_as_follows_the_real_type(name, extension, named):
    assert named_as(name, extension) == named


def test_check_upload_refuses_html_called_pdf(english):
    with pytest.raises(ValueError, match="whatever its name says"):
        check_upload(SimpleUploadedFile("passport.pdf", HTML))


def test_check_upload_refuses_an_empty_file(english):
    with pytest.raises(ValueError, match=r"The file is empty\."):
        check_upload(SimpleUploadedFile("empty.pdf", b""))


def test_check_upload_refuses_a_file_over_the_limit(settings, english):
    settings.ATTACHMENT_MAX_BYTES = 10

    with pytest.raises(ValueError, match="The file is larger than"):
        check_upload(SimpleUploadedFile("big.pdf", PDF))


# --- Upload, download and removal through the pages ----------------------------------------
@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def draft(author, cluster):
    return draft_proposal(author)


def as_user(client, user):
    client.force_login(user)
    return client


def upload(client, proposal, name: str, data: bytes, **extra):
    return client.post(
        f"/proposals/{proposal.pk}/attachments/",
        {"file": SimpleUploadedFile(name, data)},
        **extra,
    )


def raw_multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    """A request body as a hand-made client would send it, file name unchanged."""
    boundary = "----mbk-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_upload_of_a_pdf_is_stored_under_a_generated_name(client, draft, author, media):
    response = upload(as_user(client, author), draft, "Бизнес-план.pdf", PDF)

    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert response.url == f"/proposals/{draft.pk}/edit/#attachments"
    assert (attachment.original_name, attachment.content_type) == (
        "Бизнес-план.pdf",
        "application/pdf",
    )
    assert attachment.file.name == f"proposals/{draft.pk}/{attachment.sha256}.pdf"
    assert stored_files(media) == [attachment.file.name]


@pytest.mark.django_db
def test_download_by_the_author_is_an_attachment_with_nosniff(client, draft, author):
    upload(as_user(client, author), draft, "passport.pdf", PDF)
    attachment = Attachment.objects.get()

    response = client.get(f"/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_download_keeps_a_russian_file_name(client, draft, author):
    upload(as_user(client, author), draft, "Паспорт проекта.pdf", PDF)

    response = client.get(f"/attachments/{Attachment.objects.get().pk}/")

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%D0%9F%D0%B0%D1%81%D0%BF%D0%BE%D1%80%D1%82%20"
        "%D0%BF%D1%80%D0%BE%D0%B5%D0%BA%D1%82%D0%B0.pdf"
    )


@pytest.mark.parametrize("persona", ["outsider", "other_author", "chair"])
@pytest.mark.django_db
def test_download_of_a_drafts_attachment_is_404_for(client, request, draft, author, persona):
    upload(as_user(client, author), draft, "passport.pdf", PDF)
    attachment = Attachment.objects.get()

    response = as_user(client, request.getfixturevalue(persona)).get(
        f"/attachments/{attachment.pk}/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_download_after_submission_is_open_to_the_group(client, draft, author, chair):
    upload(as_user(client, author), draft, "passport.pdf", PDF)
    transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = as_user(client, chair).get(f"/attachments/{Attachment.objects.get().pk}/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_upload_of_html_named_pdf_is_refused_with_the_reason(client, draft, author, media):
    revision = Proposal.objects.get(pk=draft.pk).edition

    response = upload(as_user(client, author), draft, "passport.pdf", HTML, follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "This file is not a PDF, DOCX, XLSX, ODT, PNG or JPEG document, whatever its name says."
    ]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []
    assert Proposal.objects.get(pk=draft.pk).edition == revision


@pytest.mark.django_db
def test_upload_of_a_zip_bomb_is_refused_in_russian_and_nothing_is_stored(
    client, draft, author, media
):
    client.cookies["django_language"] = "ru"

    response = upload(as_user(client, author), draft, "Отчёт.docx", zip_bomb(), follow=True)

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Файл упакован подозрительно: в распакованном виде он был бы слишком велик или состоял "
        "бы из слишком многих частей. Сохраните его заново в офисной программе и приложите ещё раз."
    ]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_upload_of_a_pdf_named_html_is_stored_and_downloaded_as_a_pdf(client, draft, author):
    upload(as_user(client, author), draft, "report.html", PDF)
    attachment = Attachment.objects.get()

    response = client.get(f"/attachments/{attachment.pk}/")

    assert (attachment.original_name, attachment.extension) == ("report.pdf", ".pdf")
    assert attachment.file.name.endswith(".pdf")
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_upload_of_a_docx_named_pdf_is_downloaded_as_a_docx(client, draft, author):
    upload(as_user(client, author), draft, "x.pdf", zipped("word/document.xml"))

    response = client.get(f"/attachments/{Attachment.objects.get().pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="x.docx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


@pytest.mark.django_db
def test_download_of_an_older_attachment_is_named_by_its_stored_type(client, draft, author):
    upload(as_user(client, author), draft, "report.pdf", PDF)
    Attachment.objects.update(original_name="report.html", content_type="text/html")

    response = client.get(f"/attachments/{Attachment.objects.get().pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_api_download_of_an_older_attachment_is_named_by_its_stored_type(client, draft, author):
    from tests.api.conftest import api_as

    upload(as_user(client, author), draft, "x.pdf", zipped("word/document.xml"))
    attachment = Attachment.objects.get()
    Attachment.objects.update(original_name="x.pdf", content_type="application/pdf")

    response = api_as(author).get(f"/api/v1/proposals/{draft.pk}/attachments/{attachment.pk}/file/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="x.docx"'
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


@pytest.mark.django_db
def test_upload_over_the_limit_is_refused_and_nothing_is_stored(
    client, settings, draft, author, media
):
    settings.ATTACHMENT_MAX_BYTES = MB

    response = upload(as_user(client, author), draft, "big.pdf", PDF + b"0" * MB, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["The file is larger than 1 MB."]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_upload_announced_far_over_the_limit_is_refused_before_it_is_read(
    client, settings, draft, author, media
):
    settings.ATTACHMENT_MAX_BYTES = MB

    response = upload(
        as_user(client, author), draft, "huge.pdf", PDF + b"0" * (3 * MB), follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["The file is larger than 1 MB."]
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_upload_with_a_path_in_its_name_is_stored_under_a_generated_name(
    client, draft, author, media
):
    body, content_type = raw_multipart("../../etc/passwd.pdf", PDF)

    response = as_user(client, author).generic(
        "POST", f"/proposals/{draft.pk}/attachments/", body, content_type=content_type
    )

    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert attachment.original_name == "passwd.pdf"
    assert attachment.file.name == f"proposals/{draft.pk}/{attachment.sha256}.pdf"
    assert stored_files(media) == [attachment.file.name]


@pytest.mark.django_db
def test_upload_of_the_same_file_twice_is_409(client, draft, author):
    upload(as_user(client, author), draft, "a.pdf", PDF)

    response = upload(client, draft, "b.pdf", PDF)

    assert response.status_code == 409
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_upload_in_review_is_409_and_stores_nothing(client, draft, author, chair, media):
    transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = upload(as_user(client, author), draft, "late.pdf", PDF)

    assert response.status_code == 409
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_upload_by_the_chair_is_403_even_with_a_bad_file(client, draft, author, chair):
    transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = upload(as_user(client, chair), draft, "x.pdf", HTML)

    assert response.status_code == 403


@pytest.mark.django_db
def test_upload_to_an_invisible_proposal_is_404(client, draft, other_author):
    response = upload(as_user(client, other_author), draft, "x.pdf", PDF)

    assert response.status_code == 404
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_upload_requires_the_csrf_token(draft, author):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(author)

    response = upload(client, draft, "x.pdf", PDF)

    assert response.status_code == 403
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_upload_answers_only_post(client, draft, author):
    response = as_user(client, author).get(f"/proposals/{draft.pk}/attachments/")

    assert response.status_code == 405


@pytest.mark.django_db
def test_remove_deletes_the_row_and_the_drafts_file(
    client, draft, author, media, django_capture_on_commit_callbacks
):
    upload(as_user(client, author), draft, "a.pdf", PDF)
    attachment = Attachment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/attachments/{attachment.pk}/delete/")

    assert response.status_code == 302
    assert Attachment.objects.count() == 0
    assert stored_files(media) == []


@pytest.mark.django_db
def test_remove_is_409_once_submitted(client, draft, author, chair):
    upload(as_user(client, author), draft, "a.pdf", PDF)
    transitions.proposal_submit(proposal_id=draft.pk, by=author)

    response = client.post(f"/attachments/{Attachment.objects.get().pk}/delete/")

    assert response.status_code == 409
    assert Attachment.objects.count() == 1


@pytest.mark.django_db
def test_remove_of_an_invisible_attachment_is_404(client, draft, author, other_author):
    upload(as_user(client, author), draft, "a.pdf", PDF)

    response = as_user(client, other_author).post(
        f"/attachments/{Attachment.objects.get().pk}/delete/"
    )

    assert response.status_code == 404
    assert Attachment.objects.count() == 1

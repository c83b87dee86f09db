"""Frozen versions keep their files: an attachment a submitted version lists survives its
removal from the proposal (hidden, marked who and when), and the version's page and the API
still download it; one never frozen is deleted for real."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents import transitions
from documents.models import Attachment
from tests.api.conftest import api_as
from tests.factories import draft_proposal
from workflow import audit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "ru"
    return client


def upload(client, proposal, name, data):
    return client.post(
        f"/proposals/{proposal.pk}/attachments/", {"file": SimpleUploadedFile(name, data)}
    )


@pytest.fixture
def revision_requested(client, author, chair, expert, media):
    """Uploaded, submitted (version 1 freezes the attachment), under review, returned."""
    proposal = draft_proposal(author)
    client.force_login(author)
    upload(client, proposal, "Бизнес-план.pdf", PDF)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    transitions.proposal_request_revision(proposal_id=proposal.pk, by=chair, remarks=["Уточнить"])
    return proposal


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_removing_a_frozen_attachment_keeps_it_for_the_version(
    client, revision_requested, author, media
):
    attachment = Attachment.objects.get()

    response = client.post(f"/attachments/{attachment.pk}/delete/")

    kept = Attachment.objects.get()
    assert response.status_code == 302
    assert (kept.pk, kept.removed_by, kept.removed_at is not None) == (attachment.pk, author, True)
    assert stored_files(media) == [attachment.file.name]
    entry = audit.history(revision_requested).order_by("-sequence").first()
    assert (entry.action, entry.actor, entry.content_sha256) == (
        "attachment_removed",
        author,
        attachment.sha256,
    )
    assert entry.comment == "Бизнес-план.pdf (сохранён для версий, в которых он указан)"


@pytest.mark.django_db
def test_version_still_downloads_a_removed_attachment(client, revision_requested, author, chair):
    attachment = Attachment.objects.get()
    client.post(f"/attachments/{attachment.pk}/delete/")
    client.force_login(chair)

    page = client.get(f"/proposals/{revision_requested.pk}/versions/1/")
    response = client.get(
        f"/proposals/{revision_requested.pk}/versions/1/attachments/{attachment.pk}/"
    )

    assert page.status_code == 200
    assert f"/proposals/{revision_requested.pk}/versions/1/attachments/{attachment.pk}/" in (
        page.content.decode()
    )
    assert "удалён из заявки" in page.content.decode()
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''"
        "%D0%91%D0%B8%D0%B7%D0%BD%D0%B5%D1%81-%D0%BF%D0%BB%D0%B0%D0%BD.pdf"
    )
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_current_page_no_longer_lists_a_removed_attachment(client, revision_requested, author):
    attachment = Attachment.objects.get()
    client.post(f"/attachments/{attachment.pk}/delete/")

    page = client.get(f"/proposals/{revision_requested.pk}/")
    direct = client.get(f"/attachments/{attachment.pk}/")

    html = page.content.decode()
    listed = html[html.index('data-testid="attachments"') :]
    listed = listed[: listed.index("</ul>")]
    assert "Бизнес-план.pdf" not in listed
    assert "Приложений нет." in listed
    assert direct.status_code == 404


@pytest.mark.django_db
def test_resubmission_freezes_a_version_without_the_removed_attachment(
    client, revision_requested, author
):
    client.post(f"/attachments/{Attachment.objects.get().pk}/delete/")
    proposal = revision_requested
    for remark in proposal.remarks.all():
        remark.answer = "Уточнено"
        remark.save()

    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    versions = {v.number: v.content["attachments"] for v in proposal.versions.all()}
    assert [item["name"] for item in versions[1]] == ["Бизнес-план.pdf"]
    assert versions[2] == []


@pytest.mark.django_db
def test_removing_an_attachment_no_version_froze_deletes_it(
    client, revision_requested, author, media, django_capture_on_commit_callbacks
):
    frozen = Attachment.objects.get()
    upload(client, revision_requested, "Схема.png", PNG)
    fresh = Attachment.objects.exclude(pk=frozen.pk).get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/attachments/{fresh.pk}/delete/")

    assert list(Attachment.objects.values_list("pk", flat=True)) == [frozen.pk]
    assert stored_files(media) == [frozen.file.name]


@pytest.mark.django_db
def test_version_attachment_of_another_version_is_not_found(client, revision_requested, author):
    upload(client, revision_requested, "Схема.png", PNG)
    never_frozen = Attachment.objects.get(original_name="Схема.png")

    response = client.get(
        f"/proposals/{revision_requested.pk}/versions/1/attachments/{never_frozen.pk}/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_version_attachment_is_not_found_for_an_outsider(client, revision_requested, outsider):
    attachment = Attachment.objects.get()
    client.force_login(outsider)

    response = client.get(
        f"/proposals/{revision_requested.pk}/versions/1/attachments/{attachment.pk}/"
    )

    assert response.status_code == 404


@pytest.mark.django_db
def test_api_lists_and_downloads_a_removed_attachment_of_a_version(
    revision_requested, author, chair, outsider
):
    attachment = Attachment.objects.get()
    removed = api_as(author).delete(
        f"/api/v1/proposals/{revision_requested.pk}/attachments/{attachment.pk}/file/"
    )
    base = f"/api/v1/proposals/{revision_requested.pk}/versions/1/attachments/"

    current = api_as(chair).get(f"/api/v1/proposals/{revision_requested.pk}/attachments/")
    listed = api_as(chair).get(base)
    file = api_as(chair).get(f"{base}{attachment.pk}/file/")
    hidden = api_as(outsider).get(f"{base}{attachment.pk}/file/")

    assert removed.status_code == 204
    assert current.json() == []
    assert [(i["name"], i["sha256"], i["download"]) for i in listed.json()] == [
        ("Бизнес-план.pdf", attachment.sha256, f"{base}{attachment.pk}/file/")
    ]
    assert listed.json()[0]["removed_at"] is not None
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == PDF
    assert hidden.status_code == 404

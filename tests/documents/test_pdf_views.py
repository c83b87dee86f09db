"""Pages of the PDF documents (documents/views/pdfs.py): asking, watching, downloading and
retrying, each only for people who may read the document; everyone else gets 404."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents import transitions
from documents.models import RenderJob
from documents.pdf import pipeline
from tests.factories import draft_proposal

Status = RenderJob.Status


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def submitted(author, chair, office):
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def as_user(client, user):
    client.force_login(user)
    return client


def request_passport(client, proposal, version=1):
    return client.post(f"/proposals/{proposal.pk}/documents/passport/", {"version": version})


@pytest.mark.django_db
def test_request_redirects_to_the_job_page_which_polls_while_queued(client, submitted, author):
    response = request_passport(as_user(client, author), submitted)

    job = RenderJob.objects.get()
    page = client.get(response.url)
    html = page.content.decode()
    assert response.status_code == 302
    assert response.url == f"/documents/{job.pk}/"
    assert job.status == Status.QUEUED
    assert f'hx-get="/documents/{job.pk}/status/"' in html
    assert 'hx-trigger="every 2s"' in html


@pytest.mark.django_db
def test_status_part_of_a_done_job_stops_polling_and_offers_the_download(
    client, submitted, author, media
):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()
    pipeline.render_job(job.pk, task_id="message-1")

    part = client.get(f"/documents/{job.pk}/status/").content.decode()

    assert "hx-trigger" not in part
    assert f'href="/documents/{job.pk}/download/"' in part


@pytest.mark.django_db
def test_download_is_a_pdf_attachment_with_nosniff(client, submitted, author, media):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()
    pipeline.render_job(job.pk, task_id="message-1")

    response = client.get(f"/documents/{job.pk}/download/")

    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body.startswith(b"%PDF-")


@pytest.mark.django_db
def test_download_of_a_job_not_yet_done_is_404(client, submitted, author):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()

    assert client.get(f"/documents/{job.pk}/download/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "status/", "download/"])
def test_job_pages_are_404_to_someone_who_cannot_see_the_proposal(
    client, submitted, author, other_author, media, page
):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()
    pipeline.render_job(job.pk, task_id="message-1")

    response = as_user(client, other_author).get(f"/documents/{job.pk}/{page}")

    assert response.status_code == 404


@pytest.mark.django_db
def test_request_for_an_invisible_proposal_is_404_and_creates_nothing(
    client, submitted, other_author
):
    response = request_passport(as_user(client, other_author), submitted)

    assert response.status_code == 404
    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_request_of_an_unknown_kind_is_404(client, submitted, author):
    response = as_user(client, author).post(
        f"/proposals/{submitted.pk}/documents/contract/", {"version": 1}
    )

    assert response.status_code == 404
    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_conclusion_requested_by_the_author_is_403(client, submitted, author):
    response = as_user(client, author).post(
        f"/proposals/{submitted.pk}/documents/conclusion/", {"version": 1}
    )

    assert response.status_code == 403
    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_conclusion_before_the_groups_decision_is_409_with_the_reason(client, submitted, chair):
    response = as_user(client, chair).post(
        f"/proposals/{submitted.pk}/documents/conclusion/", {"version": 1}
    )

    assert response.status_code == 409
    assert "once the working group has decided" in response.content.decode()
    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_failed_job_shows_its_error_and_a_retry_that_queues_it_again(client, submitted, author):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()
    RenderJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED, attempts=3, error="Rendering took longer than 120 seconds"
    )

    page = client.get(f"/documents/{job.pk}/").content.decode()
    response = client.post(f"/documents/{job.pk}/retry/")

    job.refresh_from_db()
    assert "Rendering took longer than 120 seconds" in page
    assert f'action="/documents/{job.pk}/retry/"' in page
    assert response.status_code == 302
    assert (job.status, job.attempts, job.error) == (Status.QUEUED, 0, "")


@pytest.mark.django_db
def test_retry_of_a_queued_job_is_409_and_changes_nothing(client, submitted, author):
    request_passport(as_user(client, author), submitted)
    job = RenderJob.objects.get()

    response = client.post(f"/documents/{job.pk}/retry/")

    assert response.status_code == 409
    assert RenderJob.objects.get(pk=job.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_proposal_page_offers_the_passport_of_the_latest_version(client, submitted, author):
    html = as_user(client, author).get(f"/proposals/{submitted.pk}/").content.decode()

    assert f'action="/proposals/{submitted.pk}/documents/passport/"' in html
    assert f'action="/proposals/{submitted.pk}/documents/conclusion/"' not in html


@pytest.mark.django_db
def test_proposal_page_offers_the_conclusion_to_the_chair_once_the_group_decided(
    client, submitted, chair, expert
):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    before = as_user(client, chair).get(f"/proposals/{submitted.pk}/").content.decode()
    transitions.proposal_request_revision(proposal_id=submitted.pk, by=chair, remarks=["Бюджет"])

    after = client.get(f"/proposals/{submitted.pk}/").content.decode()

    conclusion = f'action="/proposals/{submitted.pk}/documents/conclusion/"'
    assert conclusion not in before
    assert conclusion in after


@pytest.mark.django_db
def test_version_page_offers_the_passport_of_that_version(client, submitted, author):
    html = as_user(client, author).get(f"/proposals/{submitted.pk}/versions/1/").content.decode()

    assert f'action="/proposals/{submitted.pk}/documents/passport/"' in html
    assert 'name="version" value="1"' in html


def detail_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/proposals/{proposal.pk}/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_proposal_page_query_count_does_not_grow_with_its_documents(client, submitted, author):
    as_user(client, author)
    request_passport(client, submitted)
    first = RenderJob.objects.get()
    with_one = detail_queries(client, submitted)

    for n in range(9):  # renderings of earlier states of the proposal
        first.pk, first.source_key = None, f"{n:064d}"
        first.save()
    with_ten = detail_queries(client, submitted)

    assert RenderJob.objects.count() == 10
    assert with_ten == with_one

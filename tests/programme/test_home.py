"""The observer's home page: the programme in force, its signed PDF one click away once it is
rendered (it is queued when the version is approved), never queued from the home page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import RenderJob
from documents.pdf import pipeline
from tests.programme.world import approved_version, ready_programme


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def version(people):
    return approved_version(ready_programme(people, projects=1), people)


def programme_job(version) -> RenderJob:
    return RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)


def home(client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_observer_home_says_the_pdf_is_being_prepared_while_it_renders(client, people, version):
    html = home(client, people["observer"])

    assert programme_job(version).status == RenderJob.Status.QUEUED
    assert f'href="/programme/versions/{version.pk}/"' in html
    assert 'data-testid="approved-programme-pending"' in html
    assert "approved-programme-pdf" not in html
    assert 'action="/programme/' not in html  # no button that would queue it


@pytest.mark.django_db
def test_observer_home_links_straight_to_the_rendered_signed_pdf(client, people, version, media):
    job = programme_job(version)
    pipeline.render_job(job.pk, task_id="approval")
    jobs_before = RenderJob.objects.count()

    html = home(client, people["observer"])
    download = client.get(f"/documents/{job.pk}/download/")

    assert f'href="/documents/{job.pk}/download/" data-testid="approved-programme-pdf"' in html
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert RenderJob.objects.count() == jobs_before


@pytest.mark.django_db
def test_observer_home_without_an_approved_programme_says_so(client, people):
    html = home(client, people["observer"])

    assert "No programme has been approved yet." in html


@pytest.mark.django_db
def test_only_observers_get_the_programme_panel(client, people, version):
    html = home(client, people["author"])

    assert "approved-programme" not in html


@pytest.mark.django_db
def test_observer_home_costs_the_same_with_the_programme_pending_or_rendered(
    client, people, version, media
):
    client.force_login(people["observer"])
    with CaptureQueriesContext(connection) as pending:
        client.get("/")
    pipeline.render_job(programme_job(version).pk, task_id="approval")

    with CaptureQueriesContext(connection) as rendered:
        client.get("/")

    assert len(rendered) == len(pending)

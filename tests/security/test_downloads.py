"""Every download is an attachment with a declared type the browser may not second-guess
(nosniff): exports, the import template, PDFs, uploaded files, meeting invitations."""

import pytest
from django.urls import reverse

from documents.models import Call
from programme import services
from tests.factories import CallFactory
from tests.programme.world import approved_projects, new_programme
from tests.test_routes import assert_security_headers
from tests.workflow.states import make_people


@pytest.fixture
def people(db):
    return make_people()


def assert_download(response, content_type: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Type"].startswith(content_type)
    assert_security_headers(response)


@pytest.mark.django_db
def test_programme_exports_are_attachments(client, people):
    approved_projects(people, 1)
    version = services.version_create(programme_id=new_programme(people).pk, by=people["office"])
    client.force_login(people["office"])

    csv = client.get(reverse("programme:version-registry-export", args=[version.pk, "csv"]))
    xlsx = client.get(reverse("programme:version-registry-export", args=[version.pk, "xlsx"]))
    summary = client.get(reverse("programme:version-summary", args=[version.pk]))

    assert_download(csv, "text/csv")
    spreadsheet = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert_download(xlsx, spreadsheet)
    assert_download(summary, spreadsheet)


@pytest.mark.django_db
def test_the_import_template_is_an_attachment(client, people):
    call: Call = CallFactory()
    client.force_login(people["office"])

    response = client.get(reverse("documents:proposals-import-template", args=[call.pk]))

    assert_download(response, "application/vnd.openxmlformats-officedocument.spreadsheetml")

"""The page of a PDF document in a real browser: it updates itself (htmx polling) from
"queued" to the download link while the worker renders, with no reload and no console error."""

import pytest
from django.contrib.contenttypes.models import ContentType

from documents import transitions
from documents.models import Proposal, RenderJob
from documents.pdf import pipeline
from tests.factories import draft_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_passport(author, chair, office, media):
    proposal = draft_proposal(author)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    # Queued as if the broker were slow: no message is sent, the test renders it itself.
    return RenderJob.objects.create(
        kind=RenderJob.Kind.PASSPORT,
        subject_type=ContentType.objects.get_for_model(Proposal),
        subject_id=proposal.pk,
        version_number=1,
        source_key="0" * 64,
        language="ru",
        requested_by=author,
    )


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def test_document_page_updates_itself_until_the_download_appears(
    page, screenshot, author, queued_passport
):
    log_in(page, author.username)
    page.goto(f"/documents/{queued_passport.pk}/")
    status = page.get_by_test_id("document-job-status")
    assert status.get_attribute("data-status") == "queued"
    assert "в очереди" in status.inner_text().lower()
    screenshot("queued")

    pipeline.render_job(queued_passport.pk, task_id="browser-test")
    download_link = page.get_by_test_id("document-download")
    download_link.wait_for(timeout=15_000)
    screenshot("done")
    with page.expect_download() as download:
        download_link.click()

    assert page.get_by_test_id("document-job-status").get_attribute("data-status") == "done"
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

"""The observer's task in a real browser: log in, see the programme in force on the home page,
one click, and the signed PDF downloads (it was rendered when the version was approved)."""

import pytest

from documents.models import RenderJob
from tests.programme.world import approved_version, ready_programme
from tests.workflow.states import make_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


@pytest.fixture
def version(media):
    people = make_people()
    return approved_version(ready_programme(people, projects=1), people)


def test_observer_downloads_the_approved_programme_in_one_click(page, screenshot, version):
    # Sent to the worker when the approval committed (programme/services.py; the tests' Celery
    # runs it in-process), so it is there before any observer asks.
    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=version.pk)
    log_in(page, "observer")
    link = page.get_by_test_id("approved-programme-pdf")
    screenshot("ready")
    with page.expect_download() as download:
        link.click()

    assert job.status == RenderJob.Status.DONE
    assert page.get_by_test_id("approved-programme").inner_text().endswith("версия 1")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert RenderJob.objects.filter(kind=RenderJob.Kind.PROGRAMME).count() == 1

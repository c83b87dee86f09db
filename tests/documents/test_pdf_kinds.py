"""The registry of PDF kinds (documents/pdf/kinds.py) and of searchable things
(documents/search.py): every kind is registered by its app, and a kind nobody registered is
refused loudly, never read as "nobody may read it"."""

import logging

import pytest

from documents import search, transitions
from documents.models import RenderJob
from documents.pdf import kinds, pipeline
from tests.factories import draft_proposal

Status = RenderJob.Status


@pytest.fixture
def job(author, chair, office):
    proposal = transitions.proposal_submit(proposal_id=draft_proposal(author).pk, by=author)
    return RenderJob.objects.create(
        kind=RenderJob.Kind.PASSPORT,
        subject=proposal,
        version_number=1,
        source_key="k" * 64,
        language="ru",
        requested_by=author,
    )


@pytest.fixture
def unregistered(monkeypatch):
    """The passport as if documents/apps.py had not registered it."""
    monkeypatch.delitem(kinds._kinds, RenderJob.Kind.PASSPORT.value)


def test_every_kind_of_document_is_registered_by_its_app():
    registered = {kind: kinds.get(kind).build.__module__ for kind in RenderJob.Kind.values}

    assert registered == {
        "passport": "documents.pdf.sources",
        "conclusion": "documents.pdf.sources",
        "programme": "programme.document",
        "minutes": "meetings.document",
    }


def test_an_unregistered_kind_is_refused_with_a_clear_error():
    with pytest.raises(kinds.UnknownKindError) as refused:
        kinds.get("leaflet")

    assert str(refused.value) == (
        "No PDF kind 'leaflet' is registered: the app owning its subject registers it with "
        "documents.pdf.kinds.register() in its AppConfig.ready()"
    )


def test_only_a_kind_of_render_job_may_be_registered():
    with pytest.raises(ValueError, match=r"'leaflet' is not a RenderJob\.Kind"):
        kinds.register("leaflet", may_read=lambda user, subject: True, build=None, gone="")

    assert "leaflet" not in kinds._kinds


@pytest.mark.django_db
def test_reading_a_job_of_an_unregistered_kind_raises_instead_of_saying_no(
    job, author, unregistered
):
    with pytest.raises(kinds.UnknownKindError):
        kinds.can_read_job(author, job)


@pytest.mark.django_db
def test_a_job_of_an_unregistered_kind_fails_as_an_internal_error_and_is_logged(
    job, media, unregistered, caplog
):
    with caplog.at_level(logging.ERROR, logger="documents.pdf.pipeline"):
        pipeline.render_job(job.pk, task_id="message-1")

    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.error.startswith("Документ не удалось сформировать из-за внутренней ошибки")
    assert "No PDF kind 'passport' is registered" in caplog.text


def test_search_reads_proposals_first_then_what_the_apps_registered():
    assert list(search._searchables) == ["proposal", "section"]


def test_a_searchable_thing_registers_once():
    with pytest.raises(ValueError, match="'section' is already registered for search"):
        search.register("section", postgres=list, simple=list)

"""What the PDF documents show (documents/pdf/sources.py, render.py), read back from the PDF
with pypdf: real WeasyPrint output, in Russian and in English."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from documents.models import Proposal, RenderJob
from documents.pdf import render, sources
from tests.factories import draft_proposal
from workflow import services

PASSPORT = RenderJob.Kind.PASSPORT
CONCLUSION = RenderJob.Kind.CONCLUSION
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}
GENERATED_AT = datetime(2026, 11, 23, 10, 15, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def submitted(author, chair, office):
    proposal = draft_proposal(author, title="Биоаналоги моноклональных антител")
    return services.proposal_submit(proposal_id=proposal.pk, by=author)


@pytest.fixture
def reviewed(submitted, chair, expert):
    services.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    services.proposal_review(
        proposal_id=submitted.pk,
        by=expert,
        scores=SCORES,
        recommendation="revise",
        comments="Уточнить структуру софинансирования.",
    )
    return Proposal.objects.get(pk=submitted.pk)


def pdf_of(kind, proposal, *, language="ru") -> tuple[PdfReader, str]:
    version = proposal.versions.order_by("-number").first()
    source = sources.build(kind, proposal, version, language=language, generated_at=GENERATED_AT)
    data = render.html_to_pdf(source.html, title=source.title, author="МБК", language=language)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_passport_shows_the_title_budget_totals_and_page_numbers_in_russian(submitted):
    reader, text = pdf_of(PASSPORT, submitted)

    pages = len(reader.pages)
    assert "ПАСПОРТ ПРОЕКТА" in text.upper()
    assert "Биоаналоги моноклональных антител" in text
    assert "Московский биотехнологический кластер" in text
    assert "3 500 000,00" in text  # 1 000 000 own funds + 2 500 000 city of Moscow
    assert "2 500 000,00" in text
    assert f"стр. 1 из {pages}" in text
    assert f"стр. {pages} из {pages}" in text
    assert "Петров Пётр Петрович" in text
    assert "Пилотная партия" in text
    assert "23.11.2026 10:15" in text


@pytest.mark.django_db
def test_passport_prints_the_sha256_of_the_version_it_shows(submitted):
    _, text = pdf_of(PASSPORT, submitted)

    assert submitted.versions.get().sha256 in text.replace(" ", "")


@pytest.mark.django_db
def test_passport_metadata_names_the_document_author_and_language(submitted):
    reader, _ = pdf_of(PASSPORT, submitted)

    assert reader.metadata.title == "Паспорт проекта: Биоаналоги моноклональных антител"
    assert reader.metadata.author == "МБК"
    assert reader.trailer["/Root"]["/Lang"] == "ru"


@pytest.mark.django_db
def test_passport_in_english_has_english_headings_and_page_numbers(submitted):
    reader, text = pdf_of(PASSPORT, submitted, language="en")

    assert "PROJECT PASSPORT" in text.upper()
    assert "Moscow Biotechnology Cluster" in text
    assert "3,500,000.00" in text
    assert f"page 1 of {len(reader.pages)}" in text
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.django_db
def test_passport_shows_the_state_and_the_history_of_decisions(submitted):
    _, text = pdf_of(PASSPORT, submitted)

    assert "подана" in text.lower()
    assert "История решений" in text


@pytest.mark.django_db
def test_conclusion_shows_scores_weighted_average_recommendation_and_decision(reviewed, chair):
    services.proposal_request_revision(
        proposal_id=reviewed.pk, by=chair, remarks=["Уточните бюджет на 2028 год."]
    )
    proposal = Proposal.objects.get(pk=reviewed.pk)

    _, text = pdf_of(CONCLUSION, proposal)

    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ РАБОЧЕЙ ГРУППЫ" in text.upper()
    assert "4,20" in text  # weighted score of the one review with SCORES
    assert "Уточнить структуру софинансирования." in text
    assert "Возвращена на доработку" in text
    assert text.count("Уточните бюджет на 2028 год.") == 1  # listed once, with its answer
    assert "Руководитель рабочей группы" in text


@pytest.mark.django_db
def test_conclusion_is_available_only_after_the_groups_decision(reviewed, chair):
    before = sources.is_available(CONCLUSION, reviewed)
    services.proposal_request_revision(proposal_id=reviewed.pk, by=chair, remarks=["Бюджет"])

    after = sources.is_available(CONCLUSION, Proposal.objects.get(pk=reviewed.pk))

    assert (before, after) == (False, True)


@pytest.mark.django_db
def test_source_key_changes_with_a_decision_and_not_otherwise(submitted, chair, expert):
    version = submitted.versions.get()
    first = sources.source_key(PASSPORT, submitted, version)
    again = sources.source_key(PASSPORT, submitted, version)
    services.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])

    later = sources.source_key(PASSPORT, Proposal.objects.get(pk=submitted.pk), version)

    assert first == again
    assert later != first


@pytest.mark.django_db
def test_source_key_differs_between_documents_of_one_version(reviewed, chair):
    services.proposal_request_revision(proposal_id=reviewed.pk, by=chair, remarks=["Бюджет"])
    proposal = Proposal.objects.get(pk=reviewed.pk)
    version = proposal.versions.get()

    keys = {sources.source_key(kind, proposal, version) for kind in (PASSPORT, CONCLUSION)}

    assert len(keys) == 2

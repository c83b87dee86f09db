"""What the PDF documents show (documents/pdf/sources.py, render.py), read back from the PDF
with pypdf: real WeasyPrint output, in Russian and in English; and the source key that tells
whether a document must be rendered anew."""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from documents import services as document_services
from documents import transitions
from documents.models import Proposal
from documents.pdf import render, sources
from documents.pdf.sources import CONCLUSION, PASSPORT
from tests.factories import complete_content, draft_proposal

SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}
GENERATED_AT = datetime(2026, 11, 23, 10, 15, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture
def submitted(author, chair, office):
    proposal = draft_proposal(author, title="Биоаналоги моноклональных антител")
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


@pytest.fixture
def reviewed(submitted, chair, expert):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    transitions.proposal_review(
        proposal_id=submitted.pk,
        by=expert,
        scores=SCORES,
        recommendation="revise",
        comments="Уточнить структуру софинансирования.",
    )
    return Proposal.objects.get(pk=submitted.pk)


@pytest.fixture
def revision_requested(reviewed, chair):
    transitions.proposal_request_revision(
        proposal_id=reviewed.pk, by=chair, remarks=["Уточните бюджет на 2028 год."]
    )
    return Proposal.objects.get(pk=reviewed.pk)


def resubmit(proposal, author, answer="Бюджет уточнён.") -> Proposal:
    document_services.remarks_answer(
        proposal_id=proposal.pk,
        by=author,
        answers={r.pk: answer for r in proposal.remarks.filter(round=proposal.round)},
    )
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def fresh(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


def html_of(kind, proposal, *, number=None, language="ru") -> str:
    version = proposal.versions.get(number=number) if number else proposal.versions.last()
    return sources.build(kind, proposal, version, language=language, generated_at=GENERATED_AT).html


def pdf_of(kind, proposal, *, language="ru") -> tuple[PdfReader, str]:
    """The PDF of the latest version and its text, runs of white space made one space."""
    version = proposal.versions.order_by("-number").first()
    source = sources.build(kind, proposal, version, language=language, generated_at=GENERATED_AT)
    data = render.html_to_pdf(source.html, title=source.title, author="МБК", language=language)
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


# --- The passport ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_passport_shows_the_title_budget_totals_and_page_numbers_in_russian(submitted):
    reader, text = pdf_of(PASSPORT, submitted)

    pages = len(reader.pages)
    assert "ПАСПОРТ ПРОЕКТА" in text.upper()
    assert "Биоаналоги моноклональных антител" in text
    assert "Московский биотехнологический кластер" in text
    assert "1 000 000" in text  # own funds, the first year
    assert "2 500 000" in text  # city of Moscow, the last year
    assert "3 500 000" in text  # the grand total
    assert ",00" not in text  # whole roubles are printed without kopecks
    assert f"стр. 1 из {pages}" in text
    assert f"стр. {pages} из {pages}" in text
    assert "Петров Пётр Петрович" in text
    assert "Пилотная партия" in text
    assert "23.11.2026 10:15" in text


@pytest.mark.django_db
def test_passport_groups_roubles_with_non_breaking_spaces_in_russian(submitted):
    html = html_of(PASSPORT, submitted)

    assert "3\xa0500\xa0000" in html


@pytest.mark.django_db
def test_passport_shows_every_part_of_the_content(submitted):
    _, text = pdf_of(PASSPORT, submitted)

    for shown in (
        "ООО «БиоПроект»",  # organisation
        "Фармацевтика и биомедицина",  # direction
        "Производство биоаналогов моноклональных антител.",  # summary
        "Импортозамещение препаратов для онкологии.",  # goals
        "Создание опытного производства мощностью 100 кг в год.",  # description
        "Регистрация двух препаратов к 2029 году.",  # expected results
        "Выручка",  # an indicator
        "млн руб.",  # its unit
        "Субсидия на оборудование.",  # a requested instrument's justification
        "АО «Инвест»",  # investors and partners
        "petrov@example.ru",  # contact
        "Регистрация",  # a milestone
    ):
        assert shown in text, shown


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
def test_passport_in_english_has_english_headings_numbers_and_page_numbers(submitted):
    reader, text = pdf_of(PASSPORT, submitted, language="en")

    assert "PROJECT PASSPORT" in text.upper()
    assert "Moscow Biotechnology Cluster" in text
    assert "3,500,000" in text
    assert f"page 1 of {len(reader.pages)}" in text
    assert reader.metadata.title == "Project passport: Биоаналоги моноклональных антител"
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.django_db
def test_passport_embeds_pt_sans_and_no_other_font(submitted):
    reader, _ = pdf_of(PASSPORT, submitted)
    fonts = {  # subset names: "ABCDEF+PT-Sans"
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }

    assert fonts == {"PT-Sans", "PT-Sans-Bold"}


@pytest.mark.django_db
def test_passport_shows_the_state_and_the_history_of_decisions(submitted):
    _, text = pdf_of(PASSPORT, submitted)

    assert "подана" in text.lower()
    assert "История решений" in text


@pytest.mark.django_db
def test_passport_of_a_version_shows_its_frozen_content_not_the_live_draft(
    revision_requested, author
):
    document_services.proposal_update(
        proposal_id=revision_requested.pk,
        by=author,
        content=complete_content(revision_requested, title="Новое название после доработки"),
        seen_edition=revision_requested.edition,
    )

    html = html_of(PASSPORT, fresh(revision_requested), number=1)

    assert "Биоаналоги моноклональных антител" in html
    assert "Новое название после доработки" not in html


# --- The expert conclusion -----------------------------------------------------------------
@pytest.mark.django_db
def test_conclusion_shows_scores_weighted_average_recommendation_and_decision(
    revision_requested,
):
    _, text = pdf_of(CONCLUSION, revision_requested)

    assert "ЭКСПЕРТНОЕ ЗАКЛЮЧЕНИЕ РАБОЧЕЙ ГРУППЫ" in text.upper()
    assert "4,20" in text  # weighted score of the one review with SCORES
    assert "Уточнить структуру софинансирования." in text
    assert "Возвращена на доработку" in text
    assert text.count("Уточните бюджет на 2028 год.") == 1  # listed once, with its answer
    assert "Руководитель рабочей группы" in text
    assert "стр. 1 из 1" in text


@pytest.mark.django_db
def test_conclusion_of_an_earlier_round_keeps_that_rounds_reviews_and_decision(
    revision_requested, author, chair
):
    proposal = resubmit(revision_requested, author)
    transitions.proposal_reject(proposal_id=proposal.pk, by=chair, reason="Нет софинансирования.")

    first = html_of(CONCLUSION, fresh(proposal), number=1)
    second = html_of(CONCLUSION, fresh(proposal), number=2)

    assert "Возвращена на доработку" in first
    assert "Уточнить структуру софинансирования." in first
    assert "Нет софинансирования." not in first
    assert "Отклонена" in second
    assert "Уточнить структуру софинансирования." not in second


@pytest.mark.django_db
def test_conclusion_is_available_only_after_the_groups_decision(reviewed, chair):
    before = sources.is_available(CONCLUSION, reviewed)
    transitions.proposal_request_revision(proposal_id=reviewed.pk, by=chair, remarks=["Бюджет"])

    after = sources.is_available(CONCLUSION, fresh(reviewed))

    assert (before, after) == (False, True)


@pytest.mark.django_db
def test_conclusion_after_a_resubmission_waits_for_the_groups_new_decision(
    revision_requested, author, chair
):
    proposal = resubmit(revision_requested, author)
    waiting = sources.is_available(CONCLUSION, fresh(proposal))
    transitions.proposal_reject(proposal_id=proposal.pk, by=chair, reason="Нет софинансирования.")

    decided = sources.is_available(CONCLUSION, fresh(proposal))

    assert (waiting, decided) == (False, True)


@pytest.mark.django_db
def test_passport_is_available_once_there_is_a_version(author, cluster):
    draft = draft_proposal(author)
    before = sources.is_available(PASSPORT, draft)

    after = sources.is_available(
        PASSPORT, transitions.proposal_submit(proposal_id=draft.pk, by=author)
    )

    assert (before, after) == (False, True)


# --- The source key ------------------------------------------------------------------------
@pytest.mark.django_db
def test_passport_source_key_changes_with_a_decision_and_not_otherwise(submitted, chair, expert):
    version = submitted.versions.get()
    first = sources.source_key(PASSPORT, submitted, version)
    again = sources.source_key(PASSPORT, fresh(submitted), version)
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])

    later = sources.source_key(PASSPORT, fresh(submitted), version)

    assert first == again
    assert later != first


@pytest.mark.django_db
def test_passport_source_key_stays_when_an_expert_reviews(submitted, chair, expert):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])
    version = submitted.versions.get()
    before = sources.source_key(PASSPORT, fresh(submitted), version)
    transitions.proposal_review(
        proposal_id=submitted.pk, by=expert, scores=SCORES, recommendation="approve", comments="-"
    )

    after = sources.source_key(PASSPORT, fresh(submitted), version)

    assert after == before  # the passport's history leaves the reviews out


@pytest.mark.django_db
def test_passport_source_key_changes_with_a_new_version(revision_requested, author):
    proposal = resubmit(revision_requested, author)
    first, second = proposal.versions.order_by("number")  # the same content, answered remarks

    keys = {sources.source_key(PASSPORT, proposal, version) for version in (first, second)}

    assert len(keys) == 2


@pytest.mark.django_db
def test_conclusion_source_key_changes_with_its_rounds_remarks_answers(revision_requested, author):
    version = revision_requested.versions.get()
    before = sources.source_key(CONCLUSION, revision_requested, version)
    document_services.remarks_answer(
        proposal_id=revision_requested.pk,
        by=author,
        answers={r.pk: "Бюджет уточнён." for r in revision_requested.remarks.all()},
    )

    after = sources.source_key(CONCLUSION, fresh(revision_requested), version)

    assert after != before


@pytest.mark.django_db
def test_conclusion_source_key_stays_when_a_later_round_is_decided(
    revision_requested, author, chair
):
    proposal = resubmit(revision_requested, author)
    version_1 = proposal.versions.get(number=1)
    before = sources.source_key(CONCLUSION, proposal, version_1)
    transitions.proposal_reject(proposal_id=proposal.pk, by=chair, reason="Нет софинансирования.")

    after = sources.source_key(CONCLUSION, fresh(proposal), version_1)

    assert after == before


@pytest.mark.django_db
def test_source_key_differs_between_documents_of_one_version(revision_requested):
    version = revision_requested.versions.get()

    keys = {
        sources.source_key(kind, revision_requested, version) for kind in (PASSPORT, CONCLUSION)
    }

    assert len(keys) == 2

"""Every generated document (passport, conclusion, programme, minutes) prints the audit
trail's latest checkpoint (number, time, position, the first 16 hex of the head's MAC) and the
trail's position when it was generated, in the document's language."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from directory.models import Body
from documents import transitions
from documents.pdf import render, sources
from documents.pdf.sources import PASSPORT
from meetings import document as minutes_document
from meetings import services as meeting_services
from programme import document as programme_document
from tests.factories import draft_proposal
from tests.meetings.test_services import day_at
from tests.programme.world import approved_version, ready_programme
from tests.workflow.states import make_people
from workflow import audit

GENERATED_AT = datetime.datetime(2026, 11, 23, 10, 15, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):
    settings.MBK_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.log"


@pytest.fixture
def submitted(cluster, author):
    proposal = draft_proposal(author, title="Биоаналоги моноклональных антител")
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def moscow(moment: datetime.datetime) -> str:
    return timezone.localtime(moment, ZoneInfo("Europe/Moscow")).strftime("%d.%m.%Y %H:%M")


def passport_html(proposal, language: str = "ru") -> str:
    version = proposal.versions.last()
    return sources.build(
        PASSPORT, proposal, version, language=language, generated_at=GENERATED_AT
    ).html


@pytest.mark.django_db
def test_passport_prints_the_latest_checkpoint_in_russian(submitted):
    checkpoint = audit.write_checkpoint()
    audit.record(submitted, actor=None, action="later")

    html = passport_html(submitted)

    assert (
        f"Журнал аудита: контрольная точка № 1 от {moscow(checkpoint.at)}, позиция "
        f"{checkpoint.position}, MAC {checkpoint.head_hash[:16]}; позиция на момент "
        f"формирования: {checkpoint.position + 1}."
    ) in html


@pytest.mark.django_db
def test_passport_prints_the_latest_checkpoint_in_english(submitted):
    checkpoint = audit.write_checkpoint()

    html = passport_html(submitted, language="en")

    assert (
        f"Audit trail: checkpoint № 1 of {moscow(checkpoint.at)}, position "
        f"{checkpoint.position}, head MAC {checkpoint.head_hash[:16]}; position when "
        f"generated: {checkpoint.position}."
    ) in html


@pytest.mark.django_db
def test_passport_without_a_checkpoint_says_so(submitted):
    position = audit.stamp().position

    html = passport_html(submitted)

    assert (
        f"Журнал аудита: контрольных точек ещё нет; позиция на момент формирования: {position}."
    ) in html


@pytest.mark.django_db
def test_passport_pdf_shows_the_checkpoint_on_its_last_page(submitted):
    checkpoint = audit.write_checkpoint()
    source = sources.build(
        PASSPORT, submitted, submitted.versions.last(), language="ru", generated_at=GENERATED_AT
    )

    data = render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    last_page = re.sub(r"\s+", " ", PdfReader(io.BytesIO(data)).pages[-1].extract_text())
    assert f"MAC {checkpoint.head_hash[:16]}" in last_page
    assert "контрольная точка № 1" in last_page


@pytest.mark.django_db
def test_minutes_print_the_latest_checkpoint():
    people = make_people()
    meeting = meeting_services.meeting_plan(
        body_id=Body.objects.get(code="council").pk,
        by=people["secretary"],
        starts_at=day_at(),
        place="Зал заседаний",
    )
    checkpoint = audit.write_checkpoint()

    html = minutes_document.build(meeting, language="ru", generated_at=GENERATED_AT).html

    assert f"MAC {checkpoint.head_hash[:16]}; позиция на момент формирования" in html


@pytest.mark.django_db
def test_programme_prints_the_latest_checkpoint():
    people = make_people()
    version = approved_version(ready_programme(people, projects=1), people)
    checkpoint = audit.write_checkpoint()

    html = programme_document.build(version, language="en", generated_at=GENERATED_AT).html

    assert f"head MAC {checkpoint.head_hash[:16]}; position when generated" in html

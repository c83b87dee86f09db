"""Blind review per call (documents/blind.py, rules.sees_blind): the experts of a blind call
read its proposals without the authors, the organisation and the contact person on every
surface — pages, working lists, search, the API, attachments, PDFs and notices — while an
expert of a non-blind call, the chair and the programme office read them in full. The flag is
set when the call is created and changeable only before the call opens."""

import datetime
import io
import json
import re
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from directory.models import Direction, Membership
from documents import rules, transitions
from documents import services as document_services
from documents.models import Attachment, Call, Proposal, RenderJob
from documents.pdf import pipeline
from documents.pdf import services as pdf_services
from documents.uploads import check_upload
from tests.api.conftest import api_as
from tests.factories import (
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    draft_proposal,
)
from workflow import audit
from workflow.models import Notice

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}
NOTE_RU = "Слепая экспертиза: эксперты не видят авторов и организацию"
# What names the authors: the organisation, the author's name, login and e-mail, the contact
# person and their e-mail, an attachment's own file name.
ORGANISATION = "ООО «БиоПроект»"
SECRETS = [
    ORGANISATION,
    "Пестряков",
    "pestryakov",
    "pestryakov@bioproekt.ru",
    "Петров Пётр",
    "petrov@example.ru",
    "Устав",
]


def absent(text: str) -> list[str]:
    """The secrets found in `text` (none, for an expert of a blind call)."""
    return [secret for secret in SECRETS if secret.casefold() in text.casefold()]


@pytest.fixture
def writer(db):
    organisation = OrganisationFactory(name_ru=ORGANISATION, name_en="BioProekt LLC")
    return UserFactory(
        username="pestryakov",
        first_name="Аркадий",
        middle_name="Львович",
        last_name="Пестряков",
        email="pestryakov@bioproekt.ru",
        organisation=organisation,
    )


def proposal_in_review(writer, chair, expert, *, blind: bool) -> Proposal:
    """A proposal of a (blind or not) call with an attachment, submitted and assigned to the
    expert; its summary names the organisation."""
    call = CallFactory(blind_review=blind)
    draft = draft_proposal(
        writer,
        call=call,
        summary=f"Команда {ORGANISATION} производит биоаналоги антител.",
    )
    document_services.attachment_add(
        proposal_id=draft.pk,
        by=writer,
        upload=check_upload(SimpleUploadedFile("Устав общества.pdf", PDF)),
    )
    transitions.proposal_submit(proposal_id=draft.pk, by=writer)
    return transitions.proposal_assign_experts(proposal_id=draft.pk, by=chair, experts=[expert])


@pytest.fixture
def blind(writer, chair, expert, office):
    return proposal_in_review(writer, chair, expert, blind=True)


@pytest.fixture
def open_review(writer, chair, expert, office):
    return proposal_in_review(writer, chair, expert, blind=False)


@pytest.fixture
def resubmitted(blind, writer, chair, expert):
    """Version 2 of the blind proposal, with another contact e-mail."""
    transitions.proposal_review(
        proposal_id=blind.pk,
        by=expert,
        scores=SCORES,
        recommendation="revise",
        comments="Уточнить бюджет.",
    )
    transitions.proposal_request_revision(
        proposal_id=blind.pk, by=chair, remarks=["Уточните бюджет на 2028 год."]
    )
    proposal = Proposal.objects.get(pk=blind.pk)
    document_services.remarks_answer(
        proposal_id=proposal.pk,
        by=writer,
        answers={r.pk: f"Бюджет {ORGANISATION} уточнён." for r in proposal.remarks.all()},
    )
    document_services.proposal_update(
        proposal_id=proposal.pk,
        by=writer,
        content=_content_with(proposal, contact_email="pestryakov@bioproekt.ru"),
        seen_edition=Proposal.objects.get(pk=proposal.pk).edition,
    )
    return transitions.proposal_submit(proposal_id=proposal.pk, by=writer)


def _content_with(proposal, **fields):
    from tests.factories import complete_content

    return complete_content(
        proposal,
        summary=f"Команда {ORGANISATION} производит биоаналоги антител.",
        **fields,
    )


def page(client, person, url: str, language: str = "ru") -> str:
    client.force_login(person)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- Who reads blind -------------------------------------------------------------------------
@pytest.mark.django_db
def test_sees_blind_only_the_experts_of_a_blind_call(
    blind, open_review, writer, expert, chair, office, governance_member, secretary
):
    readers = [expert, chair, office, governance_member, secretary, writer]

    blind_answers = [rules.sees_blind(person, blind) for person in readers]
    open_answers = [rules.sees_blind(person, open_review) for person in readers]

    assert blind_answers == [True, False, False, False, False, False]
    assert open_answers == [False] * 6


@pytest.mark.django_db
def test_conflict_is_still_detected_on_the_real_organisation_of_a_blind_proposal(
    blind, writer, cluster
):
    colleague = MembershipFactory(
        body=cluster["wg-pharma"],
        role=Membership.Role.EXPERT,
        user__username="colleague",
        user__organisation=writer.organisation,
    ).user

    assert rules.sees_blind(colleague, blind) is True
    assert rules.has_conflict(colleague, blind) is True
    assert rules.can_review_proposal(colleague, blind) is False


# --- Pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_proposal_page_of_a_blind_call_names_nobody_to_its_expert(client, blind, expert):
    html = page(client, expert, f"/proposals/{blind.pk}/")

    assert absent(html) == []
    assert "Приложение 1.pdf" in html
    assert NOTE_RU not in html


@pytest.mark.django_db
def test_proposal_page_numbers_the_attachments_read_with_the_proposal(
    client, blind, writer, expert, chair
):
    """The page reads the attachments with the proposal (no query of their own): the current
    ones listed, numbered for the expert among all uploaded, the removed one included."""
    first = Attachment.objects.get(proposal=blind)
    Attachment.objects.filter(pk=first.pk).update(removed_at=timezone.now())  # the data only
    Attachment.objects.create(
        proposal=blind,
        file=first.file.name,
        original_name="Смета проекта.pdf",
        content_type="application/pdf",
        extension=first.extension,
        size=2048,
        sha256=first.sha256,
        uploaded_by=writer,
    )
    url = f"/proposals/{blind.pk}/"
    page(client, expert, url)

    with CaptureQueriesContext(connection) as queries:
        expert_html = page(client, expert, url)
    chair_html = page(client, chair, url)

    listed = expert_html[expert_html.index('data-testid="attachments"') :].split("</ul>")[0]
    assert "Приложение 2.pdf" in listed
    assert "Приложение 1.pdf" not in listed
    assert "2,0\xa0КБ" in listed
    assert "Смета проекта.pdf" in chair_html
    assert (
        "Устав общества.pdf"
        not in chair_html.split('data-testid="attachments"')[1].split("</ul>")[0]
    )
    assert not [q for q in queries if q["sql"].startswith('SELECT "documents_attachment"')]


@pytest.mark.django_db
def test_proposal_page_of_a_blind_call_hides_the_authors_in_its_history(client, blind, expert):
    html = page(client, expert, f"/proposals/{blind.pk}/")

    history = html[html.index('data-testid="history"') :]
    assert "авторы" in history.split("</li>")[1]  # the submission's actor
    assert absent(history) == []


@pytest.mark.django_db
def test_proposal_page_of_a_non_blind_call_names_the_authors_to_its_expert(
    client, open_review, expert
):
    html = page(client, expert, f"/proposals/{open_review.pk}/")

    assert ORGANISATION in html
    assert "Пестряков" in html
    assert "petrov@example.ru" in html
    assert "Устав общества.pdf" in html


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["chair", "office"])
def test_proposal_page_of_a_blind_call_names_the_authors_to_the_chair_and_office_with_a_note(
    client, blind, person, request
):
    html = page(client, request.getfixturevalue(person), f"/proposals/{blind.pk}/")

    assert ORGANISATION in html
    assert "Пестряков" in html
    assert "petrov@example.ru" in html
    assert "Устав общества.pdf" in html
    assert NOTE_RU in html


@pytest.mark.django_db
def test_version_page_of_a_blind_call_names_nobody_to_its_expert(client, blind, expert, chair):
    expert_html = page(client, expert, f"/proposals/{blind.pk}/versions/1/")
    chair_html = page(client, chair, f"/proposals/{blind.pk}/versions/1/")

    assert absent(expert_html) == []
    assert "Приложение 1.pdf" in expert_html
    assert ORGANISATION in chair_html
    assert "petrov@example.ru" in chair_html


@pytest.mark.django_db
def test_diff_of_a_blind_call_names_nobody_to_its_expert(client, resubmitted, expert, chair):
    url = f"/proposals/{resubmitted.pk}/diff/?a=1&b=2"

    expert_html = page(client, expert, url)
    chair_html = page(client, chair, url)

    assert absent(expert_html) == []
    assert "pestryakov@bioproekt.ru" in chair_html  # the change the chair reads


@pytest.mark.django_db
def test_answers_to_remarks_of_a_blind_call_name_nobody_to_its_expert(
    client, resubmitted, expert, chair
):
    expert_html = page(client, expert, f"/proposals/{resubmitted.pk}/")
    chair_html = page(client, chair, f"/proposals/{resubmitted.pk}/")
    _status, api_text_of_remarks = api_text(expert, f"/api/v1/proposals/{resubmitted.pk}/remarks/")

    assert "уточнён" in expert_html
    assert absent(expert_html) == []
    assert absent(api_text_of_remarks) == []
    assert f"Бюджет {ORGANISATION} уточнён." in chair_html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["review/", "conflict/"])
def test_expert_pages_of_a_blind_call_name_no_organisation(client, blind, expert, path):
    html = page(client, expert, f"/proposals/{blind.pk}/{path}")

    assert absent(html) == []


@pytest.mark.django_db
def test_review_page_of_a_non_blind_call_names_the_organisation(client, open_review, expert):
    html = page(client, expert, f"/proposals/{open_review.pk}/review/")

    assert ORGANISATION in html


@pytest.mark.django_db
def test_assigned_list_of_a_blind_call_names_no_organisation(client, blind, expert):
    html = page(client, expert, "/assigned/")

    assert f'data-proposal="{blind.pk}"' in html
    assert absent(html) == []
    assert "скрыто: слепая экспертиза" in html


@pytest.mark.django_db
def test_assigned_list_of_a_non_blind_call_names_the_organisation(client, open_review, expert):
    html = page(client, expert, "/assigned/")

    assert ORGANISATION in html


@pytest.mark.django_db
def test_group_inbox_names_the_organisation_of_a_blind_call_to_the_chair(client, blind, chair):
    html = page(client, chair, "/inbox/")

    assert ORGANISATION in html


@pytest.mark.django_db
def test_search_by_organisation_finds_a_blind_proposal_for_the_chair_not_its_expert(
    client, blind, expert, chair
):
    expert_html = page(client, expert, "/search/?q=БиоПроект")
    chair_html = page(client, chair, "/search/?q=БиоПроект")

    assert f"/proposals/{blind.pk}/" not in expert_html
    assert f"/proposals/{blind.pk}/" in chair_html


@pytest.mark.django_db
def test_search_hit_of_a_blind_proposal_names_no_organisation_to_its_expert(client, blind, expert):
    html = page(client, expert, "/search/?q=биоаналоги")

    assert f"/proposals/{blind.pk}/" in html
    assert absent(html) == []


# --- Attachments ---------------------------------------------------------------------------------
def _disposition(response) -> str:
    return unquote(response["Content-Disposition"])


@pytest.mark.django_db
def test_attachment_of_a_blind_call_downloads_as_a_numbered_attachment_for_its_expert(
    client, blind, expert, chair
):
    attachment = blind.attachments.get()
    client.force_login(expert)

    expert_name = _disposition(client.get(f"/attachments/{attachment.pk}/"))
    client.force_login(chair)
    chair_name = _disposition(client.get(f"/attachments/{attachment.pk}/"))

    assert "Приложение 1.pdf" in expert_name
    assert absent(expert_name) == []
    assert "Устав общества.pdf" in chair_name


# --- API -----------------------------------------------------------------------------------------
def api_text(person, url: str) -> tuple[int, str]:
    response = api_as(person).get(url)
    return response.status_code, json.dumps(response.json(), ensure_ascii=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["", "versions/", "versions/1/", "attachments/", "history/"],
)
def test_api_of_a_blind_call_names_nobody_to_its_expert(blind, expert, path):
    status, text = api_text(expert, f"/api/v1/proposals/{blind.pk}/{path}")

    assert status == 200
    assert absent(text) == []


@pytest.mark.django_db
def test_api_proposal_of_a_blind_call_has_null_authors_and_organisation_for_its_expert(
    blind, expert, chair
):
    expert_data = api_as(expert).get(f"/api/v1/proposals/{blind.pk}/").json()
    chair_data = api_as(chair).get(f"/api/v1/proposals/{blind.pk}/").json()

    assert [expert_data[k] for k in ("organisation", "author", "coauthors")] == [None] * 3
    assert expert_data["content"]["contact_email"] == ""
    assert chair_data["organisation"]["name_ru"] == ORGANISATION
    assert chair_data["author"]["username"] == "pestryakov"
    assert chair_data["content"]["contact_email"] == "petrov@example.ru"


@pytest.mark.django_db
def test_api_list_of_a_blind_call_names_nobody_to_its_expert(blind, expert, chair):
    expert_status, expert_text = api_text(expert, "/api/v1/proposals/")
    _status, chair_text = api_text(chair, "/api/v1/proposals/")

    assert expert_status == 200
    assert str(blind.pk) in expert_text
    assert absent(expert_text) == []
    assert ORGANISATION in chair_text


@pytest.mark.django_db
def test_api_filter_by_organisation_finds_a_blind_proposal_for_the_chair_not_its_expert(
    blind, expert, chair
):
    url = f"/api/v1/proposals/?organisation={blind.organisation_id}"

    expert_ids = [row["id"] for row in api_as(expert).get(url).json()["results"]]
    chair_ids = [row["id"] for row in api_as(chair).get(url).json()["results"]]

    assert expert_ids == []
    assert chair_ids == [blind.pk]


@pytest.mark.django_db
def test_api_diff_of_a_blind_call_names_nobody_to_its_expert(resubmitted, expert):
    status, text = api_text(expert, f"/api/v1/proposals/{resubmitted.pk}/diff/?before=1&after=2")

    assert status == 200
    assert absent(text) == []


@pytest.mark.django_db
def test_api_attachments_of_a_blind_call_are_numbered_for_its_expert(blind, expert, chair):
    attachment = blind.attachments.get()

    listed = api_as(expert).get(f"/api/v1/proposals/{blind.pk}/attachments/").json()
    file = api_as(expert).get(f"/api/v1/proposals/{blind.pk}/attachments/{attachment.pk}/file/")
    chair_listed = api_as(chair).get(f"/api/v1/proposals/{blind.pk}/attachments/").json()

    assert [row["original_name"] for row in listed] == ["Приложение 1.pdf"]
    assert listed[0]["uploaded_by"] is None
    assert "Приложение 1.pdf" in _disposition(file)
    assert [row["original_name"] for row in chair_listed] == ["Устав общества.pdf"]


@pytest.mark.django_db
def test_api_of_a_non_blind_call_names_the_authors_to_its_expert(open_review, expert):
    _status, text = api_text(expert, f"/api/v1/proposals/{open_review.pk}/")

    assert ORGANISATION in text
    assert "pestryakov" in text


@pytest.mark.django_db
def test_api_schema_documents_the_blind_fields_as_nullable():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    listed = schema["components"]["schemas"]["ProposalList"]["properties"]
    attachment = schema["components"]["schemas"]["Attachment"]["properties"]

    assert listed["organisation"]["nullable"] is True
    assert listed["author"]["nullable"] is True
    assert attachment["uploaded_by"]["nullable"] is True
    assert listed["author"]["description"].startswith("null ")
    assert "/api/v1/calls/{id}/blind-review/" in schema["paths"]


# --- PDF -----------------------------------------------------------------------------------------
def rendered(job: RenderJob) -> tuple[PdfReader, str]:
    pipeline.render_job(job.pk, task_id=f"message-{job.pk}")
    job.refresh_from_db()
    with job.file.open("rb") as opened:
        reader = PdfReader(io.BytesIO(opened.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def ask_passport(proposal, person) -> RenderJob:
    return pdf_services.document_request(
        kind="passport", proposal_id=proposal.pk, version_number=1, by=person, language="ru"
    )


@pytest.mark.django_db
def test_passport_of_a_blind_call_is_anonymised_for_its_expert(blind, expert, chair, media):
    expert_job = ask_passport(blind, expert)
    chair_job = ask_passport(blind, chair)

    reader, text = rendered(expert_job)
    _chair_reader, chair_text = rendered(chair_job)

    assert expert_job.anonymised is True
    assert chair_job.anonymised is False
    assert expert_job.source_key != chair_job.source_key
    assert absent(text) == []
    assert absent(json.dumps(dict(reader.metadata), ensure_ascii=False)) == []
    assert ORGANISATION in chair_text
    assert "petrov@example.ru" in chair_text


@pytest.mark.django_db
def test_full_passport_of_a_blind_call_is_404_to_its_expert(client, blind, expert, chair, media):
    chair_job = ask_passport(blind, chair)
    pipeline.render_job(chair_job.pk, task_id="message-1")
    client.force_login(expert)

    download = client.get(f"/documents/{chair_job.pk}/download/")
    api_download = api_as(expert).get(f"/api/v1/documents/{chair_job.pk}/file/")
    listed = api_as(expert).get(f"/api/v1/proposals/{blind.pk}/documents/").json()

    assert download.status_code == 404
    assert api_download.status_code == 404
    assert listed == []


@pytest.mark.django_db
def test_passport_of_a_non_blind_call_is_the_same_job_for_its_expert_and_chair(
    open_review, expert, chair
):
    expert_job = ask_passport(open_review, expert)
    chair_job = ask_passport(open_review, chair)

    assert expert_job.pk == chair_job.pk
    assert expert_job.anonymised is False


# --- Notices -------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(("is_blind", "named"), [(True, False), (False, True)])
def test_assignment_notice_names_the_organisation_only_outside_blind_review(
    writer, chair, expert, office, is_blind, named
):
    call = CallFactory(blind_review=is_blind)
    draft = draft_proposal(writer, call=call, title=f"Биоаналоги {ORGANISATION}")
    transitions.proposal_submit(proposal_id=draft.pk, by=writer)

    transitions.proposal_assign_experts(proposal_id=draft.pk, by=chair, experts=[expert])

    notice = Notice.objects.get(recipient=expert)
    assert (ORGANISATION in notice.text) is named
    assert "Биоаналоги" in notice.text


# --- The flag ------------------------------------------------------------------------------------
def future_call(**fields) -> Call:
    today = timezone.localdate()
    return CallFactory(
        opens_on=today + datetime.timedelta(days=5),
        closes_on=today + datetime.timedelta(days=40),
        **fields,
    )


@pytest.mark.django_db
def test_call_created_with_blind_review_by_the_office(client, office):
    client.force_login(office)
    today = timezone.localdate()

    response = client.post(
        "/calls/new/",
        {
            "title_ru": "Приём 2027",
            "title_en": "",
            "directions": list(Direction.objects.values_list("pk", flat=True)[:1]),
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
            "first_year": 2027,
            "last_year": 2029,
            "guide": "",
            "blind_review": "on",
        },
    )

    call = Call.objects.get(title_ru="Приём 2027")
    assert response.status_code == 302
    assert call.blind_review is True
    assert list(audit.history(call).values_list("action", flat=True)) == [
        "call_opened",
        "blind_review_on",
    ]


@pytest.mark.django_db
def test_blind_review_is_changed_before_the_call_opens_and_audited(client, office):
    call = future_call()
    client.force_login(office)

    response = client.post(f"/calls/{call.pk}/blind-review/", {"blind_review": "on"})

    call.refresh_from_db()
    assert response.status_code == 302
    assert call.blind_review is True
    assert list(audit.history(call).values_list("action", flat=True)) == ["blind_review_on"]


@pytest.mark.django_db
def test_blind_review_cannot_change_after_the_call_opened(client, office):
    call = CallFactory(blind_review=True)
    client.force_login(office)
    client.cookies["django_language"] = "ru"

    response = client.post(f"/calls/{call.pk}/blind-review/", {})

    call.refresh_from_db()
    assert response.status_code == 409
    assert "слепая экспертиза" in response.content.decode().casefold()
    assert call.blind_review is True
    assert audit.history(call).count() == 0


@pytest.mark.django_db
def test_blind_review_change_by_an_expert_is_403_and_changes_nothing(client, expert):
    call = future_call()
    client.force_login(expert)

    response = client.post(f"/calls/{call.pk}/blind-review/", {"blind_review": "on"})

    call.refresh_from_db()
    assert response.status_code == 403
    assert call.blind_review is False


@pytest.mark.django_db
def test_api_blind_review_change_before_opening_and_409_after(office):
    waiting, opened = future_call(), CallFactory()
    client = api_as(office)

    changed = client.post(
        f"/api/v1/calls/{waiting.pk}/blind-review/", {"blind_review": True}, format="json"
    )
    refused = client.post(
        f"/api/v1/calls/{opened.pk}/blind-review/", {"blind_review": True}, format="json"
    )

    opened.refresh_from_db()
    assert changed.status_code == 200
    assert changed.json()["blind_review"] is True
    assert refused.status_code == 409
    assert opened.blind_review is False


@pytest.mark.django_db
def test_call_page_offers_the_switch_to_the_office_only_before_opening(client, office, expert):
    waiting, opened = future_call(), CallFactory(blind_review=True)

    office_waiting = page(client, office, f"/calls/{waiting.pk}/")
    office_opened = page(client, office, f"/calls/{opened.pk}/")
    expert_waiting = page(client, expert, f"/calls/{waiting.pk}/")

    assert 'data-testid="blind-review-save"' in office_waiting
    assert 'data-testid="blind-review-save"' not in office_opened
    assert NOTE_RU in office_opened
    assert 'data-testid="blind-review-save"' not in expert_waiting


# --- Titles ----------------------------------------------------------------------------------
@pytest.fixture
def named_in_title(writer, chair, expert, office):
    """A blind proposal whose title names its organisation and its author."""
    call = CallFactory(blind_review=True)
    draft = draft_proposal(writer, call=call, title=f"Биоаналоги {ORGANISATION} (Пестряков)")
    transitions.proposal_submit(proposal_id=draft.pk, by=writer)
    return transitions.proposal_assign_experts(proposal_id=draft.pk, by=chair, experts=[expert])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "chair_url"),
    [
        ("/proposals/{pk}/", "/proposals/{pk}/"),
        ("/proposals/{pk}/versions/1/", "/proposals/{pk}/versions/1/"),
        ("/proposals/{pk}/review/", "/proposals/{pk}/"),
        ("/assigned/", "/inbox/"),
        ("/inbox/", "/inbox/"),
        ("/search/?q=биоаналоги", "/search/?q=биоаналоги"),
        ("/", "/"),
    ],
)
def test_pages_of_a_blind_call_take_the_names_out_of_the_title_for_its_expert(
    client, named_in_title, expert, chair, url, chair_url
):
    expert_html = page(client, expert, url.format(pk=named_in_title.pk))
    chair_html = page(client, chair, chair_url.format(pk=named_in_title.pk))

    assert "Биоаналоги" in expert_html
    assert absent(expert_html) == []
    assert f"Биоаналоги {ORGANISATION} (Пестряков)" in chair_html


@pytest.mark.django_db
def test_assigned_list_takes_a_coauthors_name_out_of_a_blind_title(client, named_in_title, expert):
    named_in_title.coauthors.add(UserFactory(last_name="Черногоров"))
    Proposal.objects.filter(pk=named_in_title.pk).update(title="Биоаналоги (Черногоров)")

    html = page(client, expert, "/assigned/")

    assert "Биоаналоги" in html
    assert "Черногоров" not in html


@pytest.mark.django_db
def test_assigned_list_of_a_non_blind_call_reads_no_coauthors(client, open_review, expert):
    open_review.coauthors.add(UserFactory())
    client.force_login(expert)
    client.get("/assigned/")

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/assigned/").status_code == 200

    prefetches = [
        q for q in queries.captured_queries if 'JOIN "documents_proposal_coauthors"' in q["sql"]
    ]
    assert prefetches == []


@pytest.mark.django_db
def test_anonymised_passport_job_page_takes_the_names_out_of_the_title(
    client, named_in_title, expert
):
    job = ask_passport(named_in_title, expert)

    html = page(client, expert, f"/documents/{job.pk}/")

    assert "Биоаналоги" in html
    assert absent(html) == []


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/proposals/", "/api/v1/proposals/{pk}/"])
def test_api_of_a_blind_call_takes_the_names_out_of_the_title_for_its_expert(
    named_in_title, expert, path
):
    _status, text = api_text(expert, path.format(pk=named_in_title.pk))

    assert "Биоаналоги" in text
    assert absent(text) == []


# --- Lists stay constant in queries --------------------------------------------------------
def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/assigned/", "/api/v1/proposals/"])
def test_expert_lists_of_a_blind_call_cost_the_same_for_1_and_30_proposals(
    client, blind, writer, chair, expert, url
):
    if url.startswith("/api/"):
        client = api_as(expert)
    else:
        client.force_login(expert)
    client.get(url)  # a token writes its last use on its first request
    with_one = queries_of(client, url)

    for n in range(29):
        draft = draft_proposal(writer, call=blind.call, title=f"Проект {n}")
        transitions.proposal_submit(proposal_id=draft.pk, by=writer)
        transitions.proposal_assign_experts(proposal_id=draft.pk, by=chair, experts=[expert])
    with_thirty = queries_of(client, url)

    assert with_thirty == with_one

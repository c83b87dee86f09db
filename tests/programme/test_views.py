"""The programme's pages: who sees what (404 for the rest), forms that show their errors and
change nothing, escaped section texts, the live preview, the PDF request, and query counts that
do not grow with the number of sections or projects."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from documents.models import RenderJob
from mbk.exceptions import ActionRefusedError
from programme import services
from programme.models import ProgrammeVersion, SectionRevision
from tests.programme.world import (
    approve_section,
    approved_projects,
    approved_version,
    new_programme,
    ready_programme,
    section,
)
from tests.workflow.states import PERSONAS

V = ProgrammeVersion.State
MEMBERS = {
    "expert",
    "chair",
    "wg_secretary",
    "other_chair",
    "secretary",
    "governance_chair",
    "governance_member",
    "office",
    "second_expert",
}


def as_user(client, person):
    client.logout()
    if person.is_authenticated:
        client.force_login(person)
    return client


@pytest.fixture
def signed(people):
    programme = ready_programme(people, projects=1)
    return programme, approved_version(programme, people)


def test_who_sees_the_programme_pages(client, people, signed):
    programme, approved = signed
    drafting = services.version_create(programme_id=programme.pk, by=people["office"])
    pages = {
        "overview": reverse("programme:overview"),
        "section": reverse("programme:section-detail", args=[section(programme, "risks").pk]),
        "approved": reverse("programme:version-detail", args=[approved.pk]),
        "drafting": reverse("programme:version-detail", args=[drafting.pk]),
    }

    seen = {}
    for persona in PERSONAS:
        as_user(client, people[persona])
        seen[persona] = {name: client.get(url).status_code for name, url in pages.items()}

    for persona in PERSONAS:
        if persona == "anonymous":
            expected = dict.fromkeys(pages, 302)
        elif persona in MEMBERS:
            expected = dict.fromkeys(pages, 200)
        elif persona == "observer":  # approved versions only, read-only
            expected = {"overview": 200, "section": 404, "approved": 200, "drafting": 404}
        else:  # authors and outsiders: the programme is the bodies' document
            expected = {"overview": 403, "section": 404, "approved": 404, "drafting": 404}
        assert seen[persona] == expected, persona


def test_observer_overview_lists_approved_versions_only_and_no_sections(client, people, signed):
    programme, _approved = signed
    services.version_create(programme_id=programme.pk, by=people["office"], note="Черновик 2")

    page = as_user(client, people["observer"]).get(reverse("programme:overview")).content.decode()

    assert page.count('data-testid="version-row"') == 1
    assert "Черновик 2" not in page
    assert 'data-testid="sections"' not in page
    assert "Начать новую версию" not in page


def test_decision_without_its_reference_shows_a_field_error_and_changes_nothing(client, people):
    programme = new_programme(people)
    risks = section(programme, "risks")
    services.section_write(
        section_id=risks.pk, by=people["office"], text="Т", rows=[], seen_edition=None
    )
    for step in (services.section_submit, services.section_approve_in_group):
        step(section_id=risks.pk, by=people["office"])
    services.section_send_to_governance(section_id=risks.pk, by=people["office"])
    revision = services.latest_revision(risks)

    response = as_user(client, people["secretary"]).post(
        reverse("programme:section-decide", args=[risks.pk]),
        {"action": "governance_approve", "edition": revision.edition, "reference": " "},
    )

    assert response.status_code == 400
    assert "Укажите номер и дату решения Координационного совета." in response.content.decode()
    assert services.latest_revision(risks).state == SectionRevision.State.GOVERNANCE_REVIEW


def test_stale_decision_is_refused_with_409(client, people):
    programme = new_programme(people)
    risks = section(programme, "risks")
    first = services.section_write(
        section_id=risks.pk, by=people["office"], text="Т", rows=[], seen_edition=None
    )
    services.section_write(
        section_id=risks.pk, by=people["office"], text="Т2", rows=[], seen_edition=first.edition
    )

    response = as_user(client, people["office"]).post(
        reverse("programme:section-decide", args=[risks.pk]),
        {"action": "submit", "edition": first.edition},
    )

    assert response.status_code == 409
    assert services.latest_revision(risks).state == SectionRevision.State.DRAFT


def test_hostile_markdown_is_shown_as_text(client, people):
    programme = new_programme(people)
    risks = section(programme, "risks")
    hostile = (
        '<script>alert("x")</script>\n\n<img src="file:///etc/passwd">\n\n'
        "[ссылка](javascript:alert(1)) [мэрия](https://www.mos.ru)"
    )
    services.section_write(
        section_id=risks.pk, by=people["office"], text=hostile, rows=[], seen_edition=None
    )

    page = as_user(client, people["chair"]).get(
        reverse("programme:section-detail", args=[risks.pk])
    )

    html = page.content.decode()
    body = html[html.index('data-testid="section-text"') :]
    assert '<p>&lt;script&gt;alert("x")&lt;/script&gt;</p>' in body
    assert "<img" not in body
    assert 'href="javascript' not in body
    assert 'href="https://www.mos.ru" rel="noopener noreferrer nofollow"' in body


def test_preview_returns_sanitised_html_to_writers_only(client, people):
    programme = new_programme(people)
    url = reverse("programme:section-preview", args=[section(programme, "risks").pk])
    text = "## Заголовок\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<b onclick=x>жирный</b>"

    written = as_user(client, people["office"]).post(url, {"text": text})
    refused = as_user(client, people["chair"]).post(url, {"text": text})

    assert written.status_code == 200
    html = written.content.decode()
    assert "<h2>Заголовок</h2>" in html
    assert "<td>1</td>" in html
    assert "onclick" not in html.replace("&lt;b onclick=x&gt;", "")
    assert refused.status_code == 403


def test_financing_table_is_saved_from_the_edit_form(client, people):
    programme = new_programme(people)
    financing = section(programme, "financing")
    url = reverse("programme:section-edit", args=[financing.pk])
    form = {
        "text": "Ресурсное обеспечение",
        "edition": "0",
        "rows-TOTAL_FORMS": "3",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "500",
        "rows-0-year": "2027",
        "rows-0-own": "1000000",
        "rows-0-city": "250000.50",
        "rows-1-year": "",
    }

    response = as_user(client, people["office"]).post(url, form)

    assert response.status_code == 302
    revision = services.latest_revision(financing)
    assert revision.rows == [
        {"year": 2027, "own": "1000000", "private": "0", "city": "250000.50", "federal": "0"}
    ]


def test_invalid_table_row_shows_its_error_and_saves_nothing(client, people):
    programme = new_programme(people)
    financing = section(programme, "financing")
    form = {
        "text": "Ресурсное обеспечение",
        "edition": "0",
        "rows-TOTAL_FORMS": "2",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "0",
        "rows-MAX_NUM_FORMS": "500",
        "rows-0-year": "2027",
        "rows-0-own": "-5",
        "rows-1-year": "2031",
    }

    response = as_user(client, people["office"]).post(
        reverse("programme:section-edit", args=[financing.pk]), form
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Убедитесь, что это значение больше либо равно 0." in html
    assert "Выберите корректный вариант." in html
    assert services.latest_revision(financing) is None


def test_version_send_with_problems_is_refused_with_the_list(client, people):
    programme = new_programme(people)
    version = services.version_create(programme_id=programme.pk, by=people["office"])

    response = as_user(client, people["office"]).post(
        reverse("programme:version-decide", args=[version.pk]),
        {"action": "send_to_governance", "edition": version.edition},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "Версию пока нельзя направить в Координационный совет." in html
    assert "Раздел «Риски» ещё не утверждён (сейчас: текста ещё нет)." in html
    version.refresh_from_db()
    assert version.state == V.DRAFTING


def test_sign_off_form_without_date_shows_field_errors(client, people):
    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])
    version.refresh_from_db()

    response = as_user(client, people["governance_chair"]).post(
        reverse("programme:version-decide", args=[version.pk]),
        {"action": "approve", "edition": version.edition, "decision_number": "5"},
    )

    assert response.status_code == 400
    assert "Укажите дату решения." in response.content.decode()
    version.refresh_from_db()
    assert version.state == V.GOVERNANCE_REVIEW


def test_observer_gets_the_approved_programme_pdf_job(client, people, signed):
    _programme, approved = signed

    response = as_user(client, people["observer"]).post(
        reverse("programme:version-document", args=[approved.pk])
    )

    job = RenderJob.objects.get(kind=RenderJob.Kind.PROGRAMME, subject_id=approved.pk)
    assert response.status_code == 302
    assert response.url == reverse("documents:document-job", args=[job.pk])
    assert client.get(response.url).status_code == 200
    assert RenderJob.objects.filter(kind=RenderJob.Kind.PROGRAMME).count() == 1


def test_comparison_page_lists_the_added_project(client, people, signed):
    programme, first = signed
    approved_projects(people, 1)
    second = services.version_create(programme_id=programme.pk, by=people["office"])

    page = as_user(client, people["chair"]).get(
        reverse("programme:version-compare"), {"a": first.number, "b": second.number}
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="projects-changed"' in html
    assert "добавлен: Якорный проект 1" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_overview_query_count_does_not_grow_with_sections(client, people):
    programme = new_programme(people)
    as_user(client, people["office"])
    url = reverse("programme:overview")
    client.get(url)
    few = _queries(client, url)
    for n in range(10):
        services.section_add(
            programme_id=programme.pk,
            by=people["office"],
            code=f"extra-{n}",
            title_ru=f"Доп. {n}",
            title_en="",
            owner=section(programme, "risks").owner,
        )
        services.section_write(
            section_id=programme.sections.get(code=f"extra-{n}").pk,
            by=people["office"],
            text="Т",
            rows=[],
            seen_edition=None,
        )

    many = _queries(client, url)

    assert many == few


def test_version_page_query_count_does_not_grow_with_projects(client, people):
    approved_projects(people, 1)
    programme = new_programme(people)
    approve_section(section(programme, "risks"), people)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    url = reverse("programme:version-detail", args=[version.pk])
    as_user(client, people["office"])
    client.get(url)
    few = _queries(client, url)
    approved_projects(people, 4)

    many = _queries(client, url)

    assert many == few


def test_sign_off_date_in_the_future_is_refused(people):
    programme = ready_programme(people, projects=1)
    version = services.version_create(programme_id=programme.pk, by=people["office"])
    services.version_send_to_governance(version_id=version.pk, by=people["office"])

    with pytest.raises(ActionRefusedError):
        services.version_approve(
            version_id=version.pk,
            by=people["governance_chair"],
            decision_number="1",
            decision_date=timezone.localdate() + datetime.timedelta(days=3),
        )


def test_diff_page_shows_what_changed_between_revisions(client, people):
    programme = new_programme(people)
    risks = section(programme, "risks")
    approve_section(risks, people, text="Риски:\n\n- рыночные")
    approve_section(risks, people, text="Риски:\n\n- рыночные\n- валютные")

    page = as_user(client, people["chair"]).get(
        reverse("programme:section-diff", args=[risks.pk]), {"a": 1, "b": 2}
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert '<span class="diff-line diff-add">+- валютные</span>' in html
    assert "diff-del" not in html


def test_office_adds_moves_and_removes_sections(client, people):
    programme = new_programme(people)
    as_user(client, people["office"])

    client.post(
        reverse("programme:section-add"),
        {
            "title_ru": "Направление «Агропищевой сектор»",
            "code": "agrofood",
            "owner": section(programme, "risks").owner.pk,
            "table": "",
        },
    )
    added = section(programme, "agrofood")
    client.post(reverse("programme:section-move", args=[added.pk]), {"direction": "up"})
    client.post(reverse("programme:section-remove", args=[section(programme, "passport").pk]))

    order = list(programme.sections.filter(removed_at=None).values_list("code", flat=True))
    assert order[-2:] == ["agrofood", "risks"]
    assert "passport" not in order
    assert programme.sections.get(code="passport").removed_at is not None


def test_chair_cannot_change_the_structure(client, people):
    programme = new_programme(people)
    risks = section(programme, "risks")

    response = as_user(client, people["chair"]).post(
        reverse("programme:section-remove", args=[risks.pk])
    )

    assert response.status_code == 403
    risks.refresh_from_db()
    assert risks.removed_at is None

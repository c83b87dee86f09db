"""The programme pages' actions through the API (api/programme.py): sections added, moved,
removed and written (text and table), the version's PDF and its exports."""

import io

import pytest
from openpyxl import load_workbook

from documents.models import RenderJob
from programme import services
from programme.models import Section
from tests.programme.world import approved_version, new_programme, ready_programme, section
from tests.workflow.states import make_people

SECTIONS = "/api/v1/sections/"


@pytest.fixture
def roles(db):
    return make_people()


@pytest.fixture
def programme(roles):
    return new_programme(roles)


def financing(programme) -> Section:
    return programme.sections.get(table="financing")


def test_section_add_by_the_office_creates_it(api, roles, programme):
    response = api(roles["office"]).post(
        SECTIONS,
        {"code": "partners", "title_ru": "Партнёры", "title_en": "Partners", "owner": "wg-pharma"},
        format="json",
    )

    added = programme.sections.get(code="partners")
    assert response.status_code == 201
    assert response.json()["id"] == added.pk
    assert (added.owner.code, added.title_ru) == ("wg-pharma", "Партнёры")


def test_section_add_with_a_taken_code_is_400_in_russian(api, roles, programme):
    response = api(roles["office"]).post(
        SECTIONS,
        {"code": "risks", "title_ru": "Риски", "title_en": "Risks", "owner": "wg-pharma"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"code": ["В программе уже есть раздел с таким кодом."]}
    assert programme.sections.filter(code="risks").count() == 1


def test_section_add_by_a_chair_is_403(api, roles, programme):
    count = programme.sections.count()

    response = api(roles["chair"]).post(
        SECTIONS,
        {"code": "partners", "title_ru": "Партнёры", "title_en": "Partners", "owner": "wg-pharma"},
        format="json",
    )

    assert response.status_code == 403
    assert programme.sections.count() == count


def test_section_text_first_and_second_write(api, roles, programme):
    risks = section(programme, "risks")
    client = api(roles["office"])

    first = client.post(f"{SECTIONS}{risks.pk}/text/", {"text": "Риски: рыночные."}, format="json")
    edition = first.json()["current"]["edition"]
    second = client.post(
        f"{SECTIONS}{risks.pk}/text/",
        {"text": "Риски: рыночные и технологические.", "edition": edition},
        format="json",
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert services.latest_revision(risks).text == "Риски: рыночные и технологические."


def test_section_text_with_a_stale_edition_is_409(api, roles, programme):
    risks = section(programme, "risks")
    client = api(roles["office"])
    client.post(f"{SECTIONS}{risks.pk}/text/", {"text": "Риски: рыночные."}, format="json")

    response = client.post(
        f"{SECTIONS}{risks.pk}/text/", {"text": "Другое", "edition": 0}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "stale"
    assert services.latest_revision(risks).text == "Риски: рыночные."


def test_section_text_by_someone_else_is_403(api, roles, programme):
    risks = section(programme, "risks")

    response = api(roles["governance_member"]).post(
        f"{SECTIONS}{risks.pk}/text/", {"text": "Чужой текст"}, format="json"
    )

    assert response.status_code == 403
    assert services.latest_revision(risks) is None


def test_section_table_rows_are_checked_by_the_page_form(api, roles, programme):
    table = financing(programme)
    client = api(roles["office"])
    writer = client if table.owner.code == "programme-office" else api(roles["chair"])

    bad = writer.post(
        f"{SECTIONS}{table.pk}/text/",
        {"text": "", "rows": [{"year": 2027, "own": "10"}, {"year": 2027, "own": "5"}]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    good = writer.post(
        f"{SECTIONS}{table.pk}/text/",
        {"text": "", "rows": [{"year": 2027, "own": "10"}, {"year": 2028, "city": "5"}]},
        format="json",
    )

    assert bad.status_code == 400
    assert bad.json()["errors"] == {
        "rows": ["Каждый год может встречаться в таблице финансирования только один раз."]
    }
    assert good.status_code == 200
    assert [(r["year"], r["own"], r["city"]) for r in services.latest_revision(table).rows] == [
        (2027, "10", "0"),
        (2028, "0", "5"),
    ]


def test_section_move_and_remove_by_the_office(api, roles, programme):
    risks = section(programme, "risks")
    before = list(programme.sections.order_by("position").values_list("code", flat=True))
    client = api(roles["office"])

    moved = client.post(f"{SECTIONS}{risks.pk}/move/", {"direction": "up"}, format="json")
    removed = client.post(f"{SECTIONS}{risks.pk}/remove/", {}, format="json")

    after = list(programme.sections.order_by("position").values_list("code", flat=True))
    assert (moved.status_code, removed.status_code) == (200, 200)
    assert after.index("risks") == before.index("risks") - 1
    assert removed.json()["removed_at"] is not None


def test_section_move_by_a_chair_is_403_and_changes_nothing(api, roles, programme):
    risks = section(programme, "risks")
    position = risks.position

    response = api(roles["chair"]).post(
        f"{SECTIONS}{risks.pk}/move/", {"direction": "up"}, format="json"
    )

    risks.refresh_from_db()
    assert response.status_code == 403
    assert risks.position == position


def test_section_preview_is_sanitised(api, roles, programme):
    risks = section(programme, "risks")

    response = api(roles["office"]).post(
        f"{SECTIONS}{risks.pk}/preview/", {"text": "**Риски** <script>x</script>"}, format="json"
    )

    assert response.status_code == 200
    assert "<strong>Риски</strong>" in response.json()["html"]
    assert "<script>" not in response.json()["html"]


def test_programme_version_exports_and_pdf(api, roles, media):
    programme = ready_programme(roles, projects=1)
    version = approved_version(programme, roles)
    client = api(roles["office"])
    url = f"/api/v1/programme-versions/{version.pk}/"

    registry = client.get(f"{url}registry/")
    summary = client.get(f"{url}summary/")
    pdf = client.post(f"{url}documents/")

    assert registry.status_code == 200
    sheet = load_workbook(io.BytesIO(registry.content)).active
    assert sheet.title == "Реестр якорных проектов"
    assert "Якорный проект 1" in [c.value for row in sheet.iter_rows() for c in row]
    assert summary.status_code == 200
    assert pdf.status_code == 202
    assert RenderJob.objects.get().kind == RenderJob.Kind.PROGRAMME


def test_programme_version_registry_for_an_outsider_is_404(api, roles):
    programme = ready_programme(roles, projects=1)
    version = approved_version(programme, roles)

    response = api(roles["outsider"]).get(f"/api/v1/programme-versions/{version.pk}/registry/")

    assert response.status_code == 404

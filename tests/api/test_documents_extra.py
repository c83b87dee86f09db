"""The calls', co-authors', exports', search's and notices' operations (api/documents.py,
api/notices.py): the allowed role's effect, the forbidden role's refusal with nothing changed."""

import io

import pytest
from openpyxl import load_workbook

from documents.models import Call, Proposal
from tests.factories import CallFactory, UserFactory, draft_proposal
from workflow.models import Notice


@pytest.fixture(autouse=True)
def _directory(cluster):
    """The cluster's directions and bodies."""


def call_body(**changes) -> dict:
    return {
        "title_ru": "Второй приём заявок",
        "title_en": "Second call",
        "directions": ["pharma", "agrofood"],
        "opens_on": "2030-01-10",
        "closes_on": "2030-03-10",
        "first_year": 2030,
        "last_year": 2032,
        **changes,
    }


def test_call_create_by_the_office_opens_it(api, office):
    response = api(office).post("/api/v1/calls/", call_body(), format="json")

    call = Call.objects.get()
    assert response.status_code == 201
    assert response.json()["id"] == call.pk
    assert sorted(call.directions.values_list("code", flat=True)) == ["agrofood", "pharma"]


def test_call_create_with_years_reversed_is_400(api, office):
    response = api(office).post(
        "/api/v1/calls/", call_body(first_year=2033), format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"__all__", "first_year", "last_year"}
    assert Call.objects.count() == 0


def test_call_create_by_an_author_is_403(api, author):
    response = api(author).post("/api/v1/calls/", call_body(), format="json")

    assert response.status_code == 403
    assert Call.objects.count() == 0


def colleague(author):
    return UserFactory(username="colleague", organisation=author.organisation)  # confirmed


def test_coauthors_set_by_the_author(api, author):
    proposal = draft_proposal(author)
    person = colleague(author)

    response = api(author).post(
        f"/api/v1/proposals/{proposal.pk}/coauthors/",
        {"coauthors": ["colleague"], "edition": proposal.edition},
        format="json",
    )

    assert response.status_code == 200
    assert [p["username"] for p in response.json()] == ["colleague"]
    assert list(proposal.coauthors.all()) == [person]


def test_coauthors_with_a_stale_edition_is_409(api, author):
    proposal = draft_proposal(author)
    colleague(author)

    response = api(author).post(
        f"/api/v1/proposals/{proposal.pk}/coauthors/",
        {"coauthors": ["colleague"], "edition": proposal.edition - 1},
        format="json",
    )

    assert response.status_code == 409
    assert proposal.coauthors.count() == 0


def test_coauthors_of_another_authors_draft_is_404(api, author, other_author):
    proposal = draft_proposal(author)
    colleague(author)

    response = api(other_author).post(
        f"/api/v1/proposals/{proposal.pk}/coauthors/",
        {"coauthors": ["colleague"], "edition": proposal.edition},
        format="json",
    )

    assert response.status_code == 404
    assert proposal.coauthors.count() == 0


def test_register_export_for_the_office_is_a_spreadsheet(api, office, author):
    call = CallFactory()
    draft_proposal(author, call=call)

    response = api(office).get(f"/api/v1/exports/register/?call={call.pk}")

    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.title == "Реестр заявок"


def test_register_export_for_an_author_is_403(api, author):
    response = api(author).get("/api/v1/exports/register/")

    assert response.status_code == 403


def test_reviews_export_for_the_groups_chair_and_not_another(api, chair, other_chair):
    own = api(chair).get("/api/v1/exports/reviews/wg-pharma/")
    other = api(other_chair).get("/api/v1/exports/reviews/wg-pharma/")

    assert own.status_code == 200
    assert own["Content-Type"].startswith("application/vnd.openxmlformats")
    assert other.status_code == 403


def test_search_finds_only_what_the_caller_may_see(api, author, other_author):
    draft_proposal(author, title="Биоаналоги антител")

    mine = api(author).get("/api/v1/search/", {"q": "биоаналоги"})
    theirs = api(other_author).get("/api/v1/search/", {"q": "биоаналоги"})

    assert mine.status_code == 200
    assert [h["title"] for h in mine.json()] == ["Биоаналоги антител"]
    assert theirs.json() == []


def notice_for(person, text="Заявка одобрена") -> Notice:
    return Notice.objects.create(recipient=person, text=text, url="/")


def test_notices_list_and_read_are_the_callers_own(api, author, other_author):
    mine = notice_for(author)
    theirs = notice_for(other_author)

    listed = api(author).get("/api/v1/notices/")
    read = api(author).post(f"/api/v1/notices/{mine.pk}/read/")
    foreign = api(author).post(f"/api/v1/notices/{theirs.pk}/read/")

    theirs.refresh_from_db()
    assert [n["id"] for n in listed.json()["results"]] == [mine.pk]
    assert read.status_code == 200
    assert read.json()["read_at"] is not None
    assert foreign.status_code == 404
    assert theirs.read_at is None


def test_notices_read_all_marks_only_the_callers(api, author, other_author):
    notice_for(author)
    notice_for(author, "Назначено заседание")
    theirs = notice_for(other_author)

    response = api(author).post("/api/v1/notices/read-all/")

    theirs.refresh_from_db()
    assert response.json() == {"marked": 2}
    assert theirs.read_at is None


def test_notices_email_choice_is_saved(api, author):
    response = api(author).post(
        "/api/v1/notices/e-mail/", {"categories": ["decisions"]}, format="json"
    )

    author.refresh_from_db()
    assert response.status_code == 200
    assert response.json() == {"categories": ["decisions"]}
    assert "decisions" not in author.email_muted


def test_proposal_withdraw_state_unchanged_for_others(api, author, other_author):
    proposal = draft_proposal(author)

    response = api(other_author).get(f"/api/v1/proposals/{proposal.pk}/coauthors/")

    assert response.status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.DRAFT

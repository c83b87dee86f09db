"""Calls for proposals: everyone signed in reads them, the programme office opens them, and a
call's page counts its submitted proposals by direction and state."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.models import Direction
from documents import transitions
from documents.models import Call
from documents.services import proposal_create
from tests.factories import CallFactory, draft_proposal


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def call_data(**changes) -> dict:
    return {
        "title_ru": "Приём заявок 2027",
        "title_en": "Call for proposals 2027",
        "directions": [Direction.objects.get(code="pharma").pk],
        "opens_on": "2027-01-10",
        "closes_on": "2027-03-31",
        "first_year": "2027",
        "last_year": "2030",
        "guide": "Опишите проект по разделам.",
        **changes,
    }


def closed_call() -> Call:
    today = timezone.localdate()
    return CallFactory(
        opens_on=today - datetime.timedelta(days=60), closes_on=today - datetime.timedelta(days=1)
    )


# --- List and page -------------------------------------------------------------------------
@pytest.mark.django_db
def test_call_list_offers_a_new_proposal_in_open_calls_only(client, author, cluster):
    open_call, closed = CallFactory(), closed_call()

    response = as_user(client, author).get("/calls/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [(call, can) for call, can in response.context["calls"]] == [
        (open_call, True),
        (closed, False),
    ]
    assert f'href="/calls/{open_call.pk}/proposals/new/"' in html
    assert f'href="/calls/{closed.pk}/proposals/new/"' not in html
    assert 'href="/calls/new/"' not in html


@pytest.mark.django_db
def test_call_list_query_count_is_the_same_for_1_and_10_calls(client, author, cluster):
    CallFactory()
    client = as_user(client, author)
    with_one = call_list_queries(client)

    for _ in range(9):
        CallFactory()
    with_ten = call_list_queries(client)

    assert with_ten == with_one


def call_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/calls/").status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_call_list_offers_the_office_to_open_a_call(client, office):
    response = as_user(client, office).get("/calls/")

    assert 'href="/calls/new/"' in response.content.decode()


@pytest.mark.django_db
def test_call_page_shows_the_guide_and_the_new_proposal_button(client, author, cluster):
    call = CallFactory(guide="Заполните все разделы.\n\nСрок — 30 дней.")

    response = as_user(client, author).get(f"/calls/{call.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Заполните все разделы.</p>" in html
    assert 'data-testid="new-proposal"' in html


@pytest.mark.django_db
def test_call_page_has_no_new_proposal_button_for_a_person_without_organisation(
    client, outsider, cluster
):
    call = CallFactory()

    response = as_user(client, outsider).get(f"/calls/{call.pk}/")

    assert response.status_code == 200
    assert 'data-testid="new-proposal"' not in response.content.decode()


@pytest.mark.django_db
def test_call_page_of_a_closed_call_has_no_new_proposal_button(client, author, cluster):
    call = closed_call()

    response = as_user(client, author).get(f"/calls/{call.pk}/")

    assert 'data-testid="new-proposal"' not in response.content.decode()
    assert as_user(client, author).get(f"/calls/{call.pk}/proposals/new/").status_code == 403


@pytest.mark.django_db
def test_call_page_counts_submitted_proposals_by_direction_and_state(
    client, author, other_author, chair, outsider, cluster
):
    call = CallFactory()
    pharma, ecology = Direction.objects.get(code="pharma"), Direction.objects.get(code="ecology")
    for title in ("Первая", "Вторая"):
        proposal = draft_proposal(author, call=call, title=title)
        transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    withdrawn = draft_proposal(other_author, call=call, title="Отозванная")
    transitions.proposal_submit(proposal_id=withdrawn.pk, by=other_author)
    transitions.proposal_withdraw(proposal_id=withdrawn.pk, by=other_author)
    on_ecology = draft_proposal(other_author, call=call, direction=ecology, title="Экология")
    transitions.proposal_submit(proposal_id=on_ecology.pk, by=other_author)
    proposal_create(by=author, call=call, direction=pharma, title="Черновик не считается")
    draft_proposal(author, title="Другой приём")

    response = as_user(client, outsider).get(f"/calls/{call.pk}/")

    counts = {row.direction: row.counts for row in response.context["rows"]}
    states = response.context["states"]
    assert states[0] == "submitted"
    assert states[-2:] == ["withdrawn", "closed as a duplicate"]
    assert counts[pharma.name_en] == [2, 0, 0, 0, 0, 0, 0, 1, 0]
    assert counts[ecology.name_en] == [1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert response.context["totals"] == [3, 0, 0, 0, 0, 0, 0, 1, 0]
    assert 'data-testid="counts-total">4<' in response.content.decode()


@pytest.mark.django_db
def test_call_page_names_directions_in_english_when_chosen(client, author, cluster):
    call = CallFactory(directions=[Direction.objects.get(code="pharma")])

    response = as_user(client, author).get(f"/calls/{call.pk}/")

    assert [row.direction for row in response.context["rows"]] == [
        Direction.objects.get(code="pharma").name_en
    ]


@pytest.mark.django_db
def test_call_page_that_does_not_exist_is_404(client, author):
    assert as_user(client, author).get("/calls/999999/").status_code == 404


@pytest.mark.django_db
def test_call_pages_ask_anonymous_to_log_in(client, cluster):
    call = CallFactory()

    responses = [client.get(path) for path in ("/calls/", f"/calls/{call.pk}/", "/calls/new/")]

    assert [r.status_code for r in responses] == [302, 302, 302]
    assert all(r.url.startswith("/accounts/login/") for r in responses)


# --- Opening a call ------------------------------------------------------------------------
@pytest.mark.django_db
def test_call_create_is_403_for_an_author(client, author, cluster):
    client = as_user(client, author)

    page = client.get("/calls/new/")
    post = client.post("/calls/new/", call_data())

    assert (page.status_code, post.status_code) == (403, 403)
    assert Call.objects.count() == 0


@pytest.mark.django_db
def test_call_create_by_the_office_opens_the_call(client, office):
    response = as_user(client, office).post("/calls/new/", call_data())

    call = Call.objects.get()
    assert response.status_code == 302
    assert response.url == f"/calls/{call.pk}/"
    assert (call.title_ru, call.opens_on, call.closes_on, call.years) == (
        "Приём заявок 2027",
        datetime.date(2027, 1, 10),
        datetime.date(2027, 3, 31),
        [2027, 2028, 2029, 2030],
    )
    assert [d.code for d in call.directions.all()] == ["pharma"]
    assert call.created_by == office


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"closes_on": "2027-01-01"}, ["__all__"]),
        ({"last_year": "2026"}, ["__all__"]),
        ({"directions": []}, ["directions"]),
        ({"title_ru": ""}, ["title_ru"]),
        ({"first_year": "1999"}, ["first_year"]),
    ],
)
@pytest.mark.django_db
def test_call_create_with_invalid_input_shows_the_error_and_opens_nothing(
    client, office, changes, errors
):
    response = as_user(client, office).post("/calls/new/", call_data(**changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == errors
    assert Call.objects.count() == 0


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.django_db
def test_call_create_page_renders_in_both_languages(client, office, language):
    client.cookies["django_language"] = language

    response = as_user(client, office).get("/calls/new/")

    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()

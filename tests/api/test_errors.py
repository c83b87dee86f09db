"""Every answer under /api/ that is an error is the documented JSON ({code, message} in the
caller's language, Russian by default): an id that is not a number, a path outside the router's
patterns, a method the path does not take, a refused diff, too many requests."""

import pytest
from django.core.cache import cache
from django.http import Http404
from rest_framework.throttling import UserRateThrottle

from api.exceptions import throttled_message
from documents import transitions
from documents.pdf.selectors import get_readable_job_or_404
from documents.selectors import get_visible_proposal_or_404
from meetings.selectors import get_visible_meeting_or_404
from programme.selectors import get_visible_section_or_404, get_visible_version_or_404
from tests.factories import draft_proposal

NOT_FOUND_RU = {"code": "not_found", "message": "Страница не найдена."}
NOT_FOUND_EN = {"code": "not_found", "message": "Not found."}


# --- An id that is not a number names nothing ----------------------------------------------
@pytest.mark.parametrize(
    "lookup",
    [
        get_visible_proposal_or_404,
        get_visible_meeting_or_404,
        get_visible_section_or_404,
        get_visible_version_or_404,
        get_readable_job_or_404,
    ],
)
def test_lookup_of_an_id_that_is_not_a_positive_number_is_not_found(lookup, office):
    for pk in ["abc", "null", "", "1.5", " 1", "1 ", "-1", "0", "١", "9" * 30, None, True]:
        with pytest.raises(Http404):
            lookup(office, pk)


def test_lookup_of_a_numeric_text_id_finds_the_object(cluster, author):
    proposal = draft_proposal(author)

    assert get_visible_proposal_or_404(author, str(proposal.pk)) == proposal


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/proposals/abc/"),
        ("patch", "/api/v1/proposals/abc/"),
        ("post", "/api/v1/proposals/null/transitions/reject/"),
        ("get", "/api/v1/proposals/abc/transitions/"),
        ("get", "/api/v1/proposals/abc/versions/"),
        ("get", "/api/v1/proposals/abc/versions/1/"),
        ("get", "/api/v1/proposals/abc/diff/"),
        ("get", "/api/v1/proposals/abc/reviews/"),
        ("get", "/api/v1/proposals/abc/history/"),
        ("post", "/api/v1/proposals/abc/remarks/"),
        ("get", "/api/v1/proposals/abc/attachments/"),
        ("get", "/api/v1/proposals/abc/attachments/1/file/"),
        ("delete", "/api/v1/proposals/abc/attachments/1/file/"),
        ("post", "/api/v1/proposals/abc/documents/"),
        ("get", "/api/v1/documents/abc/"),
        ("get", "/api/v1/documents/abc/file/"),
        ("post", "/api/v1/documents/abc/retry/"),
        ("get", "/api/v1/sections/abc/"),
        ("post", "/api/v1/sections/abc/transitions/submit/"),
        ("get", "/api/v1/sections/abc/revisions/1/"),
        ("get", "/api/v1/programme-versions/abc/"),
        ("get", "/api/v1/programme-versions/abc/documents/"),
        ("post", "/api/v1/programme-versions/abc/transitions/sign/"),
        ("get", "/api/v1/meetings/abc/"),
        ("get", f"/api/v1/proposals/{'9' * 30}/"),
    ],
)
def test_an_id_that_is_not_a_number_is_a_json_404(api, office, method, path):
    response = getattr(api(office), method)(path, {}, format="json")

    assert response.status_code == 404, response.content
    assert response.json() == NOT_FOUND_RU


# --- Paths outside the router's patterns ---------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/proposals/1.5/",
        "/api/v1/proposals/1.5/remarks/",
        "/api/v1/proposals/1/transitions/Submit/",
        "/api/v1/proposals/1/transitions/no-such-thing/",
        "/api/v1/proposals/1/versions/one/",
        "/api/v1/proposals/1/attachments/x/file/",
        "/api/v1/sections/1/revisions/last/",
        "/api/v1/nothing/",
        "/api/v2/proposals/",
        "/api/",
    ],
)
def test_a_path_outside_the_routes_is_a_json_404_in_russian_by_default(api, office, path):
    response = api(office).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND_RU


def test_a_path_outside_the_routes_is_a_json_404_in_english_when_asked(api, office):
    response = api(office).post("/api/v1/proposals/1.5/remarks/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND_EN


def test_a_path_outside_the_api_keeps_the_html_404_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/proposals/1/"),
        ("delete", "/api/v1/directions/"),
        ("post", "/api/v1/bodies/"),
        ("post", "/api/schema/"),
        ("delete", "/api/docs/"),
    ],
)
def test_a_method_the_path_does_not_take_is_a_json_405(api, office, method, path):
    response = getattr(api(office), method)(path)

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "method_not_allowed"
    assert response.json()["message"].startswith("Метод")


# --- Messages in the caller's language -----------------------------------------------------
@pytest.fixture
def versioned(cluster, author):
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "У заявки нет версии «7»."),
        ("en", "The proposal has no version “7”."),
    ],
)
def test_diff_refusal_names_the_value_given(api, author, versioned, language, message):
    response = api(author).get(
        f"/api/v1/proposals/{versioned.pk}/diff/",
        {"before": "1", "after": "7"},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"after": [message]}


@pytest.fixture
def one_request_an_hour(monkeypatch):
    """The throttle's history (in the cache) starts empty and is forgotten afterwards."""
    monkeypatch.setitem(UserRateThrottle.THROTTLE_RATES, "user", "1/hour")
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ru", "Слишком много запросов: повторите через 3600 секунд."),
        ("en", "Too many requests: try again in 3600 seconds."),
    ],
)
def test_too_many_requests_are_refused_in_the_callers_language(
    api, office, one_request_an_hour, language, message
):
    client = api(office)
    client.get("/api/v1/directions/")

    response = client.get("/api/v1/directions/", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 429
    assert response.json() == {"code": "throttled", "message": message}
    assert response["Retry-After"] == "3600"


@pytest.mark.parametrize(
    ("wait", "message"),
    [
        (1, "Слишком много запросов: повторите через 1 секунду."),
        (3, "Слишком много запросов: повторите через 3 секунды."),
        (11, "Слишком много запросов: повторите через 11 секунд."),
        (21, "Слишком много запросов: повторите через 21 секунду."),
        (259, "Слишком много запросов: повторите через 259 секунд."),
        (None, "Слишком много запросов: повторите позже."),
    ],
)
def test_the_wait_is_pluralised_in_russian(wait, message):
    assert throttled_message(wait) == message


# --- Pages ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", ["true", "abc", "", "0", "-1", "1.5", " 5"])
def test_a_page_size_that_is_not_a_whole_number_of_1_or_more_is_refused(api, office, cluster, size):
    response = api(office).get("/api/v1/bodies/", {"page_size": size})

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == {
        "page_size": ["Укажите целое число строк, не меньше 1 (больше 200 не выдаётся)."]
    }


@pytest.mark.parametrize(("size", "rows"), [("1", 1), ("200", 10), ("9" * 30, 10)])
def test_a_page_size_of_1_or_more_is_kept(api, office, cluster, size, rows):
    response = api(office).get("/api/v1/bodies/", {"page_size": size})

    assert response.status_code == 200
    assert len(response.json()["results"]) == rows


def test_the_schema_states_the_least_page_size_and_the_refusal(api, office):
    schema = api(office).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = schema["paths"]["/api/v1/bodies/"]["get"]["parameters"]
    size = next(p for p in parameters if p["name"] == "page_size")

    assert size["schema"]["minimum"] == 1
    assert "400" in schema["paths"]["/api/v1/bodies/"]["get"]["responses"]


# --- Filters -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/meetings/", "after"),
        ("/api/v1/meetings/", "body"),
        ("/api/v1/proposals/", "decided_before"),
        ("/api/v1/proposals/", "call"),
    ],
)
def test_a_filter_given_with_no_value_is_refused(api, office, path, name):
    response = api(office).get(path, {name: ""})

    assert response.status_code == 400
    assert response.json()["errors"] == {name: ["Укажите значение или не передавайте параметр."]}


def test_a_filter_left_out_does_not_narrow_the_list(api, office):
    response = api(office).get("/api/v1/meetings/")

    assert response.status_code == 200

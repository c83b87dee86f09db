"""The OpenAPI schema: generated without a warning, every operation documented with its
answers (success and refusals), every path answering as documented, the documentation page
served from our own static files."""

import re

import pytest
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator

from documents.uploads import ALLOWED
from tests.api.conftest import api_as
from tests.test_routes import assert_security_headers

METHODS = ("get", "post", "patch", "put", "delete")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))

    assert (tmp_path / "s.yml").read_text().startswith("openapi: 3")


def test_the_resources_of_the_issue_are_in_the_schema(schema):
    paths = set(schema["paths"])

    for expected in [
        "/api/v1/directions/",
        "/api/v1/bodies/",
        "/api/v1/instruments/",
        "/api/v1/services/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{id}/",
        "/api/v1/proposals/{id}/versions/",
        "/api/v1/proposals/{id}/versions/{number}/",
        "/api/v1/proposals/{id}/diff/",
        "/api/v1/proposals/{id}/reviews/",
        "/api/v1/proposals/{id}/attachments/",
        "/api/v1/proposals/{id}/history/",
        "/api/v1/proposals/{id}/transitions/",
        "/api/v1/proposals/{id}/transitions/{name}/",
        "/api/v1/sections/{id}/transitions/{name}/",
        "/api/v1/programme-versions/{id}/transitions/{name}/",
        "/api/v1/meetings/",
        "/api/v1/documents/{id}/",
        "/api/v1/documents/{id}/file/",
    ]:
        assert expected in paths


# Operations anyone may call without credentials, each for a reason.
PUBLIC = {
    # The verification of a document: a reader outside the system checks a PDF they were sent.
    ("/api/v1/verify/", "post"),
}
# The programme office's own lists: anyone else is refused (403), not shown an empty list.
OFFICE_ONLY = {
    "/api/v1/notice-texts/",
    "/api/v1/outbox/",
    "/api/v1/sent-mail/",
    "/api/v1/organisations/",
    "/api/v1/overdue/",
    # and organisations' contact persons, each for their own organisation's people
    "/api/v1/affiliations/",
}
# Decisions whose rule does not depend on the object: refused (403) before anything is looked
# up, as their pages are, so that nobody learns which organisations or logins exist.
REFUSED_BEFORE_LOOKUP = {
    ("/api/v1/organisations/{id}/confirm/", "post"),
    ("/api/v1/organisations/{id}/reject/", "post"),
    ("/api/v1/affiliations/{username}/confirm/", "post"),
    ("/api/v1/affiliations/{username}/refuse/", "post"),
}


def test_every_operation_documents_its_answers(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        where = f"{method.upper()} {path}"
        assert any(code.startswith("2") for code in codes), where
        if (path, method) in PUBLIC:
            assert "401" not in codes, where
            assert {"400", "429"} <= codes, where
            continue
        assert "401" in codes, where
        if "{" in path:
            assert "404" in codes, where
        if method != "get":
            assert {"403", "409"} & codes, where
        if "requestBody" in operation and method in ("post", "patch"):
            assert "400" in codes or path.endswith("/retry/"), where
        for code, answer in operation["responses"].items():
            assert answer.get("description") or answer.get("content"), f"{where} {code}"


def test_every_refusal_is_documented_with_the_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, method, operation in operations(schema):
        for code, answer in operation["responses"].items():
            if code[0] in "45":
                assert answer["content"]["application/json"]["schema"] == error, (
                    f"{method.upper()} {path} {code}"
                )


def test_transitions_are_named_in_the_schema(schema):
    parameters = schema["paths"]["/api/v1/proposals/{id}/transitions/{name}/"]["post"]["parameters"]
    name = next(p for p in parameters if p["name"] == "name")

    assert "submit" in name["schema"]["enum"]
    assert "governance_approve" in name["schema"]["enum"]


def _sample(path: str) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda m: "submit" if m.group() == "{name}" else "1", path)


@pytest.mark.django_db
def test_every_path_refuses_a_request_without_credentials(schema):
    client = api_as(None)
    for path, method, _operation in operations(schema):
        response = getattr(client, method)(_sample(path), {}, format="json")

        if (path, method) in PUBLIC:  # answered, here refused for its JSON body
            assert response.status_code == 415, f"{method.upper()} {path}"
            continue
        assert response.status_code == 401, f"{method.upper()} {path}"
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


# Reads whose page is refused to an outsider (403) rather than shown empty: the register.
REFUSED_READS = {("/api/v1/exports/register/", "get")}
# Writes on the caller's own things, which everyone may do: marking one's notices read.
OWN_WRITES = {("/api/v1/notices/read-all/", "post")}


@pytest.mark.django_db
def test_every_path_is_a_404_or_an_empty_list_for_an_outsider_where_nothing_exists(
    schema, outsider
):
    client = api_as(outsider)
    for path, method, _operation in operations(schema):
        response = getattr(client, method)(_sample(path), {}, format="json")

        assert_security_headers(response)
        if (path, method) in PUBLIC:
            assert response.status_code == 415, f"{method.upper()} {path}"
        elif (path, method) in REFUSED_BEFORE_LOOKUP:
            assert response.status_code == 403, f"{method.upper()} {path}"
        elif "{" in path:
            assert response.status_code == 404, f"{method.upper()} {path}"
        elif path in OFFICE_ONLY or (path, method) in REFUSED_READS:
            assert response.status_code == 403, f"{method.upper()} {path}"
        elif (path, method) in OWN_WRITES or method == "get":
            assert response.status_code == 200, f"{method.upper()} {path}"
        else:
            assert response.status_code in (400, 403), f"{method.upper()} {path}"


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_served_from_our_own_files(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")
    script = client.get("/api/docs/?script=")

    assert schema.status_code == 200
    assert b"/api/v1/proposals/" in schema.content
    assert docs.status_code == 200
    page = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css" in page
    assert not re.search(r"(src|href)=\"https?://", page)
    assert "<script>" not in page  # no inline script: the page's code is a separate request
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


# --- What the answers hold, as they are sent -----------------------------------------------
def component(schema, reference: dict) -> dict:
    return schema["components"]["schemas"][reference["$ref"].rsplit("/", 1)[-1]]


def test_references_that_may_be_empty_are_nullable(schema):
    item = schema["components"]["schemas"]["AgendaItem"]["properties"]
    task = schema["components"]["schemas"]["Task"]["properties"]

    assert item["proposal"]["nullable"] is True
    assert item["programme_version"]["nullable"] is True
    assert item["section"]["nullable"] is True
    assert task["responsible_body"]["nullable"] is True
    assert task["responsible_person"]["nullable"] is True


def test_proposal_patch_requires_the_revision_read(schema):
    body = schema["paths"]["/api/v1/proposals/{id}/"]["patch"]["requestBody"]

    assert body["required"] is True
    for content in body["content"].values():
        assert component(schema, content["schema"])["required"] == ["edition"]


def test_paginated_lists_document_the_404_of_a_page_past_the_end(schema):
    paginated = [
        (path, operation)
        for path, method, operation in operations(schema)
        if any(p["name"] == "page" for p in operation.get("parameters", []))
    ]

    # with opinions, the outbox, sent mail, one's notices, organisations and affiliations
    assert len(paginated) == 15
    for path, operation in paginated:
        assert "404" in operation["responses"], path


def test_every_operation_documents_429(schema):
    for path, method, operation in operations(schema):
        assert "429" in operation["responses"], f"{method.upper()} {path}"


def test_attachment_download_declares_the_types_it_sends(schema):
    path = "/api/v1/proposals/{id}/attachments/{attachment}/file/"
    answer = schema["paths"][path]["get"]["responses"]["200"]

    assert set(answer["content"]) == set(ALLOWED.values())


def test_operations_that_read_a_body_document_415(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert "415" in operation["responses"], f"{method.upper()} {path}"


@pytest.mark.django_db
def test_a_body_in_a_type_the_api_does_not_read_is_a_documented_415(cluster, author):
    response = api_as(author).generic(
        "POST", "/api/v1/proposals/", "title=x", content_type="text/plain"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"

"""Everything a person can do on the pages can be done through /api/v1/ (issue 18). The site's
URL table is walked: every named route of a page (one that shows data, or one that performs an
action: a view that accepts POST) maps to the API operations that do the same, or stands in the
list of deliberate exceptions with its reason. A route with neither fails, as does a mapping to
an operation the OpenAPI schema does not have, and an action route mapped to reads only."""

import inspect

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

V1 = "/api/v1"

# page route name -> the API operations that do what it does ("METHOD /api/v1/…").
COVERAGE: dict[str, list[str]] = {
    "home": [f"GET {V1}/proposals/", f"GET {V1}/meetings/", f"GET {V1}/notices/"],
    # The cluster directory
    "directory:overview": [f"GET {V1}/directions/", f"GET {V1}/bodies/"],
    # Calls and the import
    "documents:call-list": [f"GET {V1}/calls/"],
    "documents:call-create": [f"POST {V1}/calls/"],
    "documents:call-detail": [f"GET {V1}/calls/{{id}}/"],
    "documents:call-blind-review": [f"POST {V1}/calls/{{id}}/blind-review/"],
    "documents:proposals-import": [f"POST {V1}/calls/{{id}}/import/"],
    "documents:proposals-import-template": [f"GET {V1}/calls/{{id}}/import-template/"],
    # Proposals: the authors
    "documents:my-proposals": [f"GET {V1}/proposals/"],
    "documents:proposal-create": [f"POST {V1}/proposals/"],
    "documents:proposal-detail": [
        f"GET {V1}/proposals/{{id}}/",
        f"GET {V1}/proposals/{{id}}/history/",
    ],
    "documents:proposal-edit": [f"PATCH {V1}/proposals/{{id}}/"],
    "documents:proposal-coauthors": [f"POST {V1}/proposals/{{id}}/coauthors/"],
    "documents:attachment-upload": [f"POST {V1}/proposals/{{id}}/attachments/"],
    "documents:attachment-download": [
        f"GET {V1}/proposals/{{id}}/attachments/{{attachment}}/file/"
    ],
    "documents:attachment-delete": [
        f"DELETE {V1}/proposals/{{id}}/attachments/{{attachment}}/file/"
    ],
    "documents:remarks-answer": [f"POST {V1}/proposals/{{id}}/remarks/"],
    "documents:proposal-submit": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-withdraw": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:version-detail": [f"GET {V1}/proposals/{{id}}/versions/{{number}}/"],
    "documents:version-diff": [f"GET {V1}/proposals/{{id}}/diff/"],
    # Proposals: the groups, the office, the governance body
    "documents:group-inbox": [f"GET {V1}/proposals/"],
    "documents:assigned": [f"GET {V1}/proposals/"],
    "documents:governance-queue": [f"GET {V1}/proposals/"],
    "documents:proposal-assign": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-review": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-decide": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-send-to-governance": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-governance-decide": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-conflict": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-move": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:proposal-duplicate": [f"POST {V1}/proposals/{{id}}/transitions/{{name}}/"],
    "documents:review-dashboard": [f"GET {V1}/proposals/", f"GET {V1}/proposals/{{id}}/reviews/"],
    "documents:reviews-export": [f"GET {V1}/exports/reviews/{{group}}/"],
    "documents:register": [f"GET {V1}/proposals/"],
    "documents:register-export": [f"GET {V1}/exports/register/"],
    # PDF documents
    "documents:document-request": [f"POST {V1}/proposals/{{id}}/documents/"],
    "documents:document-job": [f"GET {V1}/documents/{{id}}/"],
    "documents:document-job-status": [f"GET {V1}/documents/{{id}}/"],
    "documents:document-download": [f"GET {V1}/documents/{{id}}/file/"],
    "documents:document-retry": [f"POST {V1}/documents/{{id}}/retry/"],
    "documents:search": [f"GET {V1}/search/"],
    # The programme
    "programme:overview": [f"GET {V1}/sections/", f"GET {V1}/programme-versions/"],
    "programme:section-add": [f"POST {V1}/sections/"],
    "programme:section-detail": [f"GET {V1}/sections/{{id}}/"],
    "programme:section-edit": [f"POST {V1}/sections/{{id}}/text/"],
    "programme:section-preview": [f"POST {V1}/sections/{{id}}/preview/"],
    "programme:section-decide": [f"POST {V1}/sections/{{id}}/transitions/{{name}}/"],
    "programme:section-move": [f"POST {V1}/sections/{{id}}/move/"],
    "programme:section-remove": [f"POST {V1}/sections/{{id}}/remove/"],
    "programme:section-diff": [f"GET {V1}/sections/{{id}}/revisions/{{number}}/"],
    "programme:version-create": [f"POST {V1}/programme-versions/"],
    "programme:version-compare": [f"GET {V1}/programme-versions/{{id}}/"],
    "programme:version-detail": [f"GET {V1}/programme-versions/{{id}}/"],
    "programme:version-decide": [f"POST {V1}/programme-versions/{{id}}/transitions/{{name}}/"],
    "programme:version-document": [f"POST {V1}/programme-versions/{{id}}/documents/"],
    "programme:version-registry-export": [f"GET {V1}/programme-versions/{{id}}/registry/"],
    "programme:version-summary": [f"GET {V1}/programme-versions/{{id}}/summary/"],
    # Meetings
    "meetings:list": [f"GET {V1}/meetings/"],
    "meetings:plan": [f"POST {V1}/meetings/"],
    "meetings:detail": [f"GET {V1}/meetings/{{id}}/", f"GET {V1}/meetings/{{id}}/transitions/"],
    "meetings:ics": [f"GET {V1}/meetings/{{id}}/invitation/"],
    "meetings:minutes": [f"POST {V1}/meetings/{{id}}/minutes/"],
    "meetings:proxy-grant": [f"POST {V1}/meetings/{{id}}/proxies/"],
    "meetings:act": [f"POST {V1}/meetings/{{id}}/transitions/{{name}}/"],
    "meetings:item-ballot": [f"GET {V1}/meetings/{{id}}/ballots/"],
    "meetings:ballot-open": [f"POST {V1}/meetings/{{id}}/ballots/open/"],
    "meetings:ballot-vote": [f"POST {V1}/meetings/{{id}}/ballots/{{ballot}}/vote/"],
    "meetings:ballot-paper": [f"POST {V1}/meetings/{{id}}/ballots/{{ballot}}/paper/"],
    "meetings:ballot-all-in-favour": [
        f"POST {V1}/meetings/{{id}}/ballots/{{ballot}}/all-in-favour/"
    ],
    "meetings:ballot-close": [f"POST {V1}/meetings/{{id}}/ballots/{{ballot}}/close/"],
    "meetings:ballot-cancel": [f"POST {V1}/meetings/{{id}}/ballots/{{ballot}}/cancel/"],
    "meetings:proxy-revoke": [f"POST {V1}/meetings/{{id}}/proxies/{{proxy}}/revoke/"],
    "meetings:task-done": [f"POST {V1}/tasks/{{id}}/done/"],
    # Notices
    "workflow:notices": [f"GET {V1}/notices/"],
    "workflow:notice-open": [f"POST {V1}/notices/{{id}}/read/"],
    "workflow:notices-read-all": [f"POST {V1}/notices/read-all/"],
    "workflow:email-notices": [f"POST {V1}/notices/e-mail/"],
    # Questions of a call and their answers
    "documents:question-add": [f"POST {V1}/calls/{{call_pk}}/questions/"],
    "documents:question-edit": [f"PUT {V1}/calls/{{call_pk}}/questions/{{id}}/"],
    "documents:question-delete": [f"DELETE {V1}/calls/{{call_pk}}/questions/{{id}}/"],
    "documents:question-move": [f"POST {V1}/calls/{{call_pk}}/questions/reorder/"],
    # Reviews changed, the discussion, the files of frozen versions
    "documents:review-change": [f"POST {V1}/proposals/{{proposal}}/review-changes/"],
    "documents:discussion-post": [f"POST {V1}/proposals/{{proposal}}/discussion/"],
    "documents:discussion-entry-edit": [f"PATCH {V1}/proposals/{{proposal}}/discussion/{{id}}/"],
    "documents:version-attachment-download": [
        f"GET {V1}/proposals/{{proposal}}/versions/{{number}}/attachments/{{id}}/file/"
    ],
    # Opinions of infrastructure groups
    "documents:opinion-list": [f"GET {V1}/opinions/"],
    "documents:opinion-give": [f"POST {V1}/opinions/{{id}}/transitions/{{name}}/"],
    "documents:opinion-assign": [f"POST {V1}/opinions/{{id}}/transitions/{{name}}/"],
    "documents:opinion-waive": [f"POST {V1}/opinions/{{id}}/transitions/{{name}}/"],
    # Notice texts, the outbox, the e-mails sent (the programme office)
    "documents:notice-texts": [f"GET {V1}/notice-texts/"],
    "documents:notice-text-edit": [
        f"GET {V1}/notice-texts/{{kind}}/",
        f"PUT {V1}/notice-texts/{{kind}}/{{language}}/",
        f"POST {V1}/notice-texts/{{kind}}/preview/",
    ],
    "documents:notice-text-reset": [f"POST {V1}/notice-texts/{{kind}}/{{language}}/reset/"],
    "documents:outbox": [f"GET {V1}/outbox/"],
    "documents:outbox-compose": [f"POST {V1}/outbox/"],
    "documents:outbox-detail": [f"GET {V1}/outbox/{{id}}/"],
    "documents:outbox-send": [f"POST {V1}/outbox/{{id}}/send/"],
    "documents:outbox-discard": [f"POST {V1}/outbox/{{id}}/discard/"],
    "documents:mail-list": [f"GET {V1}/sent-mail/"],
    "documents:mail-retry": [f"POST {V1}/sent-mail/{{id}}/retry/"],
    # Documents' signatures
    "signing:verify": [f"POST {V1}/verify/"],
}

# Deliberate exceptions: pages with no API operation, and why.
EXCEPTIONS: dict[str, str] = {
    # Signing in and the person's own account: a script is its person's token, issued and
    # revoked by that person on the site; passwords and sign-up are for people, not scripts.
    "accounts:login": "a session for a browser; the API authenticates by token",
    "accounts:logout": "ends a browser's session",
    "accounts:signup": "a person signs up themselves, with e-mail confirmation",
    "accounts:signup-confirm": "the link of the sign-up e-mail",
    "accounts:signup-resend": "the sign-up e-mail again",
    "accounts:profile": "the person's own account (name, organisation), kept to the site",
    "accounts:password-change": "passwords are for people; a token needs none",
    "accounts:password-change-done": "a confirmation page",
    "accounts:password-reset": "passwords are for people",
    "accounts:password-reset-done": "a confirmation page",
    "accounts:password-reset-confirm": "the link of the reset e-mail",
    "accounts:password-reset-complete": "a confirmation page",
    "tokens:issue": "a token is issued by its person on the site, never by another token",
    "tokens:revoke": "revoked by its person on the site (a stolen token cannot keep itself)",
    # The machinery of the site
    "set_language": "the interface's language: the API follows Accept-Language",
    "health": "the load balancer's probe, not a page",
}
EXCEPTED_NAMESPACES = {
    "admin": "Django's admin: the operators' tool, outside the product's rules",
    "api": "the API itself",
}

# Page actions the API does not offer yet (issue 18, for the lead): this list must shrink to
# nothing; the xfail below turns red once it is wrong.
MISSING: dict[str, str] = {
    "directory:organisation-review": "the office's list of organisations to confirm",
    "directory:organisation-confirm": "confirming an organisation",
    "directory:organisation-reject": "rejecting an organisation",
    "directory:organisation-edit": "editing an organisation",
    "directory:affiliation-review": "the list of affiliations to confirm",
    "directory:affiliation-confirm": "confirming a person's affiliation",
    "directory:affiliation-refuse": "refusing a person's affiliation",
    "documents:review-dashboard-assign": "assigning experts to many proposals at once",
    "workflow:overdue": "the office's list of overdue deadlines and tasks",
}


def methods_of(callback) -> set[str]:
    """The methods a view accepts: a class-based view's handlers, a function view's
    require_http_methods (require_POST, require_safe) list, or, for a function view without
    one, GET and POST if it reads what is posted (GET only otherwise)."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} - {
            "OPTIONS",
            "HEAD",
        }
    function = callback
    while function is not None:
        allowed = inspect.getclosurevars(function).nonlocals.get("request_method_list")
        if allowed is not None:
            return set(allowed) - {"HEAD"}
        innermost, function = function, getattr(function, "__wrapped__", None)
    source = inspect.getsource(innermost)
    return {"GET", "POST"} if "request.POST" in source or "request.method" in source else {"GET"}


def page_routes() -> dict[str, set[str]]:
    """Every named route of the site (namespaced) with the methods its view accepts."""

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if (pattern.namespace or "") in EXCEPTED_NAMESPACES:
                    continue
                yield from walk(pattern, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name, methods_of(pattern.callback)

    return dict(walk(get_resolver()))


def schema_operations() -> set[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }


def test_every_page_route_has_an_api_operation_or_a_reason():
    routes = page_routes()

    unmapped = sorted(set(routes) - set(COVERAGE) - set(EXCEPTIONS) - set(MISSING))

    assert unmapped == []


def test_every_mapped_operation_is_in_the_schema():
    operations = schema_operations()

    absent = sorted(
        (name, operation)
        for name, mapped in COVERAGE.items()
        for operation in mapped
        if operation not in operations
    )

    assert absent == []


def test_every_action_route_maps_to_a_write():
    routes = page_routes()

    reads_only = sorted(
        name
        for name, mapped in COVERAGE.items()
        if "POST" in routes.get(name, set())
        and not any(operation.split()[0] != "GET" for operation in mapped)
        and name not in READ_PAGES_THAT_POST
    )

    assert reads_only == []


# Pages whose POST only reads (a filter form posted): their GET operations suffice.
READ_PAGES_THAT_POST: set[str] = set()


def test_the_lists_name_routes_that_exist():
    routes = page_routes()

    stale = sorted((set(COVERAGE) | set(EXCEPTIONS) | set(MISSING)) - set(routes))

    assert stale == []


def test_the_route_methods_are_read_from_the_views():
    routes = page_routes()

    assert routes["meetings:act"] == {"POST"}
    assert routes["meetings:detail"] == {"GET"}
    assert routes["programme:section-edit"] == {"GET", "POST"}
    assert routes["workflow:notices"] == {"GET"}


@pytest.mark.xfail(strict=True, reason="page actions the API does not offer yet: see MISSING")
def test_no_page_action_is_missing_from_the_api():
    assert MISSING == {}

"""Every route of the site is in this table with who may open it; a new route without an
entry fails the suite, so nobody adds a page without deciding who may see it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

LOGIN = "login"  # redirected to the login page
# route name -> (GET as anonymous, as outsider, as programme office). 405: POST only.
ROUTES = {
    "home": (LOGIN, 200, 200),
    "health": (200, 200, 200),
    "accounts:login": (200, 302, 302),
    "accounts:logout": (405, 405, 405),
    "accounts:signup": (200, 302, 302),
    "accounts:signup-confirm": (200, 200, 200),
    "accounts:signup-resend": (200, 200, 200),
    "accounts:profile": (LOGIN, 200, 200),
    "accounts:password-change": (LOGIN, 200, 200),
    "accounts:password-change-done": (LOGIN, 200, 200),
    "accounts:password-reset": (200, 200, 200),
    "accounts:password-reset-done": (200, 200, 200),
    "accounts:password-reset-confirm": (200, 200, 200),
    "accounts:password-reset-complete": (200, 200, 200),
    "tokens:issue": (LOGIN, 405, 405),
    "tokens:revoke": (LOGIN, 405, 405),
    "directory:overview": (LOGIN, 200, 200),
    "directory:organisation-review": (LOGIN, 403, 200),
    "directory:organisation-confirm": (LOGIN, 405, 405),
    "directory:organisation-reject": (LOGIN, 405, 405),
    "directory:organisation-edit": (LOGIN, 403, 403),
    "directory:affiliation-review": (LOGIN, 403, 200),
    "directory:affiliation-confirm": (LOGIN, 405, 405),
    "directory:affiliation-refuse": (LOGIN, 405, 405),
    "documents:call-list": (LOGIN, 200, 200),
    "documents:call-create": (LOGIN, 403, 200),
    "documents:call-detail": (LOGIN, 404, 404),
    "documents:proposals-import": (LOGIN, 403, 404),
    "documents:call-blind-review": (LOGIN, 405, 405),
    "documents:proposals-import-template": (LOGIN, 403, 404),
    "documents:question-add": (LOGIN, 404, 404),
    "documents:question-edit": (LOGIN, 404, 404),
    "documents:question-delete": (LOGIN, 405, 405),
    "documents:question-move": (LOGIN, 405, 405),
    "documents:my-proposals": (LOGIN, 200, 200),
    "documents:proposal-create": (LOGIN, 404, 404),
    "documents:proposal-detail": (LOGIN, 404, 404),
    "documents:proposal-edit": (LOGIN, 404, 404),
    "documents:proposal-coauthors": (LOGIN, 404, 404),
    "documents:attachment-upload": (LOGIN, 405, 405),
    "documents:attachment-download": (LOGIN, 404, 404),
    "documents:attachment-delete": (LOGIN, 405, 405),
    "documents:remarks-answer": (LOGIN, 404, 404),
    "documents:proposal-submit": (LOGIN, 404, 404),
    "documents:proposal-withdraw": (LOGIN, 404, 404),
    "documents:version-detail": (LOGIN, 404, 404),
    "documents:version-diff": (LOGIN, 404, 404),
    "documents:version-attachment-download": (LOGIN, 404, 404),
    "documents:review-change": (LOGIN, 404, 404),
    "documents:discussion-post": (LOGIN, 405, 405),
    "documents:discussion-entry-edit": (LOGIN, 404, 404),
    "documents:group-inbox": (LOGIN, 403, 403),
    "documents:assigned": (LOGIN, 403, 403),
    "documents:proposal-assign": (LOGIN, 404, 404),
    "documents:proposal-review": (LOGIN, 404, 404),
    "documents:proposal-decide": (LOGIN, 404, 404),
    "documents:proposal-send-to-governance": (LOGIN, 404, 404),
    "documents:governance-queue": (LOGIN, 403, 200),
    "documents:proposal-governance-decide": (LOGIN, 404, 404),
    "documents:proposal-conflict": (LOGIN, 404, 404),
    "documents:proposal-move": (LOGIN, 404, 404),
    "documents:proposal-duplicate": (LOGIN, 404, 404),
    # of wg-pharma (SAMPLE_ARGS): its leaders; the office reads, does not assign in bulk
    "documents:review-dashboard": (LOGIN, 403, 200),
    "documents:opinion-list": (LOGIN, 403, 200),
    "documents:opinion-give": (LOGIN, 404, 404),
    "documents:opinion-assign": (LOGIN, 404, 404),
    "documents:opinion-waive": (LOGIN, 404, 404),
    "documents:review-dashboard-assign": (LOGIN, 403, 403),
    "documents:reviews-export": (LOGIN, 403, 200),
    "documents:document-request": (LOGIN, 405, 405),
    "documents:document-job": (LOGIN, 404, 404),
    "documents:document-job-status": (LOGIN, 404, 404),
    "documents:document-download": (LOGIN, 404, 404),
    "documents:document-retry": (LOGIN, 405, 405),
    "documents:search": (LOGIN, 200, 200),
    "documents:register": (LOGIN, 403, 200),
    "documents:register-export": (LOGIN, 403, 200),
    "programme:overview": (LOGIN, 403, 200),
    "programme:section-add": (LOGIN, 404, 404),  # no programme yet
    "programme:section-detail": (LOGIN, 404, 404),
    "programme:section-edit": (LOGIN, 404, 404),
    "programme:section-preview": (LOGIN, 405, 405),
    "programme:section-decide": (LOGIN, 405, 405),
    "programme:section-move": (LOGIN, 405, 405),
    "programme:section-remove": (LOGIN, 405, 405),
    "programme:section-diff": (LOGIN, 404, 404),
    "programme:version-create": (LOGIN, 405, 405),
    "programme:version-compare": (LOGIN, 404, 404),
    "programme:version-detail": (LOGIN, 404, 404),
    "programme:version-decide": (LOGIN, 405, 405),
    "programme:version-document": (LOGIN, 405, 405),
    "programme:version-registry-export": (LOGIN, 404, 404),
    "programme:version-summary": (LOGIN, 404, 404),
    "meetings:list": (LOGIN, 403, 200),
    "meetings:plan": (LOGIN, 403, 403),  # a body's secretary or chair plans its meetings
    "meetings:detail": (LOGIN, 404, 404),
    "meetings:ics": (LOGIN, 404, 404),
    "meetings:act": (LOGIN, 405, 405),
    "meetings:minutes": (LOGIN, 405, 405),
    "meetings:proxy-grant": (LOGIN, 405, 405),
    "meetings:proxy-revoke": (LOGIN, 405, 405),
    "meetings:item-ballot": (LOGIN, 404, 404),
    "meetings:ballot-open": (LOGIN, 405, 405),
    "meetings:ballot-vote": (LOGIN, 405, 405),
    "meetings:ballot-paper": (LOGIN, 405, 405),
    "meetings:ballot-all-in-favour": (LOGIN, 405, 405),
    "meetings:ballot-close": (LOGIN, 405, 405),
    "meetings:ballot-cancel": (LOGIN, 405, 405),
    "meetings:task-done": (LOGIN, 405, 405),
    "workflow:notices": (LOGIN, 200, 200),
    "workflow:notice-open": (LOGIN, 405, 405),
    "workflow:notices-read-all": (LOGIN, 405, 405),
    "workflow:overdue": (LOGIN, 403, 200),
    "workflow:email-notices": (LOGIN, 200, 200),
    "documents:notice-texts": (LOGIN, 403, 200),
    "documents:notice-text-edit": (LOGIN, 403, 404),
    "documents:notice-text-reset": (LOGIN, 405, 405),
    "documents:outbox": (LOGIN, 403, 200),
    "documents:outbox-compose": (LOGIN, 403, 200),
    "documents:outbox-detail": (LOGIN, 403, 404),
    "documents:outbox-send": (LOGIN, 405, 405),
    "documents:outbox-discard": (LOGIN, 405, 405),
    "documents:mail-list": (LOGIN, 403, 200),
    "documents:mail-retry": (LOGIN, 405, 405),
    "set_language": (LOGIN, 302, 302),
    "signing:verify": (200, 200, 200),  # public: anyone verifies a document
}
SAMPLE_ARGS = {
    "token": "abc",
    "uidb64": "MQ",
    "pk": 1,
    "number": 1,
    "kind": "passport",
    "language": "ru",
    "action": "publish",
    "fmt": "csv",
    "group": "wg-pharma",
    "attachment": 1,
    "entry": 1,
}
# Django's own admin, guarded by is_staff; the REST API, whose every path in its schema is
# requested in tests/api/test_schema.py.
SKIPPED_NAMESPACES = {"admin", "api"}


def named_routes(resolver=None, namespace=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def test_every_route_is_in_the_table():
    assert {name for name, _ in named_routes()} == set(ROUTES)


def path_of(name: str, pattern: URLPattern) -> str:
    from django.urls import reverse

    kwargs = {key: SAMPLE_ARGS[key] for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.django_db
def test_route_access(client, name, outsider, office, proposed_organisation):
    pattern = dict(named_routes())[name]
    path = path_of(name, pattern).replace("/1/", f"/{proposed_organisation.pk}/")
    if name == "set_language":
        path_status = [client.post(path, {"language": "ru"})]
    else:
        path_status = [client.get(path)]
    for user in (outsider, office):
        client.force_login(user)
        if name == "set_language":
            path_status.append(client.post(path, {"language": "ru"}))
        else:
            path_status.append(client.get(path))
        client.logout()

    for response in path_status:
        assert_security_headers(response)
    got = []
    for response in path_status:
        if response.status_code == 302 and "/accounts/login/" in response.url:
            got.append(LOGIN)
        else:
            got.append(response.status_code)
    expected = list(ROUTES[name])
    if name == "set_language":
        expected[0] = 302  # switching language needs no login
    assert got == expected


def assert_security_headers(response) -> None:
    """What every answer carries, pages, redirects, refusals and downloads alike."""
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"

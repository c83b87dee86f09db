"""Every page each role uses, on a 390 px phone: nothing scrolls sideways and axe-core finds
no serious or critical violation (the check of tests/browser/conftest.py); and on a 1366 px
screen the menu is one row with the current page marked.

The pages come from the URL table: every route a role can open with GET and that answers with a
whole HTML page, its objects taken from the demo cluster (`load_demo`: calls, proposals in
every state, the programme with its versions, meetings with ballots), which has one object of
each kind and long real Russian texts."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import User
from directory.models import Body, Membership, Organisation
from documents.models import Call, CallQuestion, Opinion, Proposal, RenderJob
from meetings.models import AgendaItem, Ballot, Meeting
from programme.models import ProgrammeVersion, Section
from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}

# Route -> the objects whose pages to try, as URL keyword arguments.
OBJECTS = {
    "documents:call-detail": lambda: [
        {"pk": pk} for pk in Call.objects.values_list("pk", flat=True)
    ],
    "documents:proposal-create": lambda: OBJECTS["documents:call-detail"](),
    "documents:proposals-import": lambda: OBJECTS["documents:call-detail"](),
    "documents:question-add": lambda: OBJECTS["documents:call-detail"](),
    "documents:question-edit": lambda: [
        {"pk": pk} for pk in CallQuestion.objects.values_list("pk", flat=True)[:5]
    ],
    "documents:version-detail": lambda: [{"pk": pk, "number": 1} for pk in _proposals()],
    "documents:document-job": lambda: [
        {"pk": pk} for pk in RenderJob.objects.values_list("pk", flat=True)[:5]
    ],
    "programme:section-detail": lambda: [
        {"pk": pk} for pk in Section.objects.values_list("pk", flat=True)
    ],
    "programme:version-detail": lambda: [
        {"pk": pk} for pk in ProgrammeVersion.objects.values_list("pk", flat=True)
    ],
    "meetings:detail": lambda: [{"pk": pk} for pk in Meeting.objects.values_list("pk", flat=True)],
    "meetings:item-ballot": lambda: [
        {"pk": pk} for pk in AgendaItem.objects.values_list("pk", flat=True)
    ],
    "meetings:ballot-paper": lambda: [
        {"pk": pk} for pk in Ballot.objects.values_list("pk", flat=True)
    ],
    "documents:review-dashboard": lambda: [
        {"group": code}
        for code in Body.objects.filter(kind__in=Body.WORKING_GROUPS).values_list("code", flat=True)
    ],
    "directory:organisation-edit": lambda: [
        {"pk": pk} for pk in Organisation.objects.values_list("pk", flat=True)[:20]
    ],
}
OBJECTS["documents:review-dashboard-assign"] = OBJECTS["documents:review-dashboard"]
for _name in ("opinion-give", "opinion-assign", "opinion-waive"):
    OBJECTS[f"documents:{_name}"] = lambda: [
        {"pk": pk} for pk in Opinion.objects.values_list("pk", flat=True)[:5]
    ]
for _name in ("section-edit", "section-diff"):
    OBJECTS[f"programme:{_name}"] = OBJECTS["programme:section-detail"]
for _name in ("minutes",):
    OBJECTS[f"meetings:{_name}"] = OBJECTS["meetings:detail"]
OBJECTS["documents:notice-text-edit"] = lambda: [
    {"kind": "documents.proposal_submitted", "language": "ru"}
]
OBJECTS["documents:outbox-detail"] = list
# Routes not visited, and why.
SKIPPED = {
    "accounts:signup-confirm": "needs an e-mailed token",
    "accounts:password-reset-confirm": "needs an e-mailed token",
    "meetings:act": "POST only (the meeting's actions)",
    "api:docs": "Swagger UI, a third-party page (tests/browser/test_api_docs.py)",
    "documents:proposal-conflict": "tried with the proposals below",
    "documents:discussion-entry-edit": "needs an entry written in the last 15 minutes; the "
    "demo has none (tests/documents/test_discussion.py draws it)",
}
PROPOSAL_ROUTES = {
    "proposal-detail",
    "proposal-edit",
    "proposal-coauthors",
    "remarks-answer",
    "proposal-submit",
    "proposal-withdraw",
    "version-diff",
    "proposal-assign",
    "proposal-review",
    "proposal-decide",
    "proposal-governance-decide",
    "proposal-conflict",
    "review-change",
    "proposal-move",
    "proposal-duplicate",
}


def _proposals() -> list[int]:
    """The demo's proposals, one of each state first."""
    pks = list(Proposal.objects.order_by("state", "pk").values_list("state", "pk"))
    first = dict(reversed(pks))
    return list(first.values()) + [pk for _state, pk in pks if pk not in first.values()]


for _name in PROPOSAL_ROUTES:
    OBJECTS[f"documents:{_name}"] = lambda: [{"pk": pk} for pk in _proposals()]
SKIPPED.pop("documents:proposal-conflict")


def routes() -> list[tuple[str, bool]]:
    """(name, takes arguments) of every route of the site's pages, without admin and API."""
    found = []

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner)
            elif isinstance(entry, URLPattern) and entry.name:
                found.append((f"{namespace}{entry.name}", bool(entry.pattern.regex.groupindex)))

    walk(get_resolver())
    return [
        (name, takes)
        for name, takes in dict(found).items()
        if not name.startswith(("admin:", "api:", "tokens:")) or name == "api:docs"
    ]


def pages_of(user) -> list[str]:
    """The pages the person opens: each route that answers a GET with a whole HTML page."""
    client = Client()
    client.force_login(user)
    urls = []
    for name, takes in routes():
        if name in SKIPPED or name in POST_OR_FILES:
            continue
        candidates = OBJECTS[name]() if takes else [{}]
        for kwargs in candidates:
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if (
                response.status_code == 200
                and "text/html" in response.get("Content-Type", "")
                and b"<html" in response.content[:200]
            ):
                urls.append(url)
                break
    return urls


def test_every_route_with_arguments_has_its_objects_or_a_reason():
    untreated = [
        name for name, takes in routes() if takes and name not in OBJECTS and name not in SKIPPED
    ]

    # POST-only routes and non-page answers (files, htmx parts) with arguments are listed here
    # as found; a new page route must be added to OBJECTS or SKIPPED.
    assert set(untreated) <= POST_OR_FILES, sorted(set(untreated) - POST_OR_FILES)


POST_OR_FILES = {
    "documents:notice-text-reset",
    "documents:outbox-send",
    "documents:outbox-discard",
    "documents:mail-retry",
    "documents:call-blind-review",
    "directory:organisation-confirm",
    "directory:organisation-reject",
    "directory:affiliation-confirm",
    "directory:affiliation-refuse",
    "documents:proposals-import-template",
    "documents:attachment-upload",
    "documents:attachment-download",
    "documents:attachment-delete",
    "documents:version-attachment-download",
    "documents:discussion-post",
    "documents:question-delete",
    "documents:question-move",
    "documents:proposal-send-to-governance",
    "documents:document-request",
    "documents:reviews-export",
    "documents:document-job-status",
    "documents:document-download",
    "documents:document-retry",
    "programme:section-preview",
    "programme:section-decide",
    "programme:section-move",
    "programme:section-remove",
    "programme:version-decide",
    "programme:version-document",
    "programme:version-registry-export",
    "programme:version-summary",
    "meetings:ics",
    "meetings:proxy-grant",
    "meetings:ballot-open",
    "meetings:ballot-vote",
    "meetings:ballot-all-in-favour",
    "meetings:ballot-close",
    "meetings:ballot-cancel",
    "meetings:proxy-revoke",
    "meetings:task-done",
    "workflow:notice-open",
}

ROLES = {
    "author": lambda: "author.biopharm",
    "expert": lambda: _member("wg-pharma", Membership.Role.EXPERT),
    "chair": lambda: "chair.pharma",
    "infrastructure chair": lambda: "chair.engineering",  # the demo's requested opinion
    "secretary": lambda: "secretary",
    "office": lambda: "office",
    "governance member": lambda: _member("council", Membership.Role.MEMBER),
    "observer": lambda: "observer",
}


def _member(body: str, role: str) -> str:
    return (
        Membership.objects.filter(body__code=body, role=role)
        .order_by("pk")
        .values_list("user__username", flat=True)
        .first()
    )


@pytest.fixture
def demo():
    settings.DEBUG = True
    try:
        call_command("load_demo", "--password", "Demo-pass-1", stdout=StringIO())
    finally:
        settings.DEBUG = False


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_the_role_fits_a_phone_and_the_menu_is_one_row(
    demo, browser, live_server, role, request
):
    user = User.objects.get(username=ROLES[role]())
    urls = pages_of(user)
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = {}

    for url in urls:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[url] = width
        shot = url.strip("/").replace("/", "-") or "home"
        page.screenshot(path=SCREENSHOTS / f"phone-{role.replace(' ', '-')}-{shot}.png")

    page.set_viewport_size(DESKTOP)
    menu = {}
    for link in page.locator("[data-testid=main-nav] > li > a").all():
        menu[link.get_attribute("href")] = None
    rows, unmarked = {}, []
    for href in menu:
        page.goto(href)
        tops = page.evaluate(
            "[...document.querySelectorAll('#main-nav .navbar-nav > li, #main-nav > form')]"
            ".map(e => Math.round(e.getBoundingClientRect().top))"
        )
        rows[href] = max(tops) - min(tops)
        current = page.locator("#main-nav [aria-current=page]")
        if current.count() != 1 or current.get_attribute("href") != href:
            unmarked.append(href)
    page.screenshot(path=SCREENSHOTS / f"desktop-{role.replace(' ', '-')}-menu.png")
    page.goto("/")
    home_marked = page.get_by_test_id("nav-home").get_attribute("aria-current")
    context.close()

    assert len(urls) >= 5, urls
    assert too_wide == {}
    assert problems == []
    assert menu, "the menu has links"
    assert {href: gap for href, gap in rows.items() if gap > 12} == {}
    assert unmarked == []
    assert home_marked == "page"

"""The accessibility check of every browser test (tests/browser/conftest.py) catches what it
should and checks every page a test loads."""

import time
from types import SimpleNamespace

import pytest

from tests.browser.conftest import BEGUN, WAIT, AxeLedger
from tests.browser.test_pdf_document import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROKEN = """<!doctype html><html lang="ru"><head><title>Сломано</title></head>
<body><main><h1>Сломано</h1><form><input type="text" name="q"></form></main></body></html>"""


def test_an_input_without_a_label_is_reported_with_its_rule_target_and_page(page, axe):
    page.route("**/broken/", lambda route: route.fulfill(body=BROKEN, content_type="text/html"))
    page.goto("/broken/")

    axe.wait_for(page)

    assert axe.loaded == axe.checked == [page.url]
    assert [(v["id"], v["targets"], v["url"]) for v in axe.violations] == [
        ("label", ["input"], page.url)
    ]
    assert f"critical label at {page.url}: input" in axe.report()
    axe.reset()  # the violation was the point of this test


def test_every_page_loaded_is_checked_before_the_browser_leaves_it(page, axe, author):
    log_in(page, author.username)  # the login page, then home after a redirect
    page.goto("/directory/")
    origin = page.url.removesuffix("/directory/")

    page.goto("/verify/")

    assert [url.removeprefix(origin) for url in axe.checked] == [
        "/accounts/login/",
        "/",
        "/directory/",
    ]
    assert [url.removeprefix(origin) for url in axe.loaded] == [
        "/accounts/login/",
        "/",
        "/directory/",
        "/verify/",
    ]
    assert list(axe.pending.values()) == [page.url]


class _Tab:
    """Stands for a Playwright page: the ledger keys its records by the tab, and waits on it."""

    main_frame = object()
    context = object()

    def __init__(self, meanwhile=lambda: None):
        self.meanwhile = meanwhile  # what the browser does while the test waits

    def is_closed(self) -> bool:
        return False

    def wait_for_timeout(self, ms: float) -> None:
        time.sleep(ms / 1000)
        self.meanwhile()


def _arrival(page, url: str):
    """What the browser's `response` event gives for a page's HTML document."""
    request = SimpleNamespace(is_navigation_request=lambda: True, frame=page.main_frame)
    return SimpleNamespace(
        url=url, status=200, headers={"content-type": "text/html"}, request=request
    )


def test_a_report_that_comes_before_its_document_is_recorded_settles_it():
    # The report (from the page's renderer) and the arrival (from the network service) reach
    # the test in either order: a report that came first leaves nothing pending to wait for.
    ledger, page = AxeLedger(), _Tab()

    ledger.report_from({"page": page}, "http://site/first/#top", [])  # before its arrival
    ledger._arrived(page, _arrival(page, "http://site/first/"))
    assert ledger.pending == {}
    ledger._arrived(page, _arrival(page, "http://site/second/"))
    assert ledger.pending == {page: "http://site/second/"}
    assert ledger.unchecked(page.context) == ["http://site/second/"]

    ledger.report_from({"page": page}, "http://site/second/", [{"id": "label"}])

    assert ledger.pending == {}
    assert ledger.unchecked() == []
    assert ledger.violations == [{"id": "label", "url": "http://site/second/"}]


def _leave(ledger, page, url: str) -> float:
    """The seconds a navigation from the page to `url` was held by the ledger."""
    request = SimpleNamespace(url=url, is_navigation_request=lambda: True, frame=page.main_frame)
    released = []
    start = time.monotonic()
    ledger._leaving(page, SimpleNamespace(request=request, fallback=lambda: released.append(1)))
    assert released == [1]
    return time.monotonic() - start


def test_a_page_left_before_it_began_its_check_is_not_waited_for_and_stays_unchecked():
    # A navigation away from a document still loading (its deferred scripts) stops its
    # loading: DOMContentLoaded never comes, nor the check and its report. Waiting for it held
    # the navigation for all of WAIT (20 s); the page is checked as it stands when its context
    # closes (CheckedContext.close), so it is left unchecked, never counted as checked.
    ledger, page = AxeLedger(), _Tab()
    ledger._arrived(page, _arrival(page, "http://site/inbox/"))

    held = _leave(ledger, page, "http://site/proposals/4/")

    assert held < BEGUN + 0.5 < WAIT
    assert ledger.unchecked(page.context) == ["http://site/inbox/"]
    assert ledger.checked == []


def test_a_page_that_began_its_check_is_waited_for_until_it_reports():
    ledger = AxeLedger()
    reports = iter([None] * 10 + ["report"])
    page = _Tab(
        lambda: next(reports, None) and ledger.report_from({"page": page}, "http://site/a/", [])
    )
    ledger._arrived(page, _arrival(page, "http://site/a/"))
    ledger.began({"page": page}, "http://site/a/#top")

    held = _leave(ledger, page, "http://site/b/")

    assert 0.1 < held < WAIT
    assert ledger.pending == {}
    assert ledger.checked == ["http://site/a/"]


def test_word_that_a_page_began_may_come_after_the_navigation_away_from_it():
    # The word (from the page's renderer) and the navigation (from the network service) reach
    # the test in either order: the navigation waits BEGUN s for it, then for the report.
    ledger = AxeLedger()
    steps = iter(
        [None] * 5
        + [lambda: ledger.began({"page": page}, "http://site/a/")]
        + [None] * 5
        + [lambda: ledger.report_from({"page": page}, "http://site/a/", [{"id": "label"}])]
    )
    page = _Tab(lambda: (step := next(steps, None)) and step())
    ledger._arrived(page, _arrival(page, "http://site/a/"))

    _leave(ledger, page, "http://site/b/")

    assert ledger.pending == {}
    assert ledger.violations == [{"id": "label", "url": "http://site/a/"}]


def test_a_page_that_began_before_does_not_vouch_for_its_next_visit():
    # The same address loaded again is a new document: the word of the first does not count.
    ledger, page = AxeLedger(), _Tab()
    ledger._arrived(page, _arrival(page, "http://site/a/"))
    ledger.began({"page": page}, "http://site/a/")
    ledger.report_from({"page": page}, "http://site/a/", [])
    ledger._arrived(page, _arrival(page, "http://site/a/"))

    assert _leave(ledger, page, "http://site/b/") < BEGUN + 0.5
    assert ledger.pending == {page: "http://site/a/"}


LOADING = """<!doctype html><html lang="en"><head><title>Still loading</title></head>
<body><main><h1>Still loading</h1><a href="/accounts/login/">Log in</a></main>
<script src="/static/late.js" defer></script></body></html>"""


def test_a_page_left_while_it_still_loads_is_checked_when_its_context_closes(page, axe):
    # Its deferred script never comes the first time, so the page never reaches
    # DOMContentLoaded before the link on it is clicked; loaded again when the context closes,
    # it is checked then.
    context = page.context
    context.route("**/still-loading/", lambda r: r.fulfill(body=LOADING, content_type="text/html"))
    context.route("**/static/late.js", lambda r: r.fulfill(body="", content_type="text/javascript"))
    page.route("**/static/late.js", lambda route: None, times=1)  # never answered
    page.goto("/still-loading/", wait_until="commit")
    left = page.url

    start = time.monotonic()
    page.get_by_role("link", name="Log in").click()
    page.wait_for_url("**/accounts/login/")

    assert time.monotonic() - start < WAIT / 2
    axe.wait_for(page)  # the login page reports
    assert axe.unchecked(context) == [left]  # checked when the page fixture closes the context

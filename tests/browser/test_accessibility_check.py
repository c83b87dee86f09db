"""The accessibility check of every browser test (tests/browser/conftest.py) catches what it
should and checks every page a test loads."""

from types import SimpleNamespace

import pytest

from tests.browser.conftest import AxeLedger
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
    """Stands for a Playwright page: the ledger keys its records by the tab."""

    main_frame = object()
    context = object()


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

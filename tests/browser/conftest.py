import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import unavailable

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(
    os.environ.get("MBK_SCREENSHOT_DIR", Path(__file__).parents[2] / "var" / "screenshots")
)
AXE = Path(__file__).parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# Run by page.evaluate (the DevTools protocol, which the Content-Security-Policy does not
# govern), so no script is added to the page and the policy stays as strict as in production.
# Added to every document by the DevTools protocol (an init script, which the Content-Security-
# Policy does not govern, so the policy stays as strict as in production): once the document is
# parsed and its deferred scripts have run (DOMContentLoaded, which waits for the stylesheets
# before them), it tells the test its check has begun, and axe-core checks it and hands its
# serious and critical findings to the test. Not at the load event: on a busy machine the test
# may leave a page before its last image loads.
AXE_RUN = """
if (window.top === window && location.protocol.startsWith("http")) {
  const check = () => {
    window.__axeStarted(location.href);
    setTimeout(async () => {
      const results = await window.axe.run(document, {resultTypes: ["violations"]});
      window.__axeReport(location.href, results.violations
        .filter(v => v.impact === "serious" || v.impact === "critical")
        .map(v => ({id: v.id, impact: v.impact,
                    targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))})));
    }, 0);
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", check);
  } else {
    check();
  }
}"""
# The same check, run by the test itself on a tab it closes before the page reported (never
# from the handler of a navigation: see _leaving).
# Bounded in the page itself (page.evaluate has no timeout of its own): a check that does not
# finish in 15 s returns nothing, and the page is then reported as loaded but never checked.
AXE_NOW = """async () => {
  const results = await Promise.race([
    window.axe.run(document, {resultTypes: ["violations"]}),
    new Promise(resolve => setTimeout(() => resolve(null), 15000)),
  ]);
  if (results === null) return null;
  return results.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""
WAIT = 20  # seconds a navigation waits for the report of the page it leaves
# Seconds a navigation waits for word that the page it leaves has begun its check: that word
# and the navigation come from two browser processes (the page's renderer, the network
# service) and may reach the test in either order, and a page that has not begun never will.
BEGUN = 1


def _document(url: str) -> str:
    return url.split("#", 1)[0]


@dataclass
class AxeLedger:
    """What axe-core found on every page the browser tests loaded. Each HTML document the
    server sends is recorded when it arrives; the browser does not leave it (its next
    navigation, or closing the tab, waits) until axe-core has reported on it, and a page that
    was loaded but never reported on fails the test, so no page is skipped silently."""

    loaded: list = field(default_factory=list)
    checked: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    pending: dict = field(default_factory=dict)  # page -> URL of its unchecked document
    # The report of a document and the record of its arrival come from two processes of the
    # browser (the page's renderer, the network service) and may reach the test in either
    # order: a report that comes first settles the arrival when it follows (no wait for it).
    early: dict = field(default_factory=dict)  # page -> URLs reported before they arrived
    contexts: dict = field(default_factory=dict)  # URL -> the browser context that loaded it
    # A document begins its check at DOMContentLoaded. A navigation away from a document that
    # has not reached it yet (a link clicked while its deferred scripts still load; a response
    # whose document the next navigation replaced before it was shown) stops its loading, so
    # it never will and never reports: nothing to wait for. Such a page stays unchecked and is
    # checked as it stands when its context closes (CheckedContext.close).
    begun: dict = field(default_factory=dict)  # page -> URL of the last document that began

    def watch(self, page) -> None:
        page.on("response", lambda response: self._arrived(page, response))
        # Only the site's pages are held, never its static files: a navigation held while the
        # page it leaves still fetches its scripts would keep that page from loading (and
        # from being checked) until the wait runs out.
        page.route(lambda url: "/static/" not in url, lambda route: self._leaving(page, route))

    def began(self, source, url: str) -> None:
        self.begun[source["page"]] = url

    def report_from(self, source, url: str, found: list) -> None:
        page = source["page"]
        if _document(self.begun.get(page, "")) == _document(url):
            del self.begun[page]  # a later document of the same address begins anew
        if _document(self.pending.get(page, "")) == _document(url):
            url = self.pending.pop(page)  # as it was loaded, whatever its fragment now
        else:
            self.early.setdefault(page, []).append(_document(url))
        self.checked.append(url)
        self.violations += [dict(v, url=url) for v in found]

    def wait_for(self, page) -> None:
        """Called by the test (never by a route handler): the page's own report, or a check of
        the page as it stands."""
        self._wait(page)
        if page not in self.pending or page.is_closed():
            return
        try:
            found = page.evaluate(AXE_NOW)
        except Exception:  # axe-core is running on it already: its report is on its way
            self._wait(page)
            return
        if page in self.pending and found is not None:
            self.report_from({"page": page}, self.pending[page], found)

    def _wait(self, page) -> None:
        deadline = time.monotonic() + WAIT
        while page in self.pending and time.monotonic() < deadline and not page.is_closed():
            page.wait_for_timeout(20)

    def _has_begun(self, page) -> bool:
        """Whether the page's unchecked document has begun its check (waiting up to BEGUN s
        for the word), so that its report will come."""
        deadline = time.monotonic() + BEGUN
        while page in self.pending and not page.is_closed():
            if _document(self.begun.get(page, "")) == _document(self.pending[page]):
                return True
            if time.monotonic() >= deadline:
                return False
            page.wait_for_timeout(20)
        return False  # reported (or closed) meanwhile

    def _arrived(self, page, response) -> None:
        request = response.request
        if (
            request.is_navigation_request()
            and request.frame == page.main_frame
            and not 300 <= response.status < 400
            and "html" in (response.headers.get("content-type") or "")
        ):
            self.loaded.append(response.url)
            self.contexts[response.url] = page.context
            early = self.early.get(page, [])
            if _document(response.url) in early:
                early.remove(_document(response.url))  # its report came first
                self.checked.append(response.url)  # as loaded, whatever the report's fragment
            else:
                self.pending[page] = response.url

    def _leaving(self, page, route) -> None:
        request = route.request
        # Only waits: checking the page from here, by page.evaluate or the DevTools protocol,
        # was tried and can block the held navigation (forever, or beyond its 30 s). A page
        # still unchecked when the wait runs out, or left before it began its check, is checked
        # as it stands when its context closes.
        if (
            request.is_navigation_request()
            and request.frame == page.main_frame
            and self._has_begun(page)
        ):
            self._wait(page)
        route.fallback()

    def report(self) -> str:
        return "\n".join(
            f"{v['impact']} {v['id']} at {v['url']}: {', '.join(v['targets'])}"
            for v in self.violations
        )

    def unchecked(self, context=None) -> list[str]:
        """Pages loaded and never reported on (of one browser context, if given)."""
        return sorted(
            url
            for url in set(self.loaded) - set(self.checked)
            if context is None or self.contexts.get(url) is context
        )

    def reset(self) -> None:
        self.loaded, self.checked, self.violations, self.pending = [], [], [], {}
        self.early, self.contexts, self.begun = {}, {}, {}


class CheckedContext:
    """A browser context whose pages are checked by axe-core, the last ones when it closes."""

    def __init__(self, context, ledger: AxeLedger):
        self._context, self._ledger = context, ledger
        context.expose_binding("__axeReport", ledger.report_from)
        context.expose_binding("__axeStarted", ledger.began)
        context.add_init_script(script=AXE.read_text() + AXE_RUN)
        context.on("page", ledger.watch)

    def close(self, **options):
        for page in self._context.pages:
            self._ledger.wait_for(page)
        # A page left before its report came (its check was still running when the test
        # moved on, and the wait ran out) is checked again as it stands now, in a tab of the
        # same context (the same person): never skipped, and never a failure for slowness.
        unchecked = self._ledger.unchecked(self._context)
        if unchecked:
            tab = self._context.new_page()
            for url in unchecked:
                tab.goto(url)
                self._ledger.wait_for(tab)
                if url not in self._ledger.checked and tab.url != url:
                    self._ledger.checked.append(url)  # it answered elsewhere now: that was checked
            tab.close()
        self._context.close(**options)

    def __getattr__(self, name):
        return getattr(self._context, name)


class CheckedBrowser:
    """The browser, whose every new context checks every page it loads with axe-core."""

    def __init__(self, browser, ledger: AxeLedger):
        self._browser, self._ledger = browser, ledger

    def new_context(self, **options):
        return CheckedContext(self._browser.new_context(**options), self._ledger)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def axe_ledger():
    return AxeLedger()


@pytest.fixture(scope="session")
def browser(axe_ledger):
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread for the whole session; the
    # tests' own ORM calls stay synchronous, so Django's async-safety guard is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield CheckedBrowser(browser, axe_ledger)
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def axe(axe_ledger):
    """Every browser test fails on a serious or critical accessibility violation (axe-core) on
    any page it loaded, naming the rule, the element and the page."""
    axe_ledger.reset()
    yield axe_ledger
    unchecked = sorted(set(axe_ledger.loaded) - set(axe_ledger.checked))
    assert unchecked == [], f"pages loaded but not checked by axe-core: {unchecked}"
    assert axe_ledger.violations == [], "axe-core found:\n" + axe_ledger.report()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser tab on the live server; fails the test on console errors, which is
    where Content-Security-Policy violations appear."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and problems.append(f"{response.status} {response.url}")
        ),
    )
    yield page
    context.close()
    assert problems == []


@pytest.fixture
def screenshot(page, request):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{name}.png", full_page=True)

    return take

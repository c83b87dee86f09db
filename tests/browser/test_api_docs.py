"""The REST API as a person meets it in a real browser: they issue a personal token on the
profile page, a script uses it, they revoke it and the script is refused; and the Swagger UI
at /api/docs/ renders the operations from our own static files, under the site's
Content-Security-Policy, with no console error and no request to another origin."""

import json
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # tests.conftest.PASSWORD, the personas' password
TOKEN_NAME = "Отчёт в Excel"


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def api_get(live_server, path: str, secret: str) -> tuple[int, str, bytes]:
    """What a script sees: status, content type and body of a GET with the token."""
    request = urllib.request.Request(
        live_server.url + path,
        headers={"Authorization": f"Bearer {secret}", "Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers["Content-Type"], refused.read()


def token_row(page):
    return page.get_by_test_id("api-tokens").get_by_role("row").filter(has_text=TOKEN_NAME)


def test_person_issues_a_token_a_script_uses_it_and_revocation_stops_it(
    page, screenshot, live_server, author, cluster
):
    log_in(page, author.username)
    page.goto("/accounts/profile/")
    expect(token_row(page)).to_have_count(0)
    # The token section has no Russian translation yet (see the report): the locators below
    # go by ids, form actions and links, not by the texts.
    page.locator("#token-name").fill(TOKEN_NAME)
    page.locator("main form[action='/accounts/tokens/'] button").click()

    secret = page.get_by_test_id("token-secret").inner_text().strip()
    screenshot("token-issued")
    assert secret.startswith("mbk_")
    assert len(secret) > 40

    page.locator("main a[href='/accounts/profile/']").click()
    page.wait_for_url("**/accounts/profile/")
    row = token_row(page)
    expect(row).to_have_count(1)
    expect(row.locator("code")).to_have_text(f"{secret[:10]}…")
    assert secret not in page.content()  # the whole secret is shown once, on its own page
    screenshot("profile-with-token")

    status, content_type, body = api_get(live_server, "/api/v1/directions/", secret)
    assert status == 200
    assert content_type.startswith("application/json")
    directions = json.loads(body)
    assert directions["results"], "the cluster directory has directions"

    row.locator("form[action$='/revoke/'] button").click()
    page.wait_for_url("**/accounts/profile/")
    expect(token_row(page)).to_have_class("text-secondary")  # listed as revoked
    expect(token_row(page).get_by_role("button")).to_have_count(0)
    screenshot("token-revoked")

    status, content_type, body = api_get(live_server, "/api/v1/directions/", secret)
    assert status == 401
    assert content_type.startswith("application/json")
    assert "results" not in json.loads(body)


@pytest.fixture
def docs(browser, live_server, author):
    """/api/docs/ opened from the profile page's link in a tab of its own, with what the
    page reported on the console and every URL it requested.

    The tab is not the `page` fixture's, which fails the test on any console error when it
    ends: which of these checks may fail is the tests' own business here (and the
    `screenshot` fixture, which shoots that tab, is not used either)."""
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    seen = {"errors": [], "requests": []}
    page.on(
        "console",
        lambda message: message.type == "error" and seen["errors"].append(message.text),
    )
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400 and seen["errors"].append(f"{response.status} {response.url}")
        ),
    )
    log_in(page, author.username)
    page.goto("/accounts/profile/")
    page.locator("main a[href='/api/docs/']").first.click()
    page.wait_for_url("**/api/docs/")
    # The operations appear once the bundle has fetched and rendered the schema.
    expect(page.locator(".opblock").first).to_be_visible(timeout=15_000)
    page.wait_for_load_state("networkidle")
    yield page, seen
    context.close()


def test_swagger_ui_renders_the_operations_from_our_own_origin(docs, live_server, request):
    page, seen = docs
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{request.node.name}-swagger-ui.png")
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/proposals/").first
    ).to_be_visible()
    expect(page.get_by_text("MBK Programme Office API").first).to_be_visible()

    origin = urlsplit(live_server.url)[:2]
    assert seen["requests"], "the page requested its bundle and the schema"
    foreign = [url for url in seen["requests"] if urlsplit(url)[:2] != origin]
    assert foreign == []
    assert any("/api/schema/" in url for url in seen["requests"])
    assert any("swagger-ui-bundle.js" in url for url in seen["requests"])


def test_swagger_ui_runs_under_the_content_security_policy(docs):
    _page, seen = docs
    assert seen["errors"] == [], "\n".join(seen["errors"])

"""Charts in a real browser: the office's home, the chair's home and a programme version's page
draw their charts with Chart.js (from our own static files, under the Content-Security-Policy:
a console error fails the test) and offer the same numbers as a table."""

import pytest

from documents.models import Proposal
from tests.factories import CallFactory
from tests.programme.world import approved_version, ready_programme
from tests.workflow.states import make_people, proposal_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
State = Proposal.State

DRAWN = """id => {
    const canvas = document.getElementById(id);
    const chart = Chart.getChart(canvas);
    return {
        drawn: chart !== undefined,
        width: canvas.getBoundingClientRect().width,
        height: canvas.getBoundingClientRect().height,
        series: chart ? chart.data.datasets.map(d => d.data.reduce((a, b) => a + b, 0)) : [],
        labels: chart ? chart.data.labels : [],
    };
}"""


@pytest.fixture
def people():
    return make_people()


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill("correct-horse-battery")
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/")


def drawn(page, key: str) -> dict:
    chart = page.evaluate(DRAWN, f"chart-{key}")
    assert chart["drawn"], key
    assert chart["width"] > 100
    assert chart["height"] > 100
    return chart


def table_of(page, key: str):
    figure = page.get_by_test_id(f"chart-{key}")
    table = figure.get_by_test_id("chart-table")
    assert not table.is_visible()
    figure.locator("summary").click()
    assert table.is_visible()
    return table


def test_office_and_chair_homes_draw_their_charts(page, screenshot, people):
    call = CallFactory()
    for state in (State.SUBMITTED, State.WG_REVIEW, State.WG_REVIEW, State.REVISION_REQUESTED):
        proposal_in(state, people, call=call)

    log_in(page, "office")
    pipeline = drawn(page, "call-pipeline")
    screenshot("office")
    table = table_of(page, "call-pipeline")
    overdue = page.get_by_test_id("overdue-count")

    assert sorted(pipeline["series"]) == [1, 1, 2]
    assert len(pipeline["labels"]) == 1
    assert table.locator("tbody tr").count() == 1
    assert overdue.get_attribute("href") == "/notices/overdue/"
    assert overdue.inner_text().split()[0] == "0"

    page.context.clear_cookies()
    log_in(page, "chair")
    queue = drawn(page, "group-queue")
    table = table_of(page, "group-queue")
    screenshot("chair")

    assert queue["labels"] == ["0–5", "6–10", "11–20", "более 20"]
    assert sorted(queue["series"]) == [1, 1, 2]
    assert table.locator("tbody tr").first.inner_text().split()[:1] == ["0–5"]


def test_programme_version_page_draws_the_financing(page, screenshot, people):
    version = approved_version(ready_programme(people, projects=2), people)

    log_in(page, "office")
    page.goto(f"/programme/versions/{version.pk}/")
    by_year = drawn(page, "financing-by-year")
    by_direction = drawn(page, "financing-by-direction")
    page.get_by_test_id("chart-financing-by-year").scroll_into_view_if_needed()
    screenshot("version")
    table = table_of(page, "financing-by-year")

    assert by_year["labels"] == ["2027", "2028", "2029"]
    assert sum(by_year["series"]) == 7_000_000
    assert sum(by_direction["series"]) == 7_000_000
    assert table.locator("tbody tr").count() == 3
    canvas = page.locator("#chart-financing-by-year")
    assert canvas.get_attribute("role") == "img"
    assert "2027" in canvas.get_attribute("aria-label")

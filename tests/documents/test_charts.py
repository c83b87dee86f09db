"""The charts of the home pages read from the proposals: the call's pipeline by direction and
state, and the working group's queue by state and working days waiting."""

import datetime
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from directory.models import Direction
from documents import charts
from documents.models import Proposal
from tests.factories import CallFactory
from tests.workflow.states import make_people, proposal_in
from workflow import deadlines
from workflow.calendar import add_working_days
from workflow.models import Deadline

State = Proposal.State


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def people(db):
    return make_people()


def by_series(chart) -> dict[str, list]:
    return {series.label: series.values for series in chart.series}


def label(state: str) -> str:
    return str(State(state).label)


@pytest.mark.django_db
def test_call_pipeline_counts_submitted_proposals_by_direction_and_state(people):
    call = CallFactory()
    ecology = Direction.objects.get(code="ecology")
    for state in (State.WG_REVIEW, State.WG_REVIEW, State.SUBMITTED, State.DRAFT):
        proposal_in(state, people, call=call)
    proposal_in(State.SUBMITTED, people, call=call, direction=ecology)
    proposal_in(State.SUBMITTED, people)  # another call

    chart = charts.call_pipeline(call)

    pharma = Direction.objects.get(code="pharma")
    assert sorted(chart.labels) == sorted([pharma.name, ecology.name])
    assert set(by_series(chart)) == {label(State.SUBMITTED), label(State.WG_REVIEW)}
    counts = {
        (direction, name): values[i]
        for name, values in by_series(chart).items()
        for i, direction in enumerate(chart.labels)
    }
    assert counts[(pharma.name, label(State.WG_REVIEW))] == 2
    assert counts[(pharma.name, label(State.SUBMITTED))] == 1
    assert counts[(ecology.name, label(State.SUBMITTED))] == 1
    assert counts[(ecology.name, label(State.WG_REVIEW))] == 0
    assert chart.total == 4


@pytest.mark.django_db
def test_call_pipeline_series_follow_the_workflow_order(people):
    call = CallFactory()
    for state in (State.WG_APPROVED, State.SUBMITTED, State.REVISION_REQUESTED):
        proposal_in(state, people, call=call)

    chart = charts.call_pipeline(call)

    assert [s.label for s in chart.series] == [
        label(State.SUBMITTED),
        label(State.REVISION_REQUESTED),
        label(State.WG_APPROVED),
    ]


@pytest.fixture
def queue(people):
    """Waiting in wg-pharma: two in review, one submitted, one answering remarks; not waiting:
    a draft, an approved one, and one of the ecology group."""
    for state in (
        State.WG_REVIEW,
        State.WG_REVIEW,
        State.SUBMITTED,
        State.REVISION_REQUESTED,
        State.DRAFT,
        State.APPROVED,
    ):
        proposal_in(state, people)
    proposal_in(State.SUBMITTED, people, direction=Direction.objects.get(code="ecology"))


@pytest.mark.django_db
def test_group_queue_counts_the_chairs_group_by_state_on_entering_day(people, queue):
    with translation.override("en"):
        chart = charts.group_queue(people["chair"])

    assert chart.labels == ["0–5", "6–10", "11–20", "over 20"]
    assert by_series(chart) == {
        "submitted": [1, 0, 0, 0],
        "in working-group review": [2, 0, 0, 0],
        "revision requested": [1, 0, 0, 0],
    }


@pytest.mark.django_db
def test_group_queue_counts_working_days_since_the_state_was_entered(people, queue):
    entered = timezone.localdate()

    later = charts.group_queue(people["chair"], today=add_working_days(entered, 7))
    much_later = charts.group_queue(people["chair"], today=add_working_days(entered, 21))

    assert by_series(later)[label(State.WG_REVIEW)] == [0, 2, 0, 0]
    assert by_series(much_later)[label(State.SUBMITTED)] == [0, 0, 0, 1]
    assert much_later.total == 4


@pytest.mark.django_db
def test_group_queue_of_another_groups_chair_holds_only_theirs(people, queue):
    chart = charts.group_queue(people["other_chair"])

    assert by_series(chart) == {label(State.SUBMITTED): [1, 0, 0, 0]}


@pytest.mark.parametrize(
    ("days", "band"), [(0, 0), (5, 0), (6, 1), (10, 1), (11, 2), (20, 2), (21, 3), (400, 3)]
)
def test_age_band_edges(days, band):
    assert charts.age_band(days) == band


# --- On the home pages ------------------------------------------------------------------------
def home_html(client, person) -> str:
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str, key: str) -> dict:
    block = re.search(
        rf'<script id="chart-{key}-data" type="application/json">(.*?)</script>', html
    )
    return json.loads(block.group(1))


@pytest.mark.django_db
def test_office_home_draws_the_latest_calls_pipeline_and_counts_what_is_overdue(client, people):
    call = CallFactory()
    for state in (State.WG_REVIEW, State.SUBMITTED):
        proposal_in(state, people, call=call)
    deadlines.open_deadlines()
    Deadline.objects.update(due_on=timezone.localdate() - datetime.timedelta(days=3))

    html = home_html(client, people["office"])

    data = chart_data(html, "call-pipeline")
    assert data["labels"] == [Direction.objects.get(code="pharma").name]
    assert sorted(sum(s["values"]) for s in data["series"]) == [1, 1]
    overdue = re.search(
        r'href="/notices/overdue/" data-testid="overdue-count">\s*<span[^>]*>(\d+)<', html
    )
    assert int(overdue.group(1)) == Deadline.objects.count() == 2
    assert 'aria-label="' in html
    assert "/static/js/charts.js" in html


@pytest.mark.django_db
def test_chair_home_draws_the_groups_queue(client, people, queue):
    html = home_html(client, people["chair"])

    data = chart_data(html, "group-queue")
    assert [sum(s["values"]) for s in data["series"]] == [1, 2, 1]
    assert 'data-testid="chart-table"' in html


@pytest.mark.django_db
def test_expert_home_has_no_charts(client, people, queue):
    html = home_html(client, people["expert"])

    assert "data-chart=" not in html
    assert "/static/js/charts.js" not in html


def home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["office", "chair"])
@pytest.mark.django_db
def test_home_charts_cost_the_same_for_1_and_13_proposals(client, people, persona):
    call = CallFactory()
    ecology = Direction.objects.get(code="ecology")
    client.force_login(people[persona])
    proposal_in(State.WG_REVIEW, people, call=call)
    with_one = home_queries(client)

    for n in range(11):
        state = (State.SUBMITTED, State.WG_REVIEW, State.REVISION_REQUESTED)[n % 3]
        proposal_in(state, people, call=call)
    proposal_in(State.SUBMITTED, people, call=call, direction=ecology)
    with_thirteen = home_queries(client)

    assert with_thirteen == with_one

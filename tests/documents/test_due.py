"""What is due from the person: each working list and a proposal's page say when the step the
proposal waits for from them is due, in working days, at a cost that does not grow with rows."""

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from documents import selectors, transitions
from documents.models import Proposal
from tests.factories import CallFactory
from tests.workflow.states import SCORES, proposal_in, with_reviewers
from workflow import calendar, deadlines
from workflow.deadlines import Due
from workflow.models import Deadline

State = Proposal.State


@pytest.fixture
def people(cluster, author, coauthor, chair, expert, office, secretary):
    return with_reviewers(
        cluster,
        author=author,
        coauthor=coauthor,
        chair=chair,
        expert=expert,
        office=office,
        secretary=secretary,
    )


@pytest.fixture
def call(people):
    return CallFactory()


def badge(due, language="ru") -> str:
    with translation.override(language):
        return " ".join(render_to_string("workflow/_due.html", {"due": due}).split())


def text_of(html: str) -> str:
    return html.split(">", 1)[1].rsplit("<", 1)[0]


@pytest.mark.parametrize(
    ("days", "ru", "en"),
    [
        (1, "срок — через 1 рабочий день", "due in 1 working day"),
        (2, "срок — через 2 рабочих дня", "due in 2 working days"),
        (5, "срок — через 5 рабочих дней", "due in 5 working days"),
        (21, "срок — через 21 рабочий день", "due in 21 working days"),
        (0, "срок сегодня", "due today"),
        (-1, "просрочено на 1 рабочий день", "overdue by 1 working day"),
        (-3, "просрочено на 3 рабочих дня", "overdue by 3 working days"),
        (-11, "просрочено на 11 рабочих дней", "overdue by 11 working days"),
    ],
)
def test_the_badge_says_the_working_days_in_each_languages_plural(days, ru, en):
    due = Due(datetime.date(2027, 3, 1), days)

    assert (text_of(badge(due)), text_of(badge(due, "en"))) == (ru, en)


def test_an_overdue_badge_is_marked_beyond_its_colour_and_nothing_is_said_without_a_date():
    overdue = badge(Due(datetime.date(2027, 3, 1), -2))

    assert 'class="mbk-due mbk-due-overdue"' in overdue
    assert "просрочено" in overdue
    assert badge(None) == ""


@pytest.mark.django_db
def test_a_list_row_is_due_the_same_day_before_and_after_the_beat_job_opens_its_deadline(
    people, call
):
    proposal_in(State.SUBMITTED, people, call=call)
    [before] = selectors.due_to_group(selectors.inbox(people["chair"])[0])

    deadlines.check()
    [after] = selectors.due_to_group(selectors.inbox(people["chair"])[0])

    expected = calendar.add_working_days(timezone.localdate(), 5)
    assert before.deadline_due_on is None
    assert after.deadline_due_on == expected
    assert before.due == after.due
    assert before.due.on == expected
    assert before.due.days == calendar.working_days_between(timezone.localdate(), expected)


@pytest.mark.django_db
def test_an_open_deadline_past_due_shows_overdue_in_the_list(people, call):
    proposal = proposal_in(State.SUBMITTED, people, call=call)
    deadlines.check()
    a_week_ago = timezone.localdate() - datetime.timedelta(days=7)
    Deadline.objects.filter(object_id=proposal.pk).update(due_on=a_week_ago)

    [row] = selectors.due_to_group(selectors.inbox(people["chair"])[0])

    assert row.due.overdue
    assert row.due.late_by == calendar.working_days_between(a_week_ago, timezone.localdate())


@pytest.mark.django_db
def test_the_due_step_is_only_the_persons_own(people, call):
    proposal_in(State.REVISION_REQUESTED, people, call=call)
    proposal_in(State.SUBMITTED, people, call=call)

    mine = selectors.due_to_authors(selectors.my_proposals(people["author"]))
    inbox = selectors.due_to_group(selectors.inbox(people["chair"])[0])

    assert {p.state: p.due is not None for p in mine} == {
        State.REVISION_REQUESTED: True,  # the authors' revision
        State.SUBMITTED: False,  # the group's step, not the authors'
    }
    assert {p.state: p.due is not None for p in inbox} == {
        State.REVISION_REQUESTED: False,
        State.SUBMITTED: True,
    }


@pytest.mark.django_db
def test_the_experts_list_is_ordered_by_due_date_with_their_done_reviews_last(people, call):
    expert = people["expert"]
    done, late, soon = (
        proposal_in(State.WG_REVIEW, people, call=call, title=title)
        for title in ("Отрецензирована", "Поздняя", "Ранняя")
    )
    transitions.proposal_review(
        proposal_id=done.pk, by=expert, scores=SCORES, recommendation="approve", comments="Да."
    )
    deadlines.check()
    today = timezone.localdate()
    Deadline.objects.filter(object_id=late.pk).update(due_on=today + datetime.timedelta(days=20))
    Deadline.objects.filter(object_id=soon.pk).update(due_on=today + datetime.timedelta(days=3))

    rows = selectors.due_to_expert(selectors.assigned(expert))

    assert [p.title for p in rows] == ["Ранняя", "Поздняя", "Отрецензирована"]
    assert [p.due is not None for p in rows] == [True, True, False]


DUE_LISTS = {
    "my_proposals": (
        State.REVISION_REQUESTED,
        lambda people: selectors.due_to_authors(selectors.my_proposals(people["coauthor"])),
    ),
    "inbox": (
        State.SUBMITTED,
        lambda people: selectors.due_to_group(selectors.inbox(people["chair"])[0]),
    ),
    "assigned": (
        State.WG_REVIEW,
        lambda people: selectors.due_to_expert(selectors.assigned(people["expert"])),
    ),
    "governance_queue": (
        State.GOVERNANCE_REVIEW,
        lambda people: selectors.due_to_office_or_governance(
            people["secretary"], selectors.governance_queue(people["secretary"])
        ),
    ),
    "governance_queue-office": (
        State.WG_APPROVED,
        lambda people: selectors.due_to_office_or_governance(
            people["office"], selectors.governance_queue(people["office"])
        ),
    ),
}


def due_listing(make_list) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        dues = [p.due for p in make_list()]
    return len(queries), dues


@pytest.mark.parametrize("name", DUE_LISTS)
@pytest.mark.django_db
def test_the_due_column_costs_the_same_for_1_and_6_proposals(people, call, name):
    state, make_list = DUE_LISTS[name]
    proposal_in(state, people, call=call, title="Заявка 1")
    make_list(people)  # the person's roles are read once per user object (directory.rules)
    one = due_listing(lambda: make_list(people))
    for n in range(2, 7):  # five more: a query per row would show as five more queries
        proposal_in(state, people, call=call, title=f"Заявка {n}")

    six = due_listing(lambda: make_list(people))
    deadlines.check()  # the beat job opens the deadlines: the same dates, for no more queries
    opened = due_listing(lambda: make_list(people))

    assert len(six[1]) == 6
    assert all(isinstance(due, Due) for due in one[1] + six[1])
    assert six[0] == one[0]
    assert opened[0] <= six[0]
    assert sorted(due.on for due in opened[1]) == sorted(due.on for due in six[1])


@pytest.mark.django_db
def test_the_proposal_page_says_when_the_persons_step_is_due(client, people, call):
    proposal = proposal_in(State.REVISION_REQUESTED, people, call=call)
    due_on = calendar.add_working_days(timezone.localdate(), 10)

    client.force_login(people["author"])
    page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    client.force_login(people["chair"])
    chairs_page = client.get(f"/proposals/{proposal.pk}/").content.decode()

    assert f'data-due="{due_on:%Y-%m-%d}"' in page
    assert "срок — через 10 рабочих дней" in page
    assert 'data-testid="due"' not in chairs_page  # the authors' step, not the chair's


@pytest.mark.django_db
def test_the_lists_show_the_badge(client, people, call):
    proposal_in(State.REVISION_REQUESTED, people, call=call, title="Ждёт авторов")
    proposal_in(State.WG_REVIEW, people, call=call, title="Ждёт эксперта")

    client.force_login(people["author"])
    mine = client.get("/proposals/mine/").content.decode()
    client.force_login(people["expert"])
    assigned = client.get("/assigned/").content.decode()
    client.force_login(people["chair"])
    inbox = client.get("/inbox/").content.decode()

    assert mine.count('data-testid="due"') == 1
    assert "срок — через 10 рабочих дней" in mine
    assert assigned.count('data-testid="due"') == 1
    assert "срок — через 14 рабочих дней" in assigned
    assert inbox.count('data-testid="due"') == 1  # the one under review; the other is the authors'

"""A proposal's content as data: snapshots, differences between them, the completeness check
before submission and the budget table."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from documents.content import budget_table, completeness_problems, content_hash, diff, snapshot
from documents.models import BudgetLine
from documents.services import proposal_update
from tests.factories import complete_content, draft_proposal


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def lines(*rows) -> list[BudgetLine]:
    return [BudgetLine(year=y, source=s, amount=Decimal(a)) for y, s, a in rows]


def replace(proposal, **changes):
    """Save the draft's complete content with some of its parts replaced."""
    content = complete_content(proposal)
    for name, value in changes.items():
        setattr(content, name, value)
    return proposal_update(
        proposal_id=proposal.pk, by=proposal.author, content=content, seen_edition=None
    )


# --- Snapshots and their differences -------------------------------------------------------
@pytest.mark.django_db
def test_snapshot_holds_the_child_rows(author, cluster):
    proposal = draft_proposal(author)

    data = snapshot(proposal)

    assert data["budget_lines"] == [
        {"year": 2027, "source": "own", "amount": "1000000.00"},
        {"year": 2029, "source": "city", "amount": "2500000.00"},
    ]
    assert data["milestones"] == [
        {"name": "Пилотная партия", "due_on": "2027-06-30"},
        {"name": "Регистрация", "due_on": "2029-12-01"},
    ]
    assert data["indicators"][0]["targets"] == {"2027": "10", "2028": "20", "2029": "30"}
    assert content_hash(data) == content_hash(dict(reversed(list(data.items()))))


def test_diff_of_equal_snapshots_is_empty():
    content = {"title": "Проект", "budget_lines": [{"year": 2027, "amount": "1"}]}

    assert diff(content, dict(content)) == []


def test_diff_lists_changed_fields_in_the_order_of_the_form(english):
    before = {"title": "Старое", "summary": "Кратко", "goals": "Цель"}
    after = {"title": "Новое", "summary": "Кратко", "goals": "Цель\nВторая цель"}

    changes = diff(before, after)

    assert [(c.label, c.before, c.after) for c in changes] == [
        ("title", "Старое", "Новое"),
        ("goals and objectives", "Цель", "Цель\nВторая цель"),
    ]
    assert changes[0].lines == ["@@ -1 +1 @@", "-Старое", "+Новое"]
    assert changes[1].lines == ["@@ -1 +1,2 @@", " Цель", "+Вторая цель"]


def test_diff_of_child_rows_shows_each_row_as_a_line(english):
    before = {"milestones": [{"name": "Пилот", "due_on": "2027-06-30"}]}
    after = {
        "milestones": [
            {"name": "Пилот", "due_on": "2027-09-30"},
            {"name": "Серия", "due_on": "2028-12-01"},
        ]
    }

    (change,) = diff(before, after)

    assert change.label == "milestones"
    assert change.lines == [
        "@@ -1 +1,2 @@",
        "-Пилот; 30.06.2027",
        "+Пилот; 30.09.2027",
        "+Серия; 01.12.2028",
    ]


def test_diff_labels_follow_the_language():
    with translation.override("ru"):
        (change,) = diff({"title": "А"}, {"title": "Б"})

    assert change.label == "название"


# --- Completeness --------------------------------------------------------------------------
@pytest.mark.django_db
def test_completeness_of_a_complete_draft_is_empty(author, cluster):
    assert completeness_problems(draft_proposal(author)) == []


@pytest.mark.django_db
def test_completeness_lists_missing_fields_in_the_users_language(author, cluster):
    proposal = draft_proposal(author, summary=" ", contact_email="")

    with translation.override("en"):
        in_english = completeness_problems(proposal)
    with translation.override("ru"):
        in_russian = completeness_problems(proposal)

    assert in_english == ["Fill in “summary”.", "Fill in “contact e-mail”."]
    assert in_russian[0] == "Заполните поле «краткое описание»."


@pytest.mark.django_db
def test_completeness_needs_budget_milestones_and_indicators(author, cluster, english):
    proposal = replace(draft_proposal(author), budget_lines=[], milestones=[], indicators=[])

    assert completeness_problems(proposal) == [
        "Add at least one budget line.",
        "Add at least one milestone.",
        "Add at least one target indicator.",
    ]


@pytest.mark.django_db
def test_completeness_wants_milestones_in_order(author, cluster, english):
    proposal = replace(
        draft_proposal(author),
        milestones=[
            {"name": "Регистрация", "due_on": datetime.date(2029, 12, 1)},
            {"name": "Пилотная партия", "due_on": datetime.date(2027, 6, 30)},
        ],
    )

    assert completeness_problems(proposal) == [
        "Milestone “Пилотная партия” is dated before “Регистрация”: put them in order."
    ]


@pytest.mark.django_db
def test_completeness_refuses_budget_years_outside_the_call(author, cluster, english):
    proposal = replace(
        draft_proposal(author),
        budget_lines=[{"year": 2031, "source": "own", "amount": Decimal("5")}],
    )

    assert completeness_problems(proposal) == [
        "Budget years 2031 are outside the call's years 2027–2029."
    ]


@pytest.mark.django_db
def test_completeness_wants_a_target_for_some_year(author, cluster, english):
    indicator = {"name": "Выручка", "unit": "млн руб.", "baseline": Decimal(0), "targets": {}}
    proposal = replace(draft_proposal(author), indicators=[indicator])

    assert completeness_problems(proposal) == ["Indicator “Выручка” has no target for any year."]


# --- Budget table --------------------------------------------------------------------------
def test_budget_table_totals_by_source_and_by_year(english):
    table = budget_table(
        lines(
            (2027, "own", "100.50"),
            (2027, "city", "200"),
            (2028, "own", "50"),
            (2029, "federal", "1000"),
        ),
        [2027, 2028, 2029],
    )

    assert [(str(r["label"]), r["amounts"], r["total"]) for r in table["rows"]] == [
        ("own funds", [Decimal("100.50"), Decimal("50"), Decimal(0)], Decimal("150.50")),
        ("private investors", [Decimal(0)] * 3, Decimal(0)),
        ("city of Moscow", [Decimal("200"), Decimal(0), Decimal(0)], Decimal("200")),
        ("federal budget", [Decimal(0), Decimal(0), Decimal("1000")], Decimal("1000")),
    ]
    assert table["totals"] == [Decimal("300.50"), Decimal("50"), Decimal("1000")]
    assert table["grand_total"] == Decimal("1350.50")


def test_budget_table_of_no_lines_is_all_zeros():
    table = budget_table([], [2027, 2028])

    assert table["totals"] == [Decimal(0), Decimal(0)]
    assert table["grand_total"] == Decimal(0)


@pytest.mark.django_db
def test_budget_table_reads_a_proposals_lines(author, cluster):
    proposal = draft_proposal(author)

    table = budget_table(proposal, proposal.call.years)

    assert table["totals"] == [Decimal("1000000.00"), Decimal(0), Decimal("2500000.00")]
    assert table["grand_total"] == Decimal("3500000.00")

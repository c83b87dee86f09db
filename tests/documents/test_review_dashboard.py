"""The review dashboard of a working group (issue 17, item 4): ranking by weighted score with
its spread, counts and waiting time, sorting, the suggested balanced assignment and its
confirmation in one transaction, the workbook of reviews, who may do what, and a cost that does
not grow with the proposals."""

import datetime
import io
import random
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from directory.models import Membership
from documents import review_dashboard, transitions
from documents.grants import sync_proposal_permissions
from documents.models import (
    Assignment,
    ConflictDeclaration,
    Proposal,
    ProposalGroupObjectPermission,
    Review,
)
from mbk.exceptions import ActionRefusedError
from tests.factories import CallFactory, MembershipFactory, draft_proposal
from workflow import deadlines
from workflow.calendar import add_working_days, working_days_between
from workflow.models import AuditEntry, Deadline, Notice

State = Proposal.State
Role = Membership.Role


def scores(n: int) -> dict[str, int]:
    return {"relevance": n, "science": n, "market": n, "feasibility": n, "team": n}


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def group(cluster):
    return cluster["wg-pharma"]


@pytest.fixture
def experts(group, expert):
    """Four experts of wg-pharma, each of an organisation of their own, in name order."""
    more = [
        MembershipFactory(
            body=group, role=Role.EXPERT, user__username=f"expert-{n}", user__last_name=name
        ).user
        for n, name in enumerate(["Борисова", "Волков", "Голубева"], start=2)
    ]
    expert.last_name = "Алексеев"
    expert.save()
    return [expert, *more]


@pytest.fixture
def call(db):
    return CallFactory()


def submitted(author, call, title: str) -> Proposal:
    proposal = draft_proposal(author, call=call, title=title)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def reviewed(proposal: Proposal, chair, marks: dict) -> Proposal:
    """Assigns the experts of `marks` (expert -> score of every criterion) and has them
    review the proposal."""
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=list(marks))
    for person, mark in marks.items():
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=person,
            scores=scores(mark),
            recommendation="approve" if mark >= 4 else "revise",
            comments="Оценка по критериям.",
        )
    return Proposal.objects.get(pk=proposal.pk)


def rows_of(user, group, **kwargs) -> list[Proposal]:
    return review_dashboard.add_waiting(review_dashboard.dashboard(user, group, **kwargs))


# --- Ranking, spread, counts, waiting ------------------------------------------------------
@pytest.mark.django_db
def test_dashboard_ranks_by_weighted_score_with_spread_and_counts(
    author, chair, experts, call, group
):
    a, b, c, _d = experts
    middle = reviewed(submitted(author, call, "Средний"), chair, {a: 5, b: 3})
    low = reviewed(submitted(author, call, "Слабый"), chair, {a: 2, c: 2})
    high = reviewed(submitted(author, call, "Сильный"), chair, {b: 5})
    waiting = submitted(author, call, "Без отзывов")

    rows = rows_of(chair, group)

    assert [p.title for p in rows] == ["Сильный", "Средний", "Слабый", "Без отзывов"]
    by_title = {p.title: p for p in rows}
    assert by_title["Средний"].score_mean == Decimal("4.00")
    assert (by_title["Средний"].score_min, by_title["Средний"].score_max) == (3, 5)
    assert by_title["Средний"].score_spread == Decimal("2.00")
    # Two places on every database, as the page shows them (SQLite's mean was a float).
    middle_row = by_title["Средний"]
    shown = (middle_row.score_mean, middle_row.score_min, middle_row.score_spread)
    assert [str(value) for value in shown] == ["4.00", "3.00", "2.00"]
    assert by_title["Слабый"].score_spread == Decimal("0.00")
    assert [(p.reviews_in, p.assigned) for p in rows] == [(1, 1), (2, 2), (2, 2), (0, 0)]
    assert by_title["Без отзывов"].score_mean is None
    assert {p.pk for p in rows} == {middle.pk, low.pk, high.pk, waiting.pk}


@pytest.mark.django_db
def test_dashboard_sorts_by_each_column_both_ways(author, chair, experts, call, group):
    a, b, c, _d = experts
    reviewed(submitted(author, call, "Б средний"), chair, {a: 5, b: 3})
    reviewed(submitted(author, call, "А слабый"), chair, {a: 2, c: 2})
    reviewed(submitted(author, call, "В сильный"), chair, {b: 5})

    def titles(sort):
        return [p.title for p in rows_of(chair, group, sort=sort)]

    assert titles("score") == ["А слабый", "Б средний", "В сильный"]
    assert titles("-spread")[0] == "Б средний"
    assert titles("title") == ["А слабый", "Б средний", "В сильный"]
    assert titles("-title") == ["В сильный", "Б средний", "А слабый"]
    assert titles("reviews")[0] == "В сильный"
    # The first submitted has waited longest.
    assert titles("-waiting") == ["Б средний", "А слабый", "В сильный"]
    assert titles("waiting") == ["В сильный", "А слабый", "Б средний"]
    assert titles("nonsense") == titles("-score")


@pytest.mark.django_db
def test_dashboard_counts_working_days_waiting_and_the_due_date(
    author, chair, experts, call, group
):
    fresh = submitted(author, call, "Поданная")
    in_review = reviewed(submitted(author, call, "На экспертизе"), chair, {experts[0]: 4})
    entered = timezone.localdate()
    later = add_working_days(entered, 5) + datetime.timedelta(days=1)

    rows = review_dashboard.add_waiting(review_dashboard.dashboard(chair, group), today=later)

    by_pk = {p.pk: p for p in rows}
    assert by_pk[fresh.pk].days_waiting == working_days_between(entered, later)
    assert by_pk[fresh.pk].days_waiting >= 5
    assert by_pk[fresh.pk].due_on == add_working_days(entered, 5)  # submitted: 5 working days
    assert by_pk[in_review.pk].due_on == add_working_days(entered, 14)  # in review: 14
    assert by_pk[fresh.pk].overdue is True
    assert by_pk[in_review.pk].overdue is False


@pytest.mark.django_db
def test_dashboard_takes_the_due_date_of_the_open_deadline(author, chair, call, group):
    proposal = submitted(author, call, "Поданная")
    deadlines.open_deadlines()
    Deadline.objects.filter(object_id=proposal.pk, closed_at=None).update(
        due_on=datetime.date(2031, 3, 3)
    )

    (row,) = rows_of(chair, group)

    assert row.due_on == datetime.date(2031, 3, 3)


@pytest.mark.django_db
def test_dashboard_filters_by_state(author, chair, experts, call, group):
    a, b, *_ = experts
    submitted(author, call, "Поданная")
    decided = reviewed(submitted(author, call, "Одобренная"), chair, {a: 5, b: 4})
    transitions.proposal_approve_in_group(proposal_id=decided.pk, by=chair)

    assert [p.title for p in rows_of(chair, group)] == ["Поданная"]
    assert [p.title for p in rows_of(chair, group, key="decided")] == ["Одобренная"]
    assert [p.title for p in rows_of(chair, group, key=State.WG_APPROVED)] == ["Одобренная"]
    assert [p.title for p in rows_of(chair, group, key=State.SUBMITTED)] == ["Поданная"]


@pytest.mark.django_db
def test_dashboard_hides_the_scores_of_a_proposal_the_person_is_conflicted_on(
    client, author, chair, experts, call, group
):
    proposal = reviewed(submitted(author, call, "Конфликт"), chair, {experts[0]: 5})
    ConflictDeclaration.objects.create(proposal=proposal, person=chair, reason="Родственник")
    client.force_login(chair)

    response = client.get(reverse("documents:review-dashboard", args=[group.code]))

    (row,) = response.context["proposals"]
    assert row.conflicted is True
    assert row.score_mean is None
    assert 'data-testid="conflicted"' in response.text
    assert 'name="proposal"' not in response.text  # not offered for assignment either


@pytest.mark.django_db
def test_dashboard_page_marks_the_sorted_column_with_aria_sort(client, author, chair, call, group):
    submitted(author, call, "Поданная")
    client.force_login(chair)
    url = reverse("documents:review-dashboard", args=[group.code])

    by_score = client.get(url)
    by_title = client.get(url, {"sort": "title"})

    assert '<th scope="col" aria-sort="descending" data-sort="score">' in by_score.text
    assert 'aria-sort="ascending" data-sort="title"' in by_title.text
    assert by_title.text.count("aria-sort=") == 1
    # A second click on the sorted column reverses it.
    assert 'href="?sort=-title"' in by_title.text


# --- The suggested assignment --------------------------------------------------------------
@pytest.mark.django_db
def test_suggestion_respects_conflicts_and_the_required_number(author, chair, experts, call, group):
    a, b, c, d = experts
    own = MembershipFactory(
        body=group, role=Role.EXPERT, user__organisation=author.organisation, user__last_name="Я"
    ).user
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    ConflictDeclaration.objects.create(proposal=second, person=b, reason="Консультирую авторов")
    third = submitted(author, call, "Третья")
    transitions.proposal_assign_experts(proposal_id=third.pk, by=chair, experts=[c])
    proposals = review_dashboard.assignable(chair, group, [first.pk, second.pk, third.pk])

    plan = review_dashboard.suggest_assignment(group, proposals)

    by_pk = {item.proposal.pk: item for item in plan.proposals}
    assert [len(by_pk[p.pk].suggested) for p in (first, second, third)] == [2, 2, 1]
    assert all(own not in item.suggested and own in item.conflicted for item in plan.proposals)
    assert b not in by_pk[second.pk].suggested
    assert b in by_pk[second.pk].conflicted
    assert c not in by_pk[third.pk].suggested
    assert by_pk[third.pk].assigned == [c]
    after = [plan.load_after[e.pk] for e in (a, b, c, d, own)]
    assert after[4] == 0
    assert max(after[:4]) - min(after[:4]) <= 1
    assert sum(after) == 2 + 2 + 2  # 5 suggested and c's assignment of the third
    assert review_dashboard.suggest_assignment(group, proposals) == plan  # deterministic


@pytest.mark.django_db
def test_suggestion_counts_open_assignments_in_other_proposals(author, chair, experts, call, group):
    a, b, c, d = experts
    busy = submitted(author, call, "Занимает двоих")
    transitions.proposal_assign_experts(proposal_id=busy.pk, by=chair, experts=[a, b])
    done = reviewed(submitted(author, call, "Уже оценена"), chair, {c: 4})
    new = submitted(author, call, "Новая")

    plan = review_dashboard.suggest_assignment(
        group, review_dashboard.assignable(chair, group, [new.pk])
    )

    assert plan.load_before == {a.pk: 1, b.pk: 1, c.pk: 0, d.pk: 0}  # c's review is in
    assert plan.proposals[0].suggested == [c, d]
    assert done.pk not in {item.proposal.pk for item in plan.proposals}


@pytest.mark.django_db
def test_suggestion_says_how_many_reviewers_lack(author, chair, expert, call, group):
    proposal = submitted(author, call, "Одна")

    plan = review_dashboard.suggest_assignment(
        group, review_dashboard.assignable(chair, group, [proposal.pk])
    )

    assert plan.proposals[0].suggested == [expert]
    assert plan.proposals[0].short == 1


def test_greedy_balance_keeps_loads_within_one_when_nothing_forbids_it():
    """The property, on the greedy step alone: with every expert free to review every proposal
    and the same load to start with, max load - min load <= 1 after any suggestion."""
    generator = random.Random(17)  # noqa: S311 (a reproducible sample, not a secret)
    for _case in range(300):
        experts = list(range(generator.randint(1, 7)))
        needs = [generator.randint(0, len(experts)) for _ in range(generator.randint(1, 12))]
        start = generator.randint(0, 3)
        load = dict.fromkeys(experts, start)

        picks = review_dashboard.balanced_picks(
            [(n, list(experts)) for n in needs], load, key=lambda e: e
        )

        assert [len(p) for p in picks] == needs
        assert all(len(set(p)) == len(p) for p in picks)
        assert max(load.values()) - min(load.values()) <= 1


def test_greedy_balance_fills_the_least_loaded_first():
    load = {"a": 3, "b": 0, "c": 1}

    picks = review_dashboard.balanced_picks([(1, ["a", "b", "c"])] * 3, load, key=lambda e: e)

    assert picks == [["b"], ["b"], ["c"]]
    assert load == {"a": 3, "b": 2, "c": 2}


# --- Confirming ------------------------------------------------------------------------------
def assign_url(group) -> str:
    return reverse("documents:review-dashboard-assign", args=[group.code])


def confirm(client, group, pairs: dict, editions: dict | None = None):
    data = {
        "proposal": [str(p.pk) for p in pairs],
        "pair": [f"{p.pk}:{e.pk}" for p, people in pairs.items() for e in people],
    }
    for proposal in pairs:
        data[f"edition-{proposal.pk}"] = str((editions or {}).get(proposal.pk, proposal.edition))
    return client.post(assign_url(group), data)


@pytest.mark.django_db
def test_suggestion_page_offers_the_suggested_pairs_ticked(
    client, author, chair, experts, call, group
):
    first = submitted(author, call, "Первая")
    client.force_login(chair)

    response = client.get(assign_url(group), {"proposal": [first.pk, "junk"]})

    assert response.status_code == 200
    assert f'value="{first.pk}:{experts[0].pk}" id="pair-{first.pk}-{experts[0].pk}" checked' in (
        response.text
    )
    assert f'value="{first.pk}:{experts[2].pk}" id="pair-{first.pk}-{experts[2].pk}" data' in (
        response.text
    )
    assert f'name="edition-{first.pk}" value="{first.edition}"' in response.text


@pytest.mark.django_db
def test_confirm_assigns_audits_and_notifies_in_one_go(client, author, chair, experts, call, group):
    a, b, c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    client.force_login(chair)

    response = confirm(client, group, {first: [a, b], second: [c]})

    assert response.status_code == 302
    assert response.url == reverse("documents:review-dashboard", args=[group.code])
    assert set(Assignment.objects.values_list("proposal_id", "expert_id")) == {
        (first.pk, a.pk),
        (first.pk, b.pk),
        (second.pk, c.pk),
    }
    assert set(
        Proposal.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)
    ) == {State.WG_REVIEW}
    proposal_type = ContentType.objects.get_for_model(Proposal)
    audited = AuditEntry.objects.filter(content_type=proposal_type, action="experts_assigned")
    assert sorted(audited.values_list("object_id", flat=True)) == [first.pk, second.pk]
    assert audited.get(object_id=first.pk).actor == chair
    asked = Notice.objects.filter(recipient__in=experts).values_list("recipient", "url")
    assert sorted(asked) == sorted(
        [
            (a.pk, reverse("documents:proposal-detail", args=[first.pk])),
            (b.pk, reverse("documents:proposal-detail", args=[first.pk])),
            (c.pk, reverse("documents:proposal-detail", args=[second.pk])),
        ]
    )


@pytest.mark.django_db
def test_confirm_of_a_stale_page_is_409_and_assigns_nothing(
    client, author, chair, experts, call, group
):
    a, b, c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    seen = {first.pk: first.edition, second.pk: second.edition}
    # Someone else assigns an expert to the second meanwhile: its edition moves on.
    transitions.proposal_assign_experts(proposal_id=second.pk, by=chair, experts=[c])
    notices = Notice.objects.count()
    client.force_login(chair)

    response = confirm(client, group, {first: [a], second: [b]}, editions=seen)

    assert response.status_code == 409
    assert list(Assignment.objects.values_list("proposal_id", "expert_id")) == [(second.pk, c.pk)]
    assert Proposal.objects.get(pk=first.pk).state == State.SUBMITTED
    assert Notice.objects.count() == notices


@pytest.mark.django_db
def test_confirm_refuses_a_conflict_that_appeared_meanwhile_naming_it(
    client, author, chair, experts, call, group
):
    a, b, _c, _d = experts
    first = submitted(author, call, "Первая")
    second = submitted(author, call, "Вторая")
    transitions.proposal_declare_conflict(proposal_id=second.pk, by=b, reason="Консультирую")
    client.force_login(chair)

    response = confirm(client, group, {first: [a], second: [b]})

    assert response.status_code == 409
    assert "Nothing was assigned" in response.text
    assert "«Вторая»" in response.text
    assert b.get_full_name() in response.text
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_confirm_without_any_pair_shows_the_page_again(client, author, chair, experts, call, group):
    first = submitted(author, call, "Первая")
    client.force_login(chair)

    response = client.post(
        assign_url(group), {"proposal": [first.pk], f"edition-{first.pk}": first.edition}
    )

    assert response.status_code == 200
    assert "Tick at least one expert" in response.text
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_bulk_service_refuses_a_proposal_of_another_group(author, chair, experts, call, cluster):
    proposal = submitted(author, call, "Первая")

    with (
        translation.override("en"),
        pytest.raises(ActionRefusedError, match="not of this working group"),
    ):
        transitions.assignments_bulk_create(
            group_id=cluster["wg-pharma"].pk,
            by=chair,
            experts={proposal.pk: [experts[0]], proposal.pk + 10_000: [experts[1]]},
            editions={proposal.pk: proposal.edition, proposal.pk + 10_000: 0},
        )
    assert not Assignment.objects.exists()


# --- Who may -------------------------------------------------------------------------------
@pytest.fixture
def group_secretary(group):
    return MembershipFactory(body=group, role=Role.SECRETARY, user__username="wg-secretary").user


@pytest.mark.django_db
def test_who_may_open_the_dashboard_assign_and_export(
    client, author, chair, other_chair, expert, office, group_secretary, outsider, call, group
):
    deputy = MembershipFactory(body=group, role=Role.DEPUTY_CHAIR).user
    proposal = submitted(author, call, "Первая")
    urls = {
        "dashboard": reverse("documents:review-dashboard", args=[group.code]),
        "assign": f"{assign_url(group)}?proposal={proposal.pk}",
        "export": reverse("documents:reviews-export", args=[group.code]),
    }

    def statuses(user, *, post=True):
        client.force_login(user)
        got = {name: client.get(url).status_code for name, url in urls.items()}
        if post:
            fresh = Proposal.objects.get(pk=proposal.pk)
            got["confirm"] = confirm(client, group, {fresh: [expert]}).status_code
        client.logout()
        return got

    assert statuses(chair, post=False) == {"dashboard": 200, "assign": 200, "export": 200}
    # A deputy chair reads; assigns on a proposal's page where they stand in for the chair.
    assert statuses(deputy, post=False) == {"dashboard": 200, "assign": 403, "export": 200}
    assert statuses(group_secretary) == {
        "dashboard": 200,
        "assign": 200,
        "export": 200,
        "confirm": 302,
    }
    forbidden = {"dashboard": 403, "assign": 403, "export": 403, "confirm": 403}
    assert statuses(other_chair) == forbidden
    assert statuses(expert) == forbidden
    assert statuses(outsider) == forbidden
    # The programme office reads every group's dashboard and reviews; it does not assign here.
    assert statuses(office) == {"dashboard": 200, "assign": 403, "export": 200, "confirm": 403}
    assert list(Assignment.objects.values_list("expert_id", flat=True)) == [expert.pk]


@pytest.mark.django_db
def test_dashboard_of_a_body_that_is_not_a_working_group_is_404(client, office, cluster):
    client.force_login(office)

    response = client.get(reverse("documents:review-dashboard", args=[cluster["council"].code]))

    assert response.status_code == 404


@pytest.mark.django_db
def test_inbox_and_home_link_to_the_dashboard(client, chair, group):
    client.force_login(chair)
    url = reverse("documents:review-dashboard", args=[group.code])

    inbox = client.get(reverse("documents:group-inbox"))
    home = client.get(reverse("home"))

    assert f'href="{url}"' in inbox.text
    assert f'href="{url}"' in home.text


# --- The workbook ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_export_has_a_row_per_review_and_a_summary_per_proposal(
    client, author, chair, experts, call, group
):
    a, b, c, _d = experts
    first = reviewed(submitted(author, call, "Первая"), chair, {a: 5, b: 3})
    hidden = reviewed(submitted(author, call, "Скрытая"), chair, {c: 4})
    ConflictDeclaration.objects.create(proposal=hidden, person=chair, reason="Родственник")
    waiting = submitted(author, call, '=HYPERLINK("x")')
    client.force_login(chair)

    response = client.get(reverse("documents:reviews-export", args=[group.code]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Reviews", "Summary by proposal"]
    reviews = [list(r) for r in book["Reviews"].iter_rows(values_only=True)]
    assert reviews[0][:4] == ["Proposal no.", "Proposal", "Expert", "Review round"]
    assert reviews[0][-3:] == ["Weighted score", "Recommendation", "Submitted"]
    assert len(reviews[0]) == 4 + 5 + 3  # five criteria
    body = sorted(reviews[1:], key=lambda r: r[2])
    assert [(r[0], r[1], r[3], r[4:9], r[9], r[10]) for r in body] == [
        (first.pk, "Первая", 1, [5] * 5, 5.0, "approve"),
        (first.pk, "Первая", 1, [3] * 5, 3.0, "revise"),
    ] or [(r[0], r[1], r[3], r[4:9], r[9], r[10]) for r in body] == [
        (first.pk, "Первая", 1, [3] * 5, 3.0, "revise"),
        (first.pk, "Первая", 1, [5] * 5, 5.0, "approve"),
    ]
    assert {r[2] for r in body} == {a.get_full_name(), b.get_full_name()}
    assert all(isinstance(r[11], datetime.datetime) for r in body)
    summary = [list(r) for r in book["Summary by proposal"].iter_rows(values_only=True)]
    assert summary[0][:9] == [
        "Proposal no.",
        "Proposal",
        "State",
        "Review round",
        "Reviews in",
        "Reviews required",
        "Weighted score",
        "Lowest",
        "Highest",
    ]
    assert summary[1][:9] == [first.pk, "Первая", "in working-group review", 1, 2, 2, 4.0, 3.0, 5.0]
    assert summary[1][9:] == [1, 1, 0]  # approve, revise, reject
    assert summary[2][:2] == [waiting.pk, '=HYPERLINK("x")']  # text, not a formula
    assert book["Summary by proposal"].cell(row=3, column=2).data_type == "s"
    assert hidden.pk not in [row[0] for row in summary[1:]]
    assert len(summary) == 3


# --- Cost ----------------------------------------------------------------------------------
def _copies(proposal: Proposal, n: int) -> None:
    """n bulk copies of a reviewed proposal with its reviews, assignments, grants and the audit
    entry of its stay (as bench/generate.py copies them), without the services' cost."""
    reviews = list(proposal.reviews.all())
    assignments = list(proposal.assignments.all())
    grants = list(ProposalGroupObjectPermission.objects.filter(content_object=proposal))
    entry = AuditEntry.objects.filter(object_id=proposal.pk, to_state=proposal.state).latest(
        "sequence"
    )
    last = AuditEntry.objects.order_by("-position").first().position
    copies = Proposal.objects.bulk_create(
        Proposal(
            **{
                f.attname: getattr(proposal, f.attname)
                for f in Proposal._meta.concrete_fields
                if f.attname not in ("id", "title")
            },
            title=f"Копия {i}",
        )
        for i in range(n)
    )
    Review.objects.bulk_create(
        Review(
            **{
                f.attname: getattr(r, f.attname)
                for f in Review._meta.concrete_fields
                if f.attname not in ("id", "proposal_id")
            },
            proposal_id=copy.pk,
        )
        for copy in copies
        for r in reviews
    )
    Assignment.objects.bulk_create(
        Assignment(proposal_id=copy.pk, expert_id=a.expert_id, assigned_by_id=a.assigned_by_id)
        for copy in copies
        for a in assignments
    )
    ProposalGroupObjectPermission.objects.bulk_create(
        ProposalGroupObjectPermission(
            content_object_id=copy.pk, group_id=g.group_id, permission_id=g.permission_id
        )
        for copy in copies
        for g in grants
    )
    AuditEntry.objects.bulk_create(
        AuditEntry(
            **{
                f.attname: getattr(entry, f.attname)
                for f in AuditEntry._meta.concrete_fields
                if f.attname not in ("id", "object_id", "position", "entry_hash")
            },
            object_id=copy.pk,
            position=last + i + 1,
            entry_hash=f"{copy.pk:064d}",
        )
        for i, copy in enumerate(copies)
    )


def _page_queries(client, group, **params) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("documents:review-dashboard", args=[group.code]), params)
    assert response.status_code == 200
    return len(queries), len(response.context["proposals"])


@pytest.mark.django_db
def test_dashboard_costs_the_same_queries_for_10_and_1000_proposals(
    client, author, chair, experts, call, group
):
    model = reviewed(submitted(author, call, "Образец"), chair, {experts[0]: 5, experts[1]: 3})
    sync_proposal_permissions(model)
    _copies(model, 9)
    client.force_login(chair)
    client.get(reverse("documents:review-dashboard", args=[group.code]))  # warm caches
    ten = _page_queries(client, group)
    ten_sorted = _page_queries(client, group, sort="-waiting")
    with CaptureQueriesContext(connection) as selector_ten:
        assert len(rows_of(chair, group)) == 10

    _copies(model, 990)
    thousand = _page_queries(client, group)
    thousand_sorted = _page_queries(client, group, sort="-waiting")
    with CaptureQueriesContext(connection) as selector_thousand:
        rows = rows_of(chair, group)

    assert (ten[1], thousand[1]) == (10, 50)  # a page at a time
    assert len(rows) == 1000
    assert (rows[0].score_mean, rows[0].days_waiting) == (Decimal("4.00"), 0)
    assert thousand[0] == ten[0]
    assert thousand_sorted[0] == ten_sorted[0]
    # The rows; the working days come from the cache (workflow/reference.py) the page warmed.
    assert len(selector_thousand) == len(selector_ten) == 1

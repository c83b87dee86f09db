"""The register of proposals (documents/register.py, documents/views/register.py): who opens
it, what each filter keeps, the orders, the pages, the spreadsheet, and its cost."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from openpyxl import load_workbook

from directory.models import Direction
from documents import questions, register, search, transitions
from documents.models import Proposal, ProposalGroupObjectPermission, Review
from mbk import spreadsheets
from tests.factories import CallFactory
from tests.workflow.states import make_people, proposal_in
from workflow import deadlines
from workflow.models import Deadline

State = Proposal.State
LOW_SCORES = {"relevance": 1, "science": 1, "market": 2, "feasibility": 1, "team": 1}


class World:
    """A call with proposals in most states, two organisations, two directions, two mean
    scores and an overdue deadline; built once for the module and rolled back after it."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        people = make_people()
        call = CallFactory(title_ru="Приём 2027")
        old_call = CallFactory(title_ru="Приём 2025")
        ecology = Direction.objects.get(code="ecology")
        other = {k: v for k, v in people.items() if k != "coauthor"}
        other["author"] = people["other_author"]
        made = {
            "low": proposal_in(State.WG_REVIEW, people, call=call, title="Биоаналоги антител"),
            "review": proposal_in(State.WG_REVIEW, people, call=call, title="Вакцины для птиц"),
            "eco": proposal_in(
                State.SUBMITTED, other, call=call, direction=ecology, title="Переработка отходов"
            ),
            "group_approved": proposal_in(State.WG_APPROVED, people, call=call, title="Ферменты"),
            "governance": proposal_in(
                State.GOVERNANCE_REVIEW, people, call=call, title="Клеточные технологии"
            ),
            "approved": proposal_in(State.APPROVED, people, call=call, title="Диагностикумы"),
            "rejected": proposal_in(State.REJECTED, people, call=call, title="Пробиотики"),
            "draft": proposal_in(State.DRAFT, people, call=call, title="Черновик заявки"),
            "old": proposal_in(State.SUBMITTED, people, call=old_call, title="Старая заявка"),
        }
        # The old call closed last year (its proposal was submitted while it was open).
        old_call.opens_on = timezone.localdate() - datetime.timedelta(days=400)
        old_call.closes_on = timezone.localdate() - datetime.timedelta(days=300)
        old_call.save()
        old_call.refresh_from_db()
        transitions.proposal_review(
            proposal_id=made["low"].pk,
            by=people["expert"],
            scores=LOW_SCORES,
            recommendation="reject",
            comments="Слабое обоснование.",
        )
        deadlines.open_deadlines()
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Proposal),
            object_id=made["eco"].pk,
            closed_at=None,
        ).update(due_on=timezone.localdate() - datetime.timedelta(days=3))
        world = World()
        world.people, world.call, world.old_call, world.proposals = people, call, old_call, made
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def listed(response) -> list[str]:
    """The keys of the world's proposals in the page's rows, in their order."""
    return [row[0].title for row in response.context["rows"]]


def titles(world, *keys) -> list[str]:
    return [world.proposals[key].title for key in keys]


def get(client, world, **params):
    params.setdefault("call", world.call.pk)
    return client.get("/register/", params)


# --- Who opens it --------------------------------------------------------------------------
@pytest.mark.django_db
def test_register_opens_for_the_office_with_its_actions(client, world):
    response = get(as_user(client, world.people["office"]), world)

    assert response.status_code == 200
    assert b'data-testid="send-to-governance"' in response.content
    sendable = [p.title for p, can_send in response.context["rows"] if can_send]
    assert sendable == titles(world, "group_approved")


@pytest.mark.django_db
def test_register_is_read_only_for_a_governance_member(client, world):
    response = get(as_user(client, world.people["governance_member"]), world)

    assert response.status_code == 200
    assert b'data-testid="send-to-governance"' not in response.content
    assert b'data-testid="register-call-link"' not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["author", "expert", "chair", "observer", "outsider"])
def test_register_is_refused_to_others(client, world, persona):
    client = as_user(client, world.people[persona])

    assert get(client, world).status_code == 403
    assert client.get("/register/export.xlsx", {"call": world.call.pk}).status_code == 403


@pytest.mark.django_db
def test_register_sends_the_anonymous_to_log_in(client, world):
    response = get(client, world)

    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_register_shows_the_office_every_submitted_proposal_of_the_call_and_no_draft(client, world):
    response = get(as_user(client, world.people["office"]), world)

    assert sorted(listed(response)) == sorted(
        titles(world, "low", "review", "eco", "group_approved", "governance", "approved")
        + titles(world, "rejected")
    )


@pytest.mark.django_db
def test_register_shows_a_governance_member_only_what_went_before_the_body(client, world):
    response = get(as_user(client, world.people["governance_member"]), world)

    assert sorted(listed(response)) == sorted(titles(world, "governance", "approved"))


@pytest.mark.django_db
def test_register_leaves_out_drafts_even_of_their_own_authors(world):
    author = world.people["author"]
    office_author = world.people["office"]
    filters = register.Filters(call=world.call)

    assert world.proposals["draft"] in Proposal.objects.filter(author=author)
    assert world.proposals["draft"] not in register.rows(author, filters)
    assert world.proposals["draft"] not in register.rows(office_author, filters)


@pytest.mark.django_db
def test_register_defaults_to_the_latest_open_call(client, world):
    response = as_user(client, world.people["office"]).get("/register/")

    assert response.context["call"] == world.call


@pytest.mark.django_db
def test_register_shows_another_call_when_asked(client, world):
    response = get(as_user(client, world.people["office"]), world, call=world.old_call.pk)

    assert listed(response) == titles(world, "old")


@pytest.mark.django_db
@pytest.mark.parametrize("call", ["999999", "x"])
def test_register_of_an_unknown_call_is_404(client, world, call):
    assert get(as_user(client, world.people["office"]), world, call=call).status_code == 404


# --- Filters -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_filter_by_direction(client, world):
    ecology = Direction.objects.get(code="ecology")

    response = get(as_user(client, world.people["office"]), world, direction=ecology.pk)

    assert listed(response) == titles(world, "eco")


@pytest.mark.django_db
def test_filter_by_working_group(client, world):
    group = world.proposals["eco"].group

    response = get(as_user(client, world.people["office"]), world, group=group.pk)

    assert listed(response) == titles(world, "eco")


@pytest.mark.django_db
def test_filter_by_several_states(client, world):
    response = get(
        as_user(client, world.people["office"]),
        world,
        state=[State.WG_REVIEW, State.APPROVED],
        sort="number",
    )

    assert listed(response) == titles(world, "low", "review", "approved")


@pytest.mark.django_db
def test_filter_by_organisation(client, world):
    organisation = world.proposals["eco"].organisation

    response = get(as_user(client, world.people["office"]), world, organisation=organisation.pk)

    assert listed(response) == titles(world, "eco")


@pytest.mark.django_db
def test_filter_overdue(client, world):
    response = get(as_user(client, world.people["office"]), world, overdue="on")

    assert listed(response) == titles(world, "eco")
    assert b"text-danger fw-semibold" in response.content


@pytest.mark.django_db
def test_filter_by_score_range(client, world):
    client = as_user(client, world.people["office"])
    low = world.proposals["low"]
    low_score = next(
        p.score for p in register.rows(world.people["office"], _all(world)) if p == low
    )

    below = get(client, world, score_max=str(low_score))
    above = get(client, world, score_min=str(low_score + Decimal("0.01")), sort="number")

    assert listed(below) == titles(world, "low")
    assert listed(above) == titles(
        world, "review", "group_approved", "governance", "approved", "rejected"
    )


@pytest.mark.django_db
def test_a_score_range_upside_down_is_an_error_and_filters_nothing(client, world):
    response = get(as_user(client, world.people["office"]), world, score_min="4", score_max="2")

    assert response.context["form"].errors["score_max"]
    assert len(listed(response)) == 7


@pytest.mark.django_db
def test_filter_by_words_of_the_text(client, world):
    response = get(as_user(client, world.people["office"]), world, q="отходов")

    assert listed(response) == titles(world, "eco")


@pytest.mark.django_db
def test_the_fallback_search_filters_by_word_prefixes(world, monkeypatch):
    monkeypatch.setattr(search.connection, "vendor", "sqlite")
    proposals = Proposal.objects.filter(call=world.call)

    found = search.matching_proposals(proposals, "ВАКЦИНЫ птиц")

    assert list(found) == [world.proposals["review"]]


@pytest.mark.django_db
def test_filters_combine(client, world):
    client = as_user(client, world.people["office"])

    in_review = get(client, world, state=[State.WG_REVIEW, State.REJECTED], q="птиц")
    submitted = get(client, world, state=[State.SUBMITTED], q="птиц")

    assert listed(in_review) == titles(world, "review")
    assert listed(submitted) == []


def _all(world) -> register.Filters:
    return register.Filters(call=world.call)


# --- The score and conflicts of interest ---------------------------------------------------
@pytest.mark.django_db
def test_the_score_is_the_mean_of_the_current_rounds_reviews(world):
    rows = {p.pk: p for p in register.rows(world.people["office"], _all(world))}
    low = world.proposals["low"]
    weighted = [r.weighted_score for r in low.reviews.filter(round=low.round)]

    assert rows[low.pk].score == pytest.approx(sum(weighted) / len(weighted), abs=Decimal("0.01"))
    assert rows[world.proposals["eco"].pk].score is None


@pytest.mark.django_db
def test_the_score_is_hidden_where_the_person_has_a_conflict_of_interest(world):
    office = world.people["office"]
    office.organisation = world.proposals["low"].organisation
    office.save()

    rows = {p.pk: p for p in register.rows(office, _all(world))}

    assert rows[world.proposals["low"].pk].score is None
    assert rows[world.proposals["eco"].pk].pk  # another organisation's proposal is listed


# --- Sorting -------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("title", lambda p: p.title),
        ("-title", lambda p: p.title),
        ("organisation", lambda p: p.organisation.name_ru),
        ("submitted", lambda p: p.submitted_at),
        ("-number", lambda p: p.pk),
    ],
)
def test_sort_by_a_column(client, world, sort, key):
    response = get(as_user(client, world.people["office"]), world, sort=sort)

    shown = [p for p, _can in response.context["rows"]]
    assert [key(p) for p in shown] == sorted((key(p) for p in shown), reverse=sort.startswith("-"))


@pytest.mark.django_db
def test_sort_by_state_follows_the_workflow(client, world):
    response = get(as_user(client, world.people["office"]), world, sort="state")

    order = list(State.values)
    states = [p.state for p, _can in response.context["rows"]]
    assert states == sorted(states, key=order.index)
    assert states[0] == State.SUBMITTED


@pytest.mark.django_db
def test_sort_by_score_puts_the_unscored_last_both_ways(client, world):
    client = as_user(client, world.people["office"])

    up = [p.score for p, _can in get(client, world, sort="score").context["rows"]]
    down = [p.score for p, _can in get(client, world, sort="-score").context["rows"]]

    scored = [s for s in up if s is not None]
    assert up[: len(scored)] == sorted(scored)
    assert down[: len(scored)] == sorted(scored, reverse=True)
    assert up[len(scored) :] == down[len(scored) :] == [None] * (len(up) - len(scored))


@pytest.mark.django_db
def test_sort_by_due_date_puts_the_overdue_first(client, world):
    response = get(as_user(client, world.people["office"]), world, sort="due")

    assert listed(response)[0] == world.proposals["eco"].title


@pytest.mark.django_db
def test_the_sorted_column_says_so_and_its_header_reverses_it(client, world):
    response = get(as_user(client, world.people["office"]), world, sort="title", q="антител")

    columns = {c.key: c for c in response.context["columns"] if c.key}
    assert columns["title"].aria_sort == "ascending"
    assert "sort=-title" in columns["title"].url
    assert "q=" in columns["title"].url
    assert columns["number"].aria_sort == ""
    assert b'aria-sort="ascending"' in response.content


@pytest.mark.django_db
def test_an_unknown_sort_falls_back_to_the_number(client, world):
    response = get(as_user(client, world.people["office"]), world, sort="password")

    numbers = [p.pk for p, _can in response.context["rows"]]
    assert numbers == sorted(numbers)


# --- Pages ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_register_pages_keep_the_filters(client, world, monkeypatch):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 3)
    client = as_user(client, world.people["office"])

    first = get(
        client, world, sort="title", state=[State.WG_REVIEW, State.APPROVED, State.REJECTED]
    )
    second = get(
        client,
        world,
        sort="title",
        state=[State.WG_REVIEW, State.APPROVED, State.REJECTED],
        page=2,
    )

    assert len(listed(first)) == 3
    assert listed(first) + listed(second) == sorted(
        titles(world, "low", "review", "approved", "rejected")
    )
    assert b"sort=title&amp;state=wg_review&amp;state=approved" in first.content
    assert b"page=2" in first.content


# --- The spreadsheet -----------------------------------------------------------------------
def workbook_rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.mark.django_db
def test_export_holds_exactly_the_rows_shown_in_their_order_on_all_pages(
    client, world, monkeypatch
):
    monkeypatch.setattr("mbk.paging.PER_PAGE", 2)
    client = as_user(client, world.people["office"])
    params = {"sort": "-title", "state": [State.WG_REVIEW, State.APPROVED, State.WG_APPROVED]}
    pages = [get(client, world, page=n, **params) for n in (1, 2)]

    response = client.get("/register/export.xlsx", {"call": world.call.pk, **params})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = workbook_rows(response)
    assert rows[0] == tuple(register.HEADER)
    shown = [p for page in pages for p, _can in page.context["rows"]]
    assert len(shown) == 4
    with translation.override("ru"):
        expected = [
            (p.pk, p.title, p.organisation.name_ru, str(p.get_state_display())) for p in shown
        ]
    assert [(r[0], r[1], r[2], r[5]) for r in rows[1:]] == expected
    low = next(r for r in rows[1:] if r[0] == world.proposals["low"].pk)
    assert low[8] == pytest.approx(float(next(p.score for p in shown if p.pk == low[0])))


@pytest.mark.django_db
def test_export_writes_text_that_looks_like_a_formula_as_text(world):
    proposal = world.proposals["eco"]
    proposal.title = '=HYPERLINK("http://evil")'

    rows = register.table([_annotated(world, proposal)])

    sheet = load_workbook(io.BytesIO(spreadsheets.xlsx({"Реестр": rows}))).active
    assert (sheet["B2"].value, sheet["B2"].data_type) == ('=HYPERLINK("http://evil")', "s")


def _annotated(world, proposal):
    row = next(p for p in register.rows(world.people["office"], _all(world)) if p == proposal)
    row.title = proposal.title
    return row


@pytest.mark.django_db
def test_export_over_the_cap_says_so_instead(client, world, monkeypatch):
    monkeypatch.setattr(register, "EXPORT_LIMIT", 3)
    client = as_user(client, world.people["office"])

    page = get(client, world)
    response = client.get("/register/export.xlsx", {"call": world.call.pk}, follow=True)

    assert b'data-testid="export-too-many"' in page.content
    assert b'data-testid="register-export"' not in page.content
    assert response.redirect_chain[0][0].startswith("/register/?call=")
    assert "at most 3" in str(next(iter(response.context["messages"])))


@pytest.mark.django_db
def test_export_of_a_governance_member_holds_only_what_they_see(client, world):
    client = as_user(client, world.people["governance_member"])

    response = client.get("/register/export.xlsx", {"call": world.call.pk})

    assert sorted(r[1] for r in workbook_rows(response)[1:]) == sorted(
        titles(world, "governance", "approved")
    )


# --- The call's counts lead here ------------------------------------------------------------
@pytest.mark.django_db
def test_call_counts_link_into_the_register_for_those_who_may_open_it(client, world):
    office = as_user(client, world.people["office"])
    response = office.get(f"/calls/{world.call.pk}/")

    pharma = Direction.objects.get(code="pharma")
    link = f"/register/?call={world.call.pk}&amp;direction={pharma.pk}&amp;state=wg_review"
    assert link.encode() in response.content
    followed = office.get(link.replace("&amp;", "&"))
    assert listed(followed) == titles(world, "low", "review")


@pytest.mark.django_db
def test_call_counts_are_plain_numbers_for_an_author(client, world):
    response = as_user(client, world.people["author"]).get(f"/calls/{world.call.pk}/")

    assert b"/register/" not in response.content


# --- The navigation bar ---------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shown"),
    [("office", True), ("governance_member", True), ("author", False), ("expert", False)],
)
def test_navigation_links_the_register_for_those_who_may_open_it(client, world, persona, shown):
    response = as_user(client, world.people[persona]).get("/")

    assert (b'data-testid="nav-register"' in response.content) is shown


# --- Cost ----------------------------------------------------------------------------------
def copies_of(proposal: Proposal, n: int) -> None:
    """`n` proposals like this one (same call, people, group and grants), written in bulk,
    each with a review of its round and an overdue deadline."""
    copies = Proposal.objects.bulk_create(
        Proposal(
            call_id=proposal.call_id,
            author_id=proposal.author_id,
            organisation_id=proposal.organisation_id,
            direction_id=proposal.direction_id,
            group_id=proposal.group_id,
            title=f"Копия {i}: {proposal.title}",
            summary=proposal.summary,
            state=proposal.state,
            round=proposal.round,
            submitted_at=proposal.submitted_at,
        )
        for i in range(n)
    )
    grants = ProposalGroupObjectPermission.objects.filter(content_object=proposal)
    ProposalGroupObjectPermission.objects.bulk_create(
        ProposalGroupObjectPermission(
            content_object=copy, group_id=grant.group_id, permission_id=grant.permission_id
        )
        for copy in copies
        for grant in grants
    )
    review = proposal.reviews.first()
    Review.objects.bulk_create(
        Review(
            proposal=copy,
            expert_id=review.expert_id,
            round=copy.round,
            version_id=review.version_id,
            scores=review.scores,
            weighted_score=review.weighted_score,
            recommendation=review.recommendation,
            comments=review.comments,
        )
        for copy in copies
    )


def register_queries(client, path: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/register/", "/register/export.xlsx"])
def test_register_costs_the_same_queries_for_10_and_1000_proposals(client, world, path):
    client = as_user(client, world.people["office"])
    params = {"call": world.call.pk, "sort": "-score", "q": "антител", "state": State.WG_REVIEW}
    copies_of(world.proposals["low"], 10 - Proposal.objects.filter(call=world.call).count())
    with_ten = register_queries(client, path, **params)

    copies_of(world.proposals["low"], 990)
    with_thousand = register_queries(client, path, **params)

    assert Proposal.objects.filter(call=world.call).count() == 1000
    assert with_thousand == with_ten


# --- The answers to the call's questions ------------------------------------------------------
def answers_sheet(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "Реестр заявок"
    if "Ответы на вопросы" not in book.sheetnames:
        return []
    return [list(row) for row in book["Ответы на вопросы"].iter_rows(values_only=True)]


@pytest.fixture
def asked(world):
    office = world.people["office"]
    patent = questions.question_add(
        call_id=world.call.pk,
        by=office,
        data=questions.QuestionData(text_ru="Есть ли патент?", kind="yes_no"),
    )
    note = questions.question_add(
        call_id=world.call.pk,
        by=office,
        data=questions.QuestionData(text_ru="Служебная отметка", kind="text", visibility="office"),
    )
    questions.save_answers(world.proposals["governance"], {patent.pk: True, note.pk: "Срочно"})
    questions.save_answers(world.proposals["approved"], {patent.pk: False})
    return patent, note


@pytest.mark.django_db
def test_export_of_one_call_adds_the_answers_to_its_questions(client, world, asked):
    client = as_user(client, world.people["office"])

    response = client.get("/register/export.xlsx", {"call": world.call.pk, "sort": "number"})

    sheet = answers_sheet(response)
    assert sheet[0] == ["№", "Название", "Есть ли патент?", "Служебная отметка"]
    by_number = {row[0]: row[2:] for row in sheet[1:]}
    assert by_number[world.proposals["governance"].pk] == ["да", "Срочно"]
    assert by_number[world.proposals["approved"].pk] == ["нет", None]
    assert len(sheet) - 1 == len(workbook_rows(response)) - 1


@pytest.mark.django_db
def test_export_leaves_office_only_answers_to_the_office(client, world, asked):
    client = as_user(client, world.people["governance_member"])

    response = client.get("/register/export.xlsx", {"call": world.call.pk})

    sheet = answers_sheet(response)
    assert sheet[0] == ["№", "Название", "Есть ли патент?"]
    assert "Срочно" not in str(sheet)


@pytest.mark.django_db
def test_export_of_a_call_without_questions_has_no_answers_sheet(client, world):
    client = as_user(client, world.people["office"])

    response = client.get("/register/export.xlsx", {"call": world.call.pk})

    assert answers_sheet(response) == []


# --- The call's summary: the organisation filter's choices and the pager's total ------------
@pytest.mark.django_db
def test_the_visibility_filter_runs_once_for_the_choices_and_the_total(client, world):
    client = as_user(client, world.people["office"])
    get(client, world)
    seen = Proposal.objects.filter(call=world.call).exclude(state=Proposal.State.DRAFT)

    with CaptureQueriesContext(connection) as queries:
        response = get(client, world)

    filtered = [q for q in queries if "objectpermission" in q["sql"]]
    assert len(filtered) == 2  # the call's summary, and the page's rows
    assert response.context["page"].paginator.count == seen.count()
    field = response.context["form"].fields["organisation"]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        offered = [str(label) for _value, label in field.choices]
        ordered = sorted({p.organisation for p in seen}, key=lambda o: o.name_ru)
        assert offered == [str(field.empty_label), *(str(o) for o in ordered)]
    assert len(offered) > 2


@pytest.mark.django_db
def test_a_narrowed_register_counts_its_own_rows(client, world):
    client = as_user(client, world.people["office"])
    approved = Proposal.objects.filter(call=world.call, state=Proposal.State.WG_APPROVED)

    response = get(client, world, state=Proposal.State.WG_APPROVED)

    assert response.context["page"].paginator.count == approved.count() > 0
    assert len(response.context["form"].fields["organisation"].choices) > 2  # the whole call's


@pytest.mark.django_db
def test_scores_are_shown_with_two_places_on_every_database(client, world):
    client = as_user(client, world.people["office"])
    client.cookies["django_language"] = "ru"

    html = get(client, world).content.decode()

    cells = re.findall(r'data-testid="score">([^<]*)<', html)
    assert cells
    assert all(cell == "—" or re.fullmatch(r"\d,\d\d", cell) for cell in cells), cells
    scores = [p.score for p in register.rows(world.people["office"], _all(world)) if p.score]
    assert all(score == score.quantize(Decimal("0.01")) for score in scores)
    assert all(len(str(score).split(".")[1]) == 2 for score in scores)

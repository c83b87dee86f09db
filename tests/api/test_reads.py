"""The API's read paths (api/views.py): lists hold only what the caller may see and cost as many
queries for 12 rows as for 3, filters and pages narrow them, each reader of a proposal reads
what is theirs to read (the live draft or the last submitted version, reviews or not), versions
and their diff, the directory, the programme, meetings, and messages in the caller's language."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.models import Body, Direction
from documents import selectors as documents_selectors
from documents import transitions
from documents.models import Proposal
from documents.services import proposal_create, proposal_update
from meetings import services as meetings_services
from programme import services as programme_services
from programme.models import Programme, ProgrammeVersion
from tests.factories import CallFactory, complete_content, draft_proposal
from tests.meetings.test_services import day_at
from tests.programme.world import approved_version, ready_programme
from tests.workflow.states import make_people, proposal_in, with_reviewers

State = Proposal.State
PROPOSALS = "/api/v1/proposals/"


@pytest.fixture(autouse=True)
def _directory(cluster):
    """Every test reads the cluster's directions, bodies and instruments."""


@pytest.fixture
def people(cluster, author, chair, expert, office, secretary):
    """conftest's personas and the two more experts of wg-pharma that proposal_in() needs."""
    return with_reviewers(
        cluster, author=author, chair=chair, expert=expert, office=office, secretary=secretary
    )


@pytest.fixture
def roles(db):
    """Every role of DESIGN.md (tests/workflow/states.make_people), for the programme."""
    return make_people()


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def queries_of(client, url: str) -> int:
    """The queries of one GET, after a first one: a token's first use is written down once."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def submitted(author) -> Proposal:
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def set_dates(proposal: Proposal, **dates: datetime.datetime) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(**dates)


def at(day: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, 12, 0, tzinfo=datetime.UTC)


# --- What a caller may see -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("reader", "sees"),
    [("author", True), ("other_author", False), ("chair", False), ("observer", False)],
)
def test_proposal_list_holds_a_draft_for_its_author_only(request, api, author, reader, sees):
    draft = draft_proposal(author)

    response = api(request.getfixturevalue(reader)).get(PROPOSALS)

    assert ids(response) == ([draft.pk] if sees else [])
    assert response.json()["count"] == (1 if sees else 0)


@pytest.mark.parametrize(("reader", "sees"), [("chair", True), ("other_chair", False)])
def test_proposal_list_holds_a_submitted_proposal_for_its_group(
    request, api, author, chair, reader, sees
):
    proposal = submitted(author)

    response = api(request.getfixturevalue(reader)).get(PROPOSALS)

    assert ids(response) == ([proposal.pk] if sees else [])


def test_proposal_list_row_names_codes_and_people(api, author):
    draft = draft_proposal(author)

    row = api(author).get(PROPOSALS).json()["results"][0]

    assert row["state"] == "draft"
    assert row["direction"] == "pharma"
    assert row["group"] == "wg-pharma"
    assert row["call"] == draft.call_id
    assert row["author"]["username"] == "author"
    assert row["organisation"]["id"] == author.organisation_id
    assert row["page"] == f"/proposals/{draft.pk}/"


def test_proposal_retrieve_of_an_invisible_proposal_is_not_found(api, author, other_author):
    draft = draft_proposal(author)

    response = api(other_author).get(f"{PROPOSALS}{draft.pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == {"code", "message"}


def test_proposal_retrieve_of_a_missing_proposal_is_not_found_too(api, author):
    response = api(author).get(f"{PROPOSALS}999999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_proposal_list_anonymous_is_told_to_authenticate_with_a_bearer_token(api, author):
    draft_proposal(author)

    response = api(None).get(PROPOSALS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "not_authenticated"


def test_proposal_list_unknown_token_is_refused(api, author):
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION="Bearer mbk_not-a-real-token")

    response = client.get(PROPOSALS)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# --- Filters -------------------------------------------------------------------------------
@pytest.fixture
def authors_proposals(author, cluster):
    """A draft, a submitted and a withdrawn proposal in pharma, and a draft in ecology."""
    draft = draft_proposal(author, title="Черновик")
    sent = submitted(author)
    withdrawn = draft_proposal(author, title="Отозванная")
    transitions.proposal_withdraw(proposal_id=withdrawn.pk, by=author)
    ecology = draft_proposal(author, direction=Direction.objects.get(code="ecology"))
    return {"draft": draft, "submitted": sent, "withdrawn": withdrawn, "ecology": ecology}


def test_proposal_filter_state_is_repeatable(api, author, authors_proposals):
    response = api(author).get(PROPOSALS, {"state": ["submitted", "withdrawn"]})

    assert sorted(ids(response)) == sorted(
        [authors_proposals["submitted"].pk, authors_proposals["withdrawn"].pk]
    )


def test_proposal_filter_direction_by_code(api, author, authors_proposals):
    response = api(author).get(PROPOSALS, {"direction": "ecology"})

    assert ids(response) == [authors_proposals["ecology"].pk]


def test_proposal_filter_group_by_code(api, author, authors_proposals):
    response = api(author).get(PROPOSALS, {"group": "wg-ecology"})

    assert ids(response) == [authors_proposals["ecology"].pk]


def test_proposal_filter_organisation_by_id(api, author, other_author, chair):
    ours = submitted(author)
    theirs = submitted(other_author)

    mine = api(chair).get(PROPOSALS, {"organisation": author.organisation_id})
    others = api(chair).get(PROPOSALS, {"organisation": other_author.organisation_id})

    assert ids(mine) == [ours.pk]
    assert ids(others) == [theirs.pk]


def test_proposal_filter_created_after_and_before(api, author, authors_proposals):
    set_dates(authors_proposals["draft"], created_at=at(1))
    set_dates(authors_proposals["submitted"], created_at=at(10))
    set_dates(authors_proposals["withdrawn"], created_at=at(20))
    set_dates(authors_proposals["ecology"], created_at=at(30))

    response = api(author).get(
        PROPOSALS, {"created_after": "2026-03-10", "created_before": "2026-03-20"}
    )

    assert sorted(ids(response)) == sorted(
        [authors_proposals["submitted"].pk, authors_proposals["withdrawn"].pk]
    )


def test_proposal_filter_submitted_after(api, author, chair):
    early, late = submitted(author), submitted(author)
    set_dates(early, submitted_at=at(1))
    set_dates(late, submitted_at=at(15))

    response = api(chair).get(PROPOSALS, {"submitted_after": "2026-03-15"})

    assert ids(response) == [late.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"state": "nonsense"}, "state"),
        ({"direction": "no-such-direction"}, "direction"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"organisation": "abc"}, "organisation"),
    ],
)
def test_proposal_filter_with_an_invalid_value_is_invalid(api, author, params, field):
    draft_proposal(author)

    response = api(author).get(PROPOSALS, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


# --- Pages ---------------------------------------------------------------------------------
def test_proposal_list_page_size_is_honoured(api, author):
    made = [draft_proposal(author, title=f"Заявка {n}") for n in range(3)]

    first = api(author).get(PROPOSALS, {"page_size": 2})
    second = api(author).get(PROPOSALS, {"page_size": 2, "page": 2})

    assert first.json()["count"] == 3
    assert len(first.json()["results"]) == 2
    assert first.json()["next"] is not None
    assert second.json()["next"] is None
    assert sorted(ids(first) + ids(second)) == sorted(p.pk for p in made)


def test_proposal_list_page_size_is_capped_at_200(api, author):
    call = CallFactory()
    pharma = Direction.objects.get(code="pharma")
    for n in range(201):
        proposal_create(by=author, call=call, direction=pharma, title=f"Заявка {n}")

    response = api(author).get(PROPOSALS, {"page_size": 500})

    assert response.json()["count"] == 201
    assert len(response.json()["results"]) == 200


# --- Query counts do not grow with rows ----------------------------------------------------
def test_proposal_list_queries_do_not_grow_with_rows(api, author):
    for n in range(3):
        draft_proposal(author, title=f"Заявка {n}")
    client = api(author)
    with_three = queries_of(client, PROPOSALS)
    for n in range(9):
        draft_proposal(author, title=f"Ещё заявка {n}")

    with_twelve = queries_of(client, PROPOSALS)

    assert client.get(PROPOSALS).json()["count"] == 12
    assert with_twelve == with_three


def test_meeting_list_queries_do_not_grow_with_rows(api, cluster, secretary):
    def plan(count: int) -> None:
        for _ in range(count):
            meetings_services.meeting_plan(
                body_id=cluster["council"].pk, by=secretary, starts_at=day_at(days=7), place="Зал"
            )

    plan(3)
    client = api(secretary)
    with_three = queries_of(client, "/api/v1/meetings/")
    plan(9)

    with_twelve = queries_of(client, "/api/v1/meetings/")

    assert client.get("/api/v1/meetings/").json()["count"] == 12
    assert with_twelve == with_three


def test_section_list_queries_do_not_grow_with_rows(api, cluster, office, governance_member):
    programme = Programme.objects.create(
        title_ru="Программа", title_en="Programme", first_year=2027, last_year=2029
    )

    def add(codes) -> None:
        for code in codes:
            section = programme_services.section_add(
                programme_id=programme.pk,
                by=office,
                code=code,
                title_ru=f"Раздел {code}",
                title_en=f"Section {code}",
                owner=cluster["programme-office"],
            )
            programme_services.section_write(
                section_id=section.pk, by=office, text="Текст", rows=[], seen_edition=None
            )

    add(f"s{n}" for n in range(3))
    client = api(governance_member)
    with_three = queries_of(client, "/api/v1/sections/")
    add(f"t{n}" for n in range(9))

    with_twelve = queries_of(client, "/api/v1/sections/")

    assert client.get("/api/v1/sections/").json()["count"] == 12
    assert with_twelve == with_three


# --- What each reader of a proposal reads --------------------------------------------------
@pytest.fixture
def revised(people, author):
    """A proposal sent back for revision whose authors have since changed the title."""
    proposal = proposal_in(State.REVISION_REQUESTED, people, title="Название при подаче")
    content = complete_content(proposal, title="Название после замечаний")
    return proposal_update(
        proposal_id=proposal.pk, by=author, content=content, seen_edition=proposal.edition
    )


def test_proposal_retrieve_by_the_chair_shows_the_last_submitted_version(api, chair, revised):
    body = api(chair).get(f"{PROPOSALS}{revised.pk}/").json()

    assert body["state"] == "revision_requested"
    assert body["shown_version"] == 1
    assert body["content"]["title"] == "Название при подаче"
    assert body["draft"] is None


def test_proposal_retrieve_by_the_author_shows_the_live_draft(api, author, revised):
    body = api(author).get(f"{PROPOSALS}{revised.pk}/").json()

    assert body["shown_version"] is None
    assert body["content"]["title"] == "Название после замечаний"
    assert body["draft"]["title"] == "Название после замечаний"
    assert body["draft"]["direction"] == "pharma"
    assert body["draft"]["budget_lines"] == [
        {"year": 2027, "source": "own", "amount": "1000000.00"},
        {"year": 2029, "source": "city", "amount": "2500000.00"},
    ]
    assert body["draft"]["requested_instruments"][0]["instrument"] == "subsidies"


def test_proposal_retrieve_of_a_draft_by_its_author_has_no_version(api, author):
    draft = draft_proposal(author, title="Мой черновик")

    body = api(author).get(f"{PROPOSALS}{draft.pk}/").json()

    assert body["shown_version"] is None
    assert body["content"]["title"] == "Мой черновик"
    assert body["draft"]["title"] == "Мой черновик"


# --- Reviews and history -------------------------------------------------------------------
@pytest.fixture
def in_review(people):
    """In the group's review, reviewed by expert2 and expert3."""
    return proposal_in(State.WG_REVIEW, people)


def test_proposal_reviews_are_refused_to_the_author(api, author, in_review):
    response = api(author).get(f"{PROPOSALS}{in_review.pk}/reviews/")

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_proposal_reviews_are_listed_for_the_chair(api, chair, in_review):
    response = api(chair).get(f"{PROPOSALS}{in_review.pk}/reviews/")

    assert response.status_code == 200
    rows = response.json()
    assert sorted(r["expert"]["username"] for r in rows) == ["expert2", "expert3"]
    assert {r["version"] for r in rows} == {1}
    assert {r["recommendation"] for r in rows} == {"approve"}
    assert {r["comments"] for r in rows} == {"Проект соответствует приоритетам кластера."}


def test_proposal_reviews_are_refused_to_a_chair_of_the_authors_organisation(
    api, author, chair, in_review
):
    chair.organisation = author.organisation
    chair.save()

    reviews = api(chair).get(f"{PROPOSALS}{in_review.pk}/reviews/")
    history = api(chair).get(f"{PROPOSALS}{in_review.pk}/history/").json()

    assert reviews.status_code == 403
    assert reviews.json()["code"] == "permission_denied"
    assert history_rows(history) == timeline_rows(in_review, with_reviews=False)
    assert [row["action"] for row in history] == ["created", "submitted", "experts_assigned"]


def test_proposal_reviews_are_refused_to_a_chair_who_declared_a_conflict(api, chair, in_review):
    transitions.proposal_declare_conflict(proposal_id=in_review.pk, by=chair, reason="Консультирую")

    response = api(chair).get(f"{PROPOSALS}{in_review.pk}/reviews/")

    assert response.status_code == 403


def history_rows(body) -> list[tuple[str, str]]:
    return [(row["action"], row["comment"]) for row in body]


def timeline_rows(proposal, *, with_reviews: bool) -> list[tuple[str, str]]:
    timeline = documents_selectors.timeline(proposal, with_reviews=with_reviews)
    return [(row["entry"].action, row["comment"]) for row in timeline]


def test_proposal_history_hides_the_experts_from_the_author(api, author, in_review):
    body = api(author).get(f"{PROPOSALS}{in_review.pk}/history/").json()

    assert history_rows(body) == timeline_rows(in_review, with_reviews=False)
    assert [row["action"] for row in body] == ["created", "submitted", "experts_assigned"]
    assert body[-1]["comment"] == ""


def test_proposal_history_shows_the_experts_to_the_chair(api, people, chair, in_review):
    experts = [people[name] for name in ("expert", "second_expert", "third_expert")]

    body = api(chair).get(f"{PROPOSALS}{in_review.pk}/history/").json()

    assert history_rows(body) == timeline_rows(in_review, with_reviews=True)
    assert [row["action"] for row in body] == [
        "created",
        "submitted",
        "experts_assigned",
        "reviewed",
        "reviewed",
    ]
    assert body[2]["comment"] == ", ".join(person.get_full_name() for person in experts)


# --- Versions and their diff ---------------------------------------------------------------
@pytest.fixture
def resubmitted(people, author, revised):
    """Version 1 as first submitted, version 2 with the new title."""
    return transitions.proposal_submit(proposal_id=revised.pk, by=author)


def test_proposal_versions_are_listed_in_order(api, chair, resubmitted):
    response = api(chair).get(f"{PROPOSALS}{resubmitted.pk}/versions/")

    assert response.status_code == 200
    assert [v["number"] for v in response.json()] == [1, 2]
    assert {v["created_by"]["username"] for v in response.json()} == {"author"}


def test_proposal_version_shows_its_content(api, chair, resubmitted):
    response = api(chair).get(f"{PROPOSALS}{resubmitted.pk}/versions/1/")

    assert response.status_code == 200
    assert response.json()["number"] == 1
    assert response.json()["content"]["title"] == "Название при подаче"


def test_proposal_version_that_does_not_exist_is_not_found(api, chair, resubmitted):
    response = api(chair).get(f"{PROPOSALS}{resubmitted.pk}/versions/3/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_proposal_diff_names_the_changed_fields(api, chair, resubmitted):
    response = api(chair).get(f"{PROPOSALS}{resubmitted.pk}/diff/", {"before": 1, "after": 2})

    assert response.status_code == 200
    body = response.json()
    assert (body["before"], body["after"]) == (1, 2)
    assert len(body["changes"]) == 1
    assert body["changes"][0]["before"] == "Название при подаче"
    assert body["changes"][0]["after"] == "Название после замечаний"


@pytest.mark.parametrize(
    ("params", "field"),
    [({"before": 1}, "after"), ({"before": 1, "after": 7}, "after"), ({"after": 2}, "before")],
)
def test_proposal_diff_of_a_missing_or_unknown_number_is_invalid(
    api, chair, resubmitted, params, field
):
    response = api(chair).get(f"{PROPOSALS}{resubmitted.pk}/diff/", params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert list(response.json()["errors"]) == [field]


def test_proposal_versions_of_an_invisible_proposal_are_not_found(api, other_chair, resubmitted):
    response = api(other_chair).get(f"{PROPOSALS}{resubmitted.pk}/versions/")

    assert response.status_code == 404


# --- The directory -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("directions", ["pharma", "agrofood", "ecology", "industrial"]),
        (
            "instruments",
            [
                "subsidies",
                "tax-relief",
                "city-procurement",
                "grants",
                "infrastructure-access",
                "events",
            ],
        ),
    ],
)
def test_directory_lists_codes_for_anyone_signed_in(api, cluster, outsider, path, expected):
    response = api(outsider).get(f"/api/v1/{path}/")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == expected


def test_directory_bodies_and_services_are_listed_by_code(api, cluster, outsider):
    bodies = api(outsider).get("/api/v1/bodies/").json()["results"]
    service_types = api(outsider).get("/api/v1/services/").json()["results"]

    assert {"wg-pharma", "council", "programme-office"} <= {row["code"] for row in bodies}
    assert len(bodies) == Body.objects.count()
    assert service_types[0]["code"] == "engineering"


def test_directory_direction_is_read_by_its_code(api, cluster, outsider):
    response = api(outsider).get("/api/v1/directions/pharma/")

    assert response.json() == {
        "code": "pharma",
        "name_ru": Direction.objects.get(code="pharma").name_ru,
        "name_en": Direction.objects.get(code="pharma").name_en,
        "working_group": "wg-pharma",
    }


def test_directory_calls_name_their_directions_by_code(api, cluster, outsider):
    call = CallFactory()

    response = api(outsider).get("/api/v1/calls/")

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [call.pk]
    assert response.json()["results"][0]["directions"] == [
        "pharma",
        "agrofood",
        "ecology",
        "industrial",
    ]


@pytest.mark.parametrize("path", ["directions", "bodies", "instruments", "services", "calls"])
def test_directory_anonymous_is_unauthenticated(api, cluster, path):
    response = api(None).get(f"/api/v1/{path}/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


# --- The programme -------------------------------------------------------------------------
@pytest.fixture
def programme(roles):
    return programme_services.programme_create(
        title_ru="Программа развития МБК",
        title_en="MBK development programme",
        first_year=2027,
        last_year=2029,
        by=roles["office"],
    )


@pytest.mark.parametrize("reader", ["author", "observer"])
def test_section_list_is_empty_for_people_outside_the_bodies(api, roles, programme, reader):
    response = api(roles[reader]).get("/api/v1/sections/")

    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert response.json()["results"] == []


def test_section_list_is_whole_for_a_governance_member(api, roles, programme):
    response = api(roles["governance_member"]).get("/api/v1/sections/")

    codes = [row["code"] for row in response.json()["results"]]
    assert codes == list(programme.sections.order_by("position").values_list("code", flat=True))
    assert response.json()["count"] == programme.sections.count()


def test_section_retrieve_is_not_found_for_an_author(api, roles, programme):
    section = programme.sections.first()

    refused = api(roles["author"]).get(f"/api/v1/sections/{section.pk}/")
    shown = api(roles["governance_member"]).get(f"/api/v1/sections/{section.pk}/")

    assert refused.status_code == 404
    assert shown.status_code == 200
    assert shown.json()["code"] == section.code
    assert shown.json()["current"] is None


def test_programme_versions_of_an_observer_are_the_signed_ones(api, roles):
    programme = ready_programme(roles, projects=1)
    signed = approved_version(programme, roles)
    drafting = programme_services.version_create(programme_id=programme.pk, by=roles["office"])

    observed = api(roles["observer"]).get("/api/v1/programme-versions/")
    member = api(roles["governance_member"]).get("/api/v1/programme-versions/")
    hidden = api(roles["observer"]).get(f"/api/v1/programme-versions/{drafting.pk}/")

    assert ids(observed) == [signed.pk]
    assert observed.json()["results"][0]["state"] == ProgrammeVersion.State.APPROVED
    assert ids(member) == [drafting.pk, signed.pk]
    assert hidden.status_code == 404


# --- Meetings ------------------------------------------------------------------------------
@pytest.fixture
def meetings(cluster, secretary, chair):
    """A meeting of the governance body and one of wg-pharma."""
    council = meetings_services.meeting_plan(
        body_id=cluster["council"].pk, by=secretary, starts_at=day_at(days=7), place="Зал"
    )
    group = meetings_services.meeting_plan(
        body_id=cluster["wg-pharma"].pk,
        by=chair,
        starts_at=day_at(days=8),
        place="Переговорная",
    )
    return {"council": council, "wg-pharma": group}


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("secretary", ["council"]),
        ("chair", ["wg-pharma"]),
        ("office", ["wg-pharma", "council"]),
        ("observer", []),
        ("author", []),
    ],
)
def test_meeting_list_holds_the_meetings_of_the_callers_bodies(
    request, api, meetings, author, reader, sees
):
    response = api(request.getfixturevalue(reader)).get("/api/v1/meetings/")

    assert ids(response) == [meetings[body].pk for body in sees]


def test_meeting_retrieve_is_not_found_for_an_observer(api, meetings, observer, secretary):
    meeting = meetings["council"]

    refused = api(observer).get(f"/api/v1/meetings/{meeting.pk}/")
    shown = api(secretary).get(f"/api/v1/meetings/{meeting.pk}/")

    assert refused.status_code == 404
    assert shown.status_code == 200
    assert shown.json()["body"] == "council"
    assert (shown.json()["items"], shown.json()["tasks"]) == ([], [])


# --- The language of the messages ----------------------------------------------------------
def test_messages_are_russian_by_default(api, author):
    response = api(author).get(f"{PROPOSALS}999999/")

    assert response.json()["message"] == "Страница не найдена."
    assert response["Content-Language"] == "ru"


def test_messages_follow_accept_language(api, author):
    response = api(author).get(f"{PROPOSALS}999999/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["message"] == "Not found."
    assert response["Content-Language"] == "en"


def test_validation_messages_follow_accept_language(api, author):
    draft_proposal(author)

    english = api(author).get(PROPOSALS, {"state": "nonsense"}, HTTP_ACCEPT_LANGUAGE="en")
    russian = api(author).get(PROPOSALS, {"state": "nonsense"})

    assert english.json()["message"] == (
        "The request has errors: correct the fields named in «errors»."
    )
    assert russian.json()["message"] != english.json()["message"]

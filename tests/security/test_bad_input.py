"""Hostile input against the forms and the API (issue «Bad input»): missing and wrong-typed
fields, duplicated parameters, unknown states, 10 000-character titles, right-to-left override
and zero-width characters, HTML and script in every text field, NUL, path traversal, huge and
negative numbers, impossible dates; hostile upload names, an HTML file posing as a PDF, an
upload over the limit.

One table of values (HOSTILE) and one of targets (TARGETS): every target receives every value
in the one field it poisons, and every pair is a test. A value the field may legitimately take
is saved (and markup in it is then shown escaped on the page that displays it); any other value
is refused with a message (the form's errors, the 409 page, or JSON with `code` and `message`)
and leaves the objects of the world exactly as they were. No cell is a 500.
"""

import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

import pytest
from django.core import mail
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from pypdf import PdfReader
from rest_framework.test import APIClient

from accounts.models import User
from api.drafts import form_data
from api.tokens import token_issue
from directory.models import Body, Direction, Organisation
from documents import transitions
from documents.forms import ProposalEditForms
from documents.models import (
    Attachment,
    BudgetLine,
    Call,
    ConflictDeclaration,
    Milestone,
    Proposal,
    ProposalVersion,
    Remark,
    Review,
)
from documents.pdf import render, sources
from meetings.models import Meeting
from programme import services as programme_services
from programme.models import SectionRevision
from tests.conftest import PASSWORD
from tests.factories import CallFactory, draft_proposal
from tests.meetings.test_services import day_at
from tests.programme.world import new_programme, section
from tests.workflow.states import SCORES, make_people, proposal_in
from workflow.models import AuditEntry, Notice

pytestmark = pytest.mark.django_db
State = Proposal.State
MISSING = object()  # the field is left out of the request

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ESCAPED = {
    SCRIPT: "&lt;script&gt;alert(1)&lt;/script&gt;",
    IMG: "&lt;img src=x onerror=alert(1)&gt;",
}

HOSTILE = {
    "missing": MISSING,
    "empty": "",
    "list": ["первый", "второй"],  # a list where a string goes; on a form: a duplicated field
    "dict": {"ключ": "значение"},
    "number": 12345,
    "bool": True,
    "null": None,
    "title-10000": "Т" * 10_000,
    "rlo": "\u202egnp.exe",
    "zero-width": "\u200b\u200d\ufeff",
    "script": SCRIPT,
    "img-onerror": IMG,
    "sql": "'; DROP TABLE documents_proposal; --",
    "nul": "a\x00b",
    "traversal": "../../etc/passwd",
    "huge-number": "9" * 400,
    "negative": "-1",
    "superscript-digit": "²",  # str.isdigit() says yes, int() says no
    "bad-date": "2026-02-30",
    "unknown-state": "nonsense",
}


# --- What the server makes of a value ------------------------------------------------------
REJECTED = object()  # a type the field refuses whatever its content


def effective(value, transport: str):
    """The value as the field sees it: forms and query strings carry strings only (the last of
    a repeated one), JSON keeps its types and DRF's text fields refuse bools, lists, dicts and
    null."""
    if transport == "json":
        if isinstance(value, bool) or value is None or isinstance(value, list | dict):
            return REJECTED
        return str(value)
    if isinstance(value, list):
        return str(value[-1])
    return str(value)


def absent(value, transport: str) -> bool:
    return value is MISSING or (transport != "json" and value is None)


def visible(text: str) -> bool:
    """Holds a character a reader can see (white space, zero-width and bidi marks are not)."""
    return any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc") for ch in text)


@dataclass(frozen=True)
class Text:
    """Free text: no NUL, within the length, something visible unless it may be blank."""

    max_length: int | None = None
    blank: bool = False
    absent_ok: bool = False  # JSON: the key may be left out (PATCH)

    def accepts(self, value, transport: str) -> bool:
        if absent(value, transport):
            return self.absent_ok or (transport != "json" and self.blank)
        text = effective(value, transport)
        if text is REJECTED or "\x00" in text:
            return False
        text = text.strip()
        if not text:
            return self.blank
        if not self.blank and not visible(text):
            return False
        return self.max_length is None or len(text) <= self.max_length


@dataclass(frozen=True)
class Choice:
    """One of a fixed set of strings (for dates, revisions and ids: none of the hostile ones)."""

    options: frozenset = frozenset()
    absent_ok: bool = False

    def accepts(self, value, transport: str) -> bool:
        if absent(value, transport):
            return self.absent_ok
        return effective(value, transport) in self.options


@dataclass(frozen=True)
class Number:
    low: int | None = None
    high: int | None = None
    absent_ok: bool = False
    null_ok: bool = False
    decimal: bool = False

    def accepts(self, value, transport: str) -> bool:
        if absent(value, transport):
            return self.absent_ok
        if value is None or (transport != "json" and value == ""):
            return self.null_ok
        if isinstance(value, bool | list | dict):
            return False
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return False
        if not number.is_finite() or (not self.decimal and number != number.to_integral()):
            return False
        if self.decimal and len(number.as_tuple().digits) > 15:
            return False
        return (self.low is None or number >= self.low) and (
            self.high is None or number <= self.high
        )


@dataclass(frozen=True)
class Anything:
    """Reads that take any value: an unknown one is ignored, never an error."""

    def accepts(self, value, transport: str) -> bool:
        return True


# --- The world -----------------------------------------------------------------------------
@dataclass
class World:
    people: dict
    call: Call
    proposals: dict[str, Proposal]
    risks: object  # the programme office's section «risks»
    footprint: dict  # as built: every test starts from it and is rolled back to it
    api_secrets: dict  # a token per signed-in persona, issued (and audited) with the world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """People, an open call, proposals in draft, in the group's review (one version, and one
    resubmitted after a revision: two) and before the governance body, and a programme; built
    once, rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        people = make_people()
        call = CallFactory(created_by=people["office"])
        proposals = {
            "draft": proposal_in(State.DRAFT, people, call=call, title="Черновик"),
            "review": proposal_in(State.WG_REVIEW, people, call=call, title="На экспертизе"),
            "council": proposal_in(State.GOVERNANCE_REVIEW, people, call=call, title="В совете"),
        }
        resubmitted = proposal_in(State.REVISION_REQUESTED, people, call=call, title="Вторая")
        transitions.proposal_submit(proposal_id=resubmitted.pk, by=people["author"])
        proposals["resubmitted"] = resubmitted  # two versions: something to compare
        risks = section(new_programme(people), "risks")
        secrets = {
            name: token_issue(user=person, name="tests").secret
            for name, person in people.items()
            if person.is_authenticated
        }
        yield World(people, call, proposals, risks, footprint(), secrets)
        transaction.set_rollback(True)


def fresh(world: World, name: str) -> Proposal:
    return Proposal.objects.get(pk=world.proposals[name].pk)


COUNTED = (
    Proposal,
    ProposalVersion,
    Call,
    Meeting,
    User,
    Organisation,
    AuditEntry,
    Notice,
    Attachment,
    Review,
    Remark,
    ConflictDeclaration,
    BudgetLine,
    Milestone,
    SectionRevision,
)


def footprint() -> dict:
    """Everything a refused request must leave as it was: how many rows of each kind, and
    the fields of every proposal and of their budget lines."""
    seen = {model.__name__: model.objects.count() for model in COUNTED}
    seen["proposals"] = list(
        Proposal.objects.order_by("pk").values_list(
            "pk",
            "state",
            "edition",
            "round",
            "title",
            "summary",
            "readiness_level",
            "decision_reason",
            "direction_id",
        )
    )
    seen["budget"] = list(
        BudgetLine.objects.order_by("pk").values_list("proposal_id", "year", "source", "amount")
    )
    return seen


# --- The targets ---------------------------------------------------------------------------
Payload = Callable[[World], dict]


@dataclass(frozen=True)
class Target:
    persona: str
    method: str  # "post", "get", "patch"
    url: Callable[[World], str]
    payload: Payload
    field: str
    spec: object
    kind: str  # "form", "query" or "api"
    ok: int = 302  # the status of an accepted request
    wrap: Callable | None = None  # puts the value where it goes (a row of a list...)
    shown: Callable | None = None  # (world, response) -> (persona, url) that shows the value

    @property
    def transport(self) -> str:
        return "json" if self.kind == "api" else "form"


def proposal_url(name: str, tail: str = "") -> Callable[[World], str]:
    return lambda w: f"/proposals/{w.proposals[name].pk}/{tail}"


def api_url(name: str, tail: str = "") -> Callable[[World], str]:
    return lambda w: f"/api/v1/proposals/{w.proposals[name].pk}/{tail}"


def shown_at(persona: str, url: Callable[[World], str]):
    return lambda w, response: (persona, url(w))


def where_redirected(persona: str):
    return lambda w, response: (persona, response["Location"])


def create_form(w: World) -> dict:
    return {"title": "Вакцины", "direction": str(Direction.objects.get(code="pharma").pk)}


def edit_form(w: World) -> dict:
    draft = fresh(w, "draft")
    data, _ = form_data(draft, {"edition": draft.edition})
    return {key: data.getlist(key) for key in data}


def review_form(w: World) -> dict:
    return {
        "version": "1",
        "recommendation": "approve",
        "comments": "Проект соответствует приоритетам.",
        **{f"score_{code}": str(score) for code, score in SCORES.items()},
    }


def decide_form(decision: str, text_field: str) -> Payload:
    def payload(w: World) -> dict:
        return {
            "decision": decision,
            f"{decision}-edition": str(fresh(w, "review").edition),
            f"{decision}-{text_field}": "Уточните бюджет по годам",
        }

    return payload


def governance_form(w: World) -> dict:
    return {
        "decision": "approve",
        "approve-edition": str(fresh(w, "council").edition),
        "approve-number": "4",
        "approve-date": "2026-12-15",
        "approve-note": "",
    }


def call_form(w: World) -> dict:
    return {
        "title_ru": "Приём заявок 2027",
        "title_en": "Call 2027",
        "directions": [str(d.pk) for d in Direction.objects.all()],
        "opens_on": "2027-01-10",
        "closes_on": "2027-03-10",
        "first_year": "2027",
        "last_year": "2029",
        "guide": "Заполните все разделы.",
    }


def signup_form(w: World) -> dict:
    return {
        "last_name": "Петров",
        "first_name": "Пётр",
        "middle_name": "",
        "email": "petrov-new@example.ru",
        "organisation": str(w.people["author"].organisation_id),
        "password1": "Zq8-длинный-пароль",
        "password2": "Zq8-длинный-пароль",
    }


def plan_form(w: World) -> dict:
    return {
        "body": str(Body.objects.get(code="council").pk),
        "starts_at": f"{day_at(days=7):%Y-%m-%dT%H:%M}",
        "place": "API Moscow «Красный Октябрь»",
    }


def api_create(w: World) -> dict:
    return {"call": w.call.pk, "direction": "pharma", "title": "Вакцины"}


def api_patch(w: World) -> dict:
    return {"edition": fresh(w, "draft").edition}


def api_review(w: World) -> dict:
    return {"version": 1, "scores": SCORES, "recommendation": "approve", "comments": "Да."}


def api_with_revision(name: str, **rest) -> Payload:
    return lambda w: {"edition": fresh(w, name).edition, **rest}


def nothing(w: World) -> dict:
    return {}


NEVER = Choice()
TITLE = Text(300)
DRAFT_PAGE = shown_at("author", proposal_url("draft"))
REVIEW_PAGE_AUTHOR = shown_at("author", proposal_url("review"))
REVIEW_PAGE_CHAIR = shown_at("chair", proposal_url("review"))
STATES = frozenset(State.values)

TARGETS = {
    # --- Pages ---------------------------------------------------------------------------
    "create-form.title": Target(
        "author",
        "post",
        lambda w: f"/calls/{w.call.pk}/proposals/new/",
        create_form,
        "title",
        TITLE,
        "form",
        shown=where_redirected("author"),
    ),
    "edit-form.title": Target(
        "author",
        "post",
        proposal_url("draft", "edit/"),
        edit_form,
        "title",
        TITLE,
        "form",
        shown=DRAFT_PAGE,
    ),
    "edit-form.total-forms": Target(
        "author",
        "post",
        proposal_url("draft", "edit/"),
        edit_form,
        "budget-TOTAL_FORMS",
        NEVER,
        "form",
    ),
    "review-form.comments": Target(
        "expert",
        "post",
        proposal_url("review", "review/"),
        review_form,
        "comments",
        Text(),
        "form",
        shown=REVIEW_PAGE_CHAIR,
    ),
    "review-form.version": Target(
        "expert", "post", proposal_url("review", "review/"), review_form, "version", NEVER, "form"
    ),
    "decide-form.remarks": Target(
        "chair",
        "post",
        proposal_url("review", "decide/"),
        decide_form("revise", "remarks"),
        "revise-remarks",
        Text(),
        "form",
        shown=REVIEW_PAGE_AUTHOR,
    ),
    "decide-form.reject-reason": Target(
        "chair",
        "post",
        proposal_url("review", "decide/"),
        decide_form("reject", "reason"),
        "reject-reason",
        Text(),
        "form",
        shown=REVIEW_PAGE_AUTHOR,
    ),
    "decide-form.edition": Target(
        "chair",
        "post",
        proposal_url("review", "decide/"),
        decide_form("reject", "reason"),
        "reject-edition",
        NEVER,
        "form",
    ),
    "conflict-form.reason": Target(
        "expert",
        "post",
        proposal_url("review", "conflict/"),
        lambda w: {"reason": "Работал в этой организации."},
        "reason",
        Text(),
        "form",
    ),
    "governance-form.date": Target(
        "secretary",
        "post",
        proposal_url("council", "governance-decision/"),
        governance_form,
        "approve-date",
        NEVER,
        "form",
    ),
    "call-form.title": Target(
        "office",
        "post",
        lambda w: "/calls/new/",
        call_form,
        "title_ru",
        TITLE,
        "form",
        shown=where_redirected("office"),
    ),
    "section-form.text": Target(
        "office",
        "post",
        lambda w: f"/programme/sections/{w.risks.pk}/edit/",
        lambda w: {"text": "Риски: рыночные.", "edition": "0"},
        "text",
        Text(200_000, blank=True),
        "form",
        shown=where_redirected("chair"),
    ),
    "meeting-form.place": Target(
        "secretary",
        "post",
        lambda w: "/meetings/new/",
        plan_form,
        "place",
        Text(300),
        "form",
        shown=where_redirected("secretary"),
    ),
    "signup-form.last_name": Target(
        "anonymous",
        "post",
        lambda w: "/accounts/signup/",
        signup_form,
        "last_name",
        Text(150),
        "form",
        ok=200,
    ),
    "login-form.username": Target(
        "anonymous",
        "post",
        lambda w: "/accounts/login/",
        lambda w: {"username": "author", "password": PASSWORD},
        "username",
        NEVER,
        "form",
    ),
    # --- Reads with parameters -----------------------------------------------------------
    "search.q": Target(
        "author", "get", lambda w: "/search/", nothing, "q", Anything(), "query", ok=200
    ),
    "inbox.state": Target(
        "chair", "get", lambda w: "/inbox/", nothing, "state", Anything(), "query", ok=200
    ),
    **{
        f"register.{name}": Target(
            "office", "get", lambda w: "/register/", nothing, name, Anything(), "query", ok=200
        )
        for name in ("q", "state", "organisation", "score_min", "sort", "page")
    },
    "diff-page.b": Target(
        "author",
        "get",
        proposal_url("resubmitted", "diff/"),
        nothing,
        "b",
        Anything(),  # a version that does not exist is said on the page
        "query",
        ok=200,
    ),
    "api-list.state": Target(
        "author",
        "get",
        lambda w: "/api/v1/proposals/",
        nothing,
        "state",
        Choice(STATES, absent_ok=True),
        "query",
        ok=200,
    ),
    "api-list.direction": Target(
        "author",
        "get",
        lambda w: "/api/v1/proposals/",
        nothing,
        "direction",
        Choice(frozenset({"pharma"}), absent_ok=True),
        "query",
        ok=200,
    ),
    "api-list.page": Target(
        "author",
        "get",
        lambda w: "/api/v1/proposals/",
        nothing,
        "page",
        Choice(frozenset({"", "1"}), absent_ok=True),
        "query",
        ok=200,
    ),
    "api-list.page_size": Target(
        "author",
        "get",
        lambda w: "/api/v1/proposals/",
        nothing,
        "page_size",
        Number(low=1, absent_ok=True),  # a whole number, 1 or more (more than 200: 200)
        "query",
        ok=200,
    ),
    "api-diff.before": Target(
        "author",
        "get",
        api_url("resubmitted", "diff/"),
        lambda w: {"after": "1"},
        "before",
        NEVER,
        "query",
        ok=200,
    ),
    # --- API writes ----------------------------------------------------------------------
    "api-create.title": Target(
        "author",
        "post",
        lambda w: "/api/v1/proposals/",
        api_create,
        "title",
        TITLE,
        "api",
        ok=201,
        shown=lambda w, response: ("author", response.json()["page"]),
    ),
    "api-create.call": Target(
        "author", "post", lambda w: "/api/v1/proposals/", api_create, "call", NEVER, "api"
    ),
    "api-patch.title": Target(
        "author",
        "patch",
        api_url("draft"),
        api_patch,
        "title",
        Text(300, absent_ok=True),
        "api",
        ok=200,
        shown=DRAFT_PAGE,
    ),
    "api-patch.edition": Target(
        "author", "patch", api_url("draft"), api_patch, "edition", NEVER, "api"
    ),
    "api-patch.budget-amount": Target(
        "author",
        "patch",
        api_url("draft"),
        api_patch,
        "budget_lines",
        Number(Decimal("0.01"), decimal=True, absent_ok=True),
        "api",
        ok=200,
        wrap=lambda v: [{"year": 2027, "source": "own", "amount": v}],
    ),
    "api-patch.instrument": Target(
        "author",
        "patch",
        api_url("draft"),
        api_patch,
        "requested_instruments",
        Choice(absent_ok=True),
        "api",
        ok=200,
        wrap=lambda v: [{"instrument": v, "justification": "Нужна субсидия."}],
    ),
    "api-submit.edition": Target(
        "author",
        "post",
        api_url("draft", "transitions/submit/"),
        nothing,
        "edition",
        NEVER,
        "api",
    ),
    "api-review.version": Target(
        "expert",
        "post",
        api_url("review", "transitions/review/"),
        api_review,
        "version",
        NEVER,
        "api",
    ),
    "api-review.comments": Target(
        "expert",
        "post",
        api_url("review", "transitions/review/"),
        api_review,
        "comments",
        Text(20_000),
        "api",
        ok=200,
        shown=REVIEW_PAGE_CHAIR,
    ),
    "api-review.scores": Target(
        "expert",
        "post",
        api_url("review", "transitions/review/"),
        api_review,
        "scores",
        NEVER,
        "api",
        wrap=lambda v: {**SCORES, "relevance": v},
    ),
    "api-revise.remarks": Target(
        "chair",
        "post",
        api_url("review", "transitions/request_revision/"),
        api_with_revision("review"),
        "remarks",
        Text(5000),
        "api",
        ok=200,
        wrap=lambda v: [v],
        shown=REVIEW_PAGE_AUTHOR,
    ),
    "api-reject.comment": Target(
        "chair",
        "post",
        api_url("review", "transitions/reject/"),
        api_with_revision("review"),
        "comment",
        Text(5000),
        "api",
        ok=200,
        shown=REVIEW_PAGE_AUTHOR,
    ),
    "api-conflict.comment": Target(
        "expert",
        "post",
        api_url("review", "transitions/declare_conflict/"),
        api_with_revision("review"),
        "comment",
        Text(5000),
        "api",
        ok=200,
    ),
    "api-governance.reference": Target(
        "secretary",
        "post",
        api_url("council", "transitions/governance_approve/"),
        api_with_revision("council"),
        "reference",
        Text(200),
        "api",
        ok=200,
        shown=shown_at("author", proposal_url("council")),
    ),
}

# (target, value) -> what goes wrong, for the cells that show a bug.
INVISIBLE = (
    "text made only of zero-width characters (U+200B U+200D U+FEFF) is accepted as a required "
    "%s and saved: strip() leaves them and nothing refuses text with no visible character"
)
# Cells known to fail, with the reason: none left (the bugs this suite found are fixed; see
# git log). A new one goes here as (target, value): "file:line what happens".
BUGS: dict[tuple[str, str], str] = {}
SLOW: dict[tuple[str, str], str] = {}


def cells():
    for target in TARGETS:
        for value in HOSTILE:
            marks = []
            if (target, value) in BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=BUGS[target, value]))
            if (target, value) in SLOW:
                marks.append(pytest.mark.skip(reason=SLOW[target, value]))
            yield pytest.param(target, value, id=f"{target}-{value}", marks=marks)


# --- Sending -------------------------------------------------------------------------------
def client_of(world: World, persona: str) -> Client:
    person = world.people[persona]
    client = Client(raise_request_exception=False)
    if person.is_authenticated:
        client.force_login(person)
    return client


def api_client(world: World, persona: str):
    client = APIClient(raise_request_exception=False)
    if persona in world.api_secrets:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {world.api_secrets[persona]}")
    return client


def on_the_form(data: dict, name: str, value) -> dict:
    """A form's data with `name` set to `value` as a browser (or a hand-made one) sends it."""
    data = dict(data)
    if absent(value, "form"):
        data.pop(name, None)
    elif isinstance(value, list):
        data[name] = [str(v) for v in value]
    else:
        data[name] = str(value)
    return data


def send(world: World, target: Target, value):
    url = target.url(world)
    data = target.payload(world)
    if target.kind == "api":
        client = api_client(world, target.persona)
        if value is MISSING:
            data.pop(target.field, None)
        else:
            data[target.field] = target.wrap(value) if target.wrap else value
        return getattr(client, target.method)(url, data, format="json")
    if "/api/" in url:
        client = api_client(world, target.persona)
    else:
        client = client_of(world, target.persona)
    data = on_the_form(data, target.field, value)
    if target.method == "post":
        data["csrfmiddlewaretoken"] = "x" * 64  # a browser's form always carries one
    return getattr(client, target.method)(url, data)


def page_of(world: World, persona: str, url: str) -> str:
    client = client_of(world, persona)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def assert_no_live_markup(html: str) -> None:
    assert SCRIPT not in html
    assert IMG not in html


def says_why(response) -> bool:
    """A refusal the person can read: JSON with a code and a message, or a page that marks
    the fields in error or says what was refused."""
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        return bool(body.get("code")) and bool(body.get("message"))
    html = response.content.decode()
    return "invalid-feedback" in html or 'role="alert"' in html


@pytest.mark.parametrize(("target_name", "value_name"), list(cells()))
def test_hostile_value(world, target_name, value_name):
    target, value = TARGETS[target_name], HOSTILE[value_name]
    valid = target.spec.accepts(value, target.transport)

    response = send(world, target, value)

    assert response.status_code != 500
    if not response["Content-Type"].startswith("application/json"):
        assert_no_live_markup(response.content.decode())
    if valid:
        assert response.status_code == target.ok, response.content[:2000]
        if isinstance(value, str) and value in ESCAPED and target.shown is not None:
            html = page_of(world, *target.shown(world, response))
            assert_no_live_markup(html)
            assert ESCAPED[value] in html
    else:
        refusals = (400, 404, 409) if target.kind != "form" else (200, 400, 409)
        assert response.status_code in refusals, response.status_code
        assert footprint() == world.footprint
        assert says_why(response), response.content[:2000]


def test_edit_form_builds_at_most_a_few_rows(world):
    data = QueryDict(mutable=True)
    for key, values in edit_form(world).items():
        data.setlist(key, values)
    data["budget-TOTAL_FORMS"] = "12345"

    edit = ProposalEditForms(data, proposal=fresh(world, "draft"))

    assert not edit.is_valid()
    assert len(edit.budget.forms) <= 100  # a call of 3 years has 12 budget lines at most


# --- Uploads -------------------------------------------------------------------------------
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def raw_multipart(filename: str, data: bytes) -> tuple[bytes, str]:
    """A request body as a hand-made client sends it: the file name exactly as given."""
    boundary = "----mbk-boundary"
    body = (
        (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


# name sent -> the name kept (None: the upload is refused)
UPLOAD_NAMES = {
    "traversal": ("../../evil.pdf", "evil.pdf"),
    "windows-traversal": ("..\\..\\evil.pdf", "evil.pdf"),
    "absolute": ("/etc/passwd.pdf", "passwd.pdf"),
    "nul": ("a\x00.pdf", "a.pdf"),
    "rlo": ("отчёт\u202efdp.exe", "отчётfdp.pdf"),  # the name ends with the real type
    "zero-width": ("\u200bплан\u200d.pdf", "план.pdf"),
    "markup": ("<script>alert(1)</script>.pdf", "script>.pdf"),
    "only-dots": ("..", None),
    "long": ("ф" * 300 + ".pdf", "ф" * 200),
}


def upload_by_page(world, name: str, data: bytes):
    body, content_type = raw_multipart(name, data)
    client = client_of(world, "author")
    return client.generic(
        "POST",
        f"/proposals/{world.proposals['draft'].pk}/attachments/",
        body,
        content_type=content_type,
    )


def upload_by_api(world, name: str, data: bytes):
    body, content_type = raw_multipart(name, data)
    return api_client(world, "author").generic(
        "POST",
        f"/api/v1/proposals/{world.proposals['draft'].pk}/attachments/",
        body,
        content_type=content_type,
    )


UPLOADERS = {"page": upload_by_page, "api": upload_by_api}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())


@pytest.mark.parametrize("way", list(UPLOADERS))
@pytest.mark.parametrize("case", list(UPLOAD_NAMES))
def test_upload_name(world, media, way, case):
    sent, kept = UPLOAD_NAMES[case]

    response = UPLOADERS[way](world, sent, PDF)

    assert response.status_code != 500
    if kept is None:
        assert response.status_code in (302, 400)
        assert footprint() == world.footprint
        assert stored_files(media) == []
        return
    attachment = Attachment.objects.get(proposal=world.proposals["draft"])
    assert response.status_code == (302 if way == "page" else 201)
    assert attachment.original_name.startswith(kept[:50])
    assert "/" not in attachment.original_name
    assert "\\" not in attachment.original_name
    assert "\x00" not in attachment.original_name
    assert "\u202e" not in attachment.original_name
    assert stored_files(media) == [attachment.file.name]
    assert (
        attachment.file.name == f"proposals/{world.proposals['draft'].pk}/{attachment.sha256}.pdf"
    )
    edit = page_of(world, "author", f"/proposals/{world.proposals['draft'].pk}/edit/")
    assert_no_live_markup(edit)


@pytest.mark.parametrize("way", list(UPLOADERS))
@pytest.mark.parametrize("case", ["html-named-pdf", "over-the-limit", "empty"])
def test_upload_content_is_refused(world, media, settings, way, case):
    settings.ATTACHMENT_MAX_BYTES = 1024
    data = {"html-named-pdf": HTML, "over-the-limit": PDF + b"0" * 4096, "empty": b""}[case]

    response = UPLOADERS[way](world, "passport.pdf", data)

    assert footprint() == world.footprint
    assert stored_files(media) == []
    if way == "api":
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert list(response.json()["errors"]) == ["file"]
    else:
        assert response.status_code == 302
        assert response["Location"].endswith("/edit/#attachments")


# --- Hostile text in everything that shows it ----------------------------------------------
@pytest.fixture
def hostile(world):
    """A draft with markup in its title and summary."""
    return draft_proposal(
        world.people["author"],
        call=world.call,
        title=f"{SCRIPT} {IMG} Биоаналоги",
        summary=f"Производство {SCRIPT} биоаналогов {IMG}",
    )


def test_hostile_title_is_escaped_on_the_detail_page(world, hostile):
    html = page_of(world, "author", f"/proposals/{hostile.pk}/")

    assert_no_live_markup(html)
    assert ESCAPED[SCRIPT] in html
    assert ESCAPED[IMG] in html


def test_hostile_title_is_escaped_in_my_proposals(world, hostile):
    html = page_of(world, "author", "/proposals/mine/")

    assert_no_live_markup(html)
    assert ESCAPED[SCRIPT] in html


def test_hostile_title_is_escaped_in_search_results(world, hostile):
    client = client_of(world, "author")

    html = client.get("/search/", {"q": "биоаналогов"}).content.decode()

    assert_no_live_markup(html)
    assert ESCAPED[SCRIPT] in html
    assert ESCAPED[IMG] in html


def test_hostile_title_is_escaped_in_the_notices_page(world, hostile):
    transitions.proposal_submit(proposal_id=hostile.pk, by=world.people["author"])

    html = page_of(world, "chair", "/notices/")

    assert_no_live_markup(html)
    assert ESCAPED[SCRIPT] in html


def notice_mail_to_chair(world, proposal, capture):
    """The e-mail copy of the notice the chair gets when the proposal is submitted."""
    mail.outbox = []
    with capture(execute=True):
        transitions.proposal_submit(proposal_id=proposal.pk, by=world.people["author"])
    return next(m for m in mail.outbox if m.to == [world.people["chair"].email])


def test_hostile_title_in_the_notice_email_body_is_plain_text(
    world, hostile, django_capture_on_commit_callbacks
):
    message = notice_mail_to_chair(world, hostile, django_capture_on_commit_callbacks)

    assert message.content_subtype == "plain"
    assert getattr(message, "alternatives", []) == []  # no HTML part that could run it
    assert f"«{SCRIPT} {IMG} Биоаналоги»" in message.body  # the title as typed
    assert "&lt;" not in message.body


def test_hostile_title_in_the_notice_email_subject_is_plain_text(
    world, hostile, django_capture_on_commit_callbacks
):
    message = notice_mail_to_chair(world, hostile, django_capture_on_commit_callbacks)

    assert f"«{SCRIPT} {IMG}" in message.subject
    assert "&lt;" not in message.subject


def test_hostile_title_is_text_in_the_passport_pdf(world, hostile):
    proposal = transitions.proposal_submit(proposal_id=hostile.pk, by=world.people["author"])
    source = sources.build(
        sources.PASSPORT,
        proposal,
        proposal.versions.get(),
        language="ru",
        generated_at=datetime.now(UTC),
    )

    pdf = render.html_to_pdf(source.html, title=source.title, author="МБК", language="ru")

    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert ESCAPED[SCRIPT] in source.html
    assert SCRIPT not in source.html.replace(source.title, "")
    assert SCRIPT in text  # shown as the text it is
    assert IMG in text


def test_hostile_section_text_is_shown_as_text(world):
    programme_services.section_write(
        section_id=world.risks.pk,
        by=world.people["office"],
        text=f"{SCRIPT}\n\n{IMG}",
        rows=[],
        seen_edition=None,
    )

    html = page_of(world, "chair", f"/programme/sections/{world.risks.pk}/")

    assert_no_live_markup(html)
    assert ESCAPED[SCRIPT] in html

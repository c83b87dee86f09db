"""The permission matrix of the programme: every persona × every action × every state, for a
section of the programme office, a section of a working group and a programme version, from
one table each. Every cell asserts the exact outcome, and that a refused action changed
nothing. The actions are the rows of the transition tables (programme/actions.py SECTION and
VERSION), run as the pages and the API run them, plus writing a section's text (a service of
its own); where a row runs or is refused with 403, its rule says the same. How to read the
tables: as in tests/workflow/test_matrix.py (403 for a person who may not act, 409 for a state
where the action does not apply, the state being checked first)."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_fsm import TransitionNotAllowed

from directory.models import Body
from mbk.exceptions import ActionRefusedError
from programme import rules, services
from programme.actions import SECTION, VERSION
from programme.models import Programme, ProgrammeVersion, Section, SectionRevision
from tests.programme.world import (
    DECISION,
    approve_section,
    approved_projects,
    financing_rows_matching,
    new_programme,
)
from tests.workflow.states import PERSONAS, make_people
from workflow.models import AuditEntry, Notice

S = SectionRevision.State
V = ProgrammeVersion.State
GOVERNANCE_RECORDERS = frozenset({"secretary", "governance_chair"})
OFFICE = frozenset({"office"})
WG_WRITERS = frozenset({"chair", "wg_secretary"})

# Who sees a section or a version in each state (anybody else gets 404 from the API): the
# members of the bodies but the observers; a signed version also the observers.
READERS = frozenset(
    {
        "expert",
        "chair",
        "wg_secretary",
        "other_chair",
        "secretary",
        "governance_chair",
        "governance_member",
        "office",
    }
)
SECTION_VIEW = dict.fromkeys(S, READERS)
VERSION_VIEW = {
    state: READERS | ({"observer"} if state in ProgrammeVersion.SIGNED else set()) for state in V
}

# owner -> action -> state -> who may
SECTION_ALLOWED: dict[str, dict[str, dict[str, frozenset[str]]]] = {
    owner: {
        "write": dict.fromkeys(SectionRevision.EDITABLE, writers),
        "submit": dict.fromkeys(SectionRevision.EDITABLE, writers),
        "request_changes": {S.WG_REVIEW: deciders},
        "approve_in_group": {S.WG_REVIEW: deciders},
        "send_to_governance": {S.WG_APPROVED: OFFICE},
        "governance_approve": {S.GOVERNANCE_REVIEW: GOVERNANCE_RECORDERS},
        "governance_return": {S.GOVERNANCE_REVIEW: GOVERNANCE_RECORDERS},
        "amend": {S.APPROVED: writers},
    }
    for owner, writers, deciders in [
        ("office", OFFICE, OFFICE),
        ("wg", WG_WRITERS, frozenset({"chair"})),
    ]
}
SECTION_LEADS_TO = {
    "submit": S.WG_REVIEW,
    "request_changes": S.CHANGES_REQUESTED,
    "approve_in_group": S.WG_APPROVED,
    "send_to_governance": S.GOVERNANCE_REVIEW,
    "governance_approve": S.APPROVED,
    "governance_return": S.CHANGES_REQUESTED,
    "amend": S.DRAFT,  # of the new revision
}
# Writing the text is a service of its own; every other action is a row of the section's table
# (programme/actions.py SECTION), run on the latest revision with arguments named as its params.
SECTION_PARAMS = {
    "submit": {},
    "request_changes": {"comment": "Уточнить"},
    "approve_in_group": {},
    "send_to_governance": {},
    "governance_approve": {"reference": DECISION},
    "governance_return": {"comment": "Уточнить"},
    "amend": {},
}
SECTION_ACTIONS = ["write", *SECTION_PARAMS]


def section_act(action: str, section: Section, by, edition=None) -> None:
    if action == "write":
        services.section_write(
            section_id=section.pk, by=by, text="Правка", rows=[], seen_edition=edition
        )
    else:
        revision = services.latest_revision(section)
        SECTION[action].run(revision, by=by, seen=None, **SECTION_PARAMS[action])


VERSION_ALLOWED: dict[str, dict[str, frozenset[str]]] = {
    "send_to_governance": {V.DRAFTING: OFFICE},
    "return": {V.GOVERNANCE_REVIEW: OFFICE | GOVERNANCE_RECORDERS},
    "approve": {V.GOVERNANCE_REVIEW: frozenset({"governance_chair"})},
}
VERSION_LEADS_TO = {
    "send_to_governance": V.GOVERNANCE_REVIEW,
    "return": V.DRAFTING,
    "approve": V.APPROVED,
}
# Every action on a version is a row of its table (programme/actions.py VERSION).
VERSION_PARAMS = {
    "send_to_governance": {},
    "return": {"comment": "Учесть замечания"},
    "approve": {"decision_number": "9", "decision_date": datetime.date(2026, 11, 1)},
}

# How a section is brought to each state, by the people who may.
STEPS_TO = {
    S.DRAFT: [],
    S.WG_REVIEW: ["submit"],
    S.CHANGES_REQUESTED: ["submit", "request_changes"],
    S.WG_APPROVED: ["submit", "approve_in_group"],
    S.GOVERNANCE_REVIEW: ["submit", "approve_in_group", "send_to_governance"],
    S.APPROVED: ["submit", "approve_in_group", "send_to_governance", "governance_approve"],
}


@dataclass
class World:
    people: dict
    sections: dict[tuple[str, str], Section]
    versions: dict[str, ProgrammeVersion]


def _section_in(programme: Programme, owner: str, state: str, people: dict) -> Section:
    body = (
        Body.objects.get(kind=Body.Kind.PROGRAMME_OFFICE)
        if owner == "office"
        else Body.objects.get(code="wg-pharma")
    )
    section = services.section_add(
        programme_id=programme.pk,
        by=people["office"],
        code=f"{owner}-{state}".replace("_", "-"),
        title_ru=f"Раздел {owner} {state}",
        title_en="",
        owner=body,
    )
    writer = people["office"] if owner == "office" else people["chair"]
    services.section_write(
        section_id=section.pk, by=writer, text="Текст", rows=[], seen_edition=None
    )
    for step in STEPS_TO[state]:
        allowed = SECTION_ALLOWED[owner][step]
        state_now = services.latest_revision(section).state
        who = sorted(allowed[state_now])[0]
        section_act(step, section, people[who])
    return section


def _ready(programme: Programme, people: dict) -> None:
    for item in programme.sections.all():
        rows = financing_rows_matching(programme) if item.table == "financing" else None
        approve_section(item, people, rows=rows)


def build(people: dict) -> World:
    """Programme versions in every state and sections of both owners in every state, made by
    `people` (tests/workflow/states.py make_people()); inside the caller's transaction."""
    approved_projects(people, 1)
    signed = new_programme(people)
    _ready(signed, people)
    versions = {}
    for number in ("1", "2"):
        version = services.version_create(programme_id=signed.pk, by=people["office"])
        services.version_send_to_governance(version_id=version.pk, by=people["office"])
        services.version_approve(
            version_id=version.pk,
            by=people["governance_chair"],
            decision_number=number,
            decision_date=datetime.date(2026, 10, 1),
        )
        versions[V.SUPERSEDED if number == "1" else V.APPROVED] = version
    considered = services.version_create(programme_id=signed.pk, by=people["office"])
    services.version_send_to_governance(version_id=considered.pk, by=people["office"])
    versions[V.GOVERNANCE_REVIEW] = considered
    drafted = new_programme(people)
    _ready(drafted, people)
    versions[V.DRAFTING] = services.version_create(programme_id=drafted.pk, by=people["office"])
    # The sections in every state belong to a programme of their own, so that the drafted
    # version above passes its consistency check.
    workbench = new_programme(people)
    sections = {
        (owner, state): _section_in(workbench, owner, state, people)
        for owner in ("office", "wg")
        for state in S
    }
    for key, version in versions.items():
        versions[key] = ProgrammeVersion.objects.get(pk=version.pk)
    return World(people, sections, versions)


@contextmanager
def built_once(django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build(make_people())
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as world:
        yield world


def _outcome(call) -> str | int:
    try:
        call()
    except PermissionDenied:
        return 403
    except (TransitionNotAllowed, ActionRefusedError):
        return 409
    return "ok"


def section_rule_says(action: str, section: Section, person) -> bool | None:
    """What the row's rule says, asked before the attempt (None for writing: no row)."""
    if action == "write":
        return None
    return SECTION[action].rule(person, services.latest_revision(section))


def assert_rule_agrees(said: bool | None, outcome: str | int) -> None:
    """The table's rule is what the service enforces: True exactly where the action runs,
    False where it is refused with 403 (in a state where it does not apply it may say either)."""
    if said is not None and outcome != 409:
        assert said == (outcome == "ok"), f"the rule says {said}, the service {outcome}"


def _audit_count(model, ids) -> int:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=ids
    ).count()


def section_footprint(section: Section) -> dict:
    revisions = list(section.revisions.order_by("number"))
    latest = revisions[-1]
    return {
        "state": latest.state,
        "revisions": len(revisions),
        "edition": latest.edition,
        "text": latest.text,
        "audit": _audit_count(SectionRevision, [r.pk for r in revisions]),
        "notices": Notice.objects.count(),
    }


SECTION_CELLS = [
    (owner, action, state, persona)
    for owner in ("office", "wg")
    for action in SECTION_ACTIONS
    for state in S
    for persona in PERSONAS
]


@pytest.mark.parametrize(
    ("owner", "action", "state", "persona"),
    SECTION_CELLS,
    ids=["-".join(cell) for cell in SECTION_CELLS],
)
@pytest.mark.django_db
def test_section_matrix(world, owner, action, state, persona):
    section = world.sections[(owner, state)]
    person = world.people[persona]
    before = section_footprint(section)
    edition = services.latest_revision(section).edition

    said = section_rule_says(action, section, person)

    outcome = _outcome(lambda: section_act(action, section, person, edition))

    after = section_footprint(section)
    allowed = SECTION_ALLOWED[owner][action]
    assert outcome == (409 if state not in allowed else "ok" if persona in allowed[state] else 403)
    assert_rule_agrees(said, outcome)
    if outcome == "ok":
        assert after["state"] == SECTION_LEADS_TO.get(action, state)
        assert after["audit"] == before["audit"] + 1
    else:
        assert after == before


def version_footprint(version: ProgrammeVersion) -> dict:
    fresh = ProgrammeVersion.objects.get(pk=version.pk)
    return {
        "state": fresh.state,
        "edition": fresh.edition,
        "snapshot_sha256": fresh.snapshot_sha256,
        "decision": fresh.decision_number,
        "audit": _audit_count(ProgrammeVersion, [fresh.pk]),
        "approved versions": ProgrammeVersion.objects.filter(state=V.APPROVED).count(),
    }


VERSION_CELLS = [
    (action, state, persona) for action in VERSION_PARAMS for state in V for persona in PERSONAS
]


@pytest.mark.parametrize(
    ("action", "state", "persona"), VERSION_CELLS, ids=["-".join(c) for c in VERSION_CELLS]
)
@pytest.mark.django_db
def test_version_matrix(world, action, state, persona):
    version = world.versions[state]
    person = world.people[persona]
    before = version_footprint(version)
    said = VERSION[action].rule(person, ProgrammeVersion.objects.get(pk=version.pk))

    outcome = _outcome(
        lambda: VERSION[action].run(version, by=person, seen=None, **VERSION_PARAMS[action])
    )

    after = version_footprint(version)
    allowed = VERSION_ALLOWED[action]
    assert outcome == (409 if state not in allowed else "ok" if persona in allowed[state] else 403)
    assert_rule_agrees(said, outcome)
    if outcome == "ok":
        assert after["state"] == VERSION_LEADS_TO[action]
        assert after["audit"] > before["audit"]
    else:
        assert after == before


@pytest.mark.django_db
def test_who_sees_sections_and_versions(world):
    for persona in PERSONAS:
        person = world.people[persona]
        for (_, state), section in world.sections.items():
            seen = rules.can_view_section(person, section)
            assert seen == (persona in SECTION_VIEW[state]), (persona, state)
        for state, version in world.versions.items():
            seen = rules.can_view_programme_version(person, version)
            assert seen == (persona in VERSION_VIEW[state]), (persona, state)


def test_matrix_actions_are_the_tables_rows():
    assert set(SECTION_PARAMS) == set(SECTION.names())
    assert set(VERSION_PARAMS) == set(VERSION.names())
    for owner in SECTION_ALLOWED:
        assert set(SECTION_ALLOWED[owner]) == {*SECTION.names(), "write"}
        assert set(SECTION_LEADS_TO) <= set(SECTION.names())
    assert set(VERSION_ALLOWED) == set(VERSION_LEADS_TO) == set(VERSION.names())
    for table, params in [(SECTION, SECTION_PARAMS), (VERSION, VERSION_PARAMS)]:
        for row in table:
            required = {p.name for p in row.params if p.required}
            assert required <= set(params[row.name]) <= set(row.needs), row.name


def test_matrix_covers_every_section_and_version_service():
    names = {name for name in dir(services) if name.startswith(("section_", "version_"))}
    run_by_rows = {
        name for table in (SECTION, VERSION) for row in table for name in row.run.__code__.co_names
    }
    # Writing is a service of its own (the matrix's "write"); structure and creation are the
    # programme office's alone: tests/programme/test_views.py.
    assert names - run_by_rows == {
        "section_write",
        "section_add",
        "section_move",
        "section_remove",
        "version_create",
    }

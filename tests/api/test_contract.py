"""The API keeps the contract its schema states, as an outside tester checks it: Schemathesis
reads the live schema (/api/schema/) from the WSGI application and sends every operation
generated requests, valid and invalid, each with the token of one of five roles (author, chair,
expert, office, governance member), and runs all its checks on every answer (no 5xx,
documented status codes, content types, headers and bodies, invalid input refused,
authentication not ignored, ...). Any finding fails the test, with a curl line to replay it.

The requests include the writes (POST, PATCH, DELETE) on the proposals, meeting, programme and
attachment this test builds, in the test's own transaction, rolled back at the end. About half
of the cases have their path pointed at existing objects, so that the checks see real objects
and not only 404s (at least 30 of the 116 operations must answer a 2xx at least once). Bounded
and derandomised: 12 examples an operation, the same every run (about 70 s of
test and 90 s in all on a 2-core machine).

Schemathesis's own pytest plugin (`schemathesis.pytest.from_fixture`) does not run under
pytest 9.2 (it sets the node attribute `_nodeid`, gone in 9.2), so Hypothesis drives each
operation's strategies here; the checks are Schemathesis's, run by `case.call_and_validate`."""

import hypothesis
import pytest
import schemathesis
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.parameters import ParameterLocation

from api import tokens
from directory.models import Body, Direction, ServiceType, SupportInstrument
from documents import services as documents_services
from documents.models import Call, Proposal
from documents.pdf import services as pdf_services
from documents.uploads import check_upload
from meetings import selectors as meetings_selectors
from meetings import services as meetings_services
from meetings import voting
from programme import services as programme_services
from programme.models import Section
from tests.meetings.test_services import day_at
from tests.programme.world import new_programme
from tests.workflow.states import make_people, proposal_in

State = Proposal.State
ROLES = ["author", "chair", "expert", "office", "governance_member"]
EXAMPLES_PER_OPERATION = 12
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CONFIG = schemathesis.Config.from_dict(
    {
        # Every check; a schema-valid request may still be refused (400) when it names objects
        # that do not exist (a call, a direction, a remark, a version): no schema can say which
        # ids exist, so positive data is accepted with a 400 as well as a 2xx.
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]
            },
        },
        "generation": {"mode": "all"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": False}},
    }
)


def build_world(media) -> dict[str, list[int]]:
    """The objects the requests act on, by the path parameter that names them."""
    people = make_people()
    proposals = [
        proposal_in(state, people, title=f"Заявка: {state}")
        for state in (State.DRAFT, State.SUBMITTED, State.WG_REVIEW, State.REVISION_REQUESTED)
    ]
    draft = proposals[0]
    attachment = documents_services.attachment_add(
        proposal_id=draft.pk,
        by=people["author"],
        upload=check_upload(SimpleUploadedFile("отчёт.pdf", PDF)),
    )
    job = pdf_services.document_request(
        kind="passport",
        proposal_id=proposals[1].pk,
        version_number=1,
        by=people["author"],
        language="ru",
    )
    programme = new_programme(people)
    version = programme_services.version_create(programme_id=programme.pk, by=people["office"])
    meeting = meetings_services.meeting_plan(
        body_id=people["secretary"].memberships.get().body_id,
        by=people["secretary"],
        starts_at=day_at(days=7),
        place="Зал заседаний",
    )
    meetings_services.agenda_add(meeting_id=meeting.pk, by=people["secretary"], title="Разное")
    proxy = voting.proxy_grant(
        meeting_id=meeting.pk, by=people["governance_member"], holder_id=people["secretary"].pk
    )
    held = meetings_services.meeting_plan(
        body_id=people["chair"].memberships.get().body_id,
        by=people["chair"],
        starts_at=day_at(),
        place="Зал рабочей группы",
    )
    item = meetings_services.agenda_add(
        meeting_id=held.pk, by=people["chair"], subject=proposals[2], motion="approve"
    )
    meetings_services.agenda_publish(meeting_id=held.pk, by=people["chair"])
    meetings_services.meeting_hold(
        meeting_id=held.pk,
        by=people["chair"],
        present=meetings_selectors.voting_members(held),
    )
    ballot = voting.ballot_open(item_id=item.pk, by=people["chair"], kind="named")
    return {
        "proposals": [p.pk for p in proposals],
        "calls": list(Call.objects.values_list("pk", flat=True)),
        "directions": list(Direction.objects.values_list("code", flat=True)),
        "bodies": list(Body.objects.values_list("code", flat=True)),
        "instruments": list(SupportInstrument.objects.values_list("code", flat=True)),
        "services": list(ServiceType.objects.values_list("code", flat=True)),
        "attachments": [attachment.pk],
        "documents": [job.pk],
        "sections": list(Section.objects.filter(programme=programme).values_list("pk", flat=True)),
        "programme-versions": [version.pk],
        "meetings": [meeting.pk, held.pk],
        "ballots": [ballot.pk],
        "proxys": [proxy.pk],  # the path parameter `proxy`, made plural as the others
        "people": [people[role] for role in ROLES],
    }


@pytest.fixture
def world(db, media):
    cache.clear()  # the throttle's history of earlier tests
    yield build_world(media)
    cache.clear()


@pytest.fixture
def secrets(world) -> dict[str, str]:
    return {
        role: tokens.token_issue(user=person, name="contract").secret
        for role, person in zip(ROLES, world["people"], strict=True)
    }


@pytest.fixture
def wsgi_app(db):
    """Django's WSGI application in this thread, on the test's connection and transaction: as
    the test client does, the connection is not closed at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def point_at_the_world(case, world, pick: int) -> None:
    """Point the case's path at objects of the world, unless the path is what a negative case
    made invalid."""
    if case.meta is not None and case.meta.is_negative_at(ParameterLocation.PATH):
        return
    resource = case.path.split("/")[3]
    parameters = case.path_parameters or {}
    for name in parameters:
        existing = {"id": world.get(resource), "code": world.get(resource), "number": [1]}.get(
            name, world.get(f"{name}s")
        )
        if existing:
            parameters[name] = existing[pick % len(existing)]


def findings_of(operation, world, secrets, answered: list[int]) -> str | None:
    """Schemathesis's findings on one operation, or None. (Its pytest plugin does not run under
    pytest 9.2, which renamed the node attribute it sets: Hypothesis drives it here.)"""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    @hypothesis.given(
        case=cases, role=st.sampled_from(ROLES), real=st.booleans(), pick=st.integers(0, 20)
    )
    def run(case, role, real, pick):
        if real:
            point_at_the_world(case, world, pick)
        last[:] = [role, case]
        response = case.call_and_validate(headers={"Authorization": f"Bearer {secrets[role]}"})
        answered.append(response.status_code)

    last = []
    try:
        run()
    except (Exception, BaseExceptionGroup) as error:  # Schemathesis's findings, or an error
        role, case = last
        found = error.exceptions if isinstance(error, BaseExceptionGroup) else [error]
        what = "\n".join(f"  {type(e).__name__}: {e}" for e in found)
        return f"{operation.label} as {role}: {case.as_curl_command()}\n{what}"
    return None


def test_api_keeps_its_contract(world, secrets, wsgi_app):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", wsgi_app, config=CONFIG)
    operations = [result.ok() for result in schema.get_all_operations()]

    answers = {operation.label: [] for operation in operations}
    findings = [
        findings_of(operation, world, secrets, answers[operation.label]) for operation in operations
    ]

    if any(findings):
        pytest.fail("\n\n".join(f for f in findings if f), pytrace=False)
    assert len(operations) == 116
    succeeded = [label for label, codes in answers.items() if any(c < 300 for c in codes)]
    assert len(succeeded) >= 30, sorted(set(answers) - set(succeeded))

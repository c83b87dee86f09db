"""Who may ask for, download and retry each PDF document (documents.rules.can_read_document),
for every persona and every state of a proposal, from one table; and the service agrees."""

import pytest
from django.core.exceptions import PermissionDenied

from documents import rules, transitions
from documents.models import Proposal, RenderJob
from documents.pdf.services import document_request
from mbk.exceptions import ActionRefusedError
from tests.workflow.states import PERSONAS, built_once
from tests.workflow.test_grants import VIEW

State = Proposal.State
PASSPORT = RenderJob.Kind.PASSPORT
CONCLUSION = RenderJob.Kind.CONCLUSION
# The expert conclusion holds the reviews: the group's chair and secretary and the programme
# office, and the governance body's members once the proposal is before them. Not the authors,
# not observers, not the assigned expert who has not reviewed yet (see tests/workflow/states.py).
CONCLUSION_READERS = frozenset(
    {"chair", "wg_secretary", "office", "secretary", "governance_chair", "governance_member"}
)
CELLS = [(state, persona) for state in State for persona in PERSONAS]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with built_once(django_db_blocker) as world:
        yield world


@pytest.mark.parametrize(("state", "persona"), CELLS, ids=["-".join(cell) for cell in CELLS])
@pytest.mark.django_db
def test_document_access(world, state, persona):
    proposal, person = world.proposals[state], world.people[persona]

    allowed = {
        kind: rules.can_read_document(person, proposal, kind) for kind in (PASSPORT, CONCLUSION)
    }

    assert allowed == {
        PASSPORT: persona in VIEW[state],
        CONCLUSION: persona in VIEW[state] and persona in CONCLUSION_READERS,
    }


@pytest.mark.parametrize("persona", ["other_author", "other_chair", "outsider", "observer"])
@pytest.mark.django_db
def test_document_request_refused_to_those_who_may_not_read_it(world, persona):
    proposal = world.proposals[State.WG_APPROVED]

    with pytest.raises(PermissionDenied):
        document_request(
            kind=PASSPORT,
            proposal_id=proposal.pk,
            version_number=1,
            by=world.people[persona],
            language="ru",
        )

    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_conclusion_request_of_a_draft_never_decided_is_refused_with_the_reason(world):
    proposal = world.proposals[State.SUBMITTED]

    with pytest.raises(ActionRefusedError):
        document_request(
            kind=CONCLUSION,
            proposal_id=proposal.pk,
            version_number=1,
            by=world.people["chair"],
            language="ru",
        )

    assert not RenderJob.objects.exists()


@pytest.mark.django_db
def test_conclusion_request_refused_to_a_chair_who_declared_a_conflict(world):
    proposal, chair = world.proposals[State.WG_APPROVED], world.people["chair"]
    transitions.proposal_declare_conflict(proposal_id=proposal.pk, by=chair, reason="Консультирую")

    with pytest.raises(PermissionDenied):
        document_request(
            kind=CONCLUSION, proposal_id=proposal.pk, version_number=1, by=chair, language="ru"
        )

    assert not RenderJob.objects.exists()

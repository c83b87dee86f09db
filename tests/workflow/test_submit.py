"""Submission: an open call for the first one, complete content, answered remarks."""

import datetime

import pytest
from django.utils import timezone

from directory.models import Organisation
from documents import transitions
from documents.models import Proposal
from documents.services import remarks_answer
from mbk.exceptions import ActionRefusedError
from tests.factories import MembershipFactory, draft_proposal
from workflow import audit


def close(call):
    call.opens_on = timezone.localdate() - datetime.timedelta(days=40)
    call.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    call.save()


@pytest.mark.django_db
def test_submit_after_the_call_closed_is_refused_with_the_date(author, cluster):
    proposal = draft_proposal(author)
    close(proposal.call)

    with pytest.raises(ActionRefusedError) as refused:
        transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    proposal.refresh_from_db()
    assert "закончился" in str(refused.value)
    assert proposal.call.closes_on.strftime("%d.%m.%Y") in str(refused.value)
    assert (proposal.state, proposal.versions.count()) == (Proposal.State.DRAFT, 0)


@pytest.mark.django_db
def test_submit_answer_to_remarks_is_accepted_after_the_call_closed(author, chair, expert):
    proposal = draft_proposal(author)
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    transitions.proposal_assign_experts(proposal_id=proposal.pk, by=chair, experts=[expert])
    transitions.proposal_request_revision(proposal_id=proposal.pk, by=chair, remarks=["Бюджет"])
    close(proposal.call)
    remark = proposal.remarks.get()

    with pytest.raises(ActionRefusedError) as unanswered:
        transitions.proposal_submit(proposal_id=proposal.pk, by=author)
    remarks_answer(proposal_id=proposal.pk, by=author, answers={remark.pk: "Уточнили"})
    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    proposal.refresh_from_db()
    assert unanswered.value.problems == ["Ответьте на каждое замечание (без ответа: 1)."]
    assert (proposal.state, proposal.round) == (Proposal.State.WG_REVIEW, 2)
    assert proposal.versions.count() == 2


@pytest.mark.django_db
def test_submit_incomplete_lists_what_is_missing_and_changes_nothing(author, cluster):
    proposal = draft_proposal(author, summary="", readiness_level=None)
    entries = audit.history(proposal).count()

    with pytest.raises(ActionRefusedError) as refused:
        transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    proposal.refresh_from_db()
    assert len(refused.value.problems) == 2
    assert (proposal.state, audit.history(proposal).count()) == (Proposal.State.DRAFT, entries)


@pytest.mark.django_db
def test_submit_waits_for_the_organisation_to_be_confirmed(author, cluster):
    proposal = draft_proposal(author)
    Organisation.objects.filter(pk=author.organisation_id).update(
        status=Organisation.Status.PROPOSED
    )
    author.refresh_from_db()

    with pytest.raises(ActionRefusedError):
        transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    assert Proposal.objects.get(pk=proposal.pk).state == Proposal.State.DRAFT


@pytest.mark.django_db
def test_submit_routes_to_the_group_and_its_office(author, chair, office, other_chair):
    proposal = draft_proposal(author)
    MembershipFactory(body=chair.memberships.get().body, role="member", user__username="m")

    transitions.proposal_submit(proposal_id=proposal.pk, by=author)

    proposal.refresh_from_db()
    assert chair.has_perm("documents.view_proposal", proposal)
    assert office.has_perm("documents.view_proposal", proposal)
    assert not other_chair.has_perm("documents.view_proposal", proposal)
    assert not author.has_perm("documents.change_proposal", proposal)

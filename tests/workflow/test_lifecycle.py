"""The whole life of a proposal through the services: two revision rounds, the return from
the governance body, approval; rejection at each stage; withdrawal."""

import pytest
from django.core import mail
from django.core.management import call_command

from directory.models import Membership
from documents import transitions
from documents.models import Proposal
from tests.factories import MembershipFactory, draft_proposal
from workflow import audit
from workflow.models import Notice

State = Proposal.State
SCORES = {"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5}


@pytest.fixture
def second_expert(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.EXPERT, user__username="expert2"
    ).user


@pytest.fixture
def submitted(author, chair, expert, second_expert, office, secretary):
    proposal = draft_proposal(author)
    return transitions.proposal_submit(proposal_id=proposal.pk, by=author)


def review_by(*experts, proposal):
    for person in experts:
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=person,
            scores=SCORES,
            recommendation="approve",
            comments="Проект соответствует приоритетам.",
        )


def answer_all(proposal, author):
    from documents.services import remarks_answer

    answers = {r.pk: f"Исправлено: {r.text}" for r in proposal.remarks.filter(round=proposal.round)}
    remarks_answer(proposal_id=proposal.pk, by=author, answers=answers)


@pytest.mark.django_db
def test_lifecycle_two_revision_rounds_return_from_governance_and_approval(
    submitted,
    author,
    chair,
    expert,
    second_expert,
    office,
    secretary,
    governance_member,
    django_capture_on_commit_callbacks,
):
    pk = submitted.pk
    transitions.proposal_assign_experts(proposal_id=pk, by=chair, experts=[expert, second_expert])
    for round_number in (1, 2):
        proposal = Proposal.objects.get(pk=pk)
        review_by(expert, proposal=proposal)
        transitions.proposal_request_revision(
            proposal_id=pk, by=chair, remarks=[f"Уточните бюджет (раунд {round_number})"]
        )
        proposal = Proposal.objects.get(pk=pk)
        answer_all(proposal, author)
        transitions.proposal_submit(proposal_id=pk, by=author)
    proposal = Proposal.objects.get(pk=pk)
    review_by(expert, second_expert, proposal=proposal)
    transitions.proposal_approve_in_group(proposal_id=pk, by=chair)
    transitions.proposal_send_to_governance(proposal_id=pk, by=office)
    transitions.proposal_return_to_group(
        proposal_id=pk, by=secretary, reason="Нужна оценка рынка", reference="№ 3 от 01.12.2026"
    )
    transitions.proposal_approve_in_group(proposal_id=pk, by=chair)
    transitions.proposal_send_to_governance(proposal_id=pk, by=office)
    with django_capture_on_commit_callbacks(execute=True):
        transitions.proposal_governance_approve(
            proposal_id=pk, by=secretary, reference="№ 4 от 15.12.2026"
        )

    proposal = Proposal.objects.get(pk=pk)
    actions = [entry.action for entry in audit.history(proposal)]
    assert proposal.state == State.APPROVED
    assert proposal.round == 3
    assert proposal.versions.count() == 3
    assert proposal.decision_reference == "№ 4 от 15.12.2026"
    assert actions == [
        "created",
        "content_edited",
        "submitted",
        "experts_assigned",
        "reviewed",
        "revision_requested",
        "remarks_answered",
        "resubmitted",
        "reviewed",
        "revision_requested",
        "remarks_answered",
        "resubmitted",
        "reviewed",
        "reviewed",
        "approved_in_group",
        "sent_to_governance",
        "returned_to_group",
        "approved_in_group",
        "sent_to_governance",
        "approved",
    ]
    assert audit.verify()[1] is None
    assert author.has_perm("documents.view_proposal", proposal)
    assert not author.has_perm("documents.change_proposal", proposal)
    assert governance_member.has_perm("documents.view_proposal", proposal)
    assert Notice.objects.filter(recipient=author, text__contains="утвердил").exists()
    assert any("утвердил" in message.subject for message in mail.outbox)
    call_command("verify_audit")


@pytest.mark.django_db
def test_lifecycle_rejection_by_the_group(submitted, author, chair, expert):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])

    transitions.proposal_reject(proposal_id=submitted.pk, by=chair, reason="Не соответствует")

    proposal = Proposal.objects.get(pk=submitted.pk)
    assert (proposal.state, proposal.decision_reason) == (State.REJECTED, "Не соответствует")


@pytest.mark.django_db
def test_lifecycle_rejection_by_the_governance_body(
    submitted, author, chair, expert, second_expert, office, secretary, governance_member
):
    pk = submitted.pk
    transitions.proposal_assign_experts(proposal_id=pk, by=chair, experts=[expert, second_expert])
    review_by(expert, second_expert, proposal=Proposal.objects.get(pk=pk))
    transitions.proposal_approve_in_group(proposal_id=pk, by=chair)
    transitions.proposal_send_to_governance(proposal_id=pk, by=office)

    transitions.proposal_reject(proposal_id=pk, by=secretary, reason="Нет средств", reference="№ 5")

    proposal = Proposal.objects.get(pk=pk)
    assert (proposal.state, proposal.decision_reference) == (State.REJECTED, "№ 5")
    assert governance_member.has_perm("documents.view_proposal", proposal)


@pytest.mark.django_db
def test_lifecycle_withdrawal_during_review(submitted, author, chair, expert):
    transitions.proposal_assign_experts(proposal_id=submitted.pk, by=chair, experts=[expert])

    transitions.proposal_withdraw(proposal_id=submitted.pk, by=author, reason="Передумали")

    proposal = Proposal.objects.get(pk=submitted.pk)
    assert proposal.state == State.WITHDRAWN
    assert not expert.has_perm("documents.review_proposal", proposal)
    assert author.has_perm("documents.view_proposal", proposal)

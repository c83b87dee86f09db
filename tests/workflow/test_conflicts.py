"""Conflicts of interest: a person with a conflict on a proposal (same organisation, co-author or
declared) sees none of its reviews, and a conflicted chair does not stall it: the group's
decision passes to a deputy chair without a conflict or, where there is none, to the programme
office, and the audit entry says so."""

import pytest
from django.core.exceptions import PermissionDenied

from directory.models import Membership
from documents import rules, transitions
from documents.models import Proposal, RenderJob
from meetings import rules as meeting_rules
from tests.factories import MembershipFactory, UserFactory
from tests.workflow.states import proposal_in as walk
from tests.workflow.states import with_reviewers
from workflow import audit
from workflow.models import Notice

State = Proposal.State
Role = Membership.Role
DEPUTY_CHAIR = Role.DEPUTY_CHAIR


@pytest.fixture
def wg_secretary(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Role.SECRETARY, user__username="wg-secretary"
    ).user


@pytest.fixture
def conflicted_chair(chair, author):
    """The group's chair works at the author's organisation."""
    chair.organisation = author.organisation
    chair.save()
    return chair


@pytest.fixture
def deputy(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=DEPUTY_CHAIR, user__username="deputy"
    ).user


@pytest.fixture
def people(cluster, author, chair, expert, office, secretary, wg_secretary):
    """The group's secretary walks the proposal through the group's steps that need no chair."""
    return with_reviewers(
        cluster, author=author, chair=chair, expert=expert, office=office, secretary=secretary
    )


def in_review(people, walker) -> Proposal:
    """In the group's review with two reviews in; `walker` assigns the experts."""
    return walk(State.WG_REVIEW, {**people, "chair": walker})


def fresh(proposal: Proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


# --- Who sees the reviews --------------------------------------------------------------------
def test_conflicted_chair_sees_no_reviews_of_a_proposal_of_own_organisation(
    people, conflicted_chair, wg_secretary
):
    proposal = in_review(people, wg_secretary)

    assert rules.can_view_proposal(conflicted_chair, proposal)
    assert not rules.can_see_reviews(conflicted_chair, proposal)
    assert not rules.can_read_conclusion(conflicted_chair, proposal)
    assert not rules.can_read_document(conflicted_chair, proposal, RenderJob.Kind.CONCLUSION)


def test_chair_sees_no_reviews_after_declaring_a_conflict(people, chair):
    proposal = in_review(people, chair)
    assert rules.can_see_reviews(chair, proposal)

    transitions.proposal_declare_conflict(proposal_id=proposal.pk, by=chair, reason="Консультирую")

    assert not rules.can_see_reviews(chair, fresh(proposal))
    assert not rules.can_read_conclusion(chair, fresh(proposal))


def test_governance_member_with_a_conflict_reads_no_conclusion(people, governance_member):
    proposal = walk(State.GOVERNANCE_REVIEW, people)
    assert rules.can_read_conclusion(governance_member, proposal)

    transitions.proposal_declare_conflict(
        proposal_id=proposal.pk, by=governance_member, reason="Соавтор смежного проекта"
    )

    assert not rules.can_read_conclusion(governance_member, fresh(proposal))


# --- Who decides for the group ---------------------------------------------------------------
def test_free_chair_decides_and_the_deputy_does_not(people, chair, deputy, office):
    proposal = in_review(people, chair)

    assert rules.can_decide_in_group(chair, proposal)
    assert not rules.can_decide_in_group(deputy, proposal)
    assert not rules.can_decide_in_group(office, proposal)
    assert not rules.can_assign_experts(deputy, proposal)


def test_conflicted_chair_passes_the_decision_to_the_deputy(
    people, conflicted_chair, deputy, office, wg_secretary
):
    proposal = in_review(people, wg_secretary)

    assert not rules.can_decide_in_group(conflicted_chair, proposal)
    assert rules.can_decide_in_group(deputy, proposal)
    assert not rules.can_decide_in_group(office, proposal)
    assert rules.can_assign_experts(deputy, proposal)
    assert rules.can_see_reviews(deputy, proposal)


def test_conflicted_chair_without_a_deputy_passes_the_decision_to_the_office(
    people, conflicted_chair, office, wg_secretary
):
    proposal = in_review(people, wg_secretary)

    assert rules.can_decide_in_group(office, proposal)
    assert rules.can_assign_experts(office, proposal)


def test_conflicted_deputy_passes_the_decision_to_the_office(
    people, conflicted_chair, deputy, office, author, wg_secretary
):
    deputy.organisation = author.organisation
    deputy.save()
    proposal = in_review(people, wg_secretary)

    assert not rules.can_decide_in_group(deputy, proposal)
    assert rules.can_decide_in_group(office, proposal)


def test_deputy_approval_is_audited_in_place_of_the_conflicted_chair(
    people, conflicted_chair, deputy, wg_secretary
):
    proposal = in_review(people, wg_secretary)

    transitions.proposal_approve_in_group(proposal_id=proposal.pk, by=deputy, note="Поддержать")

    entry = audit.history(proposal).last()
    assert (entry.action, entry.actor, entry.to_state) == (
        "approved_in_group",
        deputy,
        State.WG_APPROVED,
    )
    assert entry.comment == (
        "Решение принято заместителем руководителя вместо руководителя, "
        "у которого конфликт интересов.\nПоддержать"
    )


def test_office_rejection_is_audited_in_place_of_the_conflicted_chair(
    people, conflicted_chair, office, wg_secretary
):
    proposal = in_review(people, wg_secretary)

    transitions.proposal_reject(proposal_id=proposal.pk, by=office, reason="Нет средств")

    entry = audit.history(proposal).last()
    assert (entry.action, entry.actor, entry.to_state) == ("rejected", office, State.REJECTED)
    assert entry.comment == (
        "Решение принято дирекцией программы вместо руководителя, "
        "у которого конфликт интересов.\nНет средств"
    )


def test_conflicted_chair_cannot_request_a_revision(people, conflicted_chair, deputy, wg_secretary):
    proposal = in_review(people, wg_secretary)
    entries = audit.history(proposal).count()

    with pytest.raises(PermissionDenied):
        transitions.proposal_request_revision(
            proposal_id=proposal.pk, by=conflicted_chair, remarks=["Уточните бюджет"]
        )

    assert fresh(proposal).state == State.WG_REVIEW
    assert audit.history(proposal).count() == entries


def test_review_notice_reaches_the_deputy_not_the_conflicted_chair(
    people, conflicted_chair, deputy, wg_secretary
):
    proposal = walk(State.SUBMITTED, people)
    transitions.proposal_assign_experts(
        proposal_id=proposal.pk, by=deputy, experts=[people["expert"]]
    )
    Notice.objects.all().delete()

    transitions.proposal_review(
        proposal_id=proposal.pk,
        by=people["expert"],
        scores={"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5},
        recommendation="approve",
        comments="Поддержать",
    )

    assert list(Notice.objects.values_list("recipient__username", flat=True)) == ["deputy"]


def test_submission_notice_reaches_whoever_decides(people, conflicted_chair, deputy, wg_secretary):
    walk(State.SUBMITTED, people)

    recipients = set(Notice.objects.values_list("recipient__username", flat=True))
    assert recipients == {"deputy", "wg-secretary"}


# --- Superuser status is not a role ----------------------------------------------------------
@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_superuser_without_a_role_neither_sees_nor_reviews(people, superuser, chair):
    proposal = in_review(people, chair)

    assert not rules.can_view_proposal(superuser, proposal)
    assert not rules.can_review_proposal(superuser, proposal)
    assert not rules.can_edit_proposal(superuser, proposal)
    assert not rules.can_see_reviews(superuser, proposal)
    assert not rules.can_read_document(superuser, proposal, RenderJob.Kind.PASSPORT)


def test_office_that_made_itself_superuser_cannot_review(people, office, chair):
    proposal = in_review(people, chair)
    office.is_superuser = True
    office.save()
    reviews = proposal.reviews.count()

    with pytest.raises(PermissionDenied):
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=office,
            scores={"relevance": 5, "science": 4, "market": 4, "feasibility": 3, "team": 5},
            recommendation="approve",
            comments="Поддержать",
        )

    assert proposal.reviews.count() == reviews


def test_object_permissions_are_read_once_for_a_proposal(people, chair, django_assert_num_queries):
    proposal = in_review(people, chair)
    author = people["author"]
    rules.can_view_proposal(author, proposal)

    with django_assert_num_queries(0):
        rules.can_view_proposal(author, proposal)
        rules.can_edit_proposal(author, proposal)
        rules.can_review_proposal(author, proposal)


def test_deputy_plans_and_runs_the_groups_meetings(cluster, deputy):
    assert meeting_rules.can_plan_meetings(deputy, cluster["wg-pharma"])
    assert not meeting_rules.can_plan_meetings(deputy, cluster["wg-ecology"])


def test_deputy_decides_where_the_group_has_no_chair(people, chair, deputy, wg_secretary):
    proposal = in_review(people, wg_secretary)
    Membership.objects.filter(user=chair).delete()

    transitions.proposal_approve_in_group(proposal_id=proposal.pk, by=deputy)

    entry = audit.history(proposal).last()
    assert (entry.action, entry.actor) == ("approved_in_group", deputy)
    assert entry.comment == (
        "Решение принято заместителем руководителя: у рабочей группы нет руководителя."
    )

"""One service per transition of a proposal (shared/STYLE.md): each goes through the one runner
(workflow/runner.py: lock, stale check, state check 409, rule 403, transition, save, audit,
object permissions in step), adds the checks only it knows and notifies the people who act
next, in one transaction; the e-mails leave after commit. The table that offers them to pages,
the API and meetings is documents/actions.py."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import rules as directory_rules
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from documents import blind as blind_review
from documents import opinions, rules
from documents.content import completeness_problems, content_hash, snapshot
from documents.models import (
    Assignment,
    ConflictDeclaration,
    Proposal,
    ProposalVersion,
    Remark,
    Review,
    ReviewCriterion,
)
from mbk.exceptions import ActionRefusedError, StaleObjectError
from workflow import runner
from workflow.notify import notify

State = Proposal.State
Role = Membership.Role
DETAIL = "documents:proposal-detail"


def _begin(proposal_id: int, by: User, seen_edition: int | None, transition, rule):
    return runner.begin(
        Proposal, proposal_id, by=by, seen=seen_edition, transition=transition, rule=rule
    )


def _freeze(proposal: Proposal, by: User) -> ProposalVersion:
    content = snapshot(proposal)
    number = proposal.versions.count() + 1
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=number,
        content=content,
        sha256=content_hash(content),
        created_by=by,
    )


# The audit note of a group decision taken in place of a chair with a conflict of interest.
_IN_PLACE_OF_CHAIR = {
    (Role.DEPUTY_CHAIR, True): _(
        "Decided by the deputy chair in place of the chair, who has a conflict of interest."
    ),
    (rules.OFFICE, True): _(
        "Decided by the programme office in place of the chair, who has a conflict of interest."
    ),
    (Role.DEPUTY_CHAIR, False): _("Decided by the deputy chair: the group has no chair."),
    (rules.OFFICE, False): _(
        "Decided by the programme office: the group has no chair or deputy chair free of a "
        "conflict of interest."
    ),
}


def _in_place_of_chair(proposal: Proposal, by: User, comment: str = "") -> str:
    """The comment of a group decision, headed by who took it when it was not the chair (in the
    site's language: the audit trail is a record, not a page)."""
    capacity = rules.deciding_capacity(by, proposal)
    if capacity not in (Role.DEPUTY_CHAIR, rules.OFFICE):
        return comment
    has_chair = Membership.objects.filter(
        body_id=proposal.group_id, role=Role.CHAIR, user__is_active=True
    ).exists()
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_IN_PLACE_OF_CHAIR[capacity, has_chair])
    return f"{note}\n{comment}" if comment else note


def _authors(proposal: Proposal) -> list[User]:
    return [proposal.author, *proposal.coauthors.all()]


def _notify(
    people, proposal: Proposal, *, kind: str, by: User, variant: str = "", **params
) -> None:
    """Notices of the proposal; those to the experts of a blind review name neither its authors
    nor its organisation, even where the title does (documents/blind.py)."""
    people = list(people)
    params = {"title": proposal.title, **params}
    blind = [p for p in people if p is not None and rules.sees_blind(p, proposal)]
    if blind:
        names = blind_review.identifying_strings(proposal)
        masked = {key: blind_review.mask_text(str(value), names) for key, value in params.items()}
        _notice(blind, kind, variant, masked, proposal, by)
        people = [p for p in people if p not in blind]
    _notice(people, kind, variant, params, proposal, by)


def _notice(people, kind: str, variant: str, params: dict, proposal: Proposal, by: User) -> None:
    notify(
        people,
        actor=by,
        kind=kind,
        variant=variant,
        params=params,
        url_name=DETAIL,
        url_kwargs={"pk": proposal.pk},
    )


def _submit_or_resubmit(proposal: Proposal) -> str:
    return "submit" if proposal.state == State.DRAFT else "resubmit"


@transaction.atomic
def proposal_submit(*, proposal_id: int, by: User, seen_edition: int | None = None) -> Proposal:
    """Submit a draft, or answer a revision request (each remark of the last round must have
    its answer). Freezes a version; notifies the group's chair and secretary (and, on a
    resubmission, the assigned experts)."""
    change = _begin(proposal_id, by, seen_edition, _submit_or_resubmit, rules.can_submit_proposal)
    proposal = change.obj
    first = proposal.state == State.DRAFT
    if first and not proposal.call.is_open():
        raise ActionRefusedError(
            _("The call «%(call)s» closed on %(date)s; it no longer accepts new proposals.")
            % {"call": proposal.call, "date": proposal.call.closes_on.strftime("%d.%m.%Y")}
        )
    if first and not directory_rules.can_submit_proposals(by):
        from directory.selectors import submission_block

        raise ActionRefusedError(
            submission_block(by)
            or _("Your organisation awaits the programme office's confirmation; submit after it.")
        )
    problems = completeness_problems(proposal)
    unanswered = proposal.remarks.filter(round=proposal.round, answer="").count()
    if not first and unanswered:
        problems.append(
            _("Answer every remark of the revision request (%(n)d without an answer).")
            % {"n": unanswered}
        )
    if problems:
        raise ActionRefusedError(_("The proposal is not complete yet."), problems)
    change.transition()
    version = _freeze(proposal, by)
    if not first:
        opinions.request_opinions(proposal, by=by)  # groups named in the revision
    change.finish("submitted" if first else "resubmitted")
    chair_and_secretary = rules.group_contacts(proposal)
    if first:
        _notify(chair_and_secretary, proposal, kind="documents.proposal_submitted", by=by)
    else:
        experts = [
            a.expert for a in proposal.assignments.filter(ended_at=None).select_related("expert")
        ]
        _notify(
            chair_and_secretary + experts,
            proposal,
            kind="documents.proposal_resubmitted",
            version=version.number,
            by=by,
        )
    return proposal


@transaction.atomic
def proposal_withdraw(
    *, proposal_id: int, by: User, reason: str = "", seen_edition: int | None = None
) -> Proposal:
    """The principal author withdraws the proposal before a final decision."""
    change = _begin(proposal_id, by, seen_edition, "withdraw", rules.can_withdraw_proposal)
    proposal = change.obj
    change.transition()
    change.finish("withdrawn", comment=reason)
    if change.from_state != State.DRAFT:
        _notify(
            rules.group_contacts(proposal), proposal, kind="documents.proposal_withdrawn", by=by
        )
    return proposal


@transaction.atomic
def proposal_assign_experts(
    *, proposal_id: int, by: User, experts: list[User], seen_edition: int | None = None
) -> Proposal:
    """The chair or secretary assigns experts of the group (none with a conflict). The first
    assignment opens the group's review. Notifies the new experts."""
    change = runner.begin(
        Proposal,
        proposal_id,
        by=by,
        seen=seen_edition,
        states=(State.SUBMITTED, State.WG_REVIEW),
        rule=rules.can_assign_experts,
    )
    proposal = change.obj
    group_experts = set(
        Membership.objects.filter(body=proposal.group, role=Role.EXPERT).values_list(
            "user_id", flat=True
        )
    )
    current = proposal.assignments.filter(ended_at=None)
    new = [e for e in experts if not current.filter(expert=e).exists()]
    for expert in new:
        if expert.pk not in group_experts:
            raise ActionRefusedError(
                _("%(name)s is not an expert of this working group.")
                % {"name": expert.get_full_name()}
            )
        if rules.has_conflict(expert, proposal):
            raise ActionRefusedError(
                _("%(name)s has a conflict of interest with this proposal and cannot review it.")
                % {"name": expert.get_full_name()}
            )
    if not new:
        raise ActionRefusedError(_("Choose at least one expert who is not yet assigned."))
    Assignment.objects.bulk_create(
        Assignment(proposal=proposal, expert=e, assigned_by=by) for e in new
    )
    if proposal.state == State.SUBMITTED:
        proposal.start_review()
        opinions.request_opinions(proposal, by=by)  # the infrastructure groups it names
    names = ", ".join(e.get_full_name() for e in new)
    change.finish("experts_assigned", comment=_in_place_of_chair(proposal, by, names))
    _notify(new, proposal, kind="documents.review_requested", by=by)
    return proposal


@transaction.atomic
def assignments_bulk_create(
    *, group_id: int, by: User, experts: dict[int, list[User]], editions: dict[int, int]
) -> list[Proposal]:
    """The chair or secretary confirms an assignment of many proposals of their group at once
    (the review dashboard's suggestion, as they adjusted it): `experts` maps each proposal to
    the experts to add. Each proposal goes through proposal_assign_experts (its rule, conflicts,
    audit entry and notices to the new experts), in the order of their numbers, with the
    edition the page was drawn from (`editions`). All in one transaction: one stale proposal
    (409), one refused pair (409, named) or one forbidden proposal (403) and nothing is
    assigned, nobody is notified."""
    group = Body.objects.get(pk=group_id)
    rules.require(rules.can_assign_in_bulk, by, group)
    wanted = {pk: people for pk, people in experts.items() if people}
    if not wanted:
        raise ActionRefusedError(_("Choose at least one expert for one of the proposals."))
    in_group = set(
        Proposal.objects.filter(pk__in=wanted, group_id=group_id).values_list("pk", flat=True)
    )
    if set(wanted) - in_group:
        raise ActionRefusedError(_("Some of the proposals are not of this working group."))
    assigned = []
    for proposal_id in sorted(wanted):
        if proposal_id not in editions:
            raise StaleObjectError
        try:
            proposal = proposal_assign_experts(
                proposal_id=proposal_id,
                by=by,
                experts=wanted[proposal_id],
                seen_edition=editions[proposal_id],
            )
        except StaleObjectError:
            raise
        except ActionRefusedError as refusal:
            title = Proposal.objects.values_list("title", flat=True).get(pk=proposal_id)
            raise ActionRefusedError(
                _("Nothing was assigned. «%(title)s»: %(reason)s")
                % {"title": title, "reason": refusal.message},
                refusal.problems,
            ) from refusal
        assigned.append(proposal)
    return assigned


@transaction.atomic
def proposal_review(
    *,
    proposal_id: int,
    by: User,
    scores: dict[str, int],
    recommendation: str,
    comments: str,
    seen_version: int | None = None,
) -> Review:
    """An assigned expert submits the review of the current round (one per round), of the
    version they read: a form drawn from an older version is stale (409)."""
    proposal = runner.lock(Proposal, proposal_id)
    version = proposal.versions.order_by("-number").first()
    if seen_version is not None and (version is None or version.number != seen_version):
        raise StaleObjectError
    change = runner.begin(
        Proposal, proposal_id, by=by, states=(State.WG_REVIEW,), rule=rules.can_review_proposal
    )
    if proposal.reviews.filter(expert=by, round=proposal.round).exists():
        raise ActionRefusedError(_("You have already submitted your review of this round."))
    criteria = list(ReviewCriterion.objects.all())
    if set(scores) != {c.code for c in criteria} or not all(
        1 <= int(v) <= 5 for v in scores.values()
    ):
        raise ActionRefusedError(_("Score every criterion from 1 to 5."))
    total_weight = sum(c.weight for c in criteria)
    weighted = sum(c.weight * int(scores[c.code]) for c in criteria) / total_weight
    review = Review.objects.create(
        proposal=proposal,
        expert=by,
        round=proposal.round,
        version=version,
        scores={k: int(v) for k, v in scores.items()},
        weighted_score=round(weighted, 2),
        recommendation=recommendation,
        comments=comments,
    )
    # A review changes no field of the proposal: its edition stays, so nobody's form is stale.
    change.finish(
        "reviewed",
        bump=False,
        comment=f"{review.get_recommendation_display()}: {review.weighted_score}",
        content_sha256=review.version.sha256,
    )
    _notify(
        rules.group_deciders(proposal)[1],
        proposal,
        kind="documents.review_submitted",
        variant=by.gender,
        expert=by.get_full_name(),
        by=by,
    )
    return review


@transaction.atomic
def proposal_request_revision(
    *, proposal_id: int, by: User, remarks: list[str], seen_edition: int | None = None
) -> Proposal:
    """The chair returns the proposal to its authors with numbered remarks."""
    change = _begin(proposal_id, by, seen_edition, "request_revision", rules.can_decide_in_group)
    proposal = change.obj
    remarks = [r.strip() for r in remarks if r.strip()]
    if not remarks:
        raise ActionRefusedError(_("Write at least one remark for the authors."))
    Remark.objects.bulk_create(
        Remark(proposal=proposal, round=proposal.round, number=n, text=text)
        for n, text in enumerate(remarks, 1)
    )
    comment = _in_place_of_chair(
        proposal, by, "\n".join(f"{n}. {t}" for n, t in enumerate(remarks, 1))
    )
    change.transition()
    change.finish("revision_requested", comment=comment)
    _notify(_authors(proposal), proposal, kind="documents.revision_requested", by=by)
    return proposal


@transaction.atomic
def proposal_approve_in_group(
    *, proposal_id: int, by: User, note: str = "", seen_edition: int | None = None
) -> Proposal:
    """The chair approves at the group stage, given enough reviews of the current round."""
    change = _begin(proposal_id, by, seen_edition, "approve_in_group", rules.can_decide_in_group)
    proposal = change.obj
    have = proposal.reviews.filter(round=proposal.round).count()
    need = proposal.group.required_reviews
    if have < need:
        raise ActionRefusedError(
            _("Approval needs %(need)d submitted reviews of this round; there are %(have)d.")
            % {"need": need, "have": have}
        )
    opinions.require_opinions(proposal)  # of the infrastructure groups, given or waived
    comment = _in_place_of_chair(proposal, by, note)
    change.transition()
    change.finish("approved_in_group", comment=comment)
    _notify(
        directory_selectors.office_people(),
        proposal,
        kind="documents.approved_in_group_office",
        by=by,
    )
    _notify(_authors(proposal), proposal, kind="documents.approved_in_group", by=by)
    return proposal


@transaction.atomic
def proposal_reject(
    *,
    proposal_id: int,
    by: User,
    reason: str,
    reference: str = "",
    seen_edition: int | None = None,
) -> Proposal:
    """Reject at the group stage (the chair) or at the governance stage (its secretary or
    chair, with the decision's reference)."""
    change = _begin(proposal_id, by, seen_edition, "reject", rules.can_reject_proposal)
    proposal = change.obj
    at_governance = proposal.state == State.GOVERNANCE_REVIEW
    if not reason.strip():
        raise ActionRefusedError(_("Give the reason of the rejection."))
    if at_governance and not reference.strip():
        raise ActionRefusedError(_("Give the number and date of the governance body's decision."))
    comment = reason.strip() if at_governance else _in_place_of_chair(proposal, by, reason.strip())
    change.transition(reason=reason.strip(), reference=reference.strip())
    change.finish("rejected", comment=comment, reference=reference.strip())
    _notify(_authors(proposal), proposal, kind="documents.rejected", by=by)
    return proposal


@transaction.atomic
def proposal_send_to_governance(
    *, proposal_id: int, by: User, note: str = "", seen_edition: int | None = None
) -> Proposal:
    """The programme office puts a group-approved proposal before the governance body."""
    change = _begin(
        proposal_id, by, seen_edition, "send_to_governance", rules.can_send_to_governance
    )
    proposal = change.obj
    change.transition()
    change.finish("sent_to_governance", comment=note)
    _notify(
        directory_selectors.people(kind=Body.Kind.GOVERNANCE, roles=[Role.SECRETARY, Role.CHAIR]),
        proposal,
        kind="documents.sent_to_governance",
        by=by,
    )
    return proposal


@transaction.atomic
def proposal_governance_approve(
    *, proposal_id: int, by: User, reference: str, note: str = "", seen_edition: int | None = None
) -> Proposal:
    """The governance body's approval, recorded by its secretary with the decision's number
    and date (meetings will call this same service)."""
    change = _begin(proposal_id, by, seen_edition, "approve", rules.can_record_governance_decision)
    proposal = change.obj
    if not reference.strip():
        raise ActionRefusedError(_("Give the number and date of the governance body's decision."))
    change.transition(reference=reference.strip())
    change.finish("approved", comment=note, reference=reference.strip())
    _notify(_authors(proposal), proposal, kind="documents.approved", by=by)
    return proposal


@transaction.atomic
def proposal_return_to_group(
    *,
    proposal_id: int,
    by: User,
    reason: str,
    reference: str = "",
    seen_edition: int | None = None,
) -> Proposal:
    """The governance body returns the proposal to the working group for another look."""
    change = _begin(
        proposal_id, by, seen_edition, "return_to_group", rules.can_record_governance_decision
    )
    proposal = change.obj
    if not reason.strip():
        raise ActionRefusedError(_("Say why the proposal goes back to the working group."))
    change.transition()
    change.finish("returned_to_group", comment=reason.strip(), reference=reference.strip())
    _notify(
        rules.group_contacts(proposal),
        proposal,
        kind="documents.returned_to_group",
        by=by,
    )
    return proposal


@transaction.atomic
def proposal_declare_conflict(*, proposal_id: int, by: User, reason: str) -> ConflictDeclaration:
    """A person declares a conflict of interest: it removes them from the proposal's review
    and decisions (their assignment's review permission is revoked)."""
    change = runner.begin(
        Proposal,
        proposal_id,
        by=by,
        states=set(State.values) - set(Proposal.FINAL),
        rule=rules.can_declare_conflict,
    )
    proposal = change.obj
    if not reason.strip():
        raise ActionRefusedError(_("Describe the conflict of interest."))
    declaration = ConflictDeclaration.objects.create(
        proposal=proposal, person=by, reason=reason.strip()
    )
    # The proposal's own fields do not change (its edition stays); its permissions do.
    change.finish("conflict_declared", bump=False, comment=reason.strip())
    _notify(
        rules.group_contacts(proposal),
        proposal,
        kind="documents.conflict_declared",
        variant=by.gender,
        person=by.get_full_name(),
        by=by,
    )
    return declaration

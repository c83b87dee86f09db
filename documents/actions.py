"""The proposal's transitions (one table: workflow/tables.py) and the buttons of its page.

Every transition a person runs on a proposal is a row here: its name (as the API names it),
label, the rule that allows it, its parameters, the service that runs it, where the pages
offer it and with which form. Pages, the API, meetings' decisions and the permission-matrix
tests read this table. Templates never decide permissions (STYLE.md): they render
`available_actions`."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from documents import moves, rules, transitions
from documents import review_forms as forms
from documents.forms import WithdrawForm
from documents.models import Proposal, Review
from documents.move_forms import DuplicateForm, MoveForm
from workflow.tables import (
    APPROVE,
    GOVERNANCE,
    GROUP,
    REJECT,
    RETURN,
    REVISE,
    Param,
    Table,
    Transition,
)

COMMENT = Param("comment", "text", max_length=5000)
OPTIONAL_COMMENT = Param("comment", "text", required=False, max_length=5000)
REFERENCE = Param("reference", "line", max_length=200)
OPTIONAL_REFERENCE = Param("reference", "line", required=False, max_length=200)


def _wrote_no_review(user, proposal: Proposal) -> bool:
    return not rules.has_reviewed_this_round(user, proposal)


PROPOSAL = Table(
    Proposal,
    (
        Transition(
            "submit",
            _("Submit"),
            rules.can_submit_proposal,
            lambda p, by, seen: transitions.proposal_submit(
                proposal_id=p.pk, by=by, seen_edition=seen
            ),
            style="primary",
            forms={"submit": ("", forms.ActionForm)},
            done=_("The proposal is submitted to the working group."),
            confirm=_(
                "Its content is frozen as a version and goes to the working group; it cannot be "
                "edited while the group reviews it."
            ),
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            rules.can_withdraw_proposal,
            lambda p, by, seen, comment="": transitions.proposal_withdraw(
                proposal_id=p.pk, by=by, reason=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            style="outline-danger",
            forms={"withdraw": ("", WithdrawForm)},
            done=_("The proposal is withdrawn."),
            confirm=_(
                "A withdrawn proposal leaves the programme for good: it can no longer be edited, "
                "reviewed or submitted again."
            ),
        ),
        Transition(
            "assign_experts",
            _("Assign experts"),
            rules.can_assign_experts,
            lambda p, by, seen, experts: transitions.proposal_assign_experts(
                proposal_id=p.pk, by=by, experts=experts, seen_edition=seen
            ),
            params=(Param("experts", "people"),),
            forms={"assign": ("", forms.AssignExpertsForm)},
            done=_("The experts are assigned and notified."),
        ),
        Transition(
            "review",
            _("Write a review"),
            rules.can_review_proposal,
            lambda p, by, seen, scores, recommendation, comments: transitions.proposal_review(
                proposal_id=p.pk,
                by=by,
                scores=scores,
                recommendation=recommendation,
                comments=comments,
                seen_version=seen,
            ),
            params=(
                Param(
                    "scores",
                    "scores",
                    help_text=_("every criterion's code with its score from 1 to 5"),
                ),
                Param("recommendation", "choice", choices=tuple(Review.Recommendation.choices)),
                Param("comments", "text", max_length=20000),
            ),
            style="primary",
            seen="version",
            offered=_wrote_no_review,
            forms={"review": ("", forms.ReviewForm)},
            done=_("Your review is submitted. Thank you."),
            confirm=_(
                "A submitted review cannot be taken back; you may change it until the chair "
                "decides on this round, and every change is kept."
            ),
        ),
        Transition(
            "request_revision",
            _("Request a revision"),
            rules.can_decide_in_group,
            lambda p, by, seen, remarks: transitions.proposal_request_revision(
                proposal_id=p.pk, by=by, remarks=remarks, seen_edition=seen
            ),
            params=(Param("remarks", "texts", max_length=5000),),
            decisions=((GROUP, REVISE),),
            forms={"decide": ("revise", forms.RevisionRequestForm)},
            done=_("The proposal is returned to its authors for revision."),
            confirm=_(
                "This review round ends: the proposal goes back to its authors with your remarks."
            ),
        ),
        Transition(
            "approve_in_group",
            _("Approve in the working group"),
            rules.can_decide_in_group,
            lambda p, by, seen, comment="": transitions.proposal_approve_in_group(
                proposal_id=p.pk, by=by, note=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            decisions=((GROUP, APPROVE),),
            forms={"decide": ("approve", forms.NoteForm)},
            done=_("The proposal is approved by the working group."),
            confirm=_(
                "The group's approval is final: the proposal goes on to the governance body and "
                "the group cannot take it back."
            ),
        ),
        Transition(
            "reject",
            _("Reject"),
            rules.can_reject_proposal,
            lambda p, by, seen, comment, reference="": transitions.proposal_reject(
                proposal_id=p.pk, by=by, reason=comment, reference=reference, seen_edition=seen
            ),
            params=(COMMENT, OPTIONAL_REFERENCE),
            decisions=((GROUP, REJECT), (GOVERNANCE, REJECT)),
            forms={
                "decide": ("reject", forms.RejectionForm),
                "governance": ("reject", forms.GovernanceRejectionForm),
            },
            done=_("The proposal is rejected."),
            confirm=_(
                "Rejection is final: the proposal leaves the programme and cannot be reconsidered."
            ),
        ),
        Transition(
            "send_to_governance",
            _("Send to the governance body"),
            rules.can_send_to_governance,
            lambda p, by, seen, comment="": transitions.proposal_send_to_governance(
                proposal_id=p.pk, by=by, note=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            style="primary",
            forms={"send": ("", forms.NoteForm)},
            done=_("The proposal is put before the governance body."),
            confirm=_(
                "The proposal is put before the governance body; only the body's decision "
                "returns it."
            ),
        ),
        Transition(
            "governance_approve",
            _("Record the governance body's approval"),
            rules.can_record_governance_decision,
            lambda p, by, seen, reference, comment="": transitions.proposal_governance_approve(
                proposal_id=p.pk, by=by, reference=reference, note=comment, seen_edition=seen
            ),
            params=(REFERENCE, OPTIONAL_COMMENT),
            decisions=((GOVERNANCE, APPROVE),),
            forms={"governance": ("approve", forms.GovernanceApprovalForm)},
            done=_("The governance body's approval is recorded."),
            confirm=_(
                "The governance body's approval is recorded for good: the anchor project enters "
                "the programme."
            ),
        ),
        Transition(
            "return_to_group",
            _("Return to the working group"),
            rules.can_record_governance_decision,
            lambda p, by, seen, comment, reference="": transitions.proposal_return_to_group(
                proposal_id=p.pk, by=by, reason=comment, reference=reference, seen_edition=seen
            ),
            params=(COMMENT, OPTIONAL_REFERENCE),
            decisions=((GOVERNANCE, RETURN),),
            forms={"governance": ("return", forms.GovernanceReturnForm)},
            done=_("The proposal is returned to the working group."),
            confirm=_(
                "The governance body's decision is recorded for good: the working group reviews "
                "the proposal again."
            ),
        ),
        Transition(
            "move_to_group",
            _("Move to another working group"),
            rules.can_move_proposal,
            lambda p, by, seen, group, comment: moves.proposal_move(
                proposal_id=p.pk, by=by, group=group, reason=comment, seen_edition=seen
            ),
            params=(
                Param("group", "group", help_text=_("the code of a sectoral working group")),
                COMMENT,
            ),
            style="outline-secondary",
            forms={"move": ("", MoveForm)},
            done=_("The proposal is moved; the new working group assigns its experts."),
            confirm=_(
                "The old group's assignments end and its reviews no longer count: the new group "
                "reviews the proposal from the start."
            ),
        ),
        Transition(
            "mark_duplicate",
            _("Close as a duplicate"),
            rules.can_mark_duplicate,
            lambda p, by, seen, original, comment: moves.proposal_mark_duplicate(
                proposal_id=p.pk, by=by, original_id=original, reason=comment, seen_edition=seen
            ),
            params=(
                Param("original", "number", help_text=_("the number of the original proposal")),
                COMMENT,
            ),
            style="outline-danger",
            forms={"duplicate": ("", DuplicateForm)},
            done=_("The proposal is closed as a duplicate."),
            confirm=_(
                "Closing is final: the proposal leaves the review for good and links to the "
                "original."
            ),
        ),
        Transition(
            "declare_conflict",
            _("Declare a conflict of interest"),
            rules.can_declare_conflict,
            # A declaration changes no content: the service takes no edition.
            lambda p, by, seen, comment: transitions.proposal_declare_conflict(
                proposal_id=p.pk, by=by, reason=comment
            ),
            params=(COMMENT,),
            style="outline-secondary",
            forms={"conflict": ("", forms.ConflictForm)},
            done=_("Your conflict of interest is recorded."),
            confirm=_(
                "The declaration cannot be taken back: you take no further part in the review and "
                "decisions of this proposal."
            ),
        ),
    ),
)


# --- The buttons of the proposal's page ---------------------------------------------------------
@dataclass(frozen=True)
class Action:
    name: str
    label: str
    url_name: str
    style: str = "outline-primary"


def _offers(name: str):
    return lambda user, proposal: PROPOSAL[name].allows(user, proposal)


_ACTIONS = [
    (Action("edit", _("Edit"), "documents:proposal-edit"), rules.can_edit_proposal),
    (
        Action("coauthors", _("Co-authors"), "documents:proposal-coauthors", "outline-secondary"),
        rules.can_manage_coauthors,
    ),
    (
        Action("answer", _("Answer the remarks"), "documents:remarks-answer"),
        lambda user, p: (
            p.state == Proposal.State.REVISION_REQUESTED and rules.can_edit_proposal(user, p)
        ),
    ),
    (Action("submit", _("Submit"), "documents:proposal-submit", "primary"), _offers("submit")),
    (Action("assign", _("Assign experts"), "documents:proposal-assign"), _offers("assign_experts")),
    (
        Action("review", _("Write a review"), "documents:proposal-review", "primary"),
        _offers("review"),
    ),
    (
        Action("change_review", _("Change my review"), "documents:review-change"),
        rules.can_change_review,
    ),
    (
        Action("decide", _("Decide"), "documents:proposal-decide", "primary"),
        rules.can_decide_in_group,
    ),
    (
        Action(
            "send_to_governance",
            _("Send to the governance body"),
            "documents:proposal-send-to-governance",
            "primary",
        ),
        _offers("send_to_governance"),
    ),
    (
        Action(
            "governance_decision",
            _("Record the governance body's decision"),
            "documents:proposal-governance-decide",
            "primary",
        ),
        rules.can_record_governance_decision,
    ),
    (
        Action(
            "conflict",
            _("Declare a conflict of interest"),
            "documents:proposal-conflict",
            "outline-secondary",
        ),
        _offers("declare_conflict"),
    ),
    (
        Action("withdraw", _("Withdraw"), "documents:proposal-withdraw", "outline-danger"),
        _offers("withdraw"),
    ),
    (
        Action(
            "move",
            _("Move to another working group"),
            "documents:proposal-move",
            "outline-secondary",
        ),
        _offers("move_to_group"),
    ),
    (
        Action(
            "duplicate",
            _("Close as a duplicate"),
            "documents:proposal-duplicate",
            "outline-danger",
        ),
        _offers("mark_duplicate"),
    ),
]


def available_actions(user, proposal: Proposal) -> list[Action]:
    return [action for action, allowed in _ACTIONS if allowed(user, proposal)]

"""The actions a person may take on a proposal now, for pages to show as buttons and links.
Templates never decide permissions (STYLE.md): they render this list."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from documents import rules
from documents.models import Proposal


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    url_name: str
    style: str = "outline-primary"


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
    (
        Action("submit", _("Submit"), "documents:proposal-submit", "primary"),
        rules.can_submit_proposal,
    ),
    (Action("assign", _("Assign experts"), "documents:proposal-assign"), rules.can_assign_experts),
    (
        Action("review", _("Write a review"), "documents:proposal-review", "primary"),
        lambda user, p: (
            rules.can_review_proposal(user, p)
            and not p.reviews.filter(expert=user, round=p.round).exists()
        ),
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
        rules.can_send_to_governance,
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
        rules.can_declare_conflict,
    ),
    (
        Action("withdraw", _("Withdraw"), "documents:proposal-withdraw", "outline-danger"),
        rules.can_withdraw_proposal,
    ),
]


def available_actions(user, proposal: Proposal) -> list[Action]:
    return [action for action, allowed in _ACTIONS if allowed(user, proposal)]

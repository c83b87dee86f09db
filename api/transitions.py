"""The workflow's actions as the API names them: for proposals, programme sections and programme
versions, each transition's name, label, the rule that offers it, the fields it takes and the
service it runs. The same services and rules as the pages (workflow/actions.py,
programme/actions.py): the API only translates names and fields.

Every transition takes the version the caller saw (`revision` of a proposal, `version` for a
review, `edition` of a section or a programme version); the service refuses a newer one."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from documents.models import Proposal, Review
from mbk.serializers import CharField
from mbk.text import MULTILINE
from programme import services as programme_services
from programme.actions import SECTION_DECISIONS, VERSION_DECISIONS
from programme.models import ProgrammeVersion, Section
from workflow import rules
from workflow import services as workflow_services


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    allowed: Callable[[User, object], bool]  # offered to this person now (lists only)
    params: type[serializers.Serializer]
    run: Callable[..., object]  # run(obj, by, data, seen)
    seen: str = "revision"

    def field_names(self) -> list[str]:
        return [self.seen, *self.params().fields]


# --- Parameters ----------------------------------------------------------------------------
class NoParams(serializers.Serializer):
    pass


class OptionalComment(serializers.Serializer):
    comment = CharField(required=False, allow_blank=True, max_length=5000, style=MULTILINE)


class Comment(serializers.Serializer):
    comment = CharField(max_length=5000, style=MULTILINE)


class CommentAndReference(serializers.Serializer):
    comment = CharField(max_length=5000, style=MULTILINE)
    reference = CharField(required=False, allow_blank=True, max_length=200)


class Reference(serializers.Serializer):
    reference = CharField(max_length=200)
    comment = CharField(required=False, allow_blank=True, max_length=5000, style=MULTILINE)


class Remarks(serializers.Serializer):
    remarks = serializers.ListField(
        child=CharField(max_length=5000, style=MULTILINE), min_length=1, max_length=100
    )


class Experts(serializers.Serializer):
    experts = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.filter(is_active=True), many=True
    )


class ReviewParams(serializers.Serializer):
    scores = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=5),
        help_text=_("every criterion's code with its score from 1 to 5"),
    )
    recommendation = serializers.ChoiceField(choices=Review.Recommendation.choices)
    comments = CharField(max_length=20000, style=MULTILINE)


class Decision(serializers.Serializer):
    decision_number = CharField(max_length=50)
    decision_date = serializers.DateField()


# --- Proposals -----------------------------------------------------------------------------
def _wrote_no_review(user, proposal: Proposal) -> bool:
    return (
        rules.can_review_proposal(user, proposal)
        and not proposal.reviews.filter(expert=user, round=proposal.round).exists()
    )


def _may_reject(user, proposal: Proposal) -> bool:
    if proposal.state == Proposal.State.GOVERNANCE_REVIEW:
        return rules.can_record_governance_decision(user, proposal)
    return rules.can_decide_in_group(user, proposal)


S = workflow_services
PROPOSAL_TRANSITIONS = [
    Transition(
        "submit",
        _("Submit"),
        rules.can_submit_proposal,
        NoParams,
        lambda p, by, d, seen: S.proposal_submit(proposal_id=p.pk, by=by, seen_revision=seen),
    ),
    Transition(
        "withdraw",
        _("Withdraw"),
        rules.can_withdraw_proposal,
        OptionalComment,
        lambda p, by, d, seen: S.proposal_withdraw(
            proposal_id=p.pk, by=by, reason=d.get("comment", ""), seen_revision=seen
        ),
    ),
    Transition(
        "assign_experts",
        _("Assign experts"),
        rules.can_assign_experts,
        Experts,
        lambda p, by, d, seen: S.proposal_assign_experts(
            proposal_id=p.pk, by=by, experts=d["experts"], seen_revision=seen
        ),
    ),
    Transition(
        "review",
        _("Write a review"),
        _wrote_no_review,
        ReviewParams,
        lambda p, by, d, seen: S.proposal_review(
            proposal_id=p.pk,
            by=by,
            scores=d["scores"],
            recommendation=d["recommendation"],
            comments=d["comments"],
            seen_version=seen,
        ),
        seen="version",
    ),
    Transition(
        "request_revision",
        _("Request a revision"),
        rules.can_decide_in_group,
        Remarks,
        lambda p, by, d, seen: S.proposal_request_revision(
            proposal_id=p.pk, by=by, remarks=d["remarks"], seen_revision=seen
        ),
    ),
    Transition(
        "approve_in_group",
        _("Approve in the working group"),
        rules.can_decide_in_group,
        OptionalComment,
        lambda p, by, d, seen: S.proposal_approve_in_group(
            proposal_id=p.pk, by=by, note=d.get("comment", ""), seen_revision=seen
        ),
    ),
    Transition(
        "reject",
        _("Reject"),
        _may_reject,
        CommentAndReference,
        lambda p, by, d, seen: S.proposal_reject(
            proposal_id=p.pk,
            by=by,
            reason=d["comment"],
            reference=d.get("reference", ""),
            seen_revision=seen,
        ),
    ),
    Transition(
        "send_to_governance",
        _("Send to the governance body"),
        rules.can_send_to_governance,
        OptionalComment,
        lambda p, by, d, seen: S.proposal_send_to_governance(
            proposal_id=p.pk, by=by, note=d.get("comment", ""), seen_revision=seen
        ),
    ),
    Transition(
        "governance_approve",
        _("Record the governance body's approval"),
        rules.can_record_governance_decision,
        Reference,
        lambda p, by, d, seen: S.proposal_governance_approve(
            proposal_id=p.pk,
            by=by,
            reference=d["reference"],
            note=d.get("comment", ""),
            seen_revision=seen,
        ),
    ),
    Transition(
        "return_to_group",
        _("Return to the working group"),
        rules.can_record_governance_decision,
        CommentAndReference,
        lambda p, by, d, seen: S.proposal_return_to_group(
            proposal_id=p.pk,
            by=by,
            reason=d["comment"],
            reference=d.get("reference", ""),
            seen_revision=seen,
        ),
    ),
    Transition(
        "declare_conflict",
        _("Declare a conflict of interest"),
        rules.can_declare_conflict,
        Comment,
        # A declaration changes no content: the service takes no version.
        lambda p, by, d, seen: S.proposal_declare_conflict(
            proposal_id=p.pk, by=by, reason=d["comment"]
        ),
    ),
]


def proposal_seen(proposal: Proposal) -> dict[str, int]:
    latest = proposal.versions.order_by("-number").values_list("number", flat=True).first()
    return {"revision": proposal.revision, "version": latest or 0}


# --- Programme sections and versions -------------------------------------------------------
P = programme_services
_SECTION_PARAMS = {
    "submit": NoParams,
    "request_changes": Comment,
    "approve_in_group": OptionalComment,
    "send_to_governance": OptionalComment,
    "governance_approve": Reference,
    "governance_return": CommentAndReference,
    "amend": NoParams,
}
_SECTION_RUN = {
    "submit": lambda s, by, d, seen: P.section_submit(section_id=s.pk, by=by, seen_edition=seen),
    "request_changes": lambda s, by, d, seen: P.section_request_changes(
        section_id=s.pk, by=by, comment=d["comment"], seen_edition=seen
    ),
    "approve_in_group": lambda s, by, d, seen: P.section_approve_in_group(
        section_id=s.pk, by=by, comment=d.get("comment", ""), seen_edition=seen
    ),
    "send_to_governance": lambda s, by, d, seen: P.section_send_to_governance(
        section_id=s.pk, by=by, comment=d.get("comment", ""), seen_edition=seen
    ),
    "governance_approve": lambda s, by, d, seen: P.section_governance_approve(
        section_id=s.pk, by=by, reference=d["reference"], seen_edition=seen
    ),
    "governance_return": lambda s, by, d, seen: P.section_governance_return(
        section_id=s.pk,
        by=by,
        comment=d["comment"],
        reference=d.get("reference", ""),
        seen_edition=seen,
    ),
    "amend": lambda s, by, d, seen: P.section_amend(section_id=s.pk, by=by, seen_edition=seen),
}


def _latest(section: Section):
    """The section's latest revision from the revisions the API's lookup prefetched, newest
    first (programme.selectors.get_visible_section_or_404): no query for each transition."""
    return next(iter(section.revisions.all()), None)


def _on_latest(rule):
    """Section rules judge its latest revision; a section without one offers nothing."""

    def allowed(user, section: Section) -> bool:
        revision = _latest(section)
        return revision is not None and rule(user, revision)

    return allowed


SECTION_TRANSITIONS = [
    Transition(
        decision.name,
        decision.label,
        _on_latest(rule),
        _SECTION_PARAMS[decision.name],
        _SECTION_RUN[decision.name],
        seen="edition",
    )
    for decision, rule in SECTION_DECISIONS
]


def section_seen(section: Section) -> dict[str, int]:
    revision = _latest(section)
    return {"edition": revision.edition if revision else 0}


def section_state(section: Section) -> str:
    """A section's state is its latest revision's ("" before the first one)."""
    revision = _latest(section)
    return revision.state if revision else ""


_VERSION_PARAMS = {"send_to_governance": OptionalComment, "approve": Decision, "return": Comment}
_VERSION_RUN = {
    "send_to_governance": lambda v, by, d, seen: P.version_send_to_governance(
        version_id=v.pk, by=by, comment=d.get("comment", ""), seen_edition=seen
    ),
    "approve": lambda v, by, d, seen: P.version_approve(
        version_id=v.pk,
        by=by,
        decision_number=d["decision_number"],
        decision_date=d["decision_date"],
        seen_edition=seen,
    ),
    "return": lambda v, by, d, seen: P.version_return_to_drafting(
        version_id=v.pk, by=by, reason=d["comment"], seen_edition=seen
    ),
}
VERSION_TRANSITIONS = [
    Transition(
        decision.name,
        decision.label,
        rule,
        _VERSION_PARAMS[decision.name],
        _VERSION_RUN[decision.name],
        seen="edition",
    )
    for decision, rule in VERSION_DECISIONS
]


def version_seen(version: ProgrammeVersion) -> dict[str, int]:
    return {"edition": version.edition}


def find(transitions: list[Transition], name: str) -> Transition | None:
    return next((t for t in transitions if t.name == name), None)

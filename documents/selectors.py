"""Reads of proposals, each built so that it shows only what the person may see and costs a
fixed number of queries whatever the number of rows."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy

from directory.models import Body, Membership
from documents.models import (
    Proposal,
    ProposalGroupObjectPermission,
    ProposalUserObjectPermission,
)
from workflow import audit
from workflow.lookups import id_or_404

State = Proposal.State


def visible_proposals(user) -> QuerySet[Proposal]:
    """Proposals the person may see: a direct grant, or a grant to one of their groups."""
    if not (user.is_authenticated and user.is_active):
        return Proposal.objects.none()
    by_user = ProposalUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename="view_proposal"
    )
    by_group = ProposalGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group__in=user.groups.all(),
        permission__codename="view_proposal",
    )
    return Proposal.objects.filter(Q(Exists(by_user)) | Q(Exists(by_group)))


def _listed(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related("organisation", "direction", "group", "call", "author")


def get_visible_proposal_or_404(user, pk: int) -> Proposal:
    """The one lookup of every read path: what the person may not see does not exist."""
    try:
        return _listed(visible_proposals(user)).get(pk=id_or_404(pk))
    except Proposal.DoesNotExist:
        raise Http404 from None


def my_proposals(user) -> QuerySet[Proposal]:
    return _listed(
        visible_proposals(user).filter(Q(author=user) | Q(coauthors=user)).distinct()
    ).order_by("-created_at")


def assigned_to(user) -> QuerySet[Proposal]:
    return _listed(
        visible_proposals(user).filter(assignments__expert=user, state=State.WG_REVIEW)
    ).order_by("submitted_at")


def group_inbox(user, state: str | None = None) -> tuple[QuerySet[Proposal], dict[str, int]]:
    """Proposals of the working groups where the person has a role, and counts by state."""
    groups = Membership.objects.filter(user=user, body__kind__in=Body.WORKING_GROUPS).exclude(
        role=Membership.Role.OBSERVER
    )
    in_groups = visible_proposals(user).filter(group__in=groups.values("body"))
    in_groups = in_groups.exclude(state=State.DRAFT)
    counts = dict(in_groups.order_by().values_list("state").annotate(n=Count("pk")))
    listed = in_groups.filter(state=state) if state else in_groups
    return _listed(listed).order_by("state", "submitted_at"), counts


def governance_queue(user) -> QuerySet[Proposal]:
    return _listed(
        visible_proposals(user).filter(state__in=[State.WG_APPROVED, State.GOVERNANCE_REVIEW])
    ).order_by("state", "submitted_at")


def call_counts(call) -> list[dict]:
    """Submitted proposals of a call by direction and state (drafts are nobody's business)."""
    rows = (
        Proposal.objects.filter(call=call)
        .exclude(state=State.DRAFT)
        .values("direction__name_ru", "direction__name_en", "state")
        .annotate(n=Count("pk"))
        .order_by("direction__name_ru", "state")
    )
    return list(rows)


# What each kind of audit entry is called in the proposal's history.
HISTORY_ACTIONS = {
    "created": gettext_lazy("Draft created"),
    "imported": gettext_lazy("Imported by the programme office"),
    "submitted": gettext_lazy("Submitted"),
    "resubmitted": gettext_lazy("Resubmitted with answers to the remarks"),
    "withdrawn": gettext_lazy("Withdrawn by the authors"),
    "experts_assigned": gettext_lazy("Experts assigned"),
    "reviewed": gettext_lazy("Expert review submitted"),
    "revision_requested": gettext_lazy("Revision requested"),
    "approved_in_group": gettext_lazy("Approved by the working group"),
    "rejected": gettext_lazy("Rejected"),
    "sent_to_governance": gettext_lazy("Put before the governance body"),
    "approved": gettext_lazy("Approved by the governance body"),
    "returned_to_group": gettext_lazy("Returned to the working group"),
    "conflict_declared": gettext_lazy("Conflict of interest declared"),
}
# Entries that name experts, their opinions or their conflicts: part of the reviews.
REVIEW_ACTIONS = {"experts_assigned", "reviewed", "conflict_declared"}
# Changes of the content (documents/services.py): in the audit trail, not in the timeline of
# decisions that the pages and the passport show.
EDIT_ACTIONS = {
    "content_edited",
    "coauthor_added",
    "coauthor_removed",
    "attachment_added",
    "attachment_removed",
    "remarks_answered",
}


def timeline(proposal: Proposal, *, with_reviews: bool) -> list[dict]:
    """The timeline. Without the right to see reviews, the entries about experts lose their
    comment (names, recommendations, reasons) and are left out unless they moved the state."""
    labels = dict(State.choices)
    history = []
    for entry in audit.history(proposal).exclude(action__in=EDIT_ACTIONS):
        private = not with_reviews and entry.action in REVIEW_ACTIONS
        if private and entry.from_state == entry.to_state:
            continue
        history.append(
            {
                "entry": entry,
                "action": HISTORY_ACTIONS.get(entry.action, entry.action),
                "comment": "" if private else entry.comment,
                "from_state": labels.get(entry.from_state, ""),
                "to_state": labels.get(entry.to_state, ""),
                "changed_state": entry.from_state != entry.to_state,
            }
        )
    return history

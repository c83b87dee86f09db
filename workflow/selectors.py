"""What waits for a person: the home page's panels, the navigation bar and the working lists
of the groups, the experts and the governance body. Every list costs a fixed number of
queries whatever the number of its rows."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import selectors as directory_selectors
from directory.models import Membership
from documents import selectors as document_selectors
from documents.models import Proposal, Review, ReviewCriterion
from workflow import rules
from workflow.models import Notice

State = Proposal.State
Role = Membership.Role
PANEL_SIZE = 10


def writes_proposals(user) -> bool:
    """People of an organisation write proposals; observers of government departments do not."""
    return user.organisation_id is not None and not rules.is_observer(user)


# --- Working lists -------------------------------------------------------------------------
def _with_review_counts(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Adds `reviews_in`: how many reviews of the proposal's current round are submitted."""
    of_round = (
        Review.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return proposals.annotate(
        reviews_in=Coalesce(Subquery(of_round, output_field=IntegerField()), Value(0))
    )


@dataclass(frozen=True)
class StateTab:
    state: str
    label: str
    count: int
    active: bool


def inbox(user, state: str | None = None) -> tuple[QuerySet[Proposal], list[StateTab]]:
    """The working groups' proposals (of one state, if given) and a tab for every state that
    has some, in the order of the workflow."""
    if state not in State.values:
        state = None
    proposals, counts = document_selectors.group_inbox(user, state)
    tabs = [
        StateTab(value, label, counts[value], value == state)
        for value, label in State.choices
        if counts.get(value) or value == state
    ]
    return _with_review_counts(proposals), tabs


def assigned(user) -> QuerySet[Proposal]:
    """Proposals under review assigned to the expert, with `my_review_in` for this round;
    those where the expert declared a conflict of interest are no longer theirs."""
    own = Review.objects.filter(proposal=OuterRef("pk"), expert=user, round=OuterRef("round"))
    proposals = document_selectors.assigned_to(user).exclude(conflicts__person=user)
    return _with_review_counts(proposals).annotate(my_review_in=Exists(own))


def governance_queue(user) -> QuerySet[Proposal]:
    return _with_review_counts(document_selectors.governance_queue(user))


def approved(user) -> QuerySet[Proposal]:
    return (
        document_selectors.visible_proposals(user)
        .filter(state=State.APPROVED)
        .select_related("organisation", "direction", "group")
        .order_by("-decided_at", "-pk")
    )


# --- Pages of the review -------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An expert of the proposal's group, and why they cannot be assigned ("" if they can)."""

    expert: User
    unavailable: str = ""


def assignment_candidates(proposal: Proposal) -> list[Candidate]:
    assigned_ids = set(proposal.assignments.values_list("expert_id", flat=True))
    experts = (
        User.objects.filter(memberships__body=proposal.group, memberships__role=Role.EXPERT)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )
    candidates = []
    for expert in experts:
        if expert.pk in assigned_ids:
            reason = _("already assigned")
        elif rules.has_conflict(expert, proposal):
            reason = _("conflict of interest: own organisation, authorship or a declaration")
        else:
            reason = ""
        candidates.append(Candidate(expert, reason))
    return candidates


@dataclass(frozen=True)
class CriterionAverage:
    criterion: ReviewCriterion
    average: Decimal | None


@dataclass(frozen=True)
class ReviewSummary:
    """The reviews of the current round, set against the number the group needs."""

    reviews: list[Review]
    required: int
    averages: list[CriterionAverage]
    weighted_average: Decimal | None
    recommendations: dict[str, int]

    @property
    def enough(self) -> bool:
        return len(self.reviews) >= self.required


def _mean(values: list) -> Decimal | None:
    if not values:
        return None
    return round(Decimal(sum(values)) / len(values), 2)


def review_summary(proposal: Proposal, round_number: int | None = None) -> ReviewSummary:
    """The reviews of a round (the current one unless told) with averages by criterion."""
    reviews = list(
        proposal.reviews.filter(round=round_number or proposal.round)
        .select_related("expert", "version")
        .order_by("submitted_at", "pk")
    )
    averages = [
        CriterionAverage(c, _mean([r.scores[c.code] for r in reviews if c.code in r.scores]))
        for c in ReviewCriterion.objects.all()
    ]
    recommendations = {
        label: sum(r.recommendation == value for r in reviews)
        for value, label in Review.Recommendation.choices
    }
    return ReviewSummary(
        reviews=reviews,
        required=proposal.group.required_reviews,
        averages=averages,
        weighted_average=_mean([r.weighted_score for r in reviews]),
        recommendations=recommendations,
    )


# --- Navigation and the home page ----------------------------------------------------------
@dataclass(frozen=True)
class Navigation:
    my_proposals: bool
    calls: bool
    inbox: bool
    assigned: bool
    governance: bool
    programme: bool
    meetings: bool
    overdue: bool
    unread_notices: int


def navigation(user) -> Navigation:
    """Which links of the navigation bar the person needs (two queries)."""
    return Navigation(
        my_proposals=writes_proposals(user),
        calls=writes_proposals(user) or rules.is_programme_office(user),
        inbox=rules.can_open_group_inbox(user),
        assigned=rules.can_open_assigned(user),
        governance=rules.can_open_governance_queue(user),
        programme=rules.can_open_programme(user),
        meetings=rules.can_open_meetings(user),
        overdue=rules.is_programme_office(user),
        unread_notices=Notice.objects.filter(recipient=user, read_at=None).count(),
    )


@dataclass
class Panel:
    title: str
    empty_text: str
    items: list = field(default_factory=list)
    link_name: str = ""
    item_link_name: str = ""
    tabs: list[StateTab] = field(default_factory=list)
    show_my_review: bool = False


DETAIL = "documents:proposal-detail"


def home_panels(user) -> list[Panel]:
    roles = {role for _kind, role in rules.roles_of(user)}
    panels = []
    if writes_proposals(user):
        panels.append(
            Panel(
                _("My proposals"),
                _("You have no proposals yet."),
                items=list(document_selectors.my_proposals(user)[:PANEL_SIZE]),
                link_name="documents:my-proposals",
                item_link_name=DETAIL,
            )
        )
    if rules.can_open_assigned(user):
        panels.append(
            Panel(
                _("Proposals assigned to me"),
                _("Nothing is assigned to you."),
                items=list(assigned(user)[:PANEL_SIZE]),
                link_name="documents:assigned",
                item_link_name=DETAIL,
                show_my_review=True,
            )
        )
    if rules.can_open_group_inbox(user):
        proposals, tabs = inbox(user)
        waiting = proposals.filter(state__in=[State.SUBMITTED, State.WG_REVIEW])
        panels.append(
            Panel(
                _("Proposals in my working group"),
                _("No proposals are waiting for the group."),
                items=list(waiting[:PANEL_SIZE]),
                link_name="documents:group-inbox",
                item_link_name=DETAIL,
                tabs=tabs,
            )
        )
    if Role.SECRETARY in roles or Role.CHAIR in roles:
        panels.append(
            Panel(
                _("Meetings I prepare"),
                _("No meetings are planned."),
                items=list(meetings_i_prepare(user)[:PANEL_SIZE]),
                link_name="meetings:list",
                item_link_name="meetings:detail",
            )
        )
    if rules.can_open_governance_queue(user):
        panels.append(
            Panel(
                _("Awaiting the governance body's decision"),
                _("Nothing awaits a decision."),
                items=list(governance_queue(user)[:PANEL_SIZE]),
                link_name="documents:governance-queue",
                item_link_name=DETAIL,
            )
        )
    if rules.is_programme_office(user):
        panels.append(
            Panel(
                _("Organisations awaiting confirmation"),
                _("No organisation awaits confirmation."),
                items=list(directory_selectors.organisations_awaiting_confirmation()),
                link_name="directory:organisation-review",
            )
        )
    if rules.can_review_affiliations(user):
        panels.append(
            Panel(
                _("People asking to join an organisation"),
                _("Nobody is waiting for confirmation."),
                items=list(directory_selectors.affiliations_awaiting(user)[:PANEL_SIZE]),
                link_name="directory:affiliation-review",
            )
        )
    if rules.is_observer(user):
        panels.append(
            Panel(
                _("Approved documents"),
                _("No document has been approved yet."),
                items=list(approved(user)[:PANEL_SIZE]),
                item_link_name=DETAIL,
            )
        )
    return panels


def meetings_i_prepare(user):
    """Meetings still ahead of their minutes, of the bodies where the person is secretary or
    chair, soonest first (one query)."""
    from meetings.models import Meeting

    bodies = user.memberships.filter(role__in=[Role.SECRETARY, Role.CHAIR]).values("body")
    return (
        Meeting.objects.filter(
            body__in=bodies,
            state__in=[Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED, Meeting.State.HELD],
        )
        .select_related("body")
        .order_by("starts_at")
    )

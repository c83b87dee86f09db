"""Reads of a working group's review dashboard (issue 17, item 4): its proposals in review
ranked by weighted score, the suggested assignment of its experts to many proposals at once,
and the workbook of its reviews.

The list is one query whatever the number of proposals (subqueries for the scores, the counts,
the audit entry that began the present stay and its open deadline), plus one for the working
days around them. The weighted score is each review's `weighted_score` (the criteria's weights,
documents/transitions.py) averaged over the current round, as review_summary computes it; the
spread shown is the lowest and highest of those scores (max − min)."""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body, Membership
from directory.rules import is_programme_office, is_signed_in
from documents import rules
from documents.models import (
    Assignment,
    ConflictDeclaration,
    Proposal,
    Review,
    ReviewCriterion,
)
from documents.selectors import visibility, visible_proposals
from mbk import spreadsheets
from mbk.expressions import Quantized
from workflow.calendar import add_working_days, overrides, working_days_between
from workflow.deadlines import policy_of
from workflow.models import AuditEntry, Deadline

State = Proposal.State
Role = Membership.Role

# --- The list ------------------------------------------------------------------------------
IN_REVIEW = (State.SUBMITTED, State.WG_REVIEW)
# Decided by the group in the current round: shown for reference.
DECIDED = (State.REVISION_REQUESTED, State.WG_APPROVED, State.REJECTED)
FILTERS = {
    "": (_("In review"), IN_REVIEW),
    "decided": (_("Decided in this round"), DECIDED),
    **{state: (label, (state,)) for state, label in State.choices if state in IN_REVIEW + DECIDED},
}
SCORE = DecimalField(max_digits=4, decimal_places=2)
# Sort keys of the page (?sort=, "-" for descending) -> the expression ordered by.
SORTS = {
    "title": F("title"),
    "score": F("score_mean"),
    "spread": F("score_spread"),
    "reviews": F("reviews_in"),
    # Reversed: the earlier the stay began, the longer it waits. By the audit entry's place in
    # the trail, as entries of one second share their time.
    "waiting": F("entered_position"),
    # The open deadline's day; a stay the beat job has not yet given one (it runs every few
    # minutes) sorts last, though its row shows the day the policy gives.
    "due": F("due_on_record"),
}
REVERSED = {"waiting"}
DEFAULT_SORT = "-score"


@dataclass(frozen=True)
class FilterTab:
    key: str
    label: str
    active: bool


def _per_review(**aggregate) -> Subquery:
    """One aggregate over the current round's reviews of the proposal."""
    ((name, expression),) = aggregate.items()
    rows = (
        Review.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
        .order_by()
        .values("proposal")
        .annotate(**{name: expression})
        .values(name)
    )
    return Subquery(rows)


def _conflict_of(user) -> Q:
    """The proposals where the person has a conflict of interest (rules.has_conflict)."""
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user.pk)
    declared = ConflictDeclaration.objects.filter(proposal=OuterRef("pk"), person=user.pk)
    conflict = Q(author=user.pk) | Q(Exists(coauthored)) | Q(Exists(declared))
    if user.organisation_id is not None:
        conflict |= Q(organisation_id=user.organisation_id)
    return conflict


def _unless_conflicted(expression, output_field):
    return Quantized(
        Case(
            When(conflicted=True, then=Value(None)), default=expression, output_field=output_field
        ),
        output_field,
    )


def _in_states(user, group: Body, key: str) -> QuerySet[Proposal]:
    return visible_proposals(user).filter(group=group, state__in=FILTERS.get(key, FILTERS[""])[1])


@functools.lru_cache(maxsize=4)
def _rows_read_by_everyone(proposal_type_id: int) -> QuerySet[Proposal]:
    """What dashboard() reads of each row whoever opens it: the round's scores (as aliases,
    masked for the person), reviews and assignments, the stay and its deadline. Built once
    per process (never evaluated itself: each request filters a clone); its expressions name
    no person, no time and no group, only the proposal's content type (the key)."""
    stay = (
        AuditEntry.objects.filter(
            content_type_id=proposal_type_id, object_id=OuterRef("pk"), to_state=OuterRef("state")
        )
        .exclude(from_state=OuterRef("state"))
        .order_by("-sequence")
    )
    # The deadline of the stay, found by the audit entry that began it (a unique key).
    deadline = Deadline.objects.filter(entry=OuterRef("entered_entry"))
    assigned = (
        Assignment.objects.filter(proposal=OuterRef("pk"), ended_at=None)
        .order_by()
        .values("proposal")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Proposal.objects.select_related("organisation", "direction")
        .alias(
            mean_of_round=Cast(_per_review(v=Avg("weighted_score")), SCORE),
            min_of_round=_per_review(v=Min("weighted_score")),
            max_of_round=_per_review(v=Max("weighted_score")),
        )
        .annotate(
            reviews_in=Coalesce(_per_review(n=Count("pk")), Value(0), output_field=IntegerField()),
            assigned=Coalesce(Subquery(assigned), Value(0), output_field=IntegerField()),
            entered_entry=Subquery(stay.values("pk")[:1]),
            entered_at=Subquery(stay.values("at")[:1]),
            entered_position=Subquery(stay.values("position")[:1]),
        )
        .annotate(due_on_record=Subquery(deadline.values("due_on")[:1]))
    )


def dashboard_count(user, group: Body, key: str = "") -> int:
    """How many rows dashboard() has, counted without its scores and stays (the pager's
    total: counting the annotated rows cost 9 ms a request, building the query most of it)."""
    return _in_states(user, group, key).count()


def dashboard(user, group: Body, key: str = "", sort: str = DEFAULT_SORT) -> QuerySet[Proposal]:
    """The group's proposals the person may see, in the states of the filter `key`, each with
    `score_mean`, `score_min`, `score_max` and `score_spread` (None where the person has a
    conflict of interest: `conflicted`), `reviews_in` (current round), `assigned`,
    `entered_at` (the start of the present stay; `entered_entry`, the audit entry that began
    it) and `due_on_record` (the stay's deadline, once the beat job opened it)."""
    if not is_signed_in(user):
        return Proposal.objects.none()
    proposal_type = ContentType.objects.get_for_model(Proposal)
    proposals = (
        _rows_read_by_everyone(proposal_type.pk)
        .filter(visibility(user), group=group, state__in=FILTERS.get(key, FILTERS[""])[1])
        .annotate(conflicted=ExpressionWrapper(_conflict_of(user), output_field=BooleanField()))
        .annotate(
            score_mean=_unless_conflicted(F("mean_of_round"), SCORE),
            score_min=_unless_conflicted(F("min_of_round"), SCORE),
            score_max=_unless_conflicted(F("max_of_round"), SCORE),
        )
        .annotate(score_spread=Quantized(F("score_max") - F("score_min"), SCORE))
    )
    name = sort.removeprefix("-")
    order = SORTS.get(name, SORTS["score"])
    descending = sort.startswith("-") if name in SORTS else True
    if name in REVERSED:
        descending = not descending
    ordered = order.desc(nulls_last=True) if descending else order.asc(nulls_last=True)
    return proposals.order_by(ordered, "submitted_at", "pk")


def dashboard_groups(user) -> list[Body]:
    """The working groups whose dashboard the person opens: every one for the programme
    office, else those they chair, deputy-chair or are secretary of."""
    groups = Body.objects.filter(kind__in=Body.WORKING_GROUPS)
    if not is_programme_office(user):
        leading = Membership.objects.filter(user=user.pk, role__in=rules.GROUP_LEADERS)
        groups = groups.filter(pk__in=leading.values("body"))
    return list(groups.order_by("position", "code"))


def filter_tabs(key: str) -> list[FilterTab]:
    key = key if key in FILTERS else ""
    return [FilterTab(k, label, k == key) for k, (label, _states) in FILTERS.items()]


COLUMNS = (
    ("title", _("Proposal")),
    ("score", _("Weighted score")),
    ("spread", _("Spread (min–max)")),
    ("reviews", _("Reviews in / required")),
    ("waiting", _("Working days waiting")),
    ("due", _("Due")),
)
# The first click on a column sorts it the way a chair reads it first.
FIRST_DESCENDING = {"score", "spread", "reviews", "waiting"}


def add_waiting(proposals: Iterable[Proposal], today: datetime.date | None = None) -> list:
    """Sets `days_waiting` (working days since the stay began) and `due_on` (its open deadline,
    or the day the state's policy gives when the beat job has not opened it yet) on each row,
    with one query for the working days of them all."""
    rows = list(proposals)
    today = today or timezone.localdate()
    starts = [timezone.localtime(p.entered_at).date() for p in rows if p.entered_at]
    if not starts:
        for proposal in rows:
            proposal.days_waiting, proposal.due_on = None, proposal.due_on_record
        return rows
    first = min(starts)
    exceptions = overrides(first, max(today, max(starts)) + datetime.timedelta(days=80))
    for proposal in rows:
        if proposal.entered_at is None:
            proposal.days_waiting, proposal.due_on = None, proposal.due_on_record
            continue
        entered = timezone.localtime(proposal.entered_at).date()
        proposal.days_waiting = working_days_between(entered, today, exceptions)
        proposal.due_on = proposal.due_on_record
        if proposal.due_on is None and proposal.state in IN_REVIEW:
            policy = policy_of(Proposal, proposal.state)
            proposal.due_on = add_working_days(entered, policy.working_days, exceptions)
    for proposal in rows:
        proposal.overdue = bool(
            proposal.due_on and proposal.state in IN_REVIEW and proposal.due_on < today
        )
    return rows


# --- The suggested assignment --------------------------------------------------------------
@dataclass
class ProposalPlan:
    """One proposal of a suggested assignment."""

    proposal: Proposal
    assigned: list[User]  # already assigned
    suggested: list[User]  # the suggestion
    candidates: list[User]  # every expert who may be assigned (the suggested among them)
    conflicted: list[User]  # experts who may not review it
    short: int = 0  # reviewers still missing after the suggestion


@dataclass
class Plan:
    proposals: list[ProposalPlan]
    experts: list[User]
    load_before: dict[int, int] = field(default_factory=dict)
    load_after: dict[int, int] = field(default_factory=dict)

    @property
    def loads(self) -> list[tuple[User, int, int]]:
        return [(e, self.load_before[e.pk], self.load_after[e.pk]) for e in self.experts]


def group_experts(group: Body) -> list[User]:
    expert = Membership.objects.filter(user=OuterRef("pk"), body=group, role=Role.EXPERT)
    return list(
        User.objects.filter(Exists(expert), is_active=True)
        .select_related("organisation")
        .order_by("last_name", "first_name", "pk")
    )


def open_loads(experts: list[User]) -> dict[int, int]:
    """Each expert's open assignments, in any group: proposals in review whose current round
    has no review of theirs yet and on which they declared no conflict."""
    reviewed = Review.objects.filter(
        proposal=OuterRef("proposal"), expert=OuterRef("expert"), round=OuterRef("proposal__round")
    )
    declared = ConflictDeclaration.objects.filter(
        proposal=OuterRef("proposal"), person=OuterRef("expert")
    )
    rows = (
        Assignment.objects.filter(
            expert__in=[e.pk for e in experts], proposal__state__in=IN_REVIEW, ended_at=None
        )
        .exclude(Exists(reviewed))
        .exclude(Exists(declared))
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values_list("expert", "n")
    )
    counts = dict(rows)
    return {e.pk: counts.get(e.pk, 0) for e in experts}


def assignable(user, group: Body, ids: Iterable[int]) -> list[Proposal]:
    """The proposals among `ids` of the group that the person may see, has no conflict of
    interest on, and that take experts (submitted or in review), in the order of their
    numbers."""
    return list(
        visible_proposals(user)
        .filter(group=group, pk__in=list(ids), state__in=IN_REVIEW)
        .exclude(_conflict_of(user))
        .select_related("organisation", "group")
        .prefetch_related("coauthors")
        .order_by("pk")
    )


def _conflicts(proposals: list[Proposal], experts: list[User]) -> set[tuple[int, int]]:
    """(proposal, expert) pairs with a conflict of interest (rules.has_conflict), read at once:
    own organisation, authorship, a declaration."""
    declared = set(
        ConflictDeclaration.objects.filter(proposal__in=proposals).values_list(
            "proposal_id", "person_id"
        )
    )
    pairs = set()
    for proposal in proposals:
        authors = {proposal.author_id, *(u.pk for u in proposal.coauthors.all())}
        for expert in experts:
            if (
                (expert.organisation_id and expert.organisation_id == proposal.organisation_id)
                or expert.pk in authors
                or (proposal.pk, expert.pk) in declared
            ):
                pairs.add((proposal.pk, expert.pk))
    return pairs


def balanced_picks(slots: list[tuple[int, list]], load: dict, key) -> list[list]:
    """The greedy step of suggest_assignment, in the order of `slots` (how many to pick, from
    which candidates): each pick is the candidate not yet picked for the slot with the least
    `load` so far, ties broken by `key`; `load` grows with every pick. With every candidate
    free for every slot and equal loads to start with, the loads end at most one apart."""
    picks = []
    for need, candidates in slots:
        pool = list(candidates)
        chosen = []
        for _slot in range(need):
            if not pool:
                break
            best = min(pool, key=lambda e: (load[e], key(e)))
            pool.remove(best)
            chosen.append(best)
            load[best] += 1
        picks.append(chosen)
    return picks


def suggest_assignment(group: Body, proposals: list[Proposal]) -> Plan:
    """A balanced assignment of the group's experts to the proposals, so that each has the
    group's required number of reviewers (those already assigned count), nobody with a conflict
    of interest is suggested, and the experts' open assignments stay level.

    Greedy, least loaded first, and deterministic: the proposals are taken with the fewest
    possible reviewers first (then by number); each missing reviewer is the possible expert with
    the fewest open assignments so far (then by name and id), and their load grows by one.
    Where fewer experts may review a proposal than it needs, `short` says how many lack."""
    experts = group_experts(group)
    load = open_loads(experts)
    before = dict(load)
    conflicts = _conflicts(proposals, experts)
    existing: dict[int, set[int]] = {}
    for proposal_id, expert_id in Assignment.objects.filter(
        proposal__in=proposals, ended_at=None
    ).values_list("proposal_id", "expert_id"):
        existing.setdefault(proposal_id, set()).add(expert_id)
    by_pk = {e.pk: e for e in experts}
    plans = []
    for proposal in proposals:
        taken = existing.get(proposal.pk, set())
        plans.append(
            ProposalPlan(
                proposal=proposal,
                assigned=[by_pk[pk] for pk in sorted(taken) if pk in by_pk],
                suggested=[],
                candidates=[
                    e for e in experts if e.pk not in taken and (proposal.pk, e.pk) not in conflicts
                ],
                conflicted=[e for e in experts if (proposal.pk, e.pk) in conflicts],
            )
        )
    order = sorted(plans, key=lambda p: (len(p.candidates), p.proposal.pk))
    needs = []
    for plan in order:
        counted = [e for e in plan.assigned if (plan.proposal.pk, e.pk) not in conflicts]
        needs.append((max(0, group.required_reviews - len(counted)), plan.candidates))
    by_expert = {e: load[e.pk] for e in experts}
    picks = balanced_picks(needs, by_expert, key=lambda e: (e.last_name, e.first_name, e.pk))
    load = {e.pk: n for e, n in by_expert.items()}
    for plan, (need, _candidates), chosen in zip(order, needs, picks, strict=True):
        plan.suggested = chosen
        plan.short = need - len(chosen)
    return Plan(proposals=plans, experts=experts, load_before=before, load_after=load)


# --- The workbook of reviews ----------------------------------------------------------------
def review_rows(user, group: Body) -> tuple[list[ReviewCriterion], list[Proposal], list[Review]]:
    """The group's proposals in the dashboard's states that the person sees with their reviews
    (none where they have a conflict of interest), and the reviews of every round of them."""
    proposals = (
        visible_proposals(user)
        .filter(group=group, state__in=IN_REVIEW + DECIDED)
        .exclude(_conflict_of(user))
        .order_by("pk")
    )
    reviews = (
        Review.objects.filter(proposal__in=proposals)
        .select_related("expert")
        .order_by("proposal_id", "round", "submitted_at", "pk")
    )
    return list(ReviewCriterion.objects.all()), list(proposals), list(reviews)


def _mean(values: list[Decimal]) -> Decimal | None:
    return round(sum(values, Decimal(0)) / len(values), 2) if values else None


def reviews_workbook(user, group: Body) -> bytes:
    """The XLSX of the group's reviews: a row per review (proposal, expert, round, each
    criterion's score, the weighted total, the recommendation, the day it was submitted) and a
    sheet with a row per proposal (its current round's reviews against the number required,
    the mean, lowest and highest weighted score and the recommendations)."""
    criteria, proposals, reviews = review_rows(user, group)
    by_proposal = {proposal.pk: (proposal, []) for proposal in proposals}
    recommendations = Review.Recommendation
    sheet, summary = [], []
    sheet.append(
        [
            str(_("Proposal no.")),
            str(_("Proposal")),
            str(capfirst(_("expert"))),
            str(capfirst(_("review round"))),
            *(c.name for c in criteria),
            str(_("Weighted score")),
            str(_("Recommendation")),
            str(_("Submitted")),
        ]
    )
    for review in reviews:
        proposal, current = by_proposal[review.proposal_id]
        sheet.append(
            [
                proposal.pk,
                proposal.title,
                review.expert.get_full_name(),
                review.round,
                *(review.scores.get(c.code) for c in criteria),
                float(review.weighted_score),
                str(review.get_recommendation_display()),
                timezone.localtime(review.submitted_at).date(),
            ]
        )
        if review.round == proposal.round:
            current.append(review)
    summary.append(
        [
            str(_("Proposal no.")),
            str(_("Proposal")),
            str(_("State")),
            str(capfirst(_("review round"))),
            str(_("Reviews in")),
            str(_("Reviews required")),
            str(_("Weighted score")),
            str(_("Lowest")),
            str(_("Highest")),
            *(str(label) for _value, label in recommendations.choices),
        ]
    )
    for proposal, current in by_proposal.values():
        scores = [r.weighted_score for r in current]
        summary.append(
            [
                proposal.pk,
                proposal.title,
                str(proposal.get_state_display()),
                proposal.round,
                len(current),
                group.required_reviews,
                float(_mean(scores)) if scores else None,
                float(min(scores)) if scores else None,
                float(max(scores)) if scores else None,
                *(sum(r.recommendation == value for r in current) for value in recommendations),
            ]
        )
    return spreadsheets.xlsx({_("Reviews"): sheet, _("Summary by proposal"): summary})

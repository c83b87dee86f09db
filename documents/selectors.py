"""Reads of proposals: the working lists of the groups, the experts and the governance body,
the assignment candidates and the review summaries. Each read shows only what the person may
see and costs a fixed number of queries whatever the number of rows."""

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import rules as directory_rules
from directory.models import Body, Membership
from documents import blind as blind_review
from documents import rules
from documents.models import (
    Attachment,
    Call,
    ConflictDeclaration,
    DiscussionEntry,
    Opinion,
    Proposal,
    ProposalGroupObjectPermission,
    ProposalUserObjectPermission,
    ProposalVersion,
    Remark,
    RenderJob,
    Review,
    ReviewCriterion,
)
from mbk.lookups import id_or_404
from mbk.subqueries import instances_of, rows_of, values_list_of
from workflow import audit, deadlines, reference
from workflow.models import AuditEntry

State = Proposal.State
Role = Membership.Role


def visible_proposals(user) -> QuerySet[Proposal]:
    """Proposals the person may see: a direct grant, or a grant to one of their groups."""
    if not (user.is_authenticated and user.is_active):
        return Proposal.objects.none()
    return Proposal.objects.filter(visibility(user))


def visibility(user) -> Q:
    """visible_proposals()'s filter, for a query built otherwise (a signed-in, active person)."""
    # The permission's id as a subquery of its own, which PostgreSQL reads once per query (an
    # InitPlan), and the person's groups from the link table: joined to auth_permission and
    # auth_group, both lookups were made again for every proposal tested (a sequential scan of
    # auth_permission each time), which made this filter the most of a long list's query.
    viewing = Subquery(
        Permission.objects.filter(
            content_type__app_label="documents",
            content_type__model="proposal",
            codename="view_proposal",
        ).values("pk")
    )
    by_user = ProposalUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission=viewing
    )
    by_group = ProposalGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        group__in=User.groups.through.objects.filter(user=user).values("group"),
        permission=viewing,
    )
    return Q(Exists(by_user)) | Q(Exists(by_group))


def blind_annotation(user):
    """documents.rules.sees_blind as an expression over proposals, for lists: True where the
    person reads the proposal without its authors and organisation."""
    if directory_rules.is_programme_office(user) or directory_rules.governance_role(user):
        return Value(False, output_field=BooleanField())
    in_call = Q(call__blind_review=True)
    if not directory_rules.is_signed_in(user):
        return ExpressionWrapper(in_call, output_field=BooleanField())
    led = Membership.objects.filter(user=user, role__in=rules.SEES_AUTHORS_IN_GROUP)
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user)
    blind = in_call & ~Q(group__in=led.values("body")) & ~Q(author=user) & ~Exists(coauthored)
    return ExpressionWrapper(blind, output_field=BooleanField())


def _listed(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related("organisation", "direction", "group", "call", "author")


# The object permissions the rules ask of a proposal, read with it by the lookup below.
PROPOSAL_PERMISSIONS = ("view_proposal", "change_proposal", "review_proposal")


def get_visible_proposal_or_404(user, pk: int, *, page: bool = False) -> Proposal:
    """The one lookup of every read path: what the person may not see does not exist. The
    person's object permissions on it come in the same query, and decide it as
    visible_proposals() would (its view permission, granted to them or to one of their
    groups; the rules that follow read the others); for its `page`, also the facts the page
    would otherwise read one query each (_page_facts)."""
    if not directory_rules.is_signed_in(user):
        raise Http404
    proposal_type = ContentType.objects.get_for_model(Proposal)
    proposals = _page_lookup(proposal_type.pk) if page else _listed(Proposal.objects.all())
    proposals = directory_rules.with_object_permissions(proposals, user, PROPOSAL_PERMISSIONS)
    try:
        proposal = proposals.get(pk=id_or_404(pk))
    except Proposal.DoesNotExist:
        raise Http404 from None
    directory_rules.remember_object_permissions(proposal, user, PROPOSAL_PERMISSIONS)
    if not directory_rules.has_object_permission(user, "view_proposal", proposal):
        raise Http404
    if page:
        _remember_page_facts(proposal)
    return proposal


# The review criteria, a handful changed in the admin, are read through the cache
# (workflow.reference), forgotten at every change of a row (DocumentsConfig.ready).
CRITERIA_CACHE_KEY = "documents:review-criteria"


def review_criteria() -> list[ReviewCriterion]:
    """The review criteria in their order (one query, or none while the cache holds them)."""
    return reference.cached_table(CRITERIA_CACHE_KEY, lambda: list(ReviewCriterion.objects.all()))


@functools.lru_cache(maxsize=4)
def _page_lookup(proposal_type_id: int) -> QuerySet[Proposal]:
    """The page's lookup but the person's permissions and the key, built once per process
    (never evaluated itself: each request filters a clone). Its expressions name no person,
    no time and no key, only the proposal's content type (hence the key of the cache):
    building them took Django 3.5 ms of every request."""
    return _page_facts(_listed(Proposal.objects.all()))


def _page_facts(proposals: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """The proposal's page reads with the proposal: when its present step is due (with_stay);
    whether it has duplicates, remarks, opinions of infrastructure groups, a discussion and
    PDF renderings (each list is read only if so: most proposals have few of them); who
    declared a conflict of interest and who reviewed this round (for the rules); and its
    co-authors, versions, decisions' trail and attachments, as lists of rows (rows_of), each
    of which had a query of its own (issue 19: the page made 10 for its author, now 3)."""
    renderings = RenderJob.objects.filter(
        subject_type=ContentType.objects.get_for_model(Proposal), subject_id=OuterRef("pk")
    )
    proposals = deadlines.with_stay(proposals).annotate(
        has_duplicates=Exists(Proposal.objects.filter(duplicate_of=OuterRef("pk"))),
        has_remarks=Exists(Remark.objects.filter(proposal=OuterRef("pk"))),
        has_opinions=Exists(Opinion.objects.filter(proposal=OuterRef("pk"))),
        has_discussion=Exists(DiscussionEntry.objects.filter(proposal=OuterRef("pk"))),
        has_renderings=Exists(renderings),
    )
    declared = ConflictDeclaration.objects.filter(proposal=OuterRef("pk"))
    reviewed = Review.objects.filter(proposal=OuterRef("pk"), round=OuterRef("round"))
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"))
    attached = Attachment.objects.filter(proposal=OuterRef("pk"))
    trail = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Proposal), object_id=OuterRef("pk")
    ).exclude(action__in=EDIT_ACTIONS)
    versions = ProposalVersion.objects.filter(proposal=OuterRef("pk"))
    latest_content = versions.order_by("-number").values("content")[:1]
    return proposals.annotate(
        version_rows=rows_of(versions, "proposal", **VERSION_COLUMNS),
        latest_content=Subquery(latest_content, output_field=JSONField()),
        trail_rows=rows_of(trail, "object_id", **TRAIL_COLUMNS),
        attachment_rows=rows_of(attached, "proposal", **ATTACHMENT_COLUMNS),
        conflict_person_ids=values_list_of(declared, "person_id", outer="proposal"),
        reviewed_this_round_ids=values_list_of(reviewed, "expert_id", outer="proposal"),
        coauthor_rows=rows_of(coauthored, "proposal", added="pk", **COAUTHOR_COLUMNS),
    )


def _remember_page_facts(proposal: Proposal) -> None:
    """Keep what _page_facts() read with the proposal where the rules and the page's reads
    look for it first (documents.rules, documents.blind, versions_of, decisions_trail)."""
    rules.remember_people(
        proposal,
        declared_conflicts=proposal.conflict_person_ids or [],
        reviewed_this_round=proposal.reviewed_this_round_ids or [],
    )
    in_order_added = sorted(proposal.coauthor_rows or (), key=lambda row: row["added"])
    rules.remember_coauthors(proposal, instances_of(User, in_order_added))
    blind_review.remember_attachments(proposal, instances_of(Attachment, proposal.attachment_rows))
    versions = sorted(instances_of(ProposalVersion, proposal.version_rows), key=lambda v: v.number)
    for version in versions:
        version.proposal = proposal
    if versions:
        versions[-1].content = proposal.latest_content
    proposal.__dict__["_mbk_versions"] = versions
    trail = instances_of(AuditEntry, proposal.trail_rows, actor=User)
    proposal.__dict__["_mbk_trail"] = sorted(trail, key=lambda entry: entry.sequence)


# What the page and the rules read of the lists read with the proposal: a column fewer is
# less SQL for Django to build for every request. A column not read is read if ever asked for.
PERSON_COLUMNS = (
    "id",
    "username",
    "last_name",
    "first_name",
    "middle_name",
    "email",
    "organisation_id",
    "is_active",
)
COAUTHOR_COLUMNS = {name: f"user__{name}" for name in PERSON_COLUMNS}
VERSION_COLUMNS = {name: name for name in ("id", "proposal_id", "number", "created_at", "sha256")}
TRAIL_COLUMNS = {
    **{
        name: name
        for name in (
            "id",
            "sequence",
            "actor_id",
            "at",
            "action",
            "from_state",
            "to_state",
            "comment",
            "reference",
        )
    },
    **{
        f"actor__{name}": f"actor__{name}"
        for name in ("id", "last_name", "first_name", "middle_name")
    },
}
ATTACHMENT_COLUMNS = {
    name: name
    for name in (
        "id",
        "proposal_id",
        "original_name",
        "extension",
        "size",
        "uploaded_at",
        "removed_at",
    )
}


def authored_or_coauthored(user) -> Q:
    """The person wrote or co-authors the proposal. An EXISTS rather than a join over the
    co-authors: the join repeats a proposal once per co-author, and the distinct() it then
    needs sorted every joined row at full width (bench/: 395 proposals, 2 051 rows)."""
    coauthored = Proposal.coauthors.through.objects.filter(proposal=OuterRef("pk"), user=user)
    return Q(author=user) | Q(Exists(coauthored))


def my_proposals(user) -> QuerySet[Proposal]:
    """The person's own proposals, annotated for due_to_authors()."""
    return deadlines.with_stay(
        _listed(visible_proposals(user).filter(authored_or_coauthored(user)))
    ).order_by("-created_at", "-pk")  # a total order: pages neither repeat nor skip a row


def assigned_to(user) -> QuerySet[Proposal]:
    return _listed(
        visible_proposals(user).filter(
            assignments__expert=user, assignments__ended_at=None, state=State.WG_REVIEW
        )
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


def latest_call() -> Call | None:
    """The call the programme office works on: the one opened last."""
    return Call.objects.order_by("-opens_on", "-pk").first()


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
    "created": _("Draft created"),
    "imported": _("Imported by the programme office"),
    "submitted": _("Submitted"),
    "resubmitted": _("Resubmitted with answers to the remarks"),
    "withdrawn": _("Withdrawn by the authors"),
    "experts_assigned": _("Experts assigned"),
    "reviewed": _("Expert review submitted"),
    "review_changed": _("Expert review changed"),
    "revision_requested": _("Revision requested"),
    "approved_in_group": _("Approved by the working group"),
    "rejected": _("Rejected"),
    "sent_to_governance": _("Put before the governance body"),
    "approved": _("Approved by the governance body"),
    "returned_to_group": _("Returned to the working group"),
    "conflict_declared": _("Conflict of interest declared"),
    "moved": _("Moved to another working group"),
    "marked_duplicate": _("Closed as a duplicate"),
}
# Entries that name experts, their opinions or their conflicts: part of the reviews.
REVIEW_ACTIONS = {"experts_assigned", "reviewed", "review_changed", "conflict_declared"}
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


def versions_of(proposal: Proposal) -> list[ProposalVersion]:
    """The proposal's versions, oldest first: one query, none when the page's lookup read
    them with the proposal (the latest's content with them, the others' read if asked for)."""
    if "_mbk_versions" in proposal.__dict__:
        return list(proposal.__dict__["_mbk_versions"])
    return list(proposal.versions.order_by("number"))


def decisions_trail(proposal: Proposal) -> list:
    """The proposal's audit entries other than edits of its content, oldest first: what the
    timeline shows and the PDFs' availability reads (one query, for a page to pass to both;
    none when the page's lookup read them with the proposal)."""
    if "_mbk_trail" in proposal.__dict__:
        return list(proposal.__dict__["_mbk_trail"])
    return list(audit.history(proposal).exclude(action__in=EDIT_ACTIONS))


def timeline(
    proposal: Proposal, *, with_reviews: bool, blind: bool = False, trail: list | None = None
) -> list[dict]:
    """The timeline. Without the right to see reviews, the entries about experts lose their
    comment (names, recommendations, reasons) and are left out unless they moved the state.
    Read blind (documents.rules.sees_blind), the authors act as «the authors» and their names
    and organisation's are taken out of the comments (documents/blind.py). `trail`: the
    entries of decisions_trail() when the caller read them already."""
    labels = dict(State.choices)
    hidden_actors: set[int] = set()
    names: list[str] = []
    if blind:
        hidden_actors = {proposal.author_id, *(p.pk for p in rules.coauthors_of(proposal))}
        names = blind_review.identifying_strings(proposal)
    history = []
    for entry in decisions_trail(proposal) if trail is None else trail:
        private = not with_reviews and entry.action in REVIEW_ACTIONS
        if private and entry.from_state == entry.to_state:
            continue
        comment = "" if private else entry.comment
        if entry.actor_id in hidden_actors:
            actor_name = str(_("the authors"))
        else:
            actor_name = entry.actor.get_full_name() if entry.actor else ""
        history.append(
            {
                "entry": entry,
                "action": HISTORY_ACTIONS.get(entry.action, entry.action),
                "actor_name": actor_name,
                "comment": blind_review.mask_text(comment, names) if blind else comment,
                "from_state": labels.get(entry.from_state, ""),
                "to_state": labels.get(entry.to_state, ""),
                "changed_state": entry.from_state != entry.to_state,
            }
        )
    return history


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
    proposals, counts = group_inbox(user, state)
    tabs = _state_tabs(counts, state)
    # The co-authors' names are taken out of the titles of the proposals read blind
    # (blind.hide_in_titles reads them for those rows only).
    listed = _with_review_counts(proposals).annotate(blind=blind_annotation(user))
    return deadlines.with_stay(listed), tabs


def _state_tabs(counts: dict[str, int], state: str | None) -> list[StateTab]:
    """A tab for every state with proposals (and the chosen one), in the order of the workflow."""
    return [
        StateTab(value, label, counts.get(value, 0), value == state)
        for value, label in State.choices
        if counts.get(value) or value == state
    ]


def inbox_total(tabs: list[StateTab]) -> int:
    """How many proposals a list with state tabs shows: those of the active tab, or of all."""
    active = [tab.count for tab in tabs if tab.active]
    return active[0] if active else sum(tab.count for tab in tabs)


def assigned(user) -> QuerySet[Proposal]:
    """Proposals under review assigned to the expert, with `my_review_in` for this round;
    those where the expert declared a conflict of interest are no longer theirs. The soonest
    due first, those with the expert's review in last: all wait under one policy (the group's
    review), so the order of entering the review is the order of the due dates."""
    own = Review.objects.filter(proposal=OuterRef("pk"), expert=user, round=OuterRef("round"))
    proposals = assigned_to(user).exclude(conflicts__person=user)
    proposals = deadlines.with_stay(
        _with_review_counts(proposals).annotate(
            my_review_in=Exists(own), blind=blind_annotation(user)
        )
    )  # the co-authors of the rows read blind: blind.hide_in_titles
    return proposals.order_by(
        "my_review_in",
        F("deadline_due_on").asc(nulls_last=True),
        F("state_entered_at").asc(nulls_last=True),
        "pk",
    )


GOVERNANCE_QUEUE_STATES = (State.WG_APPROVED, State.GOVERNANCE_REVIEW)


def governance_queue(user, state: str | None = None) -> QuerySet[Proposal]:
    """Proposals approved by their group or before the governance body (of one of these
    states, if given), with review counts."""
    waiting = visible_proposals(user).filter(state__in=GOVERNANCE_QUEUE_STATES)
    if state in GOVERNANCE_QUEUE_STATES:
        waiting = waiting.filter(state=state)
    return deadlines.with_stay(
        _with_review_counts(_listed(waiting).order_by("state", "submitted_at", "pk"))
    )


def governance_tabs(user, state: str | None = None) -> list[StateTab]:
    """The governance queue's tabs: to be sent to the body, before the body (one query)."""
    waiting = visible_proposals(user).filter(state__in=GOVERNANCE_QUEUE_STATES)
    counts = dict(waiting.order_by().values_list("state").annotate(n=Count("pk")))
    return _state_tabs(counts, state if state in GOVERNANCE_QUEUE_STATES else None)


def approved(user) -> QuerySet[Proposal]:
    return (
        visible_proposals(user)
        .filter(state=State.APPROVED)
        .select_related("organisation", "direction", "group")
        .order_by("-decided_at", "-pk")
    )


# --- What is due from the person ---------------------------------------------------------------
# A page of a working list (annotated by deadlines.with_stay) gets each row's `due` for the step
# it waits for from the person looking: workflow.deadlines.attach_due.
def due_to_authors(rows) -> list[Proposal]:
    """Their own proposals (my_proposals): the revision the group asked them for."""
    return deadlines.attach_due(rows, lambda proposal, waiting_for: waiting_for == "authors")


def due_to_group(rows) -> list[Proposal]:
    """The groups' inbox: the group's review and decision."""
    return deadlines.attach_due(rows, lambda proposal, waiting_for: waiting_for == "group")


def due_to_expert(rows) -> list[Proposal]:
    """The expert's assigned proposals (assigned()): their review, until it is in."""
    return deadlines.attach_due(
        rows, lambda proposal, waiting_for: waiting_for == "group" and not proposal.my_review_in
    )


def due_to_office_or_governance(user, rows) -> list[Proposal]:
    """The governance queue: sending it on for the office, the decision for the body."""
    office = directory_rules.is_programme_office(user)
    body = directory_rules.governance_role(user) not in (None, Role.OBSERVER)
    return deadlines.attach_due(
        rows,
        lambda proposal, waiting_for: (
            (waiting_for == "office" and office) or (waiting_for == "governance" and body)
        ),
    )


# Whether the step a proposal waits for is this person's: an action of theirs that moves it on.
_NEXT_STEP = {
    "authors": rules.can_submit_proposal,
    "group": lambda user, proposal: (
        rules.can_decide_in_group(user, proposal)
        or rules.can_assign_experts(user, proposal)
        or (
            rules.can_review_proposal(user, proposal)
            and not rules.has_reviewed_this_round(user, proposal)
        )
    ),
    "office": rules.can_send_to_governance,
    "governance": rules.can_record_governance_decision,
}


def due_on_page(user, proposal: Proposal) -> deadlines.Due | None:
    """When the proposal's next step is due, if that step is the person's (its page)."""
    waiting_for = deadlines.waiting_for(Proposal, proposal.state)
    if waiting_for is None or not _NEXT_STEP[waiting_for](user, proposal):
        return None
    return deadlines.due_of(proposal)


# --- Pages of the review -------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An expert of the proposal's group, and why they cannot be assigned ("" if they can)."""

    expert: User
    unavailable: str = ""


def assignment_candidates(proposal: Proposal) -> list[Candidate]:
    assigned_ids = set(
        proposal.assignments.filter(ended_at=None).values_list("expert_id", flat=True)
    )
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


def duplicate_links(user, proposal: Proposal) -> dict:
    """The proposal's page links a duplicate and its original to each other: the original's
    number (a link when the person may see it) and the duplicates the person may see. One
    query; none for a proposal that is no duplicate and that its lookup read as having none
    (`has_duplicates`)."""
    if proposal.duplicate_of_id is None and getattr(proposal, "has_duplicates", True) is False:
        return {"original": None, "duplicates": []}
    linked = Q(duplicate_of=proposal)
    if proposal.duplicate_of_id is not None:
        linked |= Q(pk=proposal.duplicate_of_id)
    visible = set(visible_proposals(user).filter(linked).values_list("pk", flat=True))
    original = None
    if proposal.duplicate_of_id is not None:
        original = {
            "number": proposal.duplicate_of_id,
            "visible": proposal.duplicate_of_id in visible,
        }
    duplicates = sorted(visible - {proposal.duplicate_of_id})
    return {"original": original, "duplicates": duplicates}

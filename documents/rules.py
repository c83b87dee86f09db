"""Who may see and do what with calls, proposals and their documents: small predicates
combining the person's role in the proposal's group (directory.rules), guardian object
permissions and the proposal's state. Services call `require()` on every write; views use the
lookup helpers so that what a person may not see is a 404."""

from django.contrib.auth import get_user_model
from django.db.models import prefetch_related_objects

from directory import selectors as directory_selectors
from directory.models import Body, Membership
from directory.rules import (
    can_draft_proposals,
    governance_role,
    has_object_permission,
    is_programme_office,
    is_signed_in,
    role_in,
    roles_of,
)
from directory.rules import require as require
from documents.models import Proposal, RenderJob

User = get_user_model()
State = Proposal.State
Role = Membership.Role


# --- What the rules read of a proposal, once per loaded instance ---------------------------
# A page asks the same facts of its proposal many times (who its co-authors are, who declared a
# conflict, who reviewed this round, who decides for the group). Each is read in one query the
# first time and kept on the instance the request loaded, as the object permissions are
# (directory.rules.has_object_permission): a service locks and loads its own instance, so it
# never reads what another load remembered, and `forget()` (called by the permission sync that
# follows every change of a proposal's people or state) drops what this one remembers.
def _remembered(proposal: Proposal, key: str, read):
    facts = proposal.__dict__.setdefault("_mbk_facts", {})
    if key not in facts:
        facts[key] = read()
    return facts[key]


def forget(proposal: Proposal) -> None:
    """Drop everything the rules remember of this instance: its object permissions, facts and
    co-authors read for them. The next rule reads them anew."""
    proposal.__dict__.pop("_mbk_facts", None)
    proposal.__dict__.pop("_mbk_object_permissions", None)
    getattr(proposal, "_prefetched_objects_cache", {}).pop("coauthors", None)


def coauthors_of(proposal: Proposal) -> list[User]:
    """The co-authors, read once with the instance's prefetch cache (so that a page listing them
    and the rules asking about them share one query)."""
    if "coauthors" not in getattr(proposal, "_prefetched_objects_cache", {}):
        prefetch_related_objects([proposal], "coauthors")
    return list(proposal.coauthors.all())


def remember_coauthors(proposal: Proposal, people: list[User]) -> None:
    """Keep the co-authors read with the instance by its lookup, where coauthors_of() and
    `proposal.coauthors.all()` find them: the prefetch cache, filled as Django's prefetch
    fills it (a queryset whose result is already there)."""
    listed = proposal.coauthors.all()
    listed._result_cache, listed._prefetch_done = list(people), True
    proposal.__dict__.setdefault("_prefetched_objects_cache", {})["coauthors"] = listed


def remember_people(proposal: Proposal, *, declared_conflicts, reviewed_this_round) -> None:
    """Keep who declared a conflict of interest and who reviewed this round, read with the
    instance by its lookup."""
    facts = proposal.__dict__.setdefault("_mbk_facts", {})
    facts["declared_conflicts"] = set(declared_conflicts)
    facts[f"reviewed_in_round_{proposal.round}"] = set(reviewed_this_round)


def _declared_conflicts(proposal: Proposal) -> set[int]:
    return _remembered(
        proposal,
        "declared_conflicts",
        lambda: set(proposal.conflicts.values_list("person_id", flat=True)),
    )


def _reviewed_this_round(proposal: Proposal) -> set[int]:
    return _remembered(
        proposal,
        f"reviewed_in_round_{proposal.round}",
        lambda: set(
            proposal.reviews.filter(round=proposal.round).values_list("expert_id", flat=True)
        ),
    )


def has_reviewed_this_round(user, proposal: Proposal) -> bool:
    """The person's review of the current round is in."""
    return is_signed_in(user) and user.pk in _reviewed_this_round(proposal)


# --- Proposals ---------------------------------------------------------------------------
def is_proposal_author(user, proposal: Proposal) -> bool:
    """The principal author or a co-author."""
    if not is_signed_in(user):
        return False
    return proposal.author_id == user.pk or any(
        person.pk == user.pk for person in coauthors_of(proposal)
    )


def has_conflict(user, proposal: Proposal) -> bool:
    """Nobody reviews or decides on a proposal of their own organisation or one they wrote,
    nor on one where they declared a conflict of interest."""
    if not (user and user.is_authenticated):
        return False
    return (
        (user.organisation_id is not None and user.organisation_id == proposal.organisation_id)
        or is_proposal_author(user, proposal)
        or user.pk in _declared_conflicts(proposal)
    )


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Granted by the services as the state changes: a draft to its authors only; in review to
    the group and the programme office; later to the governance body and observers."""
    return has_object_permission(user, "view_proposal", proposal)


def can_manage_calls(user) -> bool:
    return is_programme_office(user)


def can_change_blind_review(user, call) -> bool:
    """The programme office sets a call's blind review; whether the call has opened already is
    the service's to say (409)."""
    return can_manage_calls(user)


# Who reads a blind call's proposals in full: besides their authors, the group's chair, deputy
# chairs and secretary, the programme office and the governance body (its observers too).
SEES_AUTHORS_IN_GROUP = (Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARY)


def sees_blind(user, proposal: Proposal) -> bool:
    """Whether this person reads the proposal without its authors, organisation and contact
    person: in a call with blind review, everyone who may see it other than its authors, the
    group's leaders, the programme office and the governance body — in practice its experts.
    The one answer every read path asks (pages, lists, search, API, PDFs, downloads, notices);
    the conflict-of-interest check (has_conflict) keeps reading the real data. Costs no query
    beyond the person's roles (read once per request) and a co-author check in a blind call."""
    if not proposal.call.blind_review:
        return False
    if not is_signed_in(user):
        return True
    if (
        is_programme_office(user)
        or governance_role(user) is not None
        or role_in(user, proposal.group_id) in SEES_AUTHORS_IN_GROUP
    ):
        return False
    return not is_proposal_author(user, proposal)


def can_import_proposals(user) -> bool:
    """Proposals received by e-mail are imported from the template by the programme office."""
    return is_programme_office(user)


def can_create_proposal(user, call=None) -> bool:
    return can_draft_proposals(user) and (call is None or call.is_open())


def can_edit_proposal(user, proposal: Proposal) -> bool:
    return proposal.state in Proposal.EDITABLE and has_object_permission(
        user, "change_proposal", proposal
    )


def can_manage_coauthors(user, proposal: Proposal) -> bool:
    return can_edit_proposal(user, proposal) and proposal.author_id == user.pk


def can_submit_proposal(user, proposal: Proposal) -> bool:
    """Its authors submit it while it is editable. Whether the call is still open (for a first
    submission) and the content complete is the service's to say, with the reason (409)."""
    return can_edit_proposal(user, proposal)


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return (
        is_signed_in(user)
        and proposal.author_id == user.pk
        and proposal.state not in Proposal.FINAL
    )


# Who decides for the group: its chair; in place of a chair with a conflict of interest (or of
# no chair), its deputy chairs who have none; where there is none, the programme office.
OFFICE = "programme_office"


def group_deciders(proposal: Proposal) -> tuple[str, list[User]]:
    """The capacity in which the group's decision on the proposal is taken (Role.CHAIR,
    Role.DEPUTY_CHAIR or OFFICE) and the people who may take it, none of them conflicted.
    Read once per loaded instance (see forget())."""
    return _remembered(proposal, "group_deciders", lambda: _group_deciders(proposal))


def _group_deciders(proposal: Proposal) -> tuple[str, list[User]]:
    leaders = Membership.objects.filter(
        body_id=proposal.group_id,
        role__in=[Role.CHAIR, Role.DEPUTY_CHAIR],
        user__is_active=True,
    ).select_related("user")
    by_role: dict[str, list[User]] = {Role.CHAIR: [], Role.DEPUTY_CHAIR: []}
    for membership in leaders:
        if not has_conflict(membership.user, proposal):
            by_role[membership.role].append(membership.user)
    for role in (Role.CHAIR, Role.DEPUTY_CHAIR):
        if by_role[role]:
            return role, by_role[role]
    office = directory_selectors.office_people()
    return OFFICE, [person for person in office if not has_conflict(person, proposal)]


def group_contacts(proposal: Proposal) -> list[User]:
    """Who hears about the proposal for its group (notices, deadlines): whoever decides and
    the group's secretaries, none of them with a conflict of interest."""
    _capacity, deciders = group_deciders(proposal)
    secretaries = directory_selectors.people(body=proposal.group_id, roles=[Role.SECRETARY])
    return deciders + [person for person in secretaries if not has_conflict(person, proposal)]


def deciding_capacity(user, proposal: Proposal) -> str | None:
    """The capacity in which this person decides for the group on the proposal, or None."""
    if not is_signed_in(user):
        return None
    role = role_in(user, proposal.group_id)
    if role not in (Role.CHAIR, Role.DEPUTY_CHAIR) and not is_programme_office(user):
        return None
    if role == Role.CHAIR and not has_conflict(user, proposal):
        return Role.CHAIR  # a chair free of conflict decides: no need to read the others
    capacity, people = group_deciders(proposal)
    return capacity if any(person.pk == user.pk for person in people) else None


def can_assign_experts(user, proposal: Proposal) -> bool:
    """The group's secretary, or whoever decides for the group (see group_deciders)."""
    if proposal.state not in (State.SUBMITTED, State.WG_REVIEW):
        return False
    if role_in(user, proposal.group_id) == Role.SECRETARY and not has_conflict(user, proposal):
        return True
    return deciding_capacity(user, proposal) is not None


def can_review_proposal(user, proposal: Proposal) -> bool:
    return (
        proposal.state == State.WG_REVIEW
        and has_object_permission(user, "review_proposal", proposal)
        and not has_conflict(user, proposal)
    )


def can_see_reviews(user, proposal: Proposal) -> bool:
    """The group's chair, deputy chairs and secretary and the programme office see every
    review; an expert sees the others' reviews of a round only once their own is in. Nobody
    with a conflict of interest (own organisation, authorship, a declaration) sees them."""
    if not can_view_proposal(user, proposal) or has_conflict(user, proposal):
        return False
    return (
        role_in(user, proposal.group_id) in (Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARY)
        or is_programme_office(user)
        or has_reviewed_this_round(user, proposal)
    )


def can_decide_in_group(user, proposal: Proposal) -> bool:
    """Request a revision, approve or reject at the group stage: the group's chair, or in place
    of a conflicted chair a deputy chair or the programme office (see group_deciders)."""
    return proposal.state == State.WG_REVIEW and deciding_capacity(user, proposal) is not None


def can_reject_proposal(user, proposal: Proposal) -> bool:
    """At the group stage whoever decides for the group; before the governance body whoever
    records its decisions."""
    if proposal.state == State.GOVERNANCE_REVIEW:
        return can_record_governance_decision(user, proposal)
    return can_decide_in_group(user, proposal)


def can_send_to_governance(user, proposal: Proposal) -> bool:
    return proposal.state == State.WG_APPROVED and is_programme_office(user)


def can_move_proposal(user, proposal: Proposal) -> bool:
    """The programme office moves a proposal to another sectoral working group before the
    group has decided on it (submitted, in review, or returned for revision)."""
    return (
        proposal.state in Proposal.MOVABLE
        and is_programme_office(user)
        and not has_conflict(user, proposal)
    )


def can_mark_duplicate(user, proposal: Proposal) -> bool:
    """The programme office closes a submitted proposal as a duplicate of another of its call
    before a final decision."""
    return (
        proposal.state in Proposal.MAY_BE_DUPLICATE
        and is_programme_office(user)
        and not has_conflict(user, proposal)
    )


def can_record_governance_decision(user, proposal: Proposal) -> bool:
    """The governance body's decision is recorded by its secretary (or its chair)."""
    return (
        proposal.state == State.GOVERNANCE_REVIEW
        and governance_role(user) in (Role.SECRETARY, Role.CHAIR)
        and not has_conflict(user, proposal)
    )


def can_declare_conflict(user, proposal: Proposal) -> bool:
    return (
        can_view_proposal(user, proposal)
        and not is_proposal_author(user, proposal)
        and proposal.state not in Proposal.FINAL
        and user.pk not in _declared_conflicts(proposal)
    )


# --- PDF documents -------------------------------------------------------------------------
def can_read_conclusion(user, proposal: Proposal) -> bool:
    """The working group's expert conclusion: whoever sees the reviews, and the governance body's
    members, who decide on the group's recommendation; nobody with a conflict of interest.
    Authors get the remarks, not the reviews; observers see approved proposals, not the
    experts' opinions."""
    if can_see_reviews(user, proposal):
        return True
    return (
        can_view_proposal(user, proposal)
        and governance_role(user) in (Role.MEMBER, Role.SECRETARY, Role.CHAIR)
        and not has_conflict(user, proposal)
    )


def can_read_document(user, proposal: Proposal | None, kind: str) -> bool:
    """Ask for, download and retry a PDF of a proposal: whoever may see what it shows."""
    if kind not in RenderJob.PROPOSAL_KINDS:
        return False
    if proposal is None or not can_view_proposal(user, proposal):
        return False
    if kind == RenderJob.Kind.CONCLUSION:
        return can_read_conclusion(user, proposal)
    return True


# --- Who the working lists are for ---------------------------------------------------------
def can_open_group_inbox(user) -> bool:
    """A chair, secretary, expert or member of a working group (not an observer)."""
    return any(
        kind in Body.WORKING_GROUPS and role != Role.OBSERVER for kind, role in roles_of(user)
    )


def chairs_a_working_group(user) -> bool:
    """The chair or deputy chair of a working group: its queue is theirs to keep moving."""
    return any(
        kind in Body.WORKING_GROUPS and role in (Role.CHAIR, Role.DEPUTY_CHAIR)
        for kind, role in roles_of(user)
    )


def can_open_assigned(user) -> bool:
    """An expert of a working group."""
    return any(kind in Body.WORKING_GROUPS and role == Role.EXPERT for kind, role in roles_of(user))


def can_open_governance_queue(user) -> bool:
    """A member, secretary or chair of the governance body, or the programme office."""
    return is_programme_office(user) or any(
        kind == Body.Kind.GOVERNANCE and role != Role.OBSERVER for kind, role in roles_of(user)
    )


# --- The chair's review dashboard ------------------------------------------------------------
GROUP_LEADERS = (Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARY)


def can_open_review_dashboard(user, group: Body) -> bool:
    """A working group's chair, deputy chairs and secretary see its review dashboard, scores
    and reviews (as can_see_reviews lets them on each proposal); the programme office reads
    every group's. Proposals where the person has a conflict of interest show no scores."""
    if not is_signed_in(user) or group.kind not in Body.WORKING_GROUPS:
        return False
    return role_in(user, group.pk) in GROUP_LEADERS or is_programme_office(user)


def can_assign_in_bulk(user, group: Body) -> bool:
    """The group's chair and secretary ask for a suggested assignment of many proposals at once;
    each proposal is then checked by can_assign_experts. A deputy chair stands in for a chair
    with a conflict of interest proposal by proposal, and the programme office for a group
    without a chair: both on the proposal's own page. Both read the dashboard."""
    if not is_signed_in(user) or group.kind not in Body.WORKING_GROUPS:
        return False
    return role_in(user, group.pk) in (Role.CHAIR, Role.SECRETARY)


def can_open_register(user) -> bool:
    """The register of all proposals of a call: the programme office, and the governance body's
    members, secretary and chair, who read it (each sees only the proposals they may see)."""
    return can_open_governance_queue(user)


def can_act_in_register(user) -> bool:
    """The register's actions (import, sending to the governance body) are the office's."""
    return is_programme_office(user)


# --- The discussion of a proposal (documents/discussion.py) ----------------------------------
DISCUSSING_IN_GROUP = (Role.EXPERT, Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARY)
DISCUSSING_IN_GOVERNANCE = (Role.MEMBER, Role.CHAIR, Role.SECRETARY)


def can_discuss(user, proposal: Proposal) -> bool:
    """Read and write the proposal's discussion: the group's experts, chair, deputy chairs and
    secretary, the programme office and, once the proposal has gone before the governance body,
    the body's members, chair and secretary; never its authors nor anyone with a conflict of
    interest (own organisation, a declaration), who may see the proposal but not this."""
    if not can_view_proposal(user, proposal) or has_conflict(user, proposal):
        return False
    if role_in(user, proposal.group_id) in DISCUSSING_IN_GROUP or is_programme_office(user):
        return True
    return (
        proposal.sent_to_governance_at is not None
        and governance_role(user) in DISCUSSING_IN_GOVERNANCE
    )


def can_change_review(user, proposal: Proposal) -> bool:
    """An assigned expert changes their review of the current round until the chair decides on
    that round (a revision request, an approval or a rejection ends `wg_review`)."""
    return can_review_proposal(user, proposal) and has_reviewed_this_round(user, proposal)


# --- Opinions of infrastructure groups (documents/opinions.py) -------------------------------
OPINION_OPEN_STATES = (State.WG_REVIEW, State.REVISION_REQUESTED)  # Opinion.PROPOSAL_OPEN
OPINION_LEADERS = (Role.CHAIR, Role.DEPUTY_CHAIR)


def leads_opinion_group(user, opinion) -> bool:
    """The chair (or a deputy chair) of the opinion's infrastructure group, free of a conflict
    of interest with the proposal."""
    return role_in(user, opinion.body_id) in OPINION_LEADERS and not has_conflict(
        user, opinion.proposal
    )


def can_give_opinion(user, opinion) -> bool:
    """The group's chair or deputy chair, or the member the chair assigned, none with a conflict
    of interest, while the sectoral group reviews the proposal. A given opinion may be given
    anew only once the proposal was resubmitted since (a new round): it stands otherwise."""
    proposal = opinion.proposal
    if proposal.state not in OPINION_OPEN_STATES:
        return False
    if opinion.state == opinion.State.GIVEN and proposal.round <= opinion.round:
        return False
    if opinion.state == opinion.State.WAIVED:
        return False
    assigned = (
        is_signed_in(user)
        and opinion.assignee_id == user.pk
        and role_in(user, opinion.body_id) not in (None, Role.OBSERVER)
        and not has_conflict(user, proposal)
    )
    return assigned or leads_opinion_group(user, opinion)


def can_assign_opinion(user, opinion) -> bool:
    """The group's chair or deputy chair names the member who writes a requested opinion."""
    return (
        opinion.state == opinion.State.REQUESTED
        and opinion.proposal.state in OPINION_OPEN_STATES
        and leads_opinion_group(user, opinion)
    )


def can_waive_opinion(user, opinion) -> bool:
    """The programme office excuses a requested opinion, with its reason."""
    return (
        opinion.state == opinion.State.REQUESTED
        and opinion.proposal.state in OPINION_OPEN_STATES
        and is_programme_office(user)
        and not has_conflict(user, opinion.proposal)
    )


def can_see_opinion(user, opinion) -> bool:
    """Whoever reads the group's expert conclusion (which prints the opinions), and the members
    of the opinion's own infrastructure group (not its observers) who see the proposal."""
    proposal = opinion.proposal
    if can_read_conclusion(user, proposal):
        return True
    return role_in(user, opinion.body_id) not in (None, Role.OBSERVER) and can_view_proposal(
        user, proposal
    )


def can_open_opinions(user) -> bool:
    """The list «Заключения инфраструктурных групп»: members of an infrastructure group (not
    observers) and the programme office."""
    return is_programme_office(user) or any(
        kind == Body.Kind.INFRASTRUCTURE_GROUP and role != Role.OBSERVER
        for kind, role in roles_of(user)
    )


# --- Notices: their texts, the office's messages, the record of e-mails ----------------------
def can_manage_notices(user) -> bool:
    """Edit the texts of notices, write to people through the outbox, read and retry the
    e-mails sent: the programme office."""
    return is_programme_office(user)

"""Who may see and do what. Every permission decision of the system is made here.

Predicates are small `can_<verb>(user, obj) -> bool` functions combining the person's role
(memberships), guardian object permissions and the object's state. Services call `require()`
on every write; views use the lookup helpers so that what a person may not see is a 404.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from accounts.models import User
from directory.models import Affiliation, Body, Membership, Organisation
from documents.models import Proposal, RenderJob
from meetings.models import Meeting
from programme.models import ProgrammeVersion, Section, SectionRevision

State = Proposal.State
Role = Membership.Role


def roles_of(user) -> set[tuple[str, str]]:
    """The (body kind, role) pairs of a person, read once per request-bound user object."""
    if not hasattr(user, "_mbk_roles"):
        rows = list(user.memberships.values_list("body_id", "body__kind", "role"))
        user._mbk_roles = {(kind, role) for _body, kind, role in rows}
        user._mbk_role_in_body = {body: role for body, _kind, role in rows}
        user._mbk_governance_role = next(
            (role for _body, kind, role in rows if kind == Body.Kind.GOVERNANCE), None
        )
    return user._mbk_roles


def role_in(user, body_id: int) -> str | None:
    """The person's role in one body, or None."""
    if not _is_signed_in(user):
        return None
    roles_of(user)
    return user._mbk_role_in_body.get(body_id)


def _is_signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_programme_office(user) -> bool:
    if not _is_signed_in(user):
        return False
    return any(kind == Body.Kind.PROGRAMME_OFFICE for kind, _ in roles_of(user))


def is_observer(user) -> bool:
    if not _is_signed_in(user):
        return False
    return any(role == Membership.Role.OBSERVER for _, role in roles_of(user))


def has_object_permission(user, codename: str, obj) -> bool:
    """A guardian object permission granted to the person or to one of their groups, read from
    the direct-FK tables. Unlike `user.has_perm`, superuser status does not stand in for it: an
    administrator is not an author, an expert or a member of a body. The person's permissions
    on an object are read in one query and kept on the instance the request loaded (a fresh
    load reads fresh grants)."""
    if not _is_signed_in(user):
        return False
    cache = obj.__dict__.setdefault("_mbk_object_permissions", {})
    if user.pk not in cache:
        direct = get_user_obj_perms_model(obj).objects.filter(content_object=obj, user=user)
        via_group = get_group_obj_perms_model(obj).objects.filter(
            content_object=obj, group__user=user
        )
        cache[user.pk] = set(
            direct.values_list("permission__codename", flat=True).union(
                via_group.values_list("permission__codename", flat=True)
            )
        )
    return codename in cache[user.pk]


def can_view_directory(user) -> bool:
    return _is_signed_in(user)


def can_review_organisations(user) -> bool:
    return is_programme_office(user)


def can_decide_organisation(user, organisation: Organisation) -> bool:
    """Confirm or reject a proposed organisation: the programme office, while it waits."""
    return is_programme_office(user) and organisation.status == Organisation.Status.PROPOSED


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """The person who proposed an organisation may correct it until it is decided."""
    return (
        _is_signed_in(user)
        and organisation.status == Organisation.Status.PROPOSED
        and has_object_permission(user, "change_organisation", organisation)
    )


def affiliation_status(user) -> str | None:
    """The decision on the person's belonging to their organisation: confirmed, refused, or
    None while it awaits one (or when the person names no organisation). Read once per
    request-bound user object and organisation."""
    if not _is_signed_in(user) or user.organisation_id is None:
        return None
    cached = getattr(user, "_mbk_affiliation", None)
    if cached is None or cached[0] != user.organisation_id:
        status = (
            Affiliation.objects.filter(user=user, organisation_id=user.organisation_id)
            .values_list("status", flat=True)
            .first()
        )
        user._mbk_affiliation = cached = (user.organisation_id, status)
    return cached[1]


def can_submit_proposals(user) -> bool:
    """Only confirmed members of a confirmed organisation may submit anchor-project
    proposals: joining an existing organisation is confirmed by the programme office or by
    the organisation's contact person."""
    return (
        _is_signed_in(user)
        and user.organisation_id is not None
        and user.organisation.status == Organisation.Status.CONFIRMED
        and affiliation_status(user) == Affiliation.Status.CONFIRMED
    )


def can_review_affiliations(user) -> bool:
    """See the people waiting to join organisations: the programme office (all of them) and
    organisations' contact persons (their own organisation's)."""
    return is_programme_office(user) or (
        _is_signed_in(user) and user.organisations_in_contact.exists()
    )


def can_decide_affiliation(user, person) -> bool:
    """Confirm or refuse that a person belongs to the (confirmed) organisation they named: the
    programme office or that organisation's contact person, never for themselves. Whether it
    is still undecided is the service's to say (409)."""
    organisation = person.organisation
    return (
        _is_signed_in(user)
        and organisation is not None
        and organisation.status == Organisation.Status.CONFIRMED
        and person.pk != user.pk
        and (is_programme_office(user) or organisation.contact_id == user.pk)
    )


# --- Proposals ---------------------------------------------------------------------------
def is_proposal_author(user, proposal: Proposal) -> bool:
    """The principal author or a co-author."""
    if not _is_signed_in(user):
        return False
    return proposal.author_id == user.pk or proposal.coauthors.filter(pk=user.pk).exists()


def has_conflict(user, proposal: Proposal) -> bool:
    """Nobody reviews or decides on a proposal of their own organisation or one they wrote,
    nor on one where they declared a conflict of interest."""
    if not (user and user.is_authenticated):
        return False
    return (
        (user.organisation_id is not None and user.organisation_id == proposal.organisation_id)
        or is_proposal_author(user, proposal)
        or proposal.conflicts.filter(person=user).exists()
    )


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Granted by the services as the state changes: a draft to its authors only; in review to
    the group and the programme office; later to the governance body and observers."""
    return has_object_permission(user, "view_proposal", proposal)


def can_manage_calls(user) -> bool:
    return is_programme_office(user)


def can_import_proposals(user) -> bool:
    """Proposals received by e-mail are imported from the template by the programme office."""
    return is_programme_office(user)


def can_draft_proposals(user) -> bool:
    """People of an organisation may draft while it awaits confirmation, so no time is lost;
    submitting waits for the confirmation (the service says so). A rejected organisation's
    people, people the organisation refused and observers do not draft."""
    return (
        _is_signed_in(user)
        and user.organisation_id is not None
        and user.organisation.status != Organisation.Status.REJECTED
        and affiliation_status(user) != Affiliation.Status.REFUSED
        and not is_observer(user)
    )


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
        _is_signed_in(user)
        and proposal.author_id == user.pk
        and proposal.state not in Proposal.FINAL
    )


# Who decides for the group: its chair; in place of a chair with a conflict of interest (or of
# no chair), its deputy chairs who have none; where there is none, the programme office.
OFFICE = "programme_office"


def group_deciders(proposal: Proposal) -> tuple[str, list[User]]:
    """The capacity in which the group's decision on the proposal is taken (Role.CHAIR,
    Role.DEPUTY_CHAIR or OFFICE) and the people who may take it, none of them conflicted."""
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
    office = User.objects.filter(
        is_active=True,
        memberships__body__kind=Body.Kind.PROGRAMME_OFFICE,
        memberships__role__in=[Role.CHAIR, Role.STAFF],
    ).distinct()
    return OFFICE, [person for person in office if not has_conflict(person, proposal)]


def group_contacts(proposal: Proposal) -> list[User]:
    """Who hears about the proposal for its group (notices, deadlines): whoever decides and
    the group's secretaries, none of them with a conflict of interest."""
    _capacity, deciders = group_deciders(proposal)
    secretaries = User.objects.filter(
        is_active=True, memberships__body_id=proposal.group_id, memberships__role=Role.SECRETARY
    )
    return deciders + [person for person in secretaries if not has_conflict(person, proposal)]


def deciding_capacity(user, proposal: Proposal) -> str | None:
    """The capacity in which this person decides for the group on the proposal, or None."""
    if not _is_signed_in(user):
        return None
    if role_in(user, proposal.group_id) not in (Role.CHAIR, Role.DEPUTY_CHAIR) and not (
        is_programme_office(user)
    ):
        return None
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
        or proposal.reviews.filter(expert=user, round=proposal.round).exists()
    )


def can_decide_in_group(user, proposal: Proposal) -> bool:
    """Request a revision, approve or reject at the group stage: the group's chair, or in place
    of a conflicted chair a deputy chair or the programme office (see group_deciders)."""
    return proposal.state == State.WG_REVIEW and deciding_capacity(user, proposal) is not None


def can_send_to_governance(user, proposal: Proposal) -> bool:
    return proposal.state == State.WG_APPROVED and is_programme_office(user)


def _governance_role(user) -> str | None:
    if not _is_signed_in(user):
        return None
    roles_of(user)
    return user._mbk_governance_role


def can_record_governance_decision(user, proposal: Proposal) -> bool:
    """The governance body's decision is recorded by its secretary (or its chair)."""
    return (
        proposal.state == State.GOVERNANCE_REVIEW
        and _governance_role(user) in (Role.SECRETARY, Role.CHAIR)
        and not has_conflict(user, proposal)
    )


def can_declare_conflict(user, proposal: Proposal) -> bool:
    return (
        can_view_proposal(user, proposal)
        and not is_proposal_author(user, proposal)
        and proposal.state not in Proposal.FINAL
        and not proposal.conflicts.filter(person=user).exists()
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
        and _governance_role(user) in (Role.MEMBER, Role.SECRETARY, Role.CHAIR)
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


# --- The development programme -------------------------------------------------------------
# The programme is the cluster's common document: every member of its bodies (working groups,
# the governance body, the programme office) reads its sections and versions; observers read
# the versions the governance body approved, and nothing else of it.
SectionState = SectionRevision.State
VersionState = ProgrammeVersion.State


def can_view_programme(user) -> bool:
    return _is_signed_in(user) and any(role != Role.OBSERVER for _, role in roles_of(user))


def can_open_programme(user) -> bool:
    """The programme's page: its readers, observers included (they see approved versions)."""
    return can_view_programme(user) or is_observer(user)


def can_view_section(user, section: Section) -> bool:
    return can_view_programme(user)


def can_manage_sections(user) -> bool:
    """Add, order, remove and bring back sections: the programme office."""
    return is_programme_office(user)


def is_section_writer(user, section: Section) -> bool:
    """The owner's chair and secretary (a working group) or its staff (the programme office)."""
    return role_in(user, section.owner_id) in (Role.CHAIR, Role.SECRETARY, Role.STAFF)


def can_edit_section(user, revision: SectionRevision) -> bool:
    return revision.state in SectionRevision.EDITABLE and is_section_writer(user, revision.section)


def can_submit_section(user, revision: SectionRevision) -> bool:
    return can_edit_section(user, revision)


def can_decide_section_in_group(user, revision: SectionRevision) -> bool:
    """Ask for changes or approve at the owner's stage: the working group's chair; for a section
    of the programme office, its chair or staff."""
    if revision.state != SectionState.WG_REVIEW:
        return False
    role = role_in(user, revision.section.owner_id)
    if revision.section.owner.kind == Body.Kind.PROGRAMME_OFFICE:
        return role in (Role.CHAIR, Role.STAFF)
    return role == Role.CHAIR


def can_send_section_to_governance(user, revision: SectionRevision) -> bool:
    return revision.state == SectionState.WG_APPROVED and is_programme_office(user)


def can_record_section_decision(user, revision: SectionRevision) -> bool:
    """Approve a section or return it for changes: the governance body's secretary or chair."""
    return revision.state == SectionState.GOVERNANCE_REVIEW and _governance_role(user) in (
        Role.SECRETARY,
        Role.CHAIR,
    )


def can_amend_section(user, revision: SectionRevision) -> bool:
    """Open the next revision of an approved section (the latest revision must be approved)."""
    return revision.state == SectionState.APPROVED and is_section_writer(user, revision.section)


def can_view_programme_version(user, version: ProgrammeVersion) -> bool:
    if can_view_programme(user):
        return True
    return is_observer(user) and version.state in ProgrammeVersion.SIGNED


def can_create_programme_version(user) -> bool:
    return is_programme_office(user)


def can_send_version_to_governance(user, version: ProgrammeVersion) -> bool:
    return version.state == VersionState.DRAFTING and is_programme_office(user)


def can_return_version(user, version: ProgrammeVersion) -> bool:
    """Back to drafting (to gather what was approved meanwhile): the programme office, or the
    governance body's secretary or chair."""
    return version.state == VersionState.GOVERNANCE_REVIEW and (
        is_programme_office(user) or _governance_role(user) in (Role.SECRETARY, Role.CHAIR)
    )


def can_sign_programme_version(user, version: ProgrammeVersion) -> bool:
    """The programme is signed off by the governance body's chair."""
    return version.state == VersionState.GOVERNANCE_REVIEW and _governance_role(user) == Role.CHAIR


def can_read_programme_document(user, version: ProgrammeVersion | None) -> bool:
    """The compiled PDF: whoever sees the version, once it is frozen."""
    return (
        version is not None
        and version.snapshot is not None
        and can_view_programme_version(user, version)
    )


# --- Meetings ------------------------------------------------------------------------------
def can_view_meeting(user, meeting: Meeting) -> bool:
    """The body's people (not its observers) and the programme office."""
    role = role_in(user, meeting.body_id)
    return (role is not None and role != Role.OBSERVER) or is_programme_office(user)


def can_plan_meetings(user, body: Body) -> bool:
    """The body's secretary, chair or deputy chair plans its meetings (the deputy runs those
    where the chair has a conflict of interest on what is decided)."""
    return role_in(user, body.pk) in (Role.SECRETARY, Role.CHAIR, Role.DEPUTY_CHAIR)


def can_run_meeting(user, meeting: Meeting) -> bool:
    """Build the agenda, record attendance, votes, decisions and tasks, approve the minutes:
    the body's secretary, chair or deputy chair."""
    return can_plan_meetings(user, meeting.body)


def can_complete_task(user, task) -> bool:
    """The responsible person, the responsible group's chair or secretary, or whoever runs the
    meeting that set the task."""
    return (
        (_is_signed_in(user) and task.responsible_person_id == user.pk)
        or (
            task.responsible_body_id is not None
            and role_in(user, task.responsible_body_id) in (Role.CHAIR, Role.SECRETARY)
        )
        or can_run_meeting(user, task.meeting)
    )


def can_open_meetings(user) -> bool:
    return is_programme_office(user) or any(role != Role.OBSERVER for _, role in roles_of(user))


def can_read_minutes(user, meeting: Meeting | None) -> bool:
    return (
        meeting is not None
        and meeting.state in (Meeting.State.HELD, Meeting.State.MINUTES_APPROVED)
        and can_view_meeting(user, meeting)
    )


# --- Who the working lists are for ---------------------------------------------------------
def can_open_group_inbox(user) -> bool:
    """A chair, secretary, expert or member of a working group (not an observer)."""
    return any(
        kind in Body.WORKING_GROUPS and role != Role.OBSERVER for kind, role in roles_of(user)
    )


def can_open_assigned(user) -> bool:
    """An expert of a working group."""
    return any(kind in Body.WORKING_GROUPS and role == Role.EXPERT for kind, role in roles_of(user))


def can_open_governance_queue(user) -> bool:
    """A member, secretary or chair of the governance body, or the programme office."""
    return is_programme_office(user) or any(
        kind == Body.Kind.GOVERNANCE and role != Role.OBSERVER for kind, role in roles_of(user)
    )


def require(predicate: Callable[..., bool], user, *objects) -> None:
    """Raise PermissionDenied unless `predicate(user, *objects)` holds."""
    if not predicate(user, *objects):
        raise PermissionDenied

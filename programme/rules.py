"""Who may read and write the development programme: its sections and their revisions, and
its versions.

The programme is the cluster's common document: every member of its bodies (working groups,
the governance body, the programme office) reads its sections and versions; observers read the
versions the governance body approved, and nothing else of it."""

from directory.models import Body, Membership
from directory.rules import (
    governance_role,
    is_observer,
    is_programme_office,
    is_signed_in,
    role_in,
    roles_of,
)
from directory.rules import require as require
from programme.models import ProgrammeVersion, Section, SectionRevision

Role = Membership.Role
SectionState = SectionRevision.State
VersionState = ProgrammeVersion.State


def can_view_programme(user) -> bool:
    return is_signed_in(user) and any(role != Role.OBSERVER for _, role in roles_of(user))


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
    return revision.state == SectionState.GOVERNANCE_REVIEW and governance_role(user) in (
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
        is_programme_office(user) or governance_role(user) in (Role.SECRETARY, Role.CHAIR)
    )


def can_sign_programme_version(user, version: ProgrammeVersion) -> bool:
    """The programme is signed off by the governance body's chair."""
    return version.state == VersionState.GOVERNANCE_REVIEW and governance_role(user) == Role.CHAIR


def can_read_programme_document(user, version: ProgrammeVersion | None) -> bool:
    """The compiled PDF: whoever sees the version, once it is frozen."""
    return (
        version is not None
        and version.snapshot is not None
        and can_view_programme_version(user, version)
    )

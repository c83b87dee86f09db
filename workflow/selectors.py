"""What waits for a person: the home page's panels, the navigation bar and the working lists
of the groups, the experts and the governance body. Every list costs a fixed number of
queries whatever the number of its rows."""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from directory import rules
from directory import selectors as directory_selectors
from directory.models import Membership
from documents import rules as document_rules
from documents import selectors as document_selectors
from documents.models import Proposal
from documents.selectors import StateTab, approved, assigned, governance_queue, inbox
from meetings import rules as meeting_rules
from programme import rules as programme_rules
from workflow.models import Notice

State = Proposal.State
Role = Membership.Role
PANEL_SIZE = 10


def writes_proposals(user) -> bool:
    """People of an organisation write proposals; observers of government departments do not."""
    return user.organisation_id is not None and not rules.is_observer(user)


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
        inbox=document_rules.can_open_group_inbox(user),
        assigned=document_rules.can_open_assigned(user),
        governance=document_rules.can_open_governance_queue(user),
        programme=programme_rules.can_open_programme(user),
        meetings=meeting_rules.can_open_meetings(user),
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
    if document_rules.can_open_assigned(user):
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
    if document_rules.can_open_group_inbox(user):
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
    if document_rules.can_open_governance_queue(user):
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

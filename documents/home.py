"""The proposals' links of the navigation bar and panels of the home page (workflow/home.py);
registered from DocumentsConfig.ready(). Each panel costs a fixed number of queries."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from directory import rules as directory_rules
from documents import blind as blind_review
from documents import charts, review_dashboard, rules, selectors
from documents.models import Proposal
from workflow import deadlines
from workflow.home import PANEL_SIZE, Panel, register_link, register_panel

State = Proposal.State
DETAIL = "documents:proposal-detail"


def writes_proposals(user) -> bool:
    """People of an organisation write proposals; observers of government departments do not."""
    return user.organisation_id is not None and not directory_rules.is_observer(user)


def _my_proposals(user) -> Panel | None:
    if not writes_proposals(user):
        return None
    return Panel(
        _("My proposals"),
        _("You have no proposals yet."),
        items=selectors.due_to_authors(selectors.my_proposals(user)[:PANEL_SIZE]),
        link_name="documents:my-proposals",
        item_link_name=DETAIL,
    )


def _assigned(user) -> Panel | None:
    if not rules.can_open_assigned(user):
        return None
    return Panel(
        _("Proposals assigned to me"),
        _("Nothing is assigned to you."),
        items=blind_review.hide_in_titles(
            selectors.due_to_expert(selectors.assigned(user)[:PANEL_SIZE])
        ),
        link_name="documents:assigned",
        item_link_name=DETAIL,
        show_my_review=True,
    )


def _group_inbox(user) -> Panel | None:
    if not rules.can_open_group_inbox(user):
        return None
    proposals, tabs = selectors.inbox(user)
    waiting = proposals.filter(state__in=[State.SUBMITTED, State.WG_REVIEW])
    return Panel(
        _("Proposals in my working group"),
        _("No proposals are waiting for the group."),
        items=blind_review.hide_in_titles(selectors.due_to_group(waiting[:PANEL_SIZE])),
        link_name="documents:group-inbox",
        item_link_name=DETAIL,
        tabs=tabs,
    )


@dataclass(frozen=True)
class _Dashboard:
    """A group's review dashboard in a panel, whose items are linked by their `pk`: here the
    group's code, the key of the dashboard's address."""

    pk: str
    name: str

    def __str__(self) -> str:
        return self.name


def _review_dashboards(user) -> Panel | None:
    """The chair's (deputy chair's, secretary's; the office's) way to the review dashboards."""
    groups = review_dashboard.dashboard_groups(user)
    if not groups:
        return None
    return Panel(
        _("Review dashboards"),
        "",
        items=[_Dashboard(group.code, group.name) for group in groups],
        item_link_name="documents:review-dashboard",
    )


def _call_pipeline(user) -> Panel | None:
    """The programme office: the latest call's proposals by direction and state, and how much
    is overdue."""
    if not directory_rules.is_programme_office(user):
        return None
    call = selectors.latest_call()
    pipeline = charts.call_pipeline(call) if call else None
    return Panel(
        _("The call at a glance"),
        _("No proposal has been submitted to the call yet."),
        charts=[pipeline] if pipeline and not pipeline.is_empty else [],
        link_name="documents:call-list",
        template="documents/_call_pipeline.html",
        extra={"call": call, "overdue": deadlines.overdue_count()},
    )


def _group_queue(user) -> Panel | None:
    if not rules.chairs_a_working_group(user):
        return None
    queue = charts.group_queue(user)
    return Panel(
        _("The working group's queue"),
        _("No proposal waits in the working group."),
        charts=[] if queue.is_empty else [queue],
        link_name="documents:group-inbox",
    )


def _governance_queue(user) -> Panel | None:
    if not rules.can_open_governance_queue(user):
        return None
    return Panel(
        _("Awaiting the governance body's decision"),
        _("Nothing awaits a decision."),
        items=selectors.due_to_office_or_governance(
            user, selectors.governance_queue(user)[:PANEL_SIZE]
        ),
        link_name="documents:governance-queue",
        item_link_name=DETAIL,
    )


def _approved(user) -> Panel | None:
    if not directory_rules.is_observer(user):
        return None
    return Panel(
        _("Approved documents"),
        _("No document has been approved yet."),
        items=list(selectors.approved(user)[:PANEL_SIZE]),
        item_link_name=DETAIL,
    )


def register() -> None:
    register_link("my_proposals", writes_proposals)
    register_link(
        "calls", lambda user: writes_proposals(user) or directory_rules.is_programme_office(user)
    )
    register_link("inbox", rules.can_open_group_inbox)
    register_link("assigned", rules.can_open_assigned)
    register_link("governance", rules.can_open_governance_queue)
    register_link("register", rules.can_open_register)
    register_link("opinions", rules.can_open_opinions)  # of infrastructure groups (issue 18)
    register_link("notices_office", rules.can_manage_notices)
    # The order of the home page's panels: see workflow.home.register_panel.
    register_panel("call_pipeline", 6, _call_pipeline)
    register_panel("my_proposals", 10, _my_proposals)
    register_panel("assigned", 20, _assigned)
    register_panel("group_inbox", 30, _group_inbox)
    register_panel("group_queue", 35, _group_queue)
    register_panel("review_dashboards", 36, _review_dashboards)
    register_panel("governance_queue", 50, _governance_queue)
    register_panel("approved", 80, _approved)

"""What waits for a person: the links of the navigation bar and the panels of the home page.

The engine knows no app above it: each app registers its links and its panels from its
AppConfig.ready(), and they are read on every request. Each link and panel costs a fixed
number of queries whatever the number of rows (tests/workflow/test_home.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import rules
from directory import selectors as directory_selectors
from workflow import backends
from workflow.models import Notice

PANEL_SIZE = 10


# --- The navigation bar --------------------------------------------------------------------
_links: dict[str, Callable[[User], object]] = {}


def register_link(name: str, value: Callable[[User], object]) -> None:
    """`navigation.<name>` in the templates (templates/base.html): value(user) says whether the
    person gets the link (or, for unread_notices, how many). Registered from AppConfig.ready():
    documents (my_proposals, calls, inbox, assigned, governance, register), programme (programme),
    meetings (meetings), workflow itself (overdue, unread_notices)."""
    _links[name] = value


class Navigation(dict):
    """The links of the navigation bar, by name. A name nobody registered fails loudly, in a
    template too (LookupError is not among the errors templates swallow)."""

    def __missing__(self, name):
        raise LookupError(
            f"No link {name!r} of the navigation bar is registered (workflow.home.register_link, "
            "from the owning app's AppConfig.ready())."
        )


def navigation(user) -> Navigation:
    """Which links of the navigation bar the person needs (two queries)."""
    return Navigation({name: value(user) for name, value in _links.items()})


# --- The home page -------------------------------------------------------------------------
@dataclass
class Panel:
    title: str
    empty_text: str
    items: list = field(default_factory=list)
    link_name: str = ""
    item_link_name: str = ""
    tabs: list = field(default_factory=list)  # documents.selectors.StateTab
    show_my_review: bool = False
    charts: list = field(default_factory=list)  # workflow.charts.Chart, drawn above the items
    # A partial of the panel's own (its context: `panel`), with what it needs in `extra`
    template: str = ""
    extra: dict = field(default_factory=dict)


_panels: dict[str, tuple[int, Callable[[User], Panel | None]]] = {}


def register_panel(name: str, order: int, build: Callable[[User], Panel | None]) -> None:
    """A panel of the home page: build(user) gives it, or None for a person who does not get
    it. Panels are shown by `order`: programme's approved_programme (4),
    documents' call_pipeline (6), my_proposals (10), assigned (20), group_inbox (30),
    group_queue (35) and review_dashboards (36), meetings' meetings_i_prepare (40), documents'
    governance_queue (50),
    directory's organisations_awaiting (60) and affiliations_awaiting (70) (registered by
    workflow itself, as directory sits below it), documents' approved (80)."""
    if order in {taken for other, (taken, _build) in _panels.items() if other != name}:
        raise ValueError(f"Another panel of the home page is shown at {order}.")
    _panels[name] = (order, build)


def panels(user) -> list[Panel]:
    """The panels of the home page the person gets, in their order."""
    built = (build(user) for _order, build in sorted(_panels.values(), key=lambda p: p[0]))
    return [panel for panel in built if panel is not None]


# --- The engine's own, and the directory's (it sits below the engine) ----------------------
def _organisations_awaiting(user) -> Panel | None:
    if not rules.is_programme_office(user):
        return None
    return Panel(
        _("Organisations awaiting confirmation"),
        _("No organisation awaits confirmation."),
        items=list(directory_selectors.organisations_awaiting_confirmation()),
        link_name="directory:organisation-review",
    )


def _affiliations_awaiting(user) -> Panel | None:
    if not rules.can_review_affiliations(user):
        return None
    return Panel(
        _("People asking to join an organisation"),
        _("Nobody is waiting for confirmation."),
        items=list(directory_selectors.affiliations_awaiting(user)[:PANEL_SIZE]),
        link_name="directory:affiliation-review",
    )


def unread_notices(user) -> int:
    """How many of the person's notices are unread: read with the request's person
    (workflow/backends.py), or counted."""
    known = getattr(user, backends.UNREAD, None)
    if known is not None:
        return known
    return Notice.objects.filter(recipient=user, read_at=None).count()


def register() -> None:
    """Called from WorkflowConfig.ready()."""
    register_link("overdue", rules.is_programme_office)
    register_link("unread_notices", unread_notices)
    register_panel("organisations_awaiting", 60, _organisations_awaiting)
    register_panel("affiliations_awaiting", 70, _affiliations_awaiting)

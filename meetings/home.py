"""The meetings' link of the navigation bar and panel of the home page (workflow/home.py);
registered from MeetingsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from directory import rules as directory_rules
from directory.models import Membership
from meetings import rules, selectors
from workflow.home import PANEL_SIZE, Panel, register_link, register_panel

Role = Membership.Role


def _meetings_i_prepare(user) -> Panel | None:
    roles = {role for _kind, role in directory_rules.roles_of(user)}
    if Role.SECRETARY not in roles and Role.CHAIR not in roles:
        return None
    return Panel(
        _("Meetings I prepare"),
        _("No meetings are planned."),
        items=list(selectors.meetings_i_prepare(user)[:PANEL_SIZE]),
        link_name="meetings:list",
        item_link_name="meetings:detail",
    )


def register() -> None:
    register_link("meetings", rules.can_open_meetings)
    register_panel("meetings_i_prepare", 40, _meetings_i_prepare)

"""The programme's panel of the home page (workflow/home.py): for observers of government
departments, the programme in force with its signed PDF, one click away."""

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory import rules as directory_rules
from programme import selectors
from workflow.home import Panel, register_panel


def _approved_programme(user) -> Panel | None:
    if not directory_rules.is_observer(user):
        return None
    version = selectors.approved_version()
    if version is None:
        return Panel(_("The development programme"), _("No programme has been approved yet."))
    return Panel(
        _("The development programme"),
        "",
        template="programme/_approved_programme.html",
        extra={
            "version": version,
            "document": selectors.rendered_document(user, version, get_language()),
        },
    )


def register() -> None:
    register_panel("approved_programme", 4, _approved_programme)

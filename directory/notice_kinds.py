"""The notices about memberships of organisations (mbk.notice_kinds). Imported by
DirectoryConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from mbk.notice_kinds import register

ORGANISATION = {"organisation": _("the organisation's name")}
EXAMPLE = {"organisation": "ООО «БиоПроект»"}

register(
    "directory.membership_confirmed",
    label=_("A person's membership of an organisation is confirmed (to the person)"),
    text=_(
        "Your membership of %(organisation)s is confirmed: you can submit proposals on its behalf."
    ),
    placeholders=ORGANISATION,
    required=("organisation",),
    example=EXAMPLE,
)
register(
    "directory.membership_refused",
    label=_("A person's membership of an organisation is refused (to the person)"),
    text=_(
        "Your membership of %(organisation)s was not confirmed: you cannot submit proposals on "
        "its behalf."
    ),
    placeholders=ORGANISATION,
    required=("organisation",),
    example=EXAMPLE,
)

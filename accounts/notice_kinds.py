"""The notices about sign-ups (mbk.notice_kinds). Imported by AccountsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from mbk.notice_kinds import register

register(
    "accounts.affiliation_requested",
    label=_("A person asks to be confirmed as a member of an organisation (to those who decide)"),
    text=_(
        "%(person)s asks to be confirmed as a member of %(organisation)s: confirm or refuse it."
    ),
    placeholders={"person": _("the person's name"), "organisation": _("the organisation's name")},
    required=("person", "organisation"),
    example={"person": "Петров П. П.", "organisation": "ООО «БиоПроект»"},
)

"""The notices about programme sections and versions (mbk.notice_kinds). Imported by
ProgrammeConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from mbk.notice_kinds import register

SECTION = {"title": _("the section's title"), "number": _("the revision's number")}
SECTION_EXAMPLE = {"title": "Цели, задачи и целевые показатели", "number": "2"}
VERSION = {"number": _("the programme version's number")}

for key, label, text in [
    (
        "section_submitted",
        _("A section's revision awaits the group's decision (to its deciders)"),
        _("Revision %(number)s of the programme section «%(title)s» awaits your decision."),
    ),
    (
        "section_changes_requested",
        _("The group asks for changes in a section (to its writers)"),
        _("Changes are requested in the section «%(title)s»."),
    ),
    (
        "section_approved_in_group",
        _("The group approved a section (to the programme office)"),
        _("The section «%(title)s» (revision %(number)s) can go to the governance body."),
    ),
    (
        "section_sent_to_governance",
        _("A section goes to the governance body (to its chair and secretary)"),
        _("The section «%(title)s» awaits the governance body's decision."),
    ),
    (
        "section_approved",
        _("The governance body approved a section (to its writers and the office)"),
        _("The governance body approved the section «%(title)s» (revision %(number)s)."),
    ),
    (
        "section_returned",
        _("The governance body asks for changes in a section (to its writers)"),
        _("The governance body asks for changes in the section «%(title)s»."),
    ),
]:
    register(
        f"programme.{key}",
        label=label,
        text=text,
        placeholders=SECTION,
        required=("title",),
        example=SECTION_EXAMPLE,
    )

for key, label, text in [
    (
        "version_sent_to_governance",
        _("A programme version goes to the governance body (to its members)"),
        _("Version %(number)s of the development programme awaits the governance body."),
    ),
    (
        "version_returned",
        _("A programme version is back in drafting (to the programme office)"),
        _("Version %(number)s of the programme is back in drafting."),
    ),
    (
        "version_approved",
        _("The governance body approved a programme version (to the office and recorders)"),
        _("The governance body approved version %(number)s of the development programme."),
    ),
]:
    register(
        f"programme.{key}",
        label=label,
        text=text,
        placeholders=VERSION,
        required=("number",),
        example={"number": "3"},
    )

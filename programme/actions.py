"""The actions a person may take on a section or a programme version now, for the pages to
show (templates never decide permissions, STYLE.md)."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from programme import rules
from programme.models import ProgrammeVersion, SectionRevision


@dataclass(frozen=True)
class Decision:
    name: str  # the `action` value the view dispatches on
    label: str
    style: str
    needs: tuple[str, ...] = ()  # fields the form asks for: "comment", "reference", "decision"


SECTION_DECISIONS = [
    (Decision("submit", _("Submit for the owner's approval"), "primary"), rules.can_submit_section),
    (
        Decision("request_changes", _("Request changes"), "warning", ("comment",)),
        rules.can_decide_section_in_group,
    ),
    (
        Decision("approve_in_group", _("Approve"), "success", ("comment",)),
        rules.can_decide_section_in_group,
    ),
    (
        Decision("send_to_governance", _("Send to the governance body"), "primary", ("comment",)),
        rules.can_send_section_to_governance,
    ),
    (
        Decision("governance_approve", _("Record the approval"), "success", ("reference",)),
        rules.can_record_section_decision,
    ),
    (
        Decision("governance_return", _("Return for changes"), "warning", ("comment", "reference")),
        rules.can_record_section_decision,
    ),
    (
        Decision("amend", _("Amend: open a new revision"), "outline-primary"),
        rules.can_amend_section,
    ),
]

VERSION_DECISIONS = [
    (
        Decision("send_to_governance", _("Freeze and send to the governance body"), "primary"),
        rules.can_send_version_to_governance,
    ),
    (
        Decision("approve", _("Sign off the approved version"), "success", ("decision",)),
        rules.can_sign_programme_version,
    ),
    (
        Decision("return", _("Return to drafting"), "warning", ("comment",)),
        rules.can_return_version,
    ),
]


def section_decisions(user, revision: SectionRevision | None) -> list[Decision]:
    if revision is None:
        return []
    return [decision for decision, allowed in SECTION_DECISIONS if allowed(user, revision)]


def version_decisions(user, version: ProgrammeVersion) -> list[Decision]:
    return [decision for decision, allowed in VERSION_DECISIONS if allowed(user, version)]


# How the pages name the audit trail's actions on sections and versions.
HISTORY = {
    "section_added": _("section added"),
    "text_saved": _("text saved"),
    "section_moved": _("section moved"),
    "section_removed": _("section removed from the programme"),
    "section_restored": _("section brought back"),
    "submitted": _("submitted for approval"),
    "changes_requested": _("changes requested"),
    "approved_in_group": _("approved by the owner"),
    "sent_to_governance": _("sent to the governance body"),
    "approved": _("approved by the governance body"),
    "returned": _("returned for changes by the governance body"),
    "amendment_opened": _("new revision opened"),
    "created": _("version started"),
    "returned_to_drafting": _("returned to drafting"),
    "superseded": _("superseded by a newer approved version"),
}

"""The transitions of a section's revision and of a programme version (one table each:
workflow/tables.py), read by the pages, the API, meetings' decisions and the permission-matrix
tests; and how the pages name the audit trail's actions. Templates never decide permissions
(STYLE.md): they render what `section_decisions` and `version_decisions` offer."""

from django.utils.translation import gettext_lazy as _

from programme import rules, services
from programme.models import ProgrammeVersion, SectionRevision
from workflow.tables import APPROVE, GOVERNANCE, GROUP, RETURN, REVISE, Param, Table, Transition

_SAY_WHAT = _("Say what should change in the section.")
_GIVE_REFERENCE = _("Give the number and date of the governance body's decision.")
COMMENT = Param("comment", "text", max_length=5000, missing=_SAY_WHAT)
OPTIONAL_COMMENT = Param("comment", "text", required=False, max_length=5000)
REFERENCE = Param("reference", "line", max_length=200, missing=_GIVE_REFERENCE)
OPTIONAL_REFERENCE = Param("reference", "line", required=False, max_length=200)
S = services

# A section's transitions run on its latest revision; the services take the section.
SECTION = Table(
    SectionRevision,
    (
        Transition(
            "submit",
            _("Submit for the owner's approval"),
            rules.can_submit_section,
            lambda r, by, seen: S.section_submit(section_id=r.section_id, by=by, seen_edition=seen),
            style="primary",
        ),
        Transition(
            "request_changes",
            _("Request changes"),
            rules.can_decide_section_in_group,
            lambda r, by, seen, comment: S.section_request_changes(
                section_id=r.section_id, by=by, comment=comment, seen_edition=seen
            ),
            params=(COMMENT,),
            style="warning",
            decisions=((GROUP, REVISE),),
        ),
        Transition(
            "approve_in_group",
            _("Approve"),
            rules.can_decide_section_in_group,
            lambda r, by, seen, comment="": S.section_approve_in_group(
                section_id=r.section_id, by=by, comment=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            style="success",
            decisions=((GROUP, APPROVE),),
            confirm=_(
                "The section is approved by its owner and can no longer be edited; only a new "
                "revision changes it."
            ),
        ),
        Transition(
            "send_to_governance",
            _("Send to the governance body"),
            rules.can_send_section_to_governance,
            lambda r, by, seen, comment="": S.section_send_to_governance(
                section_id=r.section_id, by=by, comment=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            style="primary",
            confirm=_(
                "The section is put before the governance body and cannot be edited until the body"
                " decides."
            ),
        ),
        Transition(
            "governance_approve",
            _("Record the approval"),
            rules.can_record_section_decision,
            lambda r, by, seen, reference, comment="": S.section_governance_approve(
                section_id=r.section_id, by=by, reference=reference, seen_edition=seen
            ),
            params=(REFERENCE, OPTIONAL_COMMENT),
            style="success",
            decisions=((GOVERNANCE, APPROVE),),
            confirm=_("The approved section is frozen: changing it later opens a new revision."),
        ),
        Transition(
            "governance_return",
            _("Return for changes"),
            rules.can_record_section_decision,
            lambda r, by, seen, comment, reference="": S.section_governance_return(
                section_id=r.section_id,
                by=by,
                comment=comment,
                reference=reference,
                seen_edition=seen,
            ),
            params=(COMMENT, OPTIONAL_REFERENCE),
            style="warning",
            decisions=((GOVERNANCE, RETURN),),
            confirm=_(
                "The governance body's decision is recorded for good: the section returns for "
                "changes."
            ),
        ),
        Transition(
            "amend",
            _("Amend: open a new revision"),
            rules.can_amend_section,
            lambda r, by, seen: S.section_amend(section_id=r.section_id, by=by, seen_edition=seen),
        ),
    ),
)

VERSION = Table(
    ProgrammeVersion,
    (
        Transition(
            "send_to_governance",
            _("Freeze and send to the governance body"),
            rules.can_send_version_to_governance,
            lambda v, by, seen, comment="": S.version_send_to_governance(
                version_id=v.pk, by=by, comment=comment, seen_edition=seen
            ),
            params=(OPTIONAL_COMMENT,),
            style="primary",
            confirm=_(
                "The version is frozen as it is now and put before the governance body: its "
                "content can no longer change."
            ),
        ),
        Transition(
            "approve",
            _("Sign off the approved version"),
            rules.can_sign_programme_version,
            lambda v, by, seen, decision_number, decision_date: S.version_approve(
                version_id=v.pk,
                by=by,
                decision_number=decision_number,
                decision_date=decision_date,
                seen_edition=seen,
            ),
            params=(
                Param(
                    "decision_number",
                    "line",
                    max_length=50,
                    missing=_("Give the decision's number."),
                ),
                Param("decision_date", "date", missing=_("Give the decision's date.")),
            ),
            style="success",
            decisions=((GOVERNANCE, APPROVE),),
            confirm=_(
                "The version is signed off as the approved programme: an unchangeable snapshot "
                "that supersedes the approved version before it."
            ),
        ),
        Transition(
            "return",
            _("Return to drafting"),
            rules.can_return_version,
            lambda v, by, seen, comment: S.version_return_to_drafting(
                version_id=v.pk, by=by, reason=comment, seen_edition=seen
            ),
            params=(
                Param(
                    "comment",
                    "text",
                    max_length=5000,
                    missing=_("Say why the version goes back to drafting."),
                ),
            ),
            style="warning",
            decisions=((GOVERNANCE, RETURN),),
            confirm=_(
                "The version goes back to drafting: the governance body's review of it ends."
            ),
        ),
    ),
)


def section_decisions(user, revision: SectionRevision | None) -> list[Transition]:
    return [] if revision is None else SECTION.available(user, revision)


def version_decisions(user, version: ProgrammeVersion) -> list[Transition]:
    return VERSION.available(user, version)


def version_blocked(version: ProgrammeVersion, problems: list) -> dict[str, str]:
    """The decisions on the version its service would refuse now, with why: a drafting version
    whose consistency check fails (`problems`, assembly.draft_problems) cannot be frozen and
    sent (programme.services.version_send_to_governance refuses it too)."""
    if version.state == ProgrammeVersion.State.DRAFTING and problems:
        return {
            "send_to_governance": _(
                "Not yet: the completeness and consistency check fails (see the list above)."
            )
        }
    return {}


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

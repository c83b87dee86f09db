"""How long a section's revision and a programme version may wait in each state, and for whom
(workflow/deadlines.py); registered from ProgrammeConfig.ready()."""

from django.urls import reverse

from programme.models import ProgrammeVersion, SectionRevision
from workflow import deadlines
from workflow.deadlines import UNTIL_NEXT_MEETING, Policy

RevisionState = SectionRevision.State


def _describe_revision(revision: SectionRevision) -> tuple[str, str]:
    return (
        f"{revision.section.title_ru} ({revision.number})",
        reverse("programme:section-detail", args=[revision.section_id]),
    )


def _describe_version(version: ProgrammeVersion) -> tuple[str, str]:
    return str(version), reverse("programme:version-detail", args=[version.pk])


def register() -> None:
    deadlines.register(
        SectionRevision,
        {
            RevisionState.WG_REVIEW: Policy(14, "group"),
            RevisionState.CHANGES_REQUESTED: Policy(10, "group"),
            RevisionState.WG_APPROVED: Policy(5, "office"),
            RevisionState.GOVERNANCE_REVIEW: Policy(UNTIL_NEXT_MEETING, "governance"),
        },
        describe=_describe_revision,
        group=lambda revision: revision.section.owner,
    )
    deadlines.register(
        ProgrammeVersion,
        {ProgrammeVersion.State.GOVERNANCE_REVIEW: Policy(UNTIL_NEXT_MEETING, "governance")},
        describe=_describe_version,
    )

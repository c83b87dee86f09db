"""One function per user action on the development programme (STYLE.md). Each locks its row,
refuses what the state does not allow (409) and what the person may not do (403), runs the
transition, saves, appends the audit entry and notifies who acts next, in one transaction; the
e-mails and the compiled PDF's rendering are sent after commit."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory import selectors as directory_selectors
from directory.models import Body, Membership
from documents.models import RenderJob
from documents.pdf import services as pdf_services
from mbk.exceptions import ActionRefusedError
from programme import assembly, document, rules
from programme.models import Programme, ProgrammeVersion, Section, SectionRevision
from programme.structure import OFFICE, typical_sections
from signing import services as signing_services
from signing.services import signed_with
from workflow import audit, runner
from workflow.notify import notify

SectionState = SectionRevision.State
VersionState = ProgrammeVersion.State
Role = Membership.Role


_people = directory_selectors.people
_office = directory_selectors.office_people


def _governance_recorders() -> list[User]:
    return _people(kind=Body.Kind.GOVERNANCE, roles=[Role.SECRETARY, Role.CHAIR])


# --- Structure --------------------------------------------------------------------------------
@transaction.atomic
def programme_create(
    *, title_ru: str, title_en: str, first_year: int, last_year: int, by: User | None
) -> Programme:
    """A programme with the typical sections of data/sections.yaml (used by the demo loader and
    the admin; the cluster has one programme at a time)."""
    programme = Programme.objects.create(
        title_ru=title_ru, title_en=title_en, first_year=first_year, last_year=last_year
    )
    office = Body.objects.get(kind=Body.Kind.PROGRAMME_OFFICE)
    for position, template in enumerate(typical_sections(), start=1):
        owner = office if template.owner == OFFICE else Body.objects.get(code=template.owner)
        Section.objects.create(
            programme=programme,
            code=template.code,
            position=position * 10,
            title_ru=template.title_ru,
            title_en=template.title_en,
            owner=owner,
            table=template.table,
        )
    audit.record(programme, actor=by, action="programme_created")
    return programme


def _structure_may_change(programme: Programme) -> None:
    if programme.versions.filter(state=VersionState.GOVERNANCE_REVIEW).exists():
        raise ActionRefusedError(
            _(
                "A version of the programme is before the governance body: its structure "
                "changes after the body decides or the version returns to drafting."
            )
        )


def _lock_programme(programme_id: int) -> Programme:
    return Programme.objects.select_for_update().get(pk=programme_id)


@transaction.atomic
def section_add(
    *,
    programme_id: int,
    by: User,
    code: str,
    title_ru: str,
    title_en: str,
    owner: Body,
    table: str = "",
) -> Section:
    """The programme office adds a section at the end, with an empty first revision."""
    programme = _lock_programme(programme_id)
    rules.require(rules.can_manage_sections, by)
    _structure_may_change(programme)
    if programme.sections.filter(code=code).exists():
        raise ActionRefusedError(_("The programme already has a section with this code."))
    last = programme.sections.aggregate(last=Max("position"))["last"] or 0
    section = Section.objects.create(
        programme=programme,
        code=code,
        position=last + 10,
        title_ru=title_ru,
        title_en=title_en,
        owner=owner,
        table=table,
    )
    audit.record(section, actor=by, action="section_added", comment=section.title_ru)
    return section


@transaction.atomic
def section_move(*, section_id: int, by: User, step: int) -> Section:
    """Move a section one place up (step -1) or down (+1) among the programme's sections."""
    section = Section.objects.select_for_update().get(pk=section_id)
    _lock_programme(section.programme_id)
    rules.require(rules.can_manage_sections, by)
    _structure_may_change(section.programme)
    ordered = list(section.programme.sections.filter(removed_at=None).order_by("position", "pk"))
    index = ordered.index(section)
    other = index + (1 if step > 0 else -1)
    if not 0 <= other < len(ordered):
        return section
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, item in enumerate(ordered, start=1):
        if item.position != position * 10:
            Section.objects.filter(pk=item.pk).update(position=position * 10)
    audit.record(section, actor=by, action="section_moved", comment=str(other + 1))
    section.refresh_from_db()
    return section


@transaction.atomic
def section_remove(*, section_id: int, by: User, restore: bool = False) -> Section:
    """Take a section out of the programme (its revisions and history stay), or bring it back."""
    section = Section.objects.select_for_update().get(pk=section_id)
    _lock_programme(section.programme_id)
    rules.require(rules.can_manage_sections, by)
    _structure_may_change(section.programme)
    if restore:
        last = section.programme.sections.aggregate(last=Max("position"))["last"] or 0
        section.removed_at, section.position = None, last + 10
    else:
        section.removed_at = timezone.now()
    section.save(update_fields=["removed_at", "position"])
    audit.record(section, actor=by, action="section_restored" if restore else "section_removed")
    return section


# --- A section's revisions --------------------------------------------------------------------
def latest_revision(section: Section) -> SectionRevision | None:
    return section.revisions.order_by("-number").first()


def _begin_revision(
    section_id: int, by: User, seen_edition: int | None, *, rule, transition=None, states=None
) -> runner.Change:
    """A change of the section's latest revision, through the runner (workflow/runner.py)."""
    latest = (
        SectionRevision.objects.filter(section_id=section_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )
    if latest is None:
        raise ActionRefusedError(_("The section has no text yet."))
    return runner.begin(
        SectionRevision,
        latest,
        by=by,
        seen=seen_edition,
        rule=rule,
        transition=transition,
        states=states,
    )


def _section_notice(people, revision: SectionRevision, *, kind: str, by: User) -> None:
    notify(
        people,
        actor=by,
        kind=kind,
        params={"title": revision.section.title_ru, "number": revision.number},
        url_name="programme:section-detail",
        url_kwargs={"pk": revision.section_id},
    )


@transaction.atomic
def section_write(
    *, section_id: int, by: User, text: str, rows: list[dict], seen_edition: int | None
) -> SectionRevision:
    """Save the text and table of the section's open revision (the first one is created by
    the first save). A form drawn before someone else's save is stale (409)."""
    section = Section.objects.select_for_update().get(pk=section_id)
    revision = latest_revision(section)
    if revision is None:
        rules.require(rules.is_section_writer, by, section)
        change = runner.Change(
            SectionRevision(section=section, number=1, created_by=by, edition=0), by, None
        )
    else:
        change = _begin_revision(
            section_id,
            by,
            seen_edition,
            states=SectionRevision.EDITABLE,
            rule=rules.can_edit_section,
        )
    revision = change.obj
    revision.text = text
    revision.rows = rows
    change.finish("text_saved")
    return revision


@transaction.atomic
def section_submit(*, section_id: int, by: User, seen_edition: int | None = None):
    """The writers put the revision before the owner's chair (or the programme office)."""
    change = _begin_revision(
        section_id, by, seen_edition, transition="submit", rule=rules.can_submit_section
    )
    revision = change.obj
    if not revision.text.strip():
        raise ActionRefusedError(_("Write the section's text before submitting it."))
    change.transition()
    change.finish("submitted")
    owner = revision.section.owner
    deciders = (
        _office()
        if owner.kind == Body.Kind.PROGRAMME_OFFICE
        else _people(body=owner, roles=[Role.CHAIR])
    )
    _section_notice(
        deciders,
        revision,
        kind="programme.section_submitted",
        by=by,
    )
    return revision


def _writers(revision: SectionRevision) -> list[User]:
    return _people(body=revision.section.owner, roles=[Role.CHAIR, Role.SECRETARY, Role.STAFF])


@transaction.atomic
def section_request_changes(
    *, section_id: int, by: User, comment: str, seen_edition: int | None = None
) -> SectionRevision:
    """At the owner's stage: back to the writers with what to change."""
    change = _begin_revision(
        section_id,
        by,
        seen_edition,
        transition="request_changes",
        rule=rules.can_decide_section_in_group,
    )
    revision = change.obj
    if not comment.strip():
        raise ActionRefusedError(_("Say what should change in the section."))
    change.transition()
    change.finish("changes_requested", comment=comment.strip())
    _section_notice(_writers(revision), revision, kind="programme.section_changes_requested", by=by)
    return revision


@transaction.atomic
def section_approve_in_group(
    *, section_id: int, by: User, comment: str = "", seen_edition: int | None = None
) -> SectionRevision:
    change = _begin_revision(
        section_id,
        by,
        seen_edition,
        transition="approve_in_group",
        rule=rules.can_decide_section_in_group,
    )
    revision = change.obj
    change.transition()
    change.finish("approved_in_group", comment=comment.strip())
    _section_notice(
        _office(),
        revision,
        kind="programme.section_approved_in_group",
        by=by,
    )
    return revision


@transaction.atomic
def section_send_to_governance(
    *, section_id: int, by: User, comment: str = "", seen_edition: int | None = None
) -> SectionRevision:
    change = _begin_revision(
        section_id,
        by,
        seen_edition,
        transition="send_to_governance",
        rule=rules.can_send_section_to_governance,
    )
    revision = change.obj
    change.transition()
    change.finish("sent_to_governance", comment=comment.strip())
    _section_notice(
        _governance_recorders(),
        revision,
        kind="programme.section_sent_to_governance",
        by=by,
    )
    return revision


@transaction.atomic
def section_governance_approve(
    *, section_id: int, by: User, reference: str, seen_edition: int | None = None
) -> SectionRevision:
    """The governance body approves the revision, with its decision's number and date: the
    revision is frozen from now on."""
    change = _begin_revision(
        section_id, by, seen_edition, transition="approve", rule=rules.can_record_section_decision
    )
    revision = change.obj
    if not reference.strip():
        raise ActionRefusedError(_("Give the number and date of the governance body's decision."))
    change.transition(reference=reference.strip(), sha256=assembly.revision_content_hash(revision))
    change.finish("approved", reference=reference.strip())
    _section_notice(
        _writers(revision) + _office(),
        revision,
        kind="programme.section_approved",
        by=by,
    )
    return revision


@transaction.atomic
def section_governance_return(
    *, section_id: int, by: User, comment: str, reference: str = "", seen_edition=None
) -> SectionRevision:
    """The governance body sends the revision back to its writers with what to change."""
    change = _begin_revision(
        section_id,
        by,
        seen_edition,
        transition="return_from_governance",
        rule=rules.can_record_section_decision,
    )
    revision = change.obj
    if not comment.strip():
        raise ActionRefusedError(_("Say what should change in the section."))
    change.transition()
    change.finish("returned", comment=comment.strip(), reference=reference.strip())
    _section_notice(
        _writers(revision),
        revision,
        kind="programme.section_returned",
        by=by,
    )
    return revision


@transaction.atomic
def section_amend(*, section_id: int, by: User, seen_edition: int | None = None):
    """Open the next revision of an approved section, starting from its text; the approved
    revision stays as it is and the programme keeps using it until the next is approved."""
    approved = _begin_revision(
        section_id, by, seen_edition, states=(SectionState.APPROVED,), rule=rules.can_amend_section
    ).obj
    revision = SectionRevision.objects.create(
        section=approved.section,
        number=approved.number + 1,
        text=approved.text,
        rows=approved.rows,
        created_by=by,
    )
    audit.record(
        revision,
        actor=by,
        action="amendment_opened",
        to_state=revision.state,
        comment=str(approved.number),
        content_sha256=approved.sha256,
    )
    return revision


# --- Programme versions -----------------------------------------------------------------------
def _version_notice(people, version: ProgrammeVersion, *, kind: str, by: User) -> None:
    notify(
        people,
        actor=by,
        kind=kind,
        params={"number": version.number},
        url_name="programme:version-detail",
        url_kwargs={"pk": version.pk},
    )


@transaction.atomic
def version_create(*, programme_id: int, by: User, note: str = "") -> ProgrammeVersion:
    """The programme office starts a new version; one is prepared at a time."""
    programme = _lock_programme(programme_id)
    rules.require(rules.can_create_programme_version, by)
    if programme.versions.filter(state__in=ProgrammeVersion.OPEN).exists():
        raise ActionRefusedError(
            _("A version of the programme is already in preparation; finish it first.")
        )
    number = (programme.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = ProgrammeVersion.objects.create(
        programme=programme, number=number, note=note.strip(), created_by=by
    )
    audit.record(version, actor=by, action="created", to_state=version.state, comment=note)
    return version


@transaction.atomic
def version_send_to_governance(
    *, version_id: int, by: User, comment: str = "", seen_edition: int | None = None
) -> ProgrammeVersion:
    """Freeze the version (the approved sections and anchor projects as they are now) and put
    it before the governance body; refused with the list of problems if the check fails."""
    change = runner.begin(
        ProgrammeVersion,
        version_id,
        by=by,
        seen=seen_edition,
        transition="send_to_governance",
        rule=rules.can_send_version_to_governance,
    )
    version = change.obj
    snapshot = assembly.assemble(version.programme)
    problems = assembly.draft_problems(snapshot)
    if problems:
        raise ActionRefusedError(
            _("The version cannot go to the governance body yet."), [str(p) for p in problems]
        )
    change.transition(snapshot=snapshot, sha256=assembly.snapshot_hash(snapshot))
    change.finish("sent_to_governance", comment=comment.strip())
    _version_notice(
        _people(kind=Body.Kind.GOVERNANCE, roles=[Role.CHAIR, Role.SECRETARY, Role.MEMBER]),
        version,
        kind="programme.version_sent_to_governance",
        by=by,
    )
    return version


@transaction.atomic
def version_return_to_drafting(
    *, version_id: int, by: User, reason: str, seen_edition: int | None = None
) -> ProgrammeVersion:
    """Back to drafting: the snapshot is dropped and gathered anew when sent again."""
    change = runner.begin(
        ProgrammeVersion,
        version_id,
        by=by,
        seen=seen_edition,
        transition="return_to_drafting",
        rule=rules.can_return_version,
    )
    version = change.obj
    if not reason.strip():
        raise ActionRefusedError(_("Say why the version goes back to drafting."))
    change.transition()
    change.finish("returned_to_drafting", comment=reason.strip())
    _version_notice(_office(), version, kind="programme.version_returned", by=by)
    return version


@transaction.atomic
def version_approve(
    *,
    version_id: int,
    by: User,
    decision_number: str,
    decision_date: datetime.date,
    seen_edition: int | None = None,
) -> ProgrammeVersion:
    """The governance body's chair signs the version off with the decision's number and date.
    The snapshot is final from now on, the previously approved version is superseded, and the
    compiled PDF is rendered once (after commit)."""
    change = runner.begin(
        ProgrammeVersion,
        version_id,
        by=by,
        seen=seen_edition,
        transition="approve",
        rule=rules.can_sign_programme_version,
    )
    version = change.obj
    if not decision_number.strip() or decision_date is None:
        raise ActionRefusedError(_("Give the number and date of the governance body's decision."))
    if decision_date > timezone.localdate():
        raise ActionRefusedError(_("The decision's date cannot be in the future."))
    problems = assembly.late_problems(version)
    if problems:
        raise ActionRefusedError(
            _(
                "The version is out of date: return it to drafting and send it again to "
                "include what was approved after it was frozen."
            ),
            [str(p) for p in problems],
        )
    previous = list(
        ProgrammeVersion.objects.select_for_update().filter(
            programme=version.programme, state=VersionState.APPROVED
        )
    )
    change.transition(number=decision_number.strip(), date=decision_date, signed_by=by)
    # The chair's own signature, applied to the PDF with their personal key (signing/): refused
    # here, with nothing changed, when they hold no valid certificate.
    signoff = signing_services.sign_off(
        subject=version, person=by, role="signatory", reason=str(_("I approve")), audited=False
    )
    reference = _("№ %(number)s of %(date)s") % {
        "number": version.decision_number,
        "date": decision_date.strftime("%d.%m.%Y"),
    }
    change.finish("approved", reference=str(reference), comment=signed_with(signoff.certificate))
    for old in previous:
        superseding = runner.Change(old, by, "supersede")
        superseding.transition()
        superseding.finish("superseded", comment=str(version.number))
    programme_document_request(version_id=version.pk, by=by, language="ru")
    _version_notice(
        _office() + _governance_recorders(),
        version,
        kind="programme.version_approved",
        by=by,
    )
    return version


@transaction.atomic
def programme_document_request(*, version_id: int, by: User, language: str) -> RenderJob:
    """The compiled programme of a frozen version. An approved version's document never changes
    (its key is fixed at approval), so it is rendered once and the same file served after."""
    version = ProgrammeVersion.objects.get(pk=version_id)
    return pdf_services.subject_document_request(
        kind=RenderJob.Kind.PROGRAMME,
        subject=version,
        key=document.source_key(version),
        number=version.number,
        by=by,
        language=language,
    )

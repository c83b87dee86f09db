"""Writing a proposal's content: calls, drafts, co-authors, attachments and answers to
remarks. Transitions of the workflow are in workflow/services.py."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from accounts.models import User
from directory.models import Affiliation, Direction
from documents import grants, keeping, questions, rules
from documents.content import content_hash, snapshot
from documents.models import (
    Attachment,
    BudgetLine,
    Call,
    Indicator,
    Milestone,
    Proposal,
    RequestedInstrument,
)
from documents.uploads import CheckedUpload
from mbk.exceptions import ActionRefusedError, StaleObjectError
from workflow import audit


def _lock_editable(proposal_id: int, by: User, seen_edition: int | None) -> Proposal:
    proposal = Proposal.objects.select_for_update().get(pk=proposal_id)
    if seen_edition is not None and seen_edition != proposal.edition:
        raise StaleObjectError
    if not proposal.is_editable:  # the state first (409), then the person (403)
        raise TransitionNotAllowed(f"not editable in {proposal.state}", object=proposal)
    rules.require(rules.can_edit_proposal, by, proposal)
    return proposal


def _touch(proposal: Proposal) -> None:
    proposal.edition += 1
    Proposal.objects.filter(pk=proposal.pk).update(edition=proposal.edition)


def _record_edit(proposal: Proposal, by: User, action: str, **fields) -> None:
    """An entry for a change of the proposal's content: its state stays as it is."""
    audit.record(
        proposal,
        actor=by,
        action=action,
        from_state=proposal.state,
        to_state=proposal.state,
        **fields,
    )


@transaction.atomic
def call_open(
    *,
    by: User,
    title_ru: str,
    title_en: str,
    directions: list[Direction],
    opens_on: datetime.date,
    closes_on: datetime.date,
    first_year: int,
    last_year: int,
    guide: str = "",
    blind_review: bool = False,
) -> Call:
    """The programme office opens a call for proposals (with blind review, if asked)."""
    rules.require(rules.can_manage_calls, by)
    call = Call(
        title_ru=title_ru,
        title_en=title_en,
        opens_on=opens_on,
        closes_on=closes_on,
        first_year=first_year,
        last_year=last_year,
        guide=guide,
        blind_review=blind_review,
        created_by=by,
    )
    call.full_clean()
    call.save()
    call.directions.set(directions)
    audit.record(call, actor=by, action="call_opened", comment=call.title_ru)
    if blind_review:
        audit.record(call, actor=by, action="blind_review_on")
    return call


@transaction.atomic
def call_set_blind_review(*, call_id: int, by: User, blind_review: bool) -> Call:
    """The programme office turns a call's blind review on or off, until the call opens
    (afterwards its proposals' experts may have read them either way: 409). Audited; a request
    that changes nothing records nothing."""
    call = Call.objects.select_for_update().get(pk=call_id)
    rules.require(rules.can_change_blind_review, by, call)
    if call.has_opened():
        raise ActionRefusedError(
            _("The call has opened: its blind review can no longer be changed.")
        )
    if call.blind_review != blind_review:
        call.blind_review = blind_review
        call.save(update_fields=["blind_review"])
        action = "blind_review_on" if blind_review else "blind_review_off"
        audit.record(call, actor=by, action=action)
    return call


@transaction.atomic
def proposal_create(*, by: User, call: Call, direction: Direction, title: str) -> Proposal:
    """Start a draft in an open call; the author's organisation and the direction's working
    group are set from the directory. Only its authors see it."""
    rules.require(rules.can_create_proposal, by, call)
    if not call.directions.filter(pk=direction.pk).exists():
        raise ActionRefusedError(_("This call does not cover the chosen direction."))
    proposal = Proposal.objects.create(
        call=call,
        author=by,
        organisation=by.organisation,
        direction=direction,
        group=direction.working_group,
        title=title.strip(),
        contact_name=by.get_full_name(),
        contact_email=by.email,
        contact_phone=by.phone,
    )
    audit.record(proposal, actor=by, action="created", to_state=proposal.state)
    grants.sync_proposal_permissions(proposal)
    return proposal


@dataclass
class ProposalContent:
    """Everything the draft form edits; child rows are replaced as a whole."""

    fields: dict
    infrastructure_groups: list
    services: list
    budget_lines: list[dict]  # year, source, amount
    indicators: list[dict]  # name, unit, baseline, targets {year: value}
    requested_instruments: list[dict]  # instrument, justification
    milestones: list[dict]  # name, due_on
    # Answers to the call's questions by question id (documents/questions.py); None leaves
    # the answers as they are (a caller that does not edit them).
    answers: dict[int, object] | None = None


@transaction.atomic
def proposal_update(
    *, proposal_id: int, by: User, content: ProposalContent, seen_edition: int | None
) -> Proposal:
    """Save the draft's content (authors and co-authors, while editable). A form drawn
    before someone else's save is refused (StaleObjectError) instead of overwriting it."""
    proposal = _lock_editable(proposal_id, by, seen_edition)
    direction = content.fields.get("direction")
    if direction is not None and direction != proposal.direction:
        if proposal.state != Proposal.State.DRAFT:
            raise ActionRefusedError(_("The direction cannot change once submitted."))
        proposal.group = direction.working_group
    for name, value in content.fields.items():
        setattr(proposal, name, value)
    proposal.edition += 1
    proposal.full_clean(exclude=["state", "call", "author", "organisation", "group"])
    proposal.save()
    proposal.infrastructure_groups.set(content.infrastructure_groups)
    proposal.services.set(content.services)
    proposal.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(proposal=proposal, **row) for row in content.budget_lines
    )
    proposal.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(proposal=proposal, position=n, **row) for n, row in enumerate(content.indicators)
    )
    proposal.requested_instruments.all().delete()
    RequestedInstrument.objects.bulk_create(
        RequestedInstrument(proposal=proposal, **row) for row in content.requested_instruments
    )
    proposal.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(proposal=proposal, position=n, **row) for n, row in enumerate(content.milestones)
    )
    if content.answers is not None:
        questions.save_answers(proposal, content.answers)
    # The hash of the content as saved, the same form as a frozen version's (documents/content).
    _record_edit(
        proposal,
        by,
        "content_edited",
        comment=str(proposal.edition),
        content_sha256=content_hash(snapshot(proposal)),
    )
    return proposal


@transaction.atomic
def proposal_set_coauthors(
    *, proposal_id: int, by: User, coauthors: list[User], seen_edition: int | None = None
) -> Proposal:
    """The principal author shares editing with colleagues of the same organisation."""
    proposal = _lock_editable(proposal_id, by, seen_edition)
    rules.require(rules.can_manage_coauthors, by, proposal)
    strangers = [u for u in coauthors if u.organisation_id != proposal.organisation_id]
    if strangers:
        raise ActionRefusedError(
            _("Co-authors must be colleagues of the same organisation: %(names)s is not.")
            % {"names": ", ".join(u.get_full_name() for u in strangers)}
        )
    members = set(
        Affiliation.objects.filter(
            organisation_id=proposal.organisation_id,
            status=Affiliation.Status.CONFIRMED,
            user__in=[u.pk for u in coauthors],
        ).values_list("user_id", flat=True)
    )
    unconfirmed = [u for u in coauthors if u.pk not in members and u.pk != proposal.author_id]
    if unconfirmed:
        raise ActionRefusedError(
            _("Co-authors must be confirmed members of the organisation; not confirmed: %(names)s.")
            % {"names": ", ".join(u.get_full_name() for u in unconfirmed)}
        )
    before = {u.pk: u for u in proposal.coauthors.all()}
    after = {u.pk: u for u in coauthors if u.pk != proposal.author_id}
    proposal.coauthors.set(list(after.values()))
    _touch(proposal)
    for action, people in (
        ("coauthor_added", [after[pk] for pk in after.keys() - before.keys()]),
        ("coauthor_removed", [before[pk] for pk in before.keys() - after.keys()]),
    ):
        for person in sorted(people, key=lambda u: u.pk):
            _record_edit(proposal, by, action, comment=f"{person.get_full_name()} (id {person.pk})")
    grants.sync_proposal_permissions(proposal)
    return proposal


@transaction.atomic
def attachment_add(
    *, proposal_id: int, by: User, upload: CheckedUpload, seen_edition: int | None = None
) -> Attachment:
    """Store an upload already checked by content and size, under a generated name."""
    proposal = _lock_editable(proposal_id, by, seen_edition)
    if proposal.attachments.current().filter(sha256=upload.sha256).exists():
        raise ActionRefusedError(_("This file is already attached."))
    attachment = Attachment(
        proposal=proposal,
        original_name=upload.original_name,
        content_type=upload.content_type,
        extension=upload.extension,
        size=upload.size,
        sha256=upload.sha256,
        uploaded_by=by,
    )
    attachment.file.save("upload", ContentFile(upload.read()), save=False)
    attachment.save()
    _touch(proposal)
    _record_edit(
        proposal,
        by,
        "attachment_added",
        comment=attachment.original_name,
        content_sha256=upload.sha256,
    )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment_id: int, by: User) -> int:
    """Remove an attachment of an editable proposal; returns the proposal's new edition. One
    that a frozen version lists stays (row and file), marked removed by whom and when, for that
    version (documents/keeping.py); one no version froze is deleted with its file."""
    attachment = Attachment.objects.current().select_related("proposal").get(pk=attachment_id)
    proposal = _lock_editable(attachment.proposal_id, by, None)
    name, sha256 = attachment.original_name, attachment.sha256
    if keeping.is_frozen(attachment):
        attachment.removed_at = timezone.now()
        attachment.removed_by = by
        attachment.save(update_fields=["removed_at", "removed_by"])
        with translation.override(settings.LANGUAGE_CODE):  # the trail is a record, not a page
            comment = str(_("%(name)s (kept for the versions that list it)") % {"name": name})
    else:
        stored, storage = attachment.file.name, attachment.file.storage
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(stored))
        comment = name
    _touch(proposal)
    _record_edit(proposal, by, "attachment_removed", comment=comment, content_sha256=sha256)
    return proposal.edition


@transaction.atomic
def remarks_answer(
    *, proposal_id: int, by: User, answers: dict[int, str], seen_edition: int | None = None
) -> Proposal:
    """The authors answer the remarks of the last revision request, one answer each."""
    proposal = _lock_editable(proposal_id, by, seen_edition)
    answered = []
    for remark in proposal.remarks.filter(round=proposal.round):
        if remark.pk in answers:
            remark.answer = answers[remark.pk].strip()
            remark.save(update_fields=["answer"])
            answered.append(str(remark.number))
    _touch(proposal)
    _record_edit(proposal, by, "remarks_answered", comment=", ".join(answered))
    return proposal


@transaction.atomic
def answers_update(
    *, proposal_id: int, by: User, answers: dict[int, object], seen_edition: int | None
) -> Proposal:
    """Save answers to the call's questions alone (the API's; the edit page saves them with
    the rest of the draft through proposal_update). Same rule as any edit of the content."""
    proposal = _lock_editable(proposal_id, by, seen_edition)
    questions.save_answers(proposal, answers)
    _touch(proposal)
    _record_edit(
        proposal,
        by,
        "answers_edited",
        comment=", ".join(map(str, sorted(answers))),
        content_sha256=content_hash(snapshot(proposal)),
    )
    return proposal

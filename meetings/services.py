"""One function per action of a meeting's secretary (or chair): plan it, build and publish
the agenda, hold it, record attendance, votes and decisions, set tasks, approve the minutes.

A decision applies its transition through the same services as an individual action
(workflow/services.py, programme/services.py), with the minutes' number and item as its
reference, so every rule (state, rights, conflicts of interest) is checked the same way."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed, can_proceed

from accounts.models import User
from directory.models import Body, Membership
from documents import transitions
from documents.models import Proposal, RenderJob
from documents.pdf import services as pdf_services
from meetings import document, selectors
from meetings.models import AgendaItem, Attendance, Meeting, Task, Vote
from programme import services as programme_services
from programme.models import ProgrammeVersion, SectionRevision
from workflow import audit, rules
from workflow.exceptions import ActionRefusedError, StaleObjectError
from workflow.models import Notice
from workflow.notify import notify

Outcome = AgendaItem.Outcome
Role = Membership.Role


def _lock(meeting_id: int, seen_edition: int | None = None) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=meeting_id)
    if seen_edition is not None and seen_edition != meeting.edition:
        raise StaleObjectError
    return meeting


def _check(meeting: Meeting, transition, by: User) -> None:
    if not can_proceed(transition):
        raise TransitionNotAllowed(f"{transition.__name__} from {meeting.state}", object=meeting)
    rules.require(rules.can_run_meeting, by, meeting)


def _in_state(meeting: Meeting, state: str, by: User) -> None:
    if meeting.state != state:
        raise TransitionNotAllowed(f"not allowed while {meeting.state}", object=meeting)
    rules.require(rules.can_run_meeting, by, meeting)


def _bump(meeting: Meeting, by: User, action: str, from_state: str = "", **entry) -> None:
    meeting.edition += 1
    meeting.save()
    audit.record(
        meeting,
        actor=by,
        action=action,
        from_state=from_state or meeting.state,
        to_state=meeting.state,
        **entry,
    )


@transaction.atomic
def meeting_plan(
    *, body_id: int, by: User, starts_at: datetime.datetime, place: str = "", online_url: str = ""
) -> Meeting:
    """The body's secretary (or chair) plans a meeting; numbers follow on per body."""
    body = Body.objects.select_for_update().get(pk=body_id)
    rules.require(rules.can_plan_meetings, by, body)
    if not place.strip() and not online_url.strip():
        raise ActionRefusedError(_("Give the place of the meeting or its online link."))
    number = (body.meetings.aggregate(last=Max("number"))["last"] or 0) + 1
    meeting = Meeting(
        body=body,
        number=number,
        starts_at=starts_at,
        place=place.strip(),
        online_url=online_url.strip(),
        created_by=by,
    )
    meeting.clean_fields(exclude=["state"])  # the place is one line (mbk.text), whoever calls
    meeting.save()
    audit.record(meeting, actor=by, action="planned", to_state=meeting.state)
    return meeting


def _next_position(meeting: Meeting) -> int:
    return (meeting.items.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def agenda_add(
    *,
    meeting_id: int,
    by: User,
    title: str = "",
    subject: Proposal | SectionRevision | ProgrammeVersion | None = None,
    motion: str = "",
) -> AgendaItem:
    """Add an item while the meeting is planned: a free item (a title), or something awaiting
    this body's decision (among selectors.awaiting) with the motion put to the vote."""
    meeting = _lock(meeting_id)
    _in_state(meeting, Meeting.State.PLANNED, by)
    fields = {}
    if subject is not None:
        if subject not in selectors.awaiting(meeting):
            raise ActionRefusedError(
                _("This item does not await a decision of this body, or is on the agenda.")
            )
        if motion not in selectors.motions_for(meeting, subject):
            raise ActionRefusedError(_("Choose a decision this body can take on the item."))
        key = {
            Proposal: "proposal",
            SectionRevision: "section_revision",
            ProgrammeVersion: "programme_version",
        }[type(subject)]
        fields = {key: subject, "motion": motion}
        title = title.strip() or selectors.subject_title(subject)
    if not title.strip():
        raise ActionRefusedError(_("Give the item a title."))
    item = AgendaItem.objects.create(
        meeting=meeting, position=_next_position(meeting), title=title.strip()[:500], **fields
    )
    _bump(meeting, by, "agenda_item_added", comment=item.title)
    return item


@transaction.atomic
def agenda_publish(*, meeting_id: int, by: User, seen_edition: int | None = None) -> Meeting:
    """Publish the agenda: every member gets a notice and an e-mail with an .ics invitation."""
    meeting = _lock(meeting_id, seen_edition)
    _check(meeting, meeting.publish_agenda, by)
    if not meeting.items.exists():
        raise ActionRefusedError(_("The agenda has no item yet."))
    meeting.publish_agenda()
    _bump(meeting, by, "agenda_published", Meeting.State.PLANNED)
    members = selectors.members(meeting)
    notify(
        members,
        message=_("The agenda of %(meeting)s is published."),
        params={"meeting": meeting.title},
        url_name="meetings:detail",
        url_kwargs={"pk": meeting.pk},
        category=Notice.Category.MEETINGS,
    )
    from meetings.tasks import task_send_meeting_invitation

    for person in members:
        transaction.on_commit(
            lambda person_id=person.pk: task_send_meeting_invitation.delay(
                meeting_id=meeting.pk, person_id=person_id
            ),
            robust=True,
        )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting_id: int, by: User, reason: str) -> Meeting:
    meeting = _lock(meeting_id)
    _check(meeting, meeting.cancel, by)
    if not reason.strip():
        raise ActionRefusedError(_("Say why the meeting is cancelled."))
    from_state = meeting.state
    meeting.cancel()
    _bump(meeting, by, "cancelled", from_state, comment=reason.strip())
    if from_state == Meeting.State.AGENDA_PUBLISHED:
        notify(
            selectors.members(meeting),
            message=_("%(meeting)s is cancelled."),
            params={"meeting": meeting.title},
            url_name="meetings:detail",
            url_kwargs={"pk": meeting.pk},
            category=Notice.Category.MEETINGS,
        )
    return meeting


@transaction.atomic
def meeting_hold(
    *, meeting_id: int, by: User, present: list[User], seen_edition: int | None = None
) -> Meeting:
    """The meeting took place: record who was there (the quorum is counted from it)."""
    meeting = _lock(meeting_id, seen_edition)
    _check(meeting, meeting.hold, by)
    meeting.hold()
    _write_attendance(meeting, present)
    _bump(meeting, by, "held", Meeting.State.AGENDA_PUBLISHED, comment=_quorum_line(meeting))
    return meeting


def _write_attendance(meeting: Meeting, present: list[User]) -> None:
    members = selectors.voting_members(meeting)
    outsiders = [p for p in present if p not in members]
    if outsiders:
        raise ActionRefusedError(
            _("%(name)s is not a voting member of this body.")
            % {"name": outsiders[0].get_full_name()}
        )
    meeting.attendance.all().delete()
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, person=person, present=person in present) for person in members
    )


def _quorum_line(meeting: Meeting) -> str:
    quorum = selectors.quorum(meeting)
    return str(
        _("present %(present)s of %(members)s, quorum %(needed)s")
        % {"present": quorum.present, "members": quorum.members, "needed": quorum.needed}
    )


@transaction.atomic
def attendance_record(
    *, meeting_id: int, by: User, present: list[User], seen_edition: int | None = None
) -> Meeting:
    """Correct the attendance before any decision is recorded."""
    meeting = _lock(meeting_id, seen_edition)
    _in_state(meeting, Meeting.State.HELD, by)
    if meeting.items.exclude(result="").exists():
        raise ActionRefusedError(
            _("Decisions are recorded already: the attendance they were taken with stays.")
        )
    _write_attendance(meeting, present)
    _bump(meeting, by, "attendance_recorded", comment=_quorum_line(meeting))
    return meeting


def _require_quorum(meeting: Meeting) -> None:
    quorum = selectors.quorum(meeting)
    if not quorum.reached:
        raise ActionRefusedError(
            _(
                "There is no quorum: %(present)s of %(members)s members are present, "
                "%(needed)s are needed. No decision can be recorded."
            )
            % {"present": quorum.present, "members": quorum.members, "needed": quorum.needed}
        )


def _item_for_decision(item_id: int, by: User) -> tuple[Meeting, AgendaItem]:
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    meeting = _lock(item.meeting_id)
    _in_state(meeting, Meeting.State.HELD, by)
    item = AgendaItem.objects.select_for_update().get(pk=item_id)
    if not item.is_decision:
        raise ActionRefusedError(_("A free item is discussed, not voted on."))
    if item.result:
        raise ActionRefusedError(_("The decision on this item is recorded already."))
    _require_quorum(meeting)
    return meeting, item


@transaction.atomic
def votes_record(*, item_id: int, by: User, votes: dict[int, str]) -> AgendaItem:
    """The votes of the present members on an item, replacing what was entered before. A
    member with a conflict of interest on the item does not vote."""
    meeting, item = _item_for_decision(item_id, by)
    present = {p.pk: p for p in selectors.present_members(meeting)}
    rows = []
    for person_id, choice in votes.items():
        person = present.get(person_id)
        if person is None:
            raise ActionRefusedError(_("Only members present at the meeting vote."))
        if choice not in Vote.Choice.values:
            raise ActionRefusedError(_("A vote is for, against or abstained."))
        if selectors.is_conflicted(person, item):
            raise ActionRefusedError(
                _("%(name)s has a conflict of interest on this item and does not vote.")
                % {"name": person.get_full_name()}
            )
        rows.append(Vote(item=item, person=person, choice=choice))
    item.votes.all().delete()
    Vote.objects.bulk_create(rows)
    counts = selectors.vote_counts(item)
    _bump(
        meeting,
        by,
        "votes_recorded",
        comment=f"{item.position}: {counts['for']}/{counts['against']}/{counts['abstained']}",
    )
    return item


def _apply(meeting: Meeting, item: AgendaItem, by: User, note: str) -> None:
    """The transition the adopted motion calls for, through the item's own service."""
    reference = str(item.reference)
    governance = meeting.body.kind == Body.Kind.GOVERNANCE
    reason = note or str(_("Decision of the meeting"))
    if item.proposal_id:
        common = {"proposal_id": item.proposal_id, "by": by}
        actions = {
            (True, Outcome.APPROVE): lambda: transitions.proposal_governance_approve(
                **common, reference=reference, note=note
            ),
            (True, Outcome.REJECT): lambda: transitions.proposal_reject(
                **common, reason=reason, reference=reference
            ),
            (True, Outcome.RETURN): lambda: transitions.proposal_return_to_group(
                **common, reason=reason, reference=reference
            ),
            (False, Outcome.APPROVE): lambda: transitions.proposal_approve_in_group(
                **common, note=f"{reference}. {note}".strip()
            ),
            (False, Outcome.REJECT): lambda: transitions.proposal_reject(
                **common, reason=reason, reference=reference
            ),
            (False, Outcome.REQUEST_REVISION): lambda: transitions.proposal_request_revision(
                **common, remarks=[line for line in reason.splitlines() if line.strip()]
            ),
        }
    elif item.section_revision_id:
        common = {"section_id": item.section_revision.section_id, "by": by}
        comment = f"{reference}. {note}".strip()
        actions = {
            (True, Outcome.APPROVE): lambda: programme_services.section_governance_approve(
                **common, reference=reference
            ),
            (True, Outcome.RETURN): lambda: programme_services.section_governance_return(
                **common, comment=reason, reference=reference
            ),
            (False, Outcome.APPROVE): lambda: programme_services.section_approve_in_group(
                **common, comment=comment
            ),
            (False, Outcome.REQUEST_REVISION): lambda: programme_services.section_request_changes(
                **common, comment=reason
            ),
        }
    else:
        common = {"version_id": item.programme_version_id, "by": by}
        actions = {
            (True, Outcome.APPROVE): lambda: programme_services.version_approve(
                **common,
                decision_number=f"{meeting.number}/{item.position}",
                decision_date=timezone.localtime(meeting.starts_at).date(),
            ),
            (True, Outcome.RETURN): lambda: programme_services.version_return_to_drafting(
                **common, reason=reason
            ),
        }
    actions[(governance, item.motion)]()


@transaction.atomic
def decision_record(*, item_id: int, by: User, note: str = "") -> AgendaItem:
    """Record the decision on an item from its votes: the motion is adopted when more present
    members voted for it than against, and its transition is applied in the same transaction
    (a refusal there leaves nothing recorded)."""
    meeting, item = _item_for_decision(item_id, by)
    counts = selectors.vote_counts(item)
    if sum(counts.values()) == 0:
        raise ActionRefusedError(_("Record the votes on the item first."))
    adopted = counts["for"] > counts["against"]
    if (
        adopted
        and item.programme_version_id
        and item.motion == Outcome.APPROVE
        and rules.role_in(by, meeting.body_id) != Role.CHAIR
    ):
        raise ActionRefusedError(
            _("The programme is signed off by the chair: the chair records this decision.")
        )
    if adopted:
        _apply(meeting, item, by, note.strip())
    item.result = AgendaItem.Result.ADOPTED if adopted else AgendaItem.Result.NOT_ADOPTED
    item.decision_note = note.strip()
    item.decided_at = timezone.now()
    item.save()
    _bump(meeting, by, "decision_recorded", comment=f"{item.position}: {item.get_result_display()}")
    return item


@transaction.atomic
def task_add(
    *,
    meeting_id: int,
    by: User,
    text: str,
    due_on: datetime.date,
    responsible_person: User | None = None,
    responsible_body: Body | None = None,
) -> Task:
    """A task (поручение) of the meeting, set while the minutes are open."""
    meeting = _lock(meeting_id)
    _in_state(meeting, Meeting.State.HELD, by)
    if not text.strip():
        raise ActionRefusedError(_("Write the task."))
    if responsible_person is None and responsible_body is None:
        raise ActionRefusedError(_("Name the responsible person or group."))
    task = Task.objects.create(
        meeting=meeting,
        text=text.strip(),
        due_on=due_on,
        responsible_person=responsible_person,
        responsible_body=responsible_body,
    )
    _bump(meeting, by, "task_set", comment=task.text[:200])
    notify(
        [responsible_person] if responsible_person else selectors.chairs_of(responsible_body),
        message=_("%(meeting)s set you a task due %(date)s: %(task)s"),
        params={"meeting": meeting.title, "date": due_on.strftime("%d.%m.%Y"), "task": task.text},
        url_name="meetings:detail",
        url_kwargs={"pk": meeting.pk},
        category=Notice.Category.MEETINGS,
    )
    return task


@transaction.atomic
def task_done(*, task_id: int, by: User) -> Task:
    """The responsible person (or the body's secretary or chair) marks the task done."""
    task = Task.objects.select_for_update().select_related("meeting__body").get(pk=task_id)
    rules.require(rules.can_complete_task, by, task)
    if task.done_at:
        raise ActionRefusedError(_("The task is done already."))
    task.done_at = timezone.now()
    task.save(update_fields=["done_at"])
    audit.record(task.meeting, actor=by, action="task_done", comment=task.text[:200])
    return task


@transaction.atomic
def minutes_approve(*, meeting_id: int, by: User, seen_edition: int | None = None) -> Meeting:
    """Approve the minutes: the meeting's record is frozen and its PDF rendered once."""
    meeting = _lock(meeting_id, seen_edition)
    _check(meeting, meeting.approve_minutes, by)
    undecided = meeting.items.filter(result="").exclude(motion="").count()
    if undecided:
        raise ActionRefusedError(
            _("%(n)s decision items have no decision recorded.") % {"n": undecided}
        )
    meeting.approve_minutes()
    _bump(meeting, by, "minutes_approved", Meeting.State.HELD)
    minutes_document_request(meeting_id=meeting.pk, by=by, language="ru")
    return meeting


@transaction.atomic
def minutes_document_request(*, meeting_id: int, by: User, language: str) -> RenderJob:
    """The minutes of a held meeting: a draft while the record is open, the approved minutes
    once (their key does not change after approval)."""
    meeting = Meeting.objects.select_related("body").get(pk=meeting_id)
    return pdf_services.subject_document_request(
        kind=RenderJob.Kind.MINUTES,
        subject=meeting,
        key=document.source_key(meeting),
        number=meeting.edition,
        by=by,
        language=language,
    )

"""One function per action of a meeting's secretary (or chair): plan it, build and publish
the agenda, hold it, record attendance, set tasks, approve the minutes. Ballots, the votes and
the decisions they record, and proxies are in meetings/voting.py.

A decision applies its transition through the same services as an individual action
(workflow/services.py, programme/services.py), with the minutes' number and item as its
reference, so every rule (state, rights, conflicts of interest) is checked the same way."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body, Membership
from documents.models import Proposal, RenderJob
from documents.pdf import services as pdf_services
from mbk.exceptions import ActionRefusedError
from meetings import document, rules, selectors
from meetings.models import AgendaItem, Attendance, Ballot, Meeting, Task, day_is_past
from programme.models import ProgrammeVersion, SectionRevision
from signing import services as signing_services
from signing.services import signed_with
from workflow import audit, runner, tables
from workflow.models import Notice
from workflow.notify import notify

Outcome = AgendaItem.Outcome
Role = Membership.Role


def _begin(
    meeting_id: int, by: User, seen_edition: int | None = None, *, transition=None, states=None
) -> runner.Change:
    """A change of the meeting by whoever runs it, through the runner (workflow/runner.py)."""
    return runner.begin(
        Meeting,
        meeting_id,
        by=by,
        seen=seen_edition,
        transition=transition,
        states=states,
        rule=rules.can_run_meeting,
    )


@transaction.atomic
def meeting_plan(
    *, body_id: int, by: User, starts_at: datetime.datetime, place: str = "", online_url: str = ""
) -> Meeting:
    """The body's secretary (or chair) plans a meeting; numbers follow on per body. The day
    may be today (a meeting entered as it starts) but not a day already over: a meeting is
    recorded as held only from its day on (meeting_hold), so a past one could never be."""
    body = Body.objects.select_for_update().get(pk=body_id)
    rules.require(rules.can_plan_meetings, by, body)
    if not place.strip() and not online_url.strip():
        raise ActionRefusedError(_("Give the place of the meeting or its online link."))
    _refuse_a_past_day(starts_at)
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
    change = _begin(meeting_id, by, states=(Meeting.State.PLANNED,))
    meeting = change.obj
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
    change.finish("agenda_item_added", comment=item.title)
    return item


# The agenda may change until the meeting is held.
AGENDA_OPEN = (Meeting.State.PLANNED, Meeting.State.AGENDA_PUBLISHED)
UP, DOWN = "up", "down"


def _agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = meeting.items.filter(pk=item_id).first()
    if item is None:
        raise ActionRefusedError(_("This item is no longer on the agenda."))
    return item


@transaction.atomic
def agenda_item_move(
    *, meeting_id: int, by: User, item_id: int, direction: str, seen_edition: int | None = None
) -> AgendaItem:
    """Move an item one place up or down the agenda of a meeting not yet held: it swaps places
    with its neighbour (the items' numbers follow their order). Audited with both places."""
    change = _begin(meeting_id, by, seen_edition, states=AGENDA_OPEN)
    meeting = change.obj
    item = _agenda_item(meeting, item_id)
    items = meeting.items.select_for_update()
    if direction == UP:
        other = items.filter(position__lt=item.position).order_by("-position").first()
    elif direction == DOWN:
        other = items.filter(position__gt=item.position).order_by("position").first()
    else:
        raise ActionRefusedError(_("Say whether the item moves up or down."))
    if other is None:
        raise ActionRefusedError(
            _("The item is first already.") if direction == UP else _("The item is last already.")
        )
    before, after = item.position, other.position
    # (meeting, position) is unique: one of them waits at 0 (positions start at 1).
    AgendaItem.objects.filter(pk=item.pk).update(position=0)
    AgendaItem.objects.filter(pk=other.pk).update(position=before)
    AgendaItem.objects.filter(pk=item.pk).update(position=after)
    item.position = after
    change.finish(
        "agenda_item_moved",
        comment=str(
            _("%(title)s: item %(before)s → %(after)s")
            % {"title": item.title, "before": before, "after": after}
        ),
    )
    return item


@transaction.atomic
def agenda_item_remove(
    *, meeting_id: int, by: User, item_id: int, seen_edition: int | None = None
) -> Meeting:
    """Remove an item from the agenda of a meeting not yet held; the items after it move up
    one place. Putting a proposal, section or version on the agenda changes nothing of it (it
    only leaves the list of what awaits this body, selectors.awaiting): once its item is gone
    it awaits the body's decision again, where it was. Audited with the item's title."""
    change = _begin(meeting_id, by, seen_edition, states=AGENDA_OPEN)
    meeting = change.obj
    item = _agenda_item(meeting, item_id)
    title, position = item.title, item.position
    item.delete()
    for later in (
        meeting.items.select_for_update().filter(position__gt=position).order_by("position")
    ):
        AgendaItem.objects.filter(pk=later.pk).update(position=later.position - 1)
    change.finish("agenda_item_removed", comment=title)
    return meeting


@transaction.atomic
def agenda_publish(*, meeting_id: int, by: User, seen_edition: int | None = None) -> Meeting:
    """Publish the agenda: every member gets a notice and an e-mail with an .ics invitation."""
    change = _begin(meeting_id, by, seen_edition, transition="publish_agenda")
    meeting = change.obj
    if not meeting.items.exists():
        raise ActionRefusedError(_("The agenda has no item yet."))
    change.transition()
    change.finish("agenda_published")
    members = selectors.members(meeting)
    notify(
        members,
        actor=by,
        kind="meetings.agenda_published",
        params={"meeting": meeting.title},
        url_name="meetings:detail",
        url_kwargs={"pk": meeting.pk},
        category=Notice.Category.MEETINGS,
    )
    _send_invitations(meeting, members)
    return meeting


def _send_invitations(meeting: Meeting, members: list[User], *, moved: bool = False) -> None:
    """Each member's e-mail with the .ics invitation, queued after commit."""
    from meetings.tasks import task_send_meeting_invitation

    for person in members:
        transaction.on_commit(
            lambda person_id=person.pk: task_send_meeting_invitation.delay(
                meeting_id=meeting.pk, person_id=person_id, moved=moved
            ),
            robust=True,
        )


@transaction.atomic
def meeting_cancel(*, meeting_id: int, by: User, reason: str) -> Meeting:
    change = _begin(meeting_id, by, transition="cancel")
    meeting = change.obj
    if not reason.strip():
        raise ActionRefusedError(_("Say why the meeting is cancelled."))
    change.transition()
    change.finish("cancelled", comment=reason.strip())
    if change.from_state == Meeting.State.AGENDA_PUBLISHED:
        notify(
            selectors.members(meeting),
            actor=by,
            kind="meetings.cancelled",
            params={"meeting": meeting.title},
            url_name="meetings:detail",
            url_kwargs={"pk": meeting.pk},
            category=Notice.Category.MEETINGS,
        )
    return meeting


def _refuse_a_past_day(starts_at: datetime.datetime) -> None:
    if day_is_past(starts_at, timezone.now()):
        raise ActionRefusedError(
            _("The date %(date)s is past: choose today or a later day.")
            % {"date": timezone.localtime(starts_at).strftime("%d.%m.%Y")}
        )


def _moment(meeting: Meeting) -> str:
    return timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M")


@transaction.atomic
def meeting_hold(
    *, meeting_id: int, by: User, present: list[User], seen_edition: int | None = None
) -> Meeting:
    """The meeting took place: record who was there (the quorum is counted from it).

    Not before the meeting's day (local time, settings.TIME_ZONE), so that its decisions are
    never entered before the date of the minutes that cite them. The day, not the start time:
    secretaries record attendance as members arrive, before the meeting opens. The check is
    here rather than a `conditions=` of the transition because the runner reports a failed
    condition as a change of state meanwhile; this says what is wrong (409)."""
    change = _begin(meeting_id, by, seen_edition, transition="hold")
    meeting = change.obj
    if not meeting.may_be_held(timezone.now()):
        raise ActionRefusedError(
            _("The meeting is set for %(moment)s: it can be recorded as held from that day on.")
            % {"moment": _moment(meeting)}
        )
    change.transition()
    _write_attendance(meeting, present)
    change.finish("held", comment=_quorum_line(meeting))
    return meeting


@transaction.atomic
def meeting_reschedule(
    *,
    meeting_id: int,
    by: User,
    starts_at: datetime.datetime,
    place: str = "",
    online_url: str = "",
    reason: str,
    seen_edition: int | None = None,
) -> Meeting:
    """Move a meeting not yet held (or cancelled) to another date, place or link; its number
    stays. The audit entry names the old and new date and place and the reason. Once the agenda
    is published every member gets a notice and, after commit, a new e-mail invitation whose
    .ics updates the earlier calendar entry (same UID, SEQUENCE one up)."""
    change = _begin(meeting_id, by, seen_edition, transition="reschedule")
    meeting = change.obj
    place, online_url, reason = place.strip(), online_url.strip(), reason.strip()
    if not reason:
        raise ActionRefusedError(_("Say why the meeting is moved."))
    if not place and not online_url:
        raise ActionRefusedError(_("Give the place of the meeting or its online link."))
    _refuse_a_past_day(starts_at)
    if (starts_at, place, online_url) == (meeting.starts_at, meeting.place, meeting.online_url):
        raise ActionRefusedError(_("The new date, place and link are the ones the meeting has."))
    before, title = _where_and_when(meeting), str(meeting.title)
    change.transition(starts_at=starts_at, place=place, online_url=online_url)
    meeting.clean_fields(exclude=["state"])  # the place is one line (mbk.text), whoever calls
    change.finish(
        "rescheduled",
        comment=str(
            _("moved from %(before)s to %(after)s: %(reason)s")
            % {"before": before, "after": _where_and_when(meeting), "reason": reason}
        ),
    )
    if meeting.state == Meeting.State.AGENDA_PUBLISHED:
        members = selectors.members(meeting)
        notify(
            members,
            actor=by,
            kind="meetings.moved",
            params={"meeting": title, "moment": _moment(meeting), "reason": reason},
            url_name="meetings:detail",
            url_kwargs={"pk": meeting.pk},
            category=Notice.Category.MEETINGS,
        )
        _send_invitations(meeting, members, moved=True)
    return meeting


def _where_and_when(meeting: Meeting) -> str:
    """«04.12.2026 10:00 (Зал А)» (the link when there is no place)."""
    return f"{_moment(meeting)} ({meeting.place or meeting.online_url})"


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
    change = _begin(meeting_id, by, seen_edition, states=(Meeting.State.HELD,))
    meeting = change.obj
    if meeting.items.exclude(result="").exists():
        raise ActionRefusedError(
            _("Decisions are recorded already: the attendance they were taken with stays.")
        )
    if Ballot.objects.filter(item__meeting=meeting, state=Ballot.State.OPEN).exists():
        raise ActionRefusedError(
            _("A vote is open: close or cancel it before correcting the attendance.")
        )
    _write_attendance(meeting, present)
    change.finish("attendance_recorded", comment=_quorum_line(meeting))
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


def _apply(meeting: Meeting, item: AgendaItem, by: User, note: str) -> None:
    """The transition the adopted motion calls for: the row of the item's transition table
    (workflow/tables.py) for this body's meetings and this outcome, run through its service
    with the minutes' number and item as the decision's reference."""
    subject = item.proposal or item.section_revision or item.programme_version
    whose = tables.GOVERNANCE if meeting.body.kind == Body.Kind.GOVERNANCE else tables.GROUP
    transition = tables.table_of(subject).for_decision(whose, item.motion)
    if transition is None:
        raise ActionRefusedError(_("Choose a decision this body can take on the item."))
    reference = str(item.reference)
    reason = note or str(_("Decision of the meeting"))
    values = {
        # An approval keeps the note as it is; the other decisions need a reason.
        "comment": (note if whose == tables.GOVERNANCE else f"{reference}. {note}".strip())
        if item.motion == Outcome.APPROVE
        else reason,
        "reference": reference,
        "remarks": [line for line in reason.splitlines() if line.strip()],
        "decision_number": f"{meeting.number}/{item.position}",
        "decision_date": timezone.localtime(meeting.starts_at).date(),
    }
    transition.run(subject, by=by, seen=None, **transition.take(values))


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
    change = _begin(meeting_id, by, states=(Meeting.State.HELD,))
    meeting = change.obj
    if not text.strip():
        raise ActionRefusedError(_("Write the task."))
    if responsible_person is None and responsible_body is None:
        raise ActionRefusedError(_("Name the responsible person or group."))
    if due_on < timezone.localdate():
        raise ActionRefusedError(_("The deadline cannot be in the past."))
    task = Task.objects.create(
        meeting=meeting,
        text=text.strip(),
        due_on=due_on,
        responsible_person=responsible_person,
        responsible_body=responsible_body,
    )
    change.finish("task_set", comment=task.text[:200])
    notify(
        [responsible_person] if responsible_person else selectors.chairs_of(responsible_body),
        actor=by,
        kind="meetings.task_set",
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
    change = _begin(meeting_id, by, seen_edition, transition="approve_minutes")
    meeting = change.obj
    undecided = meeting.items.filter(result="").exclude(motion="").count()
    if undecided:
        raise ActionRefusedError(
            _("%(n)s decision items have no decision recorded.") % {"n": undecided}
        )
    change.transition()
    # Whoever approves signs first (can_run_meeting: the chair, the deputy or the secretary).
    signoff = signing_services.sign_off(
        subject=meeting,
        person=by,
        role=rules.minutes_signatory_role(by, meeting),
        reason=str(_("The minutes are approved")),
        audited=False,
    )
    change.finish("minutes_approved", comment=signed_with(signoff.certificate))
    minutes_document_request(meeting_id=meeting.pk, by=by, language="ru")
    return meeting


@transaction.atomic
def minutes_sign(*, meeting_id: int, by: User, seen_edition: int | None = None) -> Meeting:
    """The other of the chair and the secretary signs the approved minutes with their own key:
    the minutes are rendered again, signed by both, and the earlier file stays valid for what it
    was (signed by one)."""
    change = runner.begin(
        Meeting,
        meeting_id,
        by=by,
        seen=seen_edition,
        states=(Meeting.State.MINUTES_APPROVED,),
        rule=rules.can_sign_minutes,
    )
    meeting = change.obj
    role = rules.minutes_signatory_role(by, meeting)
    if selectors.minutes_signed_as(role, meeting):
        raise ActionRefusedError(_("The minutes are signed for this role already."))
    signoff = signing_services.sign_off(
        subject=meeting,
        person=by,
        role=role,
        reason=str(_("The minutes are signed")),
        audited=False,
    )
    change.finish("minutes_signed", comment=signed_with(signoff.certificate))
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

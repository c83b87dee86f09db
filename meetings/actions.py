"""The meeting's transitions and actions (one table: workflow/tables.py), which its page offers
(each at `meetings:act` with its key) and which all go through the runner in
meetings/services.py. Decisions on agenda items run the items' own tables instead
(documents/actions.py, programme/actions.py)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings import forms, rules, selectors, services
from meetings.models import Meeting
from workflow.tables import Param, Table, Transition

S = services
PAGE = "meeting"

MEETING = Table(
    Meeting,
    (
        Transition(
            "add_item",
            _("Add to the agenda"),
            rules.can_run_meeting,
            lambda m, by, seen, title="", subject=None, motion="": S.agenda_add(
                meeting_id=m.pk, by=by, title=title, subject=subject, motion=motion
            ),
            params=(
                Param("title", "line", required=False, max_length=500),
                Param("subject", "subject", required=False),
                Param("motion", "choice", required=False),
            ),
            forms={PAGE: ("add-item", forms.agenda_item_form)},
        ),
        Transition(
            "move_item",
            _("Move the item"),
            rules.can_run_meeting,
            lambda m, by, seen, item, direction: S.agenda_item_move(
                meeting_id=m.pk, by=by, item_id=item, direction=direction, seen_edition=seen
            ),
            params=(
                Param("item", "item"),
                Param("direction", "choice", choices=((S.UP, S.UP), (S.DOWN, S.DOWN))),
            ),
            style="outline-secondary",
            forms={PAGE: ("move-item", forms.AgendaItemMoveForm)},
            offered=lambda user, m: m.state in S.AGENDA_OPEN,
        ),
        Transition(
            "remove_item",
            _("Remove from the agenda"),
            rules.can_run_meeting,
            lambda m, by, seen, item: S.agenda_item_remove(
                meeting_id=m.pk, by=by, item_id=item, seen_edition=seen
            ),
            params=(Param("item", "item"),),
            style="outline-danger",
            forms={PAGE: ("remove-item", forms.AgendaItemForm)},
            offered=lambda user, m: m.state in S.AGENDA_OPEN,
            confirm=_(
                "The item leaves the agenda and the items after it move up; what it put to the "
                "vote awaits this body's decision again."
            ),
        ),
        Transition(
            "publish_agenda",
            _("Publish the agenda"),
            rules.can_run_meeting,
            lambda m, by, seen: S.agenda_publish(meeting_id=m.pk, by=by, seen_edition=seen),
            style="primary",
            forms={PAGE: ("publish", forms.MeetingActionForm)},
            confirm=_(
                "Every member gets a notice and an e-mail invitation at once; no item can be added"
                " to a published agenda."
            ),
        ),
        Transition(
            "hold",
            _("The meeting took place"),
            rules.can_run_meeting,
            lambda m, by, seen, present: S.meeting_hold(
                meeting_id=m.pk, by=by, present=present, seen_edition=seen
            ),
            params=(Param("present", "people", required=False),),
            forms={PAGE: ("hold", forms.AttendanceForm)},
            # Not offered before the meeting's day; the service refuses it too (409).
            offered=lambda user, m: m.may_be_held(timezone.now()),
            confirm=_(
                "The meeting is recorded as held with this attendance: it can no longer be moved "
                "or cancelled."
            ),
        ),
        Transition(
            "record_attendance",
            _("Correct the attendance"),
            rules.can_run_meeting,
            lambda m, by, seen, present: S.attendance_record(
                meeting_id=m.pk, by=by, present=present, seen_edition=seen
            ),
            params=(Param("present", "people", required=False),),
            forms={PAGE: ("attendance", forms.AttendanceForm)},
        ),
        Transition(
            "add_task",
            _("Set a task"),
            rules.can_run_meeting,
            lambda m, by, seen, **task: S.task_add(meeting_id=m.pk, by=by, **task),
            params=(
                Param("text", "text", max_length=2000),
                Param("due_on", "date"),
                Param("responsible_person", "person", required=False),
                Param("responsible_body", "body", required=False),
            ),
            forms={PAGE: ("add-task", forms.TaskForm)},
        ),
        Transition(
            "approve_minutes",
            _("Approve the minutes"),
            rules.can_run_meeting,
            lambda m, by, seen: S.minutes_approve(meeting_id=m.pk, by=by, seen_edition=seen),
            style="primary",
            forms={PAGE: ("approve-minutes", forms.MeetingActionForm)},
            confirm=_(
                "The approved minutes are frozen and signed with your key: no decision, vote or "
                "task of this meeting can change afterwards."
            ),
        ),
        Transition(
            "sign_minutes",
            _("Sign the minutes"),
            rules.can_sign_minutes,
            lambda m, by, seen: S.minutes_sign(meeting_id=m.pk, by=by, seen_edition=seen),
            style="primary",
            forms={PAGE: ("sign-minutes", forms.MeetingActionForm)},
            offered=lambda user, meeting: (
                not selectors.minutes_signed_as(
                    rules.minutes_signatory_role(user, meeting), meeting
                )
            ),
            confirm=_(
                "Your electronic signature is applied with your personal key and cannot be "
                "withdrawn."
            ),
        ),
        Transition(
            "cancel",
            _("Cancel the meeting"),
            rules.can_run_meeting,
            lambda m, by, seen, comment: S.meeting_cancel(meeting_id=m.pk, by=by, reason=comment),
            params=(Param("comment", "line", max_length=2000),),
            style="outline-danger",
            forms={PAGE: ("cancel", forms.CancelForm)},
            confirm=_("A cancelled meeting cannot be reopened; the members are notified."),
        ),
        Transition(
            "reschedule",
            _("Move the meeting"),
            rules.can_run_meeting,
            lambda m, by, seen, starts_at, reason, place="", online_url="": S.meeting_reschedule(
                meeting_id=m.pk,
                by=by,
                starts_at=starts_at,
                place=place,
                online_url=online_url,
                reason=reason,
                seen_edition=seen,
            ),
            params=(
                Param("starts_at", "datetime"),
                Param("place", "line", required=False, max_length=300),
                Param("online_url", "line", required=False, max_length=200),
                Param("reason", "line", max_length=2000),
            ),
            forms={PAGE: ("reschedule", forms.RescheduleForm)},
        ),
    ),
)

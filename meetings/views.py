"""Pages of meetings: the list, planning one, and the meeting's page where its secretary (or
chair) builds the agenda, records attendance, votes, decisions and tasks and approves the
minutes. Every POST calls one service; refusals become 403/409 pages in one place."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from directory.models import Body
from documents.models import Proposal
from meetings import actions, ics, rules, selectors, services
from meetings.forms import (
    AttendanceForm,
    CancelForm,
    DecisionForm,
    FreeItemForm,
    MeetingPlanForm,
    RescheduleForm,
    TaskForm,
    VotesForm,
)
from meetings.models import AgendaItem, Meeting, Task
from programme.models import ProgrammeVersion, SectionRevision
from signing import services as signing_services
from workflow import audit


def _plannable_bodies(user):
    return Body.objects.filter(
        pk__in=[b.pk for b in Body.objects.all() if rules.can_plan_meetings(user, b)]
    )


@login_required
@require_safe
def meeting_list(request):
    if not rules.can_open_meetings(request.user):
        raise PermissionDenied
    meetings = selectors.meetings_of(request.user).order_by("-starts_at")[:200]
    context = {"meetings": meetings, "can_plan": _plannable_bodies(request.user).exists()}
    return render(request, "meetings/meeting_list.html", context)


@login_required
def meeting_plan(request):
    bodies = _plannable_bodies(request.user)
    if not bodies.exists():
        raise PermissionDenied
    form = MeetingPlanForm(request.POST or None, bodies=bodies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.meeting_plan(
            body_id=data["body"].pk,
            by=request.user,
            starts_at=data["starts_at"],
            place=data["place"],
            online_url=data["online_url"],
        )
        return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request, "meetings/meeting_plan.html", {"form": form}, status=400 if form.errors else 200
    )


def _voters(meeting: Meeting, item: AgendaItem, present: list) -> tuple[list, list]:
    allowed = [p for p in present if not selectors.is_conflicted(p, item)]
    excluded = [p for p in present if p not in allowed]
    return allowed, excluded


def _context(request, meeting: Meeting, **forms) -> dict:
    can_run = rules.can_run_meeting(request.user, meeting)
    items = selectors.items_with_votes(meeting)
    present = selectors.present_members(meeting)
    rows = []
    for item in items:
        voters, excluded = _voters(meeting, item, present) if item.motion else ([], [])
        initial = {f"vote_{v.person_id}": v.choice for v in item.votes.all()}
        rows.append(
            {
                "item": item,
                "votes_form": forms.get(f"votes_{item.pk}")
                or VotesForm(initial=initial, voters=voters, prefix=f"item{item.pk}"),
                "excluded": excluded,
                "decision_form": forms.get(f"decision_{item.pk}")
                or DecisionForm(prefix=f"item{item.pk}"),
            }
        )
    suggestions = []
    if can_run and meeting.state == Meeting.State.PLANNED:
        for subject in selectors.awaiting(meeting):
            kind = {Proposal: "proposal", SectionRevision: "section", ProgrammeVersion: "version"}[
                type(subject)
            ]
            motions = selectors.motions_for(meeting, subject)
            suggestions.append(
                {
                    "kind": kind,
                    "subject": subject,
                    "title": selectors.subject_title(subject),
                    "motions": [(m, AgendaItem.Outcome(m).label) for m in motions],
                }
            )
    history = list(audit.history(meeting))
    return {
        "meeting": meeting,
        "can_run": can_run,
        "rows": rows,
        "suggestions": suggestions,
        "quorum": selectors.quorum(meeting),
        "present": present,
        "attendance_form": forms.get("attendance")
        or AttendanceForm(
            initial={"present": present, "edition": meeting.edition}, meeting=meeting
        ),
        "free_form": forms.get("free") or FreeItemForm(meeting=meeting),
        "task_form": forms.get("task") or TaskForm(meeting=meeting),
        "cancel_form": forms.get("cancel") or CancelForm(meeting=meeting),
        "reschedule_form": forms.get("reschedule") or _reschedule_form(meeting),
        "offered": {row.name for row in actions.MEETING.available(request.user, meeting)},
        "tasks": meeting.tasks.select_related("responsible_person", "responsible_body"),
        "jobs": minutes_jobs(request.user, meeting),
        "signoffs": signing_services.signoffs_of(meeting),
        "can_sign_minutes": actions.MEETING["sign_minutes"].allows(request.user, meeting),
        "history": history,
    }


def _reschedule_form(meeting: Meeting) -> RescheduleForm:
    initial = {
        "starts_at": timezone.localtime(meeting.starts_at),
        "place": meeting.place,
        "online_url": meeting.online_url,
        "edition": meeting.edition,
    }
    return RescheduleForm(initial=initial, meeting=meeting)


def minutes_jobs(user, meeting: Meeting):
    from django.contrib.contenttypes.models import ContentType

    from documents.models import RenderJob

    if not rules.can_read_minutes(user, meeting):
        return []
    return RenderJob.objects.filter(
        kind=RenderJob.Kind.MINUTES,
        subject_type=ContentType.objects.get_for_model(Meeting),
        subject_id=meeting.pk,
    )[:5]


@login_required
@require_safe
def meeting_detail(request, pk: int):
    meeting = selectors.get_visible_meeting_or_404(request.user, pk)
    return render(request, "meetings/meeting_detail.html", _context(request, meeting))


@login_required
@require_safe
def meeting_ics(request, pk: int):
    meeting = selectors.get_visible_meeting_or_404(request.user, pk)
    agenda = [str(item) for item in meeting.items.order_by("position")]
    response = HttpResponse(
        ics.invitation(meeting, agenda), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


def _invalid(request, meeting, **forms):
    return render(
        request, "meetings/meeting_detail.html", _context(request, meeting, **forms), status=400
    )


@login_required
@require_POST
def meeting_act(request, pk: int, action: str):
    """The meeting's own transitions (meetings/actions.py), each through its service."""
    meeting = selectors.get_visible_meeting_or_404(request.user, pk)
    offered = actions.MEETING.on_page(actions.PAGE)
    if action not in offered:
        raise Http404
    transition, form_class = offered[action]
    form = form_class(request.POST, meeting=meeting)
    if not form.is_valid():
        if form.not_found_when_invalid:
            raise Http404
        return _invalid(request, meeting, **{form.context_name: form})
    transition.run(meeting, by=request.user, seen=form.cleaned_data.get("edition"), **form.params())
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def minutes_request(request, pk: int):
    """Ask for the PDF of the minutes (a draft while the record is open)."""
    meeting = selectors.get_visible_meeting_or_404(request.user, pk)
    job = services.minutes_document_request(
        meeting_id=meeting.pk, by=request.user, language=get_language()
    )
    return redirect("documents:document-job", pk=job.pk)


def _item_or_404(user, pk: int) -> AgendaItem:
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=pk)
    if not rules.can_view_meeting(user, item.meeting):
        raise Http404
    return item


@login_required
@require_POST
def item_votes(request, pk: int):
    item = _item_or_404(request.user, pk)
    meeting = item.meeting
    voters, _excluded = _voters(meeting, item, selectors.present_members(meeting))
    form = VotesForm(request.POST, voters=voters, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _invalid(request, meeting, **{f"votes_{item.pk}": form})
    services.votes_record(item_id=item.pk, by=request.user, votes=form.votes())
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def item_decide(request, pk: int):
    item = _item_or_404(request.user, pk)
    form = DecisionForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _invalid(request, item.meeting, **{f"decision_{item.pk}": form})
    services.decision_record(item_id=item.pk, by=request.user, note=form.cleaned_data["note"])
    return redirect("meetings:detail", pk=item.meeting_id)


@login_required
@require_POST
def task_done(request, pk: int):
    task = get_object_or_404(Task.objects.select_related("meeting__body"), pk=pk)
    if not rules.can_view_meeting(request.user, task.meeting) and not rules.can_complete_task(
        request.user, task
    ):
        raise Http404
    services.task_done(task_id=task.pk, by=request.user)
    return redirect("meetings:detail", pk=task.meeting_id)

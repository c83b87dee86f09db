"""Pages of meetings: the list, planning one, and the meeting's page where its secretary (or
chair) builds the agenda, records attendance, opens and closes the votes, sets tasks and
approves the minutes, and where members give their proxies and vote. Every POST calls one
service; refusals become 403/409 pages in one place."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from directory.models import Body
from documents.models import Proposal
from mbk.paging import page_of
from meetings import actions, ics, rules, selectors, services, voting
from meetings.forms import (
    AttendanceForm,
    BallotCancelForm,
    BallotOpenForm,
    CancelForm,
    DecisionForm,
    FreeItemForm,
    MeetingPlanForm,
    PaperVoteForm,
    ProxyGrantForm,
    RescheduleForm,
    TaskForm,
    VoteForm,
)
from meetings.models import AgendaItem, Ballot, Meeting, Proxy, Task, declined
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
    page = page_of(request, selectors.meetings_of(request.user).order_by("-starts_at", "-pk"))
    context = {
        "meetings": page.object_list,
        "page": page,
        "can_plan": _plannable_bodies(request.user).exists(),
    }
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


def _ballot_context(user, item: AgendaItem, can_run: bool, **forms) -> dict:
    """The item's vote as the page (and its polled part, meetings/_ballot.html) shows it to
    this person: the open ballot's tally and their buttons, or the vote that decided it."""
    meeting = item.meeting
    ballots = list(item.ballots.all())
    open_ballot = next((b for b in ballots if b.is_open), None)
    view = selectors.ballot_view(open_ballot, user) if open_ballot else None
    held = meeting.state == Meeting.State.HELD
    return {
        "item": item,
        "meeting": meeting,
        "can_run": can_run,
        "open_ballot": open_ballot,
        "view": view,
        "mine": _my_rows(view) if view else [],
        "decided_by": selectors.deciding_ballot(item),
        "cancelled": [b for b in ballots if b.state == Ballot.State.CANCELLED],
        "polling": held and item.is_decision and not item.result,
        "open_form": forms.get(f"open_{item.pk}") or BallotOpenForm(prefix=f"item{item.pk}"),
        "decision_form": forms.get(f"decision_{item.pk}") or DecisionForm(prefix=f"item{item.pk}"),
        "cancel_form": forms.get(f"cancel_{item.pk}") or BallotCancelForm(prefix=f"item{item.pk}"),
        "paper_form": (
            forms.get(f"paper_{item.pk}")
            or PaperVoteForm(voters=view.voters, prefix=f"paper{item.pk}")
        )
        if view and can_run
        else None,
    }


def _my_rows(view: selectors.BallotView) -> list[dict]:
    """The votes this person casts on the open ballot: their own, and by proxy (with the
    button's heading: «Голосовать за Иванова И. И. по доверенности»)."""
    rows = view.my_rows()
    for row in rows:
        holder = row["voter"].holder
        row["heading"] = (
            _("Vote for %(name)s by proxy") % {"name": declined(row["voter"].person, "accusative")}
            if holder
            else _("Your vote")
        )
    return rows


def _context(request, meeting: Meeting, **forms) -> dict:
    can_run = rules.can_run_meeting(request.user, meeting)
    items = selectors.items_with_ballots(meeting)
    present = selectors.present_members(meeting)
    rows = [_ballot_context(request.user, item, can_run, **forms) for item in items]
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
        "directions": (services.UP, services.DOWN),
        "tasks": selectors.tasks_of(request.user, meeting),
        "jobs": minutes_jobs(request.user, meeting),
        "signoffs": signing_services.signoffs_of(meeting),
        "can_sign_minutes": actions.MEETING["sign_minutes"].allows(request.user, meeting),
        **_proxies_context(request.user, meeting, forms.get("proxy")),
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


def _proxies_context(user, meeting: Meeting, form=None) -> dict:
    proxies = selectors.active_proxies(meeting)
    given = next((p for p in proxies if p.grantor_id == user.pk), None)
    may_give = (
        meeting.state in voting.PROXY_GIVEN_WHILE
        and rules.can_grant_proxy(user, meeting)
        and given is None
        and not any(p.holder_id == user.pk for p in proxies)
    )
    return {
        "proxies": [(p, selectors.proxy_line(p)) for p in proxies],
        "proxy_given": given,
        "proxy_revocable": meeting.state in voting.PROXY_REVOKED_WHILE,
        "proxy_form": (form or ProxyGrantForm(meeting=meeting, grantor=user)) if may_give else None,
    }


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


def _back(item: AgendaItem):
    return redirect(reverse("meetings:detail", args=[item.meeting_id]) + f"#item-{item.pk}")


def _ballot_or_404(user, pk: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("item__meeting__body"), pk=pk)
    if not rules.can_view_meeting(user, ballot.item.meeting):
        raise Http404
    return ballot


@login_required
@require_safe
def item_ballot(request, pk: int):
    """The item's vote, which the page asks for every two seconds while it is undecided."""
    item = _item_or_404(request.user, pk)
    can_run = rules.can_run_meeting(request.user, item.meeting)
    context = _ballot_context(request.user, item, can_run)
    return render(request, "meetings/_ballot.html", {"row": context})


@login_required
@require_POST
def ballot_open(request, pk: int):
    item = _item_or_404(request.user, pk)
    form = BallotOpenForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _invalid(request, item.meeting, **{f"open_{item.pk}": form})
    voting.ballot_open(item_id=item.pk, by=request.user, kind=form.cleaned_data["kind"])
    return _back(item)


@login_required
@require_POST
def ballot_vote(request, pk: int):
    ballot = _ballot_or_404(request.user, pk)
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _invalid(request, ballot.item.meeting)
    voting.ballot_vote(
        ballot_id=ballot.pk,
        by=request.user,
        choice=form.cleaned_data["choice"],
        voter_id=form.cleaned_data["voter"],
    )
    return _back(ballot.item)


@login_required
@require_POST
def ballot_paper(request, pk: int):
    ballot = _ballot_or_404(request.user, pk)
    item = ballot.item
    form = PaperVoteForm(request.POST, voters=selectors.voters(item), prefix=f"paper{item.pk}")
    if not form.is_valid():
        return _invalid(request, item.meeting, **{f"paper_{item.pk}": form})
    voting.ballot_vote_paper(
        ballot_id=ballot.pk,
        by=request.user,
        voter_id=form.cleaned_data["voter"].pk,
        choice=form.cleaned_data["choice"],
    )
    return _back(item)


@login_required
@require_POST
def ballot_all_in_favour(request, pk: int):
    ballot = _ballot_or_404(request.user, pk)
    voting.ballot_all_in_favour(ballot_id=ballot.pk, by=request.user)
    return _back(ballot.item)


@login_required
@require_POST
def ballot_close(request, pk: int):
    ballot = _ballot_or_404(request.user, pk)
    item = ballot.item
    form = DecisionForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _invalid(request, item.meeting, **{f"decision_{item.pk}": form})
    voting.ballot_close(ballot_id=ballot.pk, by=request.user, note=form.cleaned_data["note"])
    return _back(item)


@login_required
@require_POST
def ballot_cancel(request, pk: int):
    ballot = _ballot_or_404(request.user, pk)
    item = ballot.item
    form = BallotCancelForm(request.POST, prefix=f"item{item.pk}")
    if not form.is_valid():
        return _invalid(request, item.meeting, **{f"cancel_{item.pk}": form})
    voting.ballot_cancel(ballot_id=ballot.pk, by=request.user, reason=form.cleaned_data["reason"])
    return _back(item)


@login_required
@require_POST
def proxy_grant(request, pk: int):
    meeting = selectors.get_visible_meeting_or_404(request.user, pk)
    form = ProxyGrantForm(request.POST, meeting=meeting, grantor=request.user)
    if not form.is_valid():
        return _invalid(request, meeting, proxy=form)
    voting.proxy_grant(
        meeting_id=meeting.pk, by=request.user, holder_id=form.cleaned_data["holder"].pk
    )
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#proxies")


@login_required
@require_POST
def proxy_revoke(request, pk: int):
    proxy = get_object_or_404(Proxy.objects.select_related("meeting__body"), pk=pk)
    if not rules.can_view_meeting(request.user, proxy.meeting):
        raise Http404
    voting.proxy_revoke(proxy_id=proxy.pk, by=request.user)
    return redirect(reverse("meetings:detail", args=[proxy.meeting_id]) + "#proxies")


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

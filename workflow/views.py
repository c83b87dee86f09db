from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from directory import rules
from mbk.paging import page_of
from workflow import deadlines, services
from workflow import home as home_page
from workflow.models import Notice


@login_required
def home(request):
    panels = home_page.panels(request.user)
    return render(
        request,
        "workflow/home.html",
        {
            "panels": panels,
            "has_charts": any(panel.charts for panel in panels),
            "organisation_awaits_confirmation": rules.can_draft_proposals(request.user)
            and not rules.can_submit_proposals(request.user),
        },
    )


@login_required
def notice_list(request):
    page = page_of(request, request.user.notices.all())
    return render(request, "workflow/notice_list.html", {"notices": page.object_list, "page": page})


@login_required
@require_POST
def notice_open(request, pk: int):
    """Mark one's own notice read and go where it points."""
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    services.notice_mark_read(notice_ids=[notice.pk], by=request.user)
    return redirect(site_path_or_home(notice.url))


@login_required
@require_POST
def notices_mark_read(request):
    services.notice_mark_read(notice_ids=None, by=request.user)
    return redirect("workflow:notices")


def site_path_or_home(url: str) -> str:
    # Notices hold site paths written by the services; anything else goes home.
    return url if url.startswith("/") and not url.startswith("//") else "/"


@login_required
@require_safe
def overdue(request):
    """What is late, by whom and for how long (working days): the programme office's view."""
    if not rules.is_programme_office(request.user):
        raise PermissionDenied
    context = {"rows": deadlines.overdue(), "tasks": deadlines.overdue_tasks()}
    return render(request, "workflow/overdue.html", context)


class EmailNoticesForm(forms.Form):
    categories = forms.MultipleChoiceField(
        label=_("Send me by e-mail"),
        choices=Notice.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("Notices always appear in the system; this only chooses the e-mails."),
    )


@login_required
def email_notices(request):
    """Which notices the person also gets by e-mail."""
    wanted = [c for c in Notice.Category.values if c not in (request.user.email_muted or [])]
    form = EmailNoticesForm(request.POST or None, initial={"categories": wanted})
    if request.method == "POST" and form.is_valid():
        services.email_notices_choose(by=request.user, wanted=form.cleaned_data["categories"])
        return redirect("workflow:email-notices")
    return render(request, "workflow/email_notices.html", {"form": form})

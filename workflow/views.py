from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from workflow import rules, selectors, services
from workflow.models import Notice


@login_required
def home(request):
    return render(
        request,
        "workflow/home.html",
        {
            "panels": selectors.home_panels(request.user),
            "organisation_awaits_confirmation": rules.can_draft_proposals(request.user)
            and not rules.can_submit_proposals(request.user),
        },
    )


@login_required
def notice_list(request):
    notices = request.user.notices.all()[:200]
    return render(request, "workflow/notice_list.html", {"notices": notices})


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

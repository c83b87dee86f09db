"""The review dashboard of a working group (issue 17, item 4): its proposals in review ranked
by weighted score, a suggested assignment of its experts to many proposals that the chair
adjusts and confirms, and the workbook of its reviews. Reads are documents/review_dashboard.py;
the confirmation is one service, transitions.assignments_bulk_create, whose refusals (409, 403)
workflow/middleware.py answers."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from directory.models import Body
from documents import review_dashboard, rules, transitions
from documents.review_forms import BulkAssignmentForm
from mbk.paging import page_of
from mbk.sorting import sort_headers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _group_or_404(code: str) -> Body:
    return get_object_or_404(Body, code=code, kind__in=Body.WORKING_GROUPS)


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if v.isdigit()})


@login_required
@require_safe
def review_dashboard_page(request, group: str):
    group = _group_or_404(group)
    rules.require(rules.can_open_review_dashboard, request.user, group)
    key = request.GET.get("state", "")
    key = key if key in review_dashboard.FILTERS else ""
    sort = request.GET.get("sort", review_dashboard.DEFAULT_SORT)
    if sort.removeprefix("-") not in review_dashboard.SORTS:
        sort = review_dashboard.DEFAULT_SORT
    page = page_of(
        request,
        review_dashboard.dashboard(request.user, group, key, sort),
        count=review_dashboard.dashboard_count(request.user, group, key),
    )
    context = {
        "group": group,
        "proposals": review_dashboard.add_waiting(page.object_list),
        "page": page,
        "state": key,
        "sort": sort,
        "tabs": review_dashboard.filter_tabs(key),
        "columns": sort_headers(
            request.GET,
            review_dashboard.COLUMNS,
            sort,
            first_descending=review_dashboard.FIRST_DESCENDING,
        ),
        "may_assign": rules.can_assign_in_bulk(request.user, group),
        "assignable_states": review_dashboard.IN_REVIEW,
    }
    return render(request, "documents/review_dashboard.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review_dashboard_assign(request, group: str):
    group = _group_or_404(group)
    rules.require(rules.can_assign_in_bulk, request.user, group)
    source = request.POST if request.method == "POST" else request.GET
    proposals = review_dashboard.assignable(request.user, group, _ids(source.getlist("proposal")))
    form = None
    if request.method == "POST":
        experts = review_dashboard.group_experts(group)
        form = BulkAssignmentForm(request.POST, proposals=proposals, experts=experts)
        if form.is_valid():
            done = transitions.assignments_bulk_create(
                group_id=group.pk,
                by=request.user,
                experts=form.cleaned_data["experts"],
                editions=form.cleaned_data["editions"],
            )
            messages.success(
                request,
                _("Experts are assigned to %(n)d proposals and notified.") % {"n": len(done)},
            )
            return redirect("documents:review-dashboard", group=group.code)
    context = {
        "group": group,
        "plan": review_dashboard.suggest_assignment(group, proposals),
        "form": form,
    }
    return render(request, "documents/review_dashboard_assign.html", context)


@login_required
@require_safe
def reviews_export(request, group: str):
    group = _group_or_404(group)
    rules.require(rules.can_open_review_dashboard, request.user, group)
    response = HttpResponse(
        review_dashboard.reviews_workbook(request.user, group), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="reviews-{group.code}.xlsx"'
    return response

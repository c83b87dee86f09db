"""The register of proposals (documents/register.py): the programme office's and the governance
body's list of every proposal of a call, with filters in the query string (the page is
bookmarkable), sortable columns, pages, and the same rows as a spreadsheet."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from documents import register as registry
from documents import rules
from documents.forms import RegisterFilterForm
from mbk import spreadsheets
from mbk.lookups import id_or_404
from mbk.paging import page_of
from mbk.sorting import sort_headers

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The table's columns: (sort key or "", label).
COLUMNS = [
    ("number", gettext_lazy("No.")),
    ("title", gettext_lazy("Proposal")),
    ("organisation", gettext_lazy("Organisation")),
    ("", gettext_lazy("Direction")),
    ("state", gettext_lazy("State")),
    ("submitted", gettext_lazy("Submitted")),
    ("", gettext_lazy("Reviews")),
    ("score", gettext_lazy("Mean score")),
    ("due", gettext_lazy("Due")),
]


def _form(request) -> RegisterFilterForm:
    """The filters of the query string; the call asked for (404 if there is none such), else
    the latest open call, with its summary (register.call_summary)."""
    calls = registry.calls()
    asked = request.GET.get("call")
    if asked:
        wanted = id_or_404(asked)
        call = next((c for c in calls if c.pk == wanted), None)
        if call is None:
            raise Http404
    else:
        call = registry.default_call(calls)
    summary = registry.call_summary(request.user, call)
    return RegisterFilterForm(request.GET or None, call=call, calls=calls, summary=summary)


@login_required
@require_safe
def register(request):
    rules.require(rules.can_open_register, request.user)
    form = _form(request)
    filters = form.filters()
    total = form.summary.proposals if filters.whole_call() else None
    page = page_of(request, registry.rows(request.user, filters), count=total)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "call": filters.call,
        "page": page,
        # The office sends a proposal approved by its group on to the governance body.
        "rows": [(p, rules.can_send_to_governance(request.user, p)) for p in page.object_list],
        "columns": sort_headers(request.GET, COLUMNS, filters.sort),
        "query": query.urlencode(),
        "export_limit": registry.EXPORT_LIMIT,
        "today": timezone.localdate(),
        "can_act": rules.can_act_in_register(request.user),
    }
    return render(request, "documents/register.html", context)


@login_required
@require_safe
def register_export(request):
    """The rows the register shows for these filters and this order, all pages of them."""
    rules.require(rules.can_open_register, request.user)
    form = _form(request)
    filters = form.filters()
    proposals = registry.rows(request.user, filters)
    count = proposals.count()
    if count > registry.EXPORT_LIMIT:
        messages.error(
            request,
            _(
                "Proposals matching: %(count)s; a spreadsheet holds at most %(limit)s. "
                "Narrow the filters and export again."
            )
            % {"count": count, "limit": registry.EXPORT_LIMIT},
        )
        return redirect(f"{reverse('documents:register')}?{request.GET.urlencode()}")
    content = spreadsheets.xlsx(registry.workbook(request.user, filters, proposals))
    response = HttpResponse(content, content_type=XLSX)
    name = f"register-call-{filters.call.pk}" if filters.call else "register"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response

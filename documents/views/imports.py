"""The programme office imports proposals into a call from the XLSX template (documents/
imports.py): download the template, upload for a dry run, then import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from documents import imports, rules
from documents.models import Call
from mbk.exceptions import ActionRefusedError


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Filled-in template (.xlsx)"))


@login_required
@require_safe
def import_template(request, pk: int):
    if not rules.can_import_proposals(request.user):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=pk)
    response = HttpResponse(
        imports.template(call),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="proposals-call-{call.pk}.xlsx"'
    return response


@login_required
def proposals_import(request, pk: int):
    if not rules.can_import_proposals(request.user):
        raise PermissionDenied
    call = get_object_or_404(Call, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"call": call, "form": form, "results": None}
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("mode") != "import"
        try:
            results = imports.proposals_import(
                call_id=call.pk, by=request.user, upload=form.cleaned_data["file"], dry_run=dry_run
            )
        except ActionRefusedError as refused:
            form.add_error("file", str(refused.message))
        else:
            failed = sum(1 for r in results if r.errors)
            if not dry_run and not failed:
                messages.success(
                    request, _("%(n)s proposals were imported as drafts.") % {"n": len(results)}
                )
                return redirect("documents:call-detail", pk=call.pk)
            context |= {"results": results, "failed": failed, "dry_run": dry_run}
    status = 400 if form.errors or context.get("failed") else 200
    return render(request, "documents/proposals_import.html", context, status=status)

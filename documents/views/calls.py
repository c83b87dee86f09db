"""Calls for proposals: everyone signed in reads them; the programme office opens them."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from documents import questions, rules, selectors, services
from documents.forms import CallForm
from documents.models import Call, Proposal
from documents.views import blind

# Drafts are nobody's business but their authors': the counts start at submission.
COUNTED_STATES = [state for state in Proposal.State if state != Proposal.State.DRAFT]


@dataclass
class CountsRow:
    direction: str
    counts: list[int]
    total: int
    direction_id: int | None = None

    @property
    def cells(self) -> list[tuple[str, int]]:
        """(state, count) pairs, for the links into the register."""
        return list(zip(COUNTED_STATES, self.counts, strict=True))


def _counts_table(call: Call) -> tuple[list[CountsRow], list[int], int]:
    """Submitted proposals of the call: a row per direction, a column per state, totals."""
    found = {(r["direction__name_ru"], r["state"]): r["n"] for r in selectors.call_counts(call)}
    rows = []
    for direction in call.directions.all():
        counts = [found.get((direction.name_ru, state), 0) for state in COUNTED_STATES]
        rows.append(CountsRow(direction.name, counts, sum(counts), direction.pk))
    totals = [sum(row.counts[i] for row in rows) for i in range(len(COUNTED_STATES))]
    return rows, totals, sum(totals)


@login_required
@require_safe
def call_list(request):
    calls = Call.objects.prefetch_related("directions")
    listed = [(call, rules.can_create_proposal(request.user, call)) for call in calls]
    context = {"calls": listed, "can_manage": rules.can_manage_calls(request.user)}
    return render(request, "documents/call_list.html", context)


@login_required
@require_safe
def call_detail(request, pk: int):
    call = get_object_or_404(Call, pk=pk)
    rows, totals, total = _counts_table(call)
    context = {
        "call": call,
        "states": [state.label for state in COUNTED_STATES],
        "rows": rows,
        "totals": totals,
        "total": total,
        "can_create": rules.can_create_proposal(request.user, call),
        "can_import": rules.can_import_proposals(request.user) and call.is_open(),
        # The counts lead into the register, filtered by the call (and direction and state).
        "register_url": (
            f"{reverse('documents:register')}?call={call.pk}"
            if rules.can_open_register(request.user)
            else ""
        ),
        "total_cells": list(zip(COUNTED_STATES, totals, strict=True)),
        "questions": questions.visible_questions(request.user, call),
        "can_manage_questions": rules.can_manage_calls(request.user),
        "questions_locked": questions.is_locked(call),
        **blind.blind_review_block(request.user, call),
    }
    return render(request, "documents/call_detail.html", context)


@login_required
def call_create(request):
    rules.require(rules.can_manage_calls, request.user)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        call = services.call_open(
            by=request.user, **{**data, "directions": list(data["directions"])}
        )
        messages.success(request, _("The call «%(call)s» is published.") % {"call": call})
        return redirect("documents:call-detail", pk=call.pk)
    return render(request, "documents/call_create.html", {"form": form})

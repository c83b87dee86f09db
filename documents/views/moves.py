"""The programme office's corrections of a proposal (documents/moves.py): moving it to another
sectoral working group, closing it as a duplicate. Each page looks the proposal up among those
the person may see (404), checks the table row's rule before drawing the form (403) and hands
a valid form to the row's service; workflow/middleware.py answers its refusals (409, 403)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from documents import actions, rules, selectors
from documents.views.running import run_transition


def _correction(request, pk: int, page: str, template: str):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page(page)
    form = form_class(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(row.rule, request.user, proposal)
    return render(request, template, {"proposal": proposal, "form": form, "row": row})


@login_required
def proposal_move(request, pk: int):
    return _correction(request, pk, "move", "documents/proposal_move.html")


@login_required
def proposal_duplicate(request, pk: int):
    return _correction(request, pk, "duplicate", "documents/proposal_duplicate.html")

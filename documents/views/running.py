"""How a page runs a transition of the proposal's table (documents/actions.py): the form's
parameters go to the table's service; its refusals (409, 403) are answered by
workflow/middleware.py."""

from django.contrib import messages
from django.shortcuts import redirect

DETAIL = "documents:proposal-detail"


def run_transition(request, row, proposal, form):
    """Run the transition with the form's parameters and the edition (or version) the form was
    drawn from, say it is done and go back to the proposal."""
    row.run(proposal, by=request.user, seen=form.cleaned_data.get(row.seen), **form.params())
    messages.success(request, row.done)
    return redirect(DETAIL, pk=proposal.pk)

"""Pages of the opinions of infrastructure groups (documents/opinions.py): the list of the
groups' opinions, and the forms to give one, assign a member to it and waive it. Each looks the
opinion up among those the person may see (404 otherwise) and checks the row's rule before
drawing its form (403); a valid POST goes to the row's service, which checks the state (409)
and the rule (403) again; workflow/middleware.py answers its refusals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from documents import opinions, rules
from documents.opinion_actions import OPINION
from mbk.paging import page_of

DETAIL = "documents:proposal-detail"


@login_required
@require_safe
def opinion_list(request):
    rules.require(rules.can_open_opinions, request.user)
    page = page_of(request, opinions.my_opinions(request.user))
    return render(request, "documents/opinion_list.html", {"page": page, "opinions": page})


def _opinion_action(request, pk: int, page: str, template: str):
    opinion = opinions.get_visible_opinion_or_404(request.user, pk)
    row, form_class = OPINION.page(page)
    form = form_class(request.POST or None, opinion=opinion)
    if request.method == "POST" and form.is_valid():
        row.run(opinion, by=request.user, seen=form.cleaned_data.get(row.seen), **form.params())
        messages.success(request, row.done)
        return redirect(DETAIL, pk=opinion.proposal_id)
    rules.require(row.rule, request.user, opinion)
    context = {"opinion": opinion, "proposal": opinion.proposal, "form": form, "row": row}
    return render(request, template, context)


@login_required
def opinion_give(request, pk: int):
    return _opinion_action(request, pk, "give", "documents/opinion_action.html")


@login_required
def opinion_assign(request, pk: int):
    return _opinion_action(request, pk, "assign", "documents/opinion_action.html")


@login_required
def opinion_waive(request, pk: int):
    return _opinion_action(request, pk, "waive", "documents/opinion_action.html")

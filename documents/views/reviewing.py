"""Pages of the working groups, the programme office and the governance body: the lists of
what waits for them and the forms of their actions.

Every action page looks the proposal up among those the person may see (404 otherwise) and
checks the rule before drawing the page (403). A valid POST goes to one workflow service,
which checks the state (409) and the rule (403) again; workflow/middleware.py answers its
refusals."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from documents import actions, opinions, review_dashboard, rules, selectors
from documents import blind as blind_review
from documents.models import ReviewCriterion
from documents.review_forms import (
    NoteForm,
)
from documents.views.running import run_transition
from mbk.paging import page_of

DETAIL = "documents:proposal-detail"


def _decision_forms(request, page: str, proposal) -> tuple:
    """The forms of a page offering several transitions (documents/actions.py); only the one
    whose button was pressed is bound to the POST. Returns it, its transition and all forms."""
    offered = actions.PROPOSAL.on_page(page)
    chosen = request.POST.get("decision") if request.method == "POST" else None
    forms = {
        prefix: form_class(
            request.POST if prefix == chosen else None, prefix=prefix, proposal=proposal
        )
        for prefix, (_row, form_class) in offered.items()
    }
    row = offered[chosen][0] if chosen in offered else None
    return forms.get(chosen), row, forms


# --- Lists ---------------------------------------------------------------------------------
@login_required
@require_safe
def group_inbox(request):
    rules.require(rules.can_open_group_inbox, request.user)
    state = request.GET.get("state")
    proposals, tabs = selectors.inbox(request.user, state)
    # The tabs counted the rows already: the same filter need not run a third time.
    page = page_of(request, proposals, count=selectors.inbox_total(tabs))
    context = {
        "proposals": blind_review.hide_in_titles(selectors.due_to_group(page.object_list)),
        "page": page,
        "state": state if any(t.active for t in tabs) else "",
        "tabs": tabs,
        "all_active": not any(t.active for t in tabs),
        "dashboard_groups": review_dashboard.dashboard_groups(request.user),
    }
    return render(request, "documents/group_inbox.html", context)


@login_required
@require_safe
def assigned(request):
    rules.require(rules.can_open_assigned, request.user)
    page = page_of(request, selectors.assigned(request.user))
    proposals = blind_review.hide_in_titles(selectors.due_to_expert(page.object_list))
    return render(request, "documents/assigned.html", {"proposals": proposals, "page": page})


@login_required
@require_safe
def governance_queue(request):
    rules.require(rules.can_open_governance_queue, request.user)
    tabs = selectors.governance_tabs(request.user, request.GET.get("state"))
    state = next((tab.state for tab in tabs if tab.active), None)
    page = page_of(
        request,
        selectors.governance_queue(request.user, state),
        count=selectors.inbox_total(tabs),
    )
    proposals = selectors.due_to_office_or_governance(request.user, page.object_list)
    # The forms to send are those of the page's rows: thousands of cards helped no one.
    to_send = [
        (proposal, NoteForm(proposal=proposal, auto_id=f"send-{proposal.pk}-%s"))
        for proposal in proposals
        if rules.can_send_to_governance(request.user, proposal)
    ]
    context = {
        "proposals": proposals,
        "page": page,
        "to_send": to_send,
        "state": state or "",
        "tabs": tabs,
        "all_active": state is None,
    }
    return render(request, "documents/governance_queue.html", context)


# --- Working group -------------------------------------------------------------------------
@login_required
def proposal_assign(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("assign")
    candidates = selectors.assignment_candidates(proposal)
    form = form_class(request.POST or None, proposal=proposal, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(row.rule, request.user, proposal)
    context = {"proposal": proposal, "form": form, "candidates": candidates}
    return render(request, "documents/proposal_assign.html", context)


@login_required
def proposal_review(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("review")
    criteria = list(ReviewCriterion.objects.all())
    form = form_class(request.POST or None, proposal=proposal, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(row.rule, request.user, proposal)
    blind = rules.sees_blind(request.user, proposal)
    blind_review.hide_in_titles([proposal], blind=blind)
    context = {
        "proposal": proposal,
        "form": form,
        "version": proposal.versions.order_by("-number").first(),
        "own_review": proposal.reviews.filter(expert=request.user, round=proposal.round).first(),
        "can_change": rules.can_change_review(request.user, proposal),
        "blind": blind,
    }
    return render(request, "documents/proposal_review.html", context)


@login_required
def proposal_decide(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form, row, forms = _decision_forms(request, "decide", proposal)
    if form is not None and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(rules.can_decide_in_group, request.user, proposal)
    context = {
        "proposal": proposal,
        "forms": forms,
        "summary": selectors.review_summary(proposal),
        "opinions": opinions.opinions_of(request.user, proposal),
        "awaited_opinions": opinions.missing_opinions(proposal),
    }
    return render(request, "documents/proposal_decide.html", context)


# --- Programme office and governance body --------------------------------------------------
@login_required
def proposal_send_to_governance(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("send")
    form = form_class(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(row.rule, request.user, proposal)
    # The confirmation, with its optional note, is a form of the governance queue's page.
    return redirect(f"{reverse('documents:governance-queue')}#send-{proposal.pk}")


@login_required
def proposal_governance_decide(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form, row, forms = _decision_forms(request, "governance", proposal)
    if form is not None and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(rules.can_record_governance_decision, request.user, proposal)
    context = {"proposal": proposal, "forms": forms}
    return render(request, "documents/proposal_governance_decide.html", context)


# --- Anyone who takes part -----------------------------------------------------------------
@login_required
def proposal_conflict(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("conflict")
    form = form_class(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(row.rule, request.user, proposal)
    blind = rules.sees_blind(request.user, proposal)
    blind_review.hide_in_titles([proposal], blind=blind)
    context = {"proposal": proposal, "form": form, "blind": blind}
    return render(request, "documents/proposal_conflict.html", context)

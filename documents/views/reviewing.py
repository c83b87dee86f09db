"""Pages of the working groups, the programme office and the governance body: the lists of
what waits for them and the forms of their actions.

Every action page looks the proposal up among those the person may see (404 otherwise) and
checks the rule before drawing the page (403). A valid POST goes to one workflow service,
which checks the state (409) and the rule (403) again; workflow/middleware.py answers its
refusals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from documents import rules, selectors, transitions
from documents.models import ReviewCriterion
from documents.review_forms import (
    AssignExpertsForm,
    ConflictForm,
    GovernanceApprovalForm,
    GovernanceRejectionForm,
    GovernanceReturnForm,
    NoteForm,
    RejectionForm,
    ReviewForm,
    RevisionRequestForm,
)
from mbk.paging import page_of

DETAIL = "documents:proposal-detail"


def _decision_forms(request, form_classes: dict, proposal) -> tuple:
    """The forms of a page with several decisions; only the one whose button was pressed is
    bound to the POST."""
    chosen = request.POST.get("decision") if request.method == "POST" else None
    forms = {
        name: form_class(request.POST if name == chosen else None, prefix=name, proposal=proposal)
        for name, form_class in form_classes.items()
    }
    return forms.get(chosen), forms


# --- Lists ---------------------------------------------------------------------------------
@login_required
@require_safe
def group_inbox(request):
    rules.require(rules.can_open_group_inbox, request.user)
    state = request.GET.get("state")
    proposals, tabs = selectors.inbox(request.user, state)
    page = page_of(request, proposals)
    context = {
        "proposals": page.object_list,
        "page": page,
        "state": state if any(t.active for t in tabs) else "",
        "tabs": tabs,
        "all_active": not any(t.active for t in tabs),
    }
    return render(request, "documents/group_inbox.html", context)


@login_required
@require_safe
def assigned(request):
    rules.require(rules.can_open_assigned, request.user)
    page = page_of(request, selectors.assigned(request.user))
    return render(request, "documents/assigned.html", {"proposals": page.object_list, "page": page})


@login_required
@require_safe
def governance_queue(request):
    rules.require(rules.can_open_governance_queue, request.user)
    proposals = list(selectors.governance_queue(request.user))
    to_send = [
        (proposal, NoteForm(proposal=proposal, auto_id=f"send-{proposal.pk}-%s"))
        for proposal in proposals
        if rules.can_send_to_governance(request.user, proposal)
    ]
    context = {"proposals": proposals, "to_send": to_send}
    return render(request, "documents/governance_queue.html", context)


# --- Working group -------------------------------------------------------------------------
@login_required
def proposal_assign(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    candidates = selectors.assignment_candidates(proposal)
    form = AssignExpertsForm(request.POST or None, proposal=proposal, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        transitions.proposal_assign_experts(
            proposal_id=proposal.pk,
            by=request.user,
            experts=list(form.cleaned_data["experts"]),
            seen_edition=form.cleaned_data["edition"],
        )
        messages.success(request, _("The experts are assigned and notified."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_assign_experts, request.user, proposal)
    context = {"proposal": proposal, "form": form, "candidates": candidates}
    return render(request, "documents/proposal_assign.html", context)


@login_required
def proposal_review(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    criteria = list(ReviewCriterion.objects.all())
    form = ReviewForm(request.POST or None, proposal=proposal, criteria=criteria)
    if request.method == "POST" and form.is_valid():
        transitions.proposal_review(
            proposal_id=proposal.pk,
            by=request.user,
            scores=form.scores(),
            recommendation=form.cleaned_data["recommendation"],
            comments=form.cleaned_data["comments"],
            seen_version=form.cleaned_data["version"],
        )
        messages.success(request, _("Your review is submitted. Thank you."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_review_proposal, request.user, proposal)
    context = {
        "proposal": proposal,
        "form": form,
        "version": proposal.versions.order_by("-number").first(),
        "own_review": proposal.reviews.filter(expert=request.user, round=proposal.round).first(),
    }
    return render(request, "documents/proposal_review.html", context)


GROUP_DECISIONS = {"revise": RevisionRequestForm, "approve": NoteForm, "reject": RejectionForm}


@login_required
def proposal_decide(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form, forms = _decision_forms(request, GROUP_DECISIONS, proposal)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        common = {"proposal_id": proposal.pk, "by": request.user, "seen_edition": data["edition"]}
        if form.prefix == "revise":
            transitions.proposal_request_revision(**common, remarks=data["remarks"])
            messages.success(request, _("The proposal is returned to its authors for revision."))
        elif form.prefix == "approve":
            transitions.proposal_approve_in_group(**common, note=data["note"])
            messages.success(request, _("The proposal is approved by the working group."))
        else:
            transitions.proposal_reject(**common, reason=data["reason"])
            messages.success(request, _("The proposal is rejected."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_decide_in_group, request.user, proposal)
    context = {"proposal": proposal, "forms": forms, "summary": selectors.review_summary(proposal)}
    return render(request, "documents/proposal_decide.html", context)


# --- Programme office and governance body --------------------------------------------------
@login_required
def proposal_send_to_governance(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form = NoteForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        transitions.proposal_send_to_governance(
            proposal_id=proposal.pk,
            by=request.user,
            note=form.cleaned_data["note"],
            seen_edition=form.cleaned_data["edition"],
        )
        messages.success(request, _("The proposal is put before the governance body."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_send_to_governance, request.user, proposal)
    # The confirmation, with its optional note, is a form of the governance queue's page.
    return redirect(f"{reverse('documents:governance-queue')}#send-{proposal.pk}")


GOVERNANCE_DECISIONS = {
    "approve": GovernanceApprovalForm,
    "return": GovernanceReturnForm,
    "reject": GovernanceRejectionForm,
}


@login_required
def proposal_governance_decide(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form, forms = _decision_forms(request, GOVERNANCE_DECISIONS, proposal)
    if form is not None and form.is_valid():
        data = form.cleaned_data
        common = {"proposal_id": proposal.pk, "by": request.user, "seen_edition": data["edition"]}
        if form.prefix == "approve":
            transitions.proposal_governance_approve(
                **common, reference=form.reference(), note=data["note"]
            )
            messages.success(request, _("The governance body's approval is recorded."))
        elif form.prefix == "return":
            transitions.proposal_return_to_group(
                **common, reason=data["reason"], reference=form.reference()
            )
            messages.success(request, _("The proposal is returned to the working group."))
        else:
            transitions.proposal_reject(**common, reason=data["reason"], reference=form.reference())
            messages.success(request, _("The governance body's rejection is recorded."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_record_governance_decision, request.user, proposal)
    context = {"proposal": proposal, "forms": forms}
    return render(request, "documents/proposal_governance_decide.html", context)


# --- Anyone who takes part -----------------------------------------------------------------
@login_required
def proposal_conflict(request, pk: int):
    proposal = selectors.get_visible_proposal_or_404(request.user, pk)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        transitions.proposal_declare_conflict(
            proposal_id=proposal.pk, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Your conflict of interest is recorded."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_declare_conflict, request.user, proposal)
    return render(request, "documents/proposal_conflict.html", {"proposal": proposal, "form": form})

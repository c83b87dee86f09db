"""The authors' pages (their proposals, the draft's form, co-authors, attachments, answers to
remarks, submission, withdrawal) and the proposal's own page with its versions and their
differences, which everyone who may see the proposal reads.

Every page looks the proposal up among those the person may see (404 otherwise) and checks
the rule of its action before drawing the form (403). A valid POST goes to one service, which
checks the state and the rule again; workflow/middleware.py answers its refusals (409)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import StopUpload
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from documents import actions, rules, selectors, services
from documents.content import completeness_problems, diff, readable, snapshot
from documents.downloads import attachment_file
from documents.forms import (
    AttachmentForm,
    CoauthorsForm,
    ProposalCreateForm,
    ProposalEditForms,
    RemarksAnswerForm,
    VersionPairForm,
)
from documents.models import Attachment, Call, Proposal, ReviewCriterion
from documents.pdf import selectors as pdf_selectors
from documents.selectors import get_visible_proposal_or_404
from documents.uploads import SizeLimitedUploadHandler, too_large_message
from documents.views.running import run_transition
from mbk.paging import page_of

DETAIL = "documents:proposal-detail"
EDIT = "documents:proposal-edit"
State = Proposal.State


def _edit_attachments(proposal: Proposal) -> str:
    return f"{reverse(EDIT, args=[proposal.pk])}#attachments"


# --- What the pages show -------------------------------------------------------------------
def _reviews(proposal: Proposal) -> list[dict]:
    criteria = list(ReviewCriterion.objects.all())
    return [
        {"review": review, "scores": [(c, review.scores.get(c.code)) for c in criteria]}
        for review in proposal.reviews.select_related("expert", "version").order_by(
            "round", "submitted_at"
        )
    ]


# --- Lists and creation --------------------------------------------------------------------
@login_required
@require_safe
def my_proposals(request):
    page = page_of(request, selectors.my_proposals(request.user))
    proposals = selectors.due_to_authors(page.object_list)
    return render(request, "documents/my_proposals.html", {"proposals": proposals, "page": page})


@login_required
def proposal_create(request, pk: int):
    call = get_object_or_404(Call, pk=pk)
    rules.require(rules.can_create_proposal, request.user, call)
    form = ProposalCreateForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_create(by=request.user, call=call, **form.cleaned_data)
        messages.success(request, _("The draft is created. Only you and your co-authors see it."))
        return redirect(EDIT, pk=proposal.pk)
    return render(request, "documents/proposal_create.html", {"call": call, "form": form})


# --- The proposal's page -------------------------------------------------------------------
@login_required
@require_safe
def proposal_detail(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    versions = list(proposal.versions.order_by("number"))
    can_edit = rules.can_edit_proposal(request.user, proposal)
    # Authors read their draft as it stands; everyone else reads what was last submitted.
    live = can_edit or not versions
    shown = snapshot(proposal) if live else versions[-1].content
    sees_reviews = rules.can_see_reviews(request.user, proposal)
    context = {
        "proposal": proposal,
        "actions": actions.available_actions(request.user, proposal),
        "due": selectors.due_on_page(request.user, proposal),
        "authors": [proposal.author, *proposal.coauthors.all()],
        "shown_version": None if live else versions[-1],
        **readable(shown, proposal.call),
        "attachments": proposal.attachments.all(),
        "can_edit": can_edit,
        "versions": versions,
        "remarks": proposal.remarks.all(),
        "reviews": _reviews(proposal) if sees_reviews else None,
        "history": selectors.timeline(proposal, with_reviews=sees_reviews),
        "document_offers": pdf_selectors.offers(
            request.user, proposal, versions[-1] if versions else None
        ),
        "document_jobs": pdf_selectors.jobs_of(request.user, proposal),
    }
    return render(request, "documents/proposal_detail.html", context)


@login_required
@require_safe
def version_detail(request, pk: int, number: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    version = get_object_or_404(proposal.versions, number=number)
    context = {
        "proposal": proposal,
        "version": version,
        "versions": proposal.versions.order_by("number"),
        **readable(version.content, proposal.call),
    }
    return render(request, "documents/version_detail.html", context)


@login_required
@require_safe
def version_diff(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    versions = {v.number: v for v in proposal.versions.order_by("number")}
    form = VersionPairForm(request.GET, numbers=list(versions))
    context = {"proposal": proposal, "form": form}
    if form.is_valid():
        before, after = versions[form.cleaned_data["a"]], versions[form.cleaned_data["b"]]
        context |= {
            "before": before,
            "after": after,
            "changes": diff(before.content, after.content),
        }
    return render(request, "documents/version_diff.html", context)


# --- The draft -----------------------------------------------------------------------------
@login_required
def proposal_edit(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    edit = ProposalEditForms(request.POST or None, proposal=proposal)
    if request.method == "POST" and edit.is_valid():
        services.proposal_update(
            proposal_id=proposal.pk,
            by=request.user,
            content=edit.content(),
            seen_edition=edit.seen_edition(),
        )
        messages.success(request, _("The proposal is saved."))
        return redirect(DETAIL if "close" in request.POST else EDIT, pk=proposal.pk)
    rules.require(rules.can_edit_proposal, request.user, proposal)
    context = {
        "proposal": proposal,
        "edit": edit,
        "attachments": proposal.attachments.all(),
        "upload_form": AttachmentForm(),
    }
    return render(request, "documents/proposal_edit.html", context)


@login_required
def proposal_coauthors(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    form = CoauthorsForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        services.proposal_set_coauthors(
            proposal_id=proposal.pk,
            by=request.user,
            coauthors=list(form.cleaned_data["coauthors"]),
            seen_edition=form.cleaned_data["edition"],
        )
        messages.success(request, _("The co-authors are saved."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_manage_coauthors, request.user, proposal)
    return render(
        request, "documents/proposal_coauthors.html", {"proposal": proposal, "form": form}
    )


@login_required
def remarks_answer(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    form = RemarksAnswerForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        services.remarks_answer(
            proposal_id=proposal.pk,
            by=request.user,
            answers=form.answers(),
            seen_edition=form.cleaned_data["edition"],
        )
        messages.success(request, _("Your answers are saved. Submit the proposal when ready."))
        return redirect(DETAIL, pk=proposal.pk)
    rules.require(rules.can_edit_proposal, request.user, proposal)
    return render(request, "documents/remarks_answer.html", {"proposal": proposal, "form": form})


# --- Attachments ---------------------------------------------------------------------------
@csrf_exempt  # checked by _attachment_upload, once the size limit is in place
@login_required
@require_POST
def attachment_upload(request, pk: int):
    # The limit must count the bytes as they arrive, so it goes in before anything reads the
    # body (the CSRF check reads request.POST).
    request.upload_handlers.insert(0, SizeLimitedUploadHandler(request))
    try:
        return _attachment_upload(request, pk)
    except StopUpload:
        # A body announced as too large is refused before it is read.
        messages.error(request, too_large_message())
        return redirect(f"{reverse(EDIT, args=[pk])}#attachments")


@csrf_protect
def _attachment_upload(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)  # reads the body: the limit may stop it
    too_large = getattr(request, "upload_too_large", False)
    if not too_large and form.is_valid():
        attachment = services.attachment_add(
            proposal_id=proposal.pk, by=request.user, upload=form.cleaned_data["file"]
        )
        messages.success(request, _("«%(name)s» is attached.") % {"name": attachment})
        return redirect(_edit_attachments(proposal))
    rules.require(rules.can_edit_proposal, request.user, proposal)
    messages.error(request, too_large_message() if too_large else " ".join(form.errors["file"]))
    return redirect(_edit_attachments(proposal))


@login_required
@require_safe
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment, pk=pk)
    get_visible_proposal_or_404(request.user, attachment.proposal_id)
    return attachment_file(attachment)


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment, pk=pk)
    proposal = get_visible_proposal_or_404(request.user, attachment.proposal_id)
    services.attachment_remove(attachment_id=attachment.pk, by=request.user)
    messages.success(request, _("«%(name)s» is removed.") % {"name": attachment})
    return redirect(_edit_attachments(proposal))


# --- Workflow actions of the authors -------------------------------------------------------
@login_required
def proposal_submit(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("submit")
    form = form_class(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(rules.can_submit_proposal, request.user, proposal)
    first = proposal.state == State.DRAFT
    context = {
        "proposal": proposal,
        "form": form,
        "problems": completeness_problems(proposal),
        "first": first,
        "unanswered": 0
        if first
        else proposal.remarks.filter(round=proposal.round, answer="").count(),
    }
    return render(request, "documents/proposal_submit.html", context)


@login_required
def proposal_withdraw(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    row, form_class = actions.PROPOSAL.page("withdraw")
    form = form_class(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        return run_transition(request, row, proposal, form)
    rules.require(rules.can_withdraw_proposal, request.user, proposal)
    return render(request, "documents/proposal_withdraw.html", {"proposal": proposal, "form": form})

"""The authors' pages (their proposals, the draft's form, co-authors, attachments, answers to
remarks, submission, withdrawal) and the proposal's own page with its versions and their
differences, which everyone who may see the proposal reads.

Every page looks the proposal up among those the person may see (404 otherwise) and checks
the rule of its action before drawing the form (403). A valid POST goes to one service, which
checks the state and the rule again; workflow/middleware.py answers its refusals (409)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import StopUpload
from django.db.models import prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe

from documents import actions, keeping, merging, opinions, rules, selectors, services
from documents import blind as blind_review
from documents.content import REQUIRED_FIELDS, completeness_problems, diff, readable, snapshot
from documents.downloads import attachment_file
from documents.forms import (
    AttachmentForm,
    CoauthorsForm,
    ProposalCreateForm,
    ProposalEditForms,
    RemarksAnswerForm,
    VersionPairForm,
)
from documents.models import Attachment, Call, Proposal
from documents.pdf import selectors as pdf_selectors
from documents.questions import visible_content
from documents.selectors import get_visible_proposal_or_404
from documents.uploads import SizeLimitedUploadHandler, too_large_message
from documents.views.discussion import discussion_context
from documents.views.running import run_transition
from mbk.exceptions import StaleObjectError
from mbk.paging import page_of

DETAIL = "documents:proposal-detail"
EDIT = "documents:proposal-edit"
State = Proposal.State


def _edit_attachments(proposal: Proposal) -> str:
    return f"{reverse(EDIT, args=[proposal.pk])}#attachments"


# --- What the pages show -------------------------------------------------------------------
def _reviews(proposal: Proposal) -> list[dict]:
    criteria = selectors.review_criteria()
    reviews = list(
        proposal.reviews.select_related("expert", "version").order_by("round", "submitted_at")
    )
    # Their earlier texts, read only for the reviews changed since they came in.
    prefetch_related_objects([r for r in reviews if r.changed_at is not None], "changes")
    return [
        {
            "review": review,
            "scores": [(c, review.scores.get(c.code)) for c in criteria],
            "changes": [
                {"change": change, "scores": [(c, change.scores.get(c.code)) for c in criteria]}
                for change in (review.changes.all() if review.changed_at else [])
            ],
        }
        for review in reviews
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
    proposal = get_visible_proposal_or_404(request.user, pk, page=True)
    versions = selectors.versions_of(proposal)
    can_edit = rules.can_edit_proposal(request.user, proposal)
    # Authors read their draft as it stands; everyone else reads what was last submitted.
    live = can_edit or not versions
    shown = visible_content(
        request.user, proposal, snapshot(proposal) if live else versions[-1].content
    )
    sees_reviews = rules.can_see_reviews(request.user, proposal)
    blind = rules.sees_blind(request.user, proposal)
    blind_review.hide_in_titles([proposal], blind=blind)
    # Read once, shown in the timeline and the PDFs on offer.
    trail = selectors.decisions_trail(proposal)
    kinds = pdf_selectors.readable_kinds(request.user, proposal)
    context = {
        "proposal": proposal,
        "actions": actions.available_actions(request.user, proposal),
        "due": selectors.due_on_page(request.user, proposal),
        "authors": [] if blind else [proposal.author, *rules.coauthors_of(proposal)],
        "shown_version": None if live else versions[-1],
        **readable(blind_review.mask_content(shown, proposal) if blind else shown, proposal.call),
        "attachments": blind_review.listed_attachments(proposal, blind=blind),
        "can_edit": can_edit,
        "versions": versions,
        "remarks": blind_review.shown_remarks(proposal, blind=blind),
        "reviews": _reviews(proposal) if sees_reviews else None,
        "opinions": opinions.opinions_of(request.user, proposal),
        "history": selectors.timeline(
            proposal, with_reviews=sees_reviews, blind=blind, trail=trail
        ),
        **blind_review.page_flags(proposal, blind=blind),
        "document_offers": pdf_selectors.offers(
            request.user, proposal, versions[-1] if versions else None, kinds=kinds, trail=trail
        ),
        "document_jobs": pdf_selectors.jobs_of(request.user, proposal, kinds=kinds),
        **discussion_context(request.user, proposal),
        "duplicate_links": selectors.duplicate_links(request.user, proposal),
    }
    return render(request, "documents/proposal_detail.html", context)


@login_required
@require_safe
def version_detail(request, pk: int, number: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    version = get_object_or_404(proposal.versions, number=number)
    blind = rules.sees_blind(request.user, proposal)
    content = blind_review.mask_content(version.content, proposal) if blind else version.content
    blind_review.hide_in_titles([proposal], blind=blind)
    context = {
        "proposal": proposal,
        "version": version,
        "versions": proposal.versions.order_by("number"),
        "version_attachments": keeping.version_attachments(version, blind=blind),
        **readable(visible_content(request.user, proposal, content), proposal.call),
        **blind_review.page_flags(proposal, blind=blind),
    }
    return render(request, "documents/version_detail.html", context)


@login_required
@require_safe
def version_diff(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    versions = {v.number: v for v in proposal.versions.order_by("number")}
    form = VersionPairForm(request.GET, numbers=list(versions))
    blind = rules.sees_blind(request.user, proposal)
    blind_review.hide_in_titles([proposal], blind=blind)
    context = {"proposal": proposal, "form": form, **blind_review.page_flags(proposal, blind=blind)}
    if form.is_valid():
        before, after = versions[form.cleaned_data["a"]], versions[form.cleaned_data["b"]]
        old = visible_content(request.user, proposal, before.content)
        new = visible_content(request.user, proposal, after.content)
        if blind:
            names = blind_review.identifying_strings(proposal)
            old = blind_review.mask_content(old, proposal, names)
            new = blind_review.mask_content(new, proposal, names)
        context |= {"before": before, "after": after, "changes": diff(old, new)}
    return render(request, "documents/version_diff.html", context)


# --- The draft -----------------------------------------------------------------------------
@login_required
def proposal_edit(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    data = merging.take_current_tables(request.POST, proposal) if request.method == "POST" else None
    edit = ProposalEditForms(data, proposal=proposal)
    if request.method == "POST" and edit.is_valid():
        try:
            services.proposal_update(
                proposal_id=proposal.pk,
                by=request.user,
                content=edit.content(),
                seen_edition=edit.seen_edition(),
            )
        except StaleObjectError:
            return _edit_after_a_lost_race(request, pk, data)
        messages.success(request, _("The proposal is saved."))
        return redirect(DETAIL if "close" in request.POST else EDIT, pk=proposal.pk)
    rules.require(rules.can_edit_proposal, request.user, proposal)
    if not edit.main.is_bound:
        edit.main.initial["base"] = merging.drawn_base(edit, proposal)
    return _edit_page(request, proposal, edit)


def _edit_page(request, proposal, edit, merge=None, status=200):
    context = {
        "proposal": proposal,
        "edit": edit,
        "merge": merge,
        "required": set(REQUIRED_FIELDS) | edit.main.required_answers,
        **_attachments_context(proposal),
    }
    return render(request, "documents/proposal_edit.html", context, status=status)


def _edit_after_a_lost_race(request, pk: int, data):
    """Someone saved the draft after this form was drawn: the form is drawn again from the
    current edition, the person's text beside the saved one where both changed (409)."""
    proposal = get_visible_proposal_or_404(request.user, pk)  # as saved now
    if not proposal.is_editable:
        raise StaleObjectError  # submitted meanwhile: nothing to merge into
    rules.require(rules.can_edit_proposal, request.user, proposal)
    merge = merging.reconcile(data, proposal)
    edit = ProposalEditForms(merge.data, proposal=proposal)
    merging.annotate(edit, merge)
    return _edit_page(request, proposal, edit, merge, status=409)


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
# On the edit page the forms post through htmx and get back the attachments block only
# (templates/documents/_attachments.html), so nothing typed in the form above is lost; without
# JavaScript they redirect to the edit page as before.
def _attachments_context(proposal: Proposal, upload_form=None) -> dict:
    return {
        "proposal": proposal,
        "attachments": proposal.attachments.current(),
        "upload_form": upload_form or AttachmentForm(),
    }


def _attachments_answer(request, proposal, *, edition=None, upload_form=None, notice=""):
    """The attachments block for htmx, or the edit page for a plain form."""
    if not request.headers.get("HX-Request"):
        if notice:
            (messages.error if upload_form else messages.success)(request, notice)
        return redirect(_edit_attachments(proposal))
    context = {
        **_attachments_context(proposal, upload_form),
        "notice": notice,
        "failed": upload_form is not None,
        "edition": _edition_after(request, edition),
    }
    return render(request, "documents/_attachments.html", context)


def _edition_after(request, edition: int | None) -> int | None:
    """The edition the form on the page may now carry: advanced past this change only when
    the page was drawn from the edition just before it — anyone else's save in between still
    makes the form's next save a lost race."""
    drawn = request.POST.get("edition", "")
    if edition is not None and drawn.isdecimal() and int(drawn) == edition - 1:
        return edition
    return None


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
        if request.headers.get("HX-Request"):
            proposal = get_visible_proposal_or_404(request.user, pk)
            rules.require(rules.can_edit_proposal, request.user, proposal)
            form = AttachmentForm()
            form.errors["file"] = form.error_class([too_large_message()])
            return _attachments_answer(request, proposal, upload_form=form)
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
        return _attachments_answer(
            request,
            proposal,
            edition=attachment.proposal.edition,
            notice=_("«%(name)s» is attached.") % {"name": attachment},
        )
    rules.require(rules.can_edit_proposal, request.user, proposal)
    if too_large:
        form = AttachmentForm()
        form.errors["file"] = form.error_class([too_large_message()])
    return _attachments_answer(
        request, proposal, upload_form=form, notice=" ".join(form.errors["file"])
    )


@login_required
@require_safe
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.current(), pk=pk)
    proposal = get_visible_proposal_or_404(request.user, attachment.proposal_id)
    return attachment_file(attachment, blind=rules.sees_blind(request.user, proposal))


@login_required
@require_safe
def version_attachment_download(request, pk: int, number: int, attachment: int):
    """An attachment as the version froze it, even if removed from the proposal since."""
    proposal = get_visible_proposal_or_404(request.user, pk)
    version = get_object_or_404(proposal.versions, number=number)
    return attachment_file(
        keeping.version_attachment_or_404(version, attachment),
        blind=rules.sees_blind(request.user, proposal),
    )


@login_required
@require_POST
def attachment_delete(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.current(), pk=pk)
    proposal = get_visible_proposal_or_404(request.user, attachment.proposal_id)
    edition = services.attachment_remove(attachment_id=attachment.pk, by=request.user)
    return _attachments_answer(
        request,
        proposal,
        edition=edition,
        notice=_("«%(name)s» is removed.") % {"name": attachment},
    )


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

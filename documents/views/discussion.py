"""The discussion block of the proposal's page and its two writes (documents/discussion.py).
The forms post through htmx and get the block back alone; without JavaScript they post and
redirect to the proposal's page. Who cannot see the proposal gets 404, who sees it but may not
discuss it 403; the service's refusals (409) are answered by workflow/middleware.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import discussion, rules
from documents.forms import DiscussionEntryForm
from documents.models import DiscussionEntry, Proposal
from documents.selectors import get_visible_proposal_or_404


def discussion_context(user, proposal: Proposal, form=None) -> dict:
    """What the proposal's page needs for the block: nothing for those who may not read it."""
    if not rules.can_discuss(user, proposal):
        return {"discussion": None}
    now = timezone.now()
    # No query for a proposal its page's lookup read as having no entries (`has_discussion`).
    entries = discussion.entries(proposal) if getattr(proposal, "has_discussion", True) else []
    rows = [
        {"entry": entry, "editable": discussion.is_editable(entry, user, now)} for entry in entries
    ]
    return {"discussion": {"rows": rows, "form": form or DiscussionEntryForm()}}


def _not_notified(posted: discussion.Posted) -> str:
    if not posted.not_notified:
        return ""
    return _(
        "Not notified (they cannot read this discussion or there is no such login): %(logins)s."
    ) % {"logins": ", ".join(f"@{login}" for login in posted.not_notified)}


def _answer(request, proposal, *, form=None, notice="", warning=""):
    if not request.headers.get("HX-Request"):
        if notice:
            messages.success(request, notice)
        if warning:
            messages.warning(request, warning)
        if form is not None and form.errors:
            messages.error(request, " ".join(form.errors.get("text", [])))
        return redirect(f"{reverse('documents:proposal-detail', args=[proposal.pk])}#discussion")
    context = {
        "proposal": proposal,
        **discussion_context(request.user, proposal, form),
        "notice": notice,
        "warning": warning,
    }
    return render(request, "documents/_discussion.html", context)


@login_required
@require_POST
def discussion_post(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    rules.require(rules.can_discuss, request.user, proposal)
    form = DiscussionEntryForm(request.POST)
    if not form.is_valid():
        return _answer(request, proposal, form=form)
    posted = discussion.discussion_post(
        proposal_id=proposal.pk, by=request.user, text=form.cleaned_data["text"]
    )
    return _answer(
        request, proposal, notice=_("Your entry is added."), warning=_not_notified(posted)
    )


@login_required
def discussion_entry_edit(request, pk: int, entry: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    rules.require(rules.can_discuss, request.user, proposal)
    found = get_object_or_404(DiscussionEntry, pk=entry, proposal=proposal)
    form = DiscussionEntryForm(
        request.POST or None, initial={"text": found.text, "edition": found.edition}
    )
    if request.method == "POST" and form.is_valid():
        posted = discussion.discussion_edit(
            entry_id=found.pk,
            by=request.user,
            text=form.cleaned_data["text"],
            seen_edition=form.cleaned_data["edition"],
        )
        return _answer(
            request, proposal, notice=_("Your entry is changed."), warning=_not_notified(posted)
        )
    discussion.require_editable(found, request.user)
    context = {"proposal": proposal, "entry": found, "form": form}
    return render(request, "documents/discussion_entry_edit.html", context)

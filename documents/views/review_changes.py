"""The expert's page to change their review of the current round (documents/review_changes.py).
What the person may not see is a 404, a change they may not make a 403; the service's refusals
(409: decided, stale, unchanged) are answered by workflow/middleware.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from documents import rules
from documents.models import ReviewCriterion
from documents.review_changes import proposal_review_change
from documents.review_forms import ReviewChangeForm
from documents.selectors import get_visible_proposal_or_404


@login_required
def review_change(request, pk: int):
    proposal = get_visible_proposal_or_404(request.user, pk)
    rules.require(rules.can_change_review, request.user, proposal)
    review = proposal.reviews.select_related("version").get(
        expert=request.user, round=proposal.round
    )
    criteria = list(ReviewCriterion.objects.all())
    form = ReviewChangeForm(
        request.POST or None, proposal=proposal, criteria=criteria, review=review
    )
    if request.method == "POST" and form.is_valid():
        proposal_review_change(
            proposal_id=proposal.pk,
            by=request.user,
            seen_edition=form.cleaned_data["review_edition"],
            **form.params(),
        )
        messages.success(request, _("Your review is changed; its earlier text is kept."))
        return redirect("documents:proposal-detail", pk=proposal.pk)
    context = {"proposal": proposal, "form": form, "review": review}
    return render(request, "documents/review_change.html", context)

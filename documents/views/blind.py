"""Blind review of a call: the programme office turns it on or off on the call's page until
the call opens (documents/services.py, call_set_blind_review). What the experts then read is
documents/blind.py's, and who reads blind documents.rules.sees_blind's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import rules, services
from documents.forms import CallBlindReviewForm
from documents.models import Call


def blind_review_block(user, call: Call) -> dict:
    """What the call page's block (templates/documents/_call_blind_review.html) needs."""
    can_change = rules.can_change_blind_review(user, call) and not call.has_opened()
    form = CallBlindReviewForm(initial={"blind_review": call.blind_review}) if can_change else None
    return {"blind_review_form": form}


@login_required
@require_POST
def call_blind_review(request, pk: int):
    call = get_object_or_404(Call, pk=pk)
    rules.require(rules.can_change_blind_review, request.user, call)
    form = CallBlindReviewForm(request.POST)
    form.is_valid()  # a checkbox: absent is off, so the form is always valid
    call = services.call_set_blind_review(
        call_id=call.pk, by=request.user, blind_review=form.cleaned_data["blind_review"]
    )
    if call.blind_review:
        messages.success(request, _("Blind review is on for this call."))
    else:
        messages.success(request, _("Blind review is off for this call."))
    return redirect("documents:call-detail", pk=call.pk)

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from directory import rules, selectors, services
from directory.forms import AffiliationDecisionForm, OrganisationForm
from directory.models import Organisation

User = get_user_model()


@login_required
def overview(request):
    return render(request, "directory/overview.html", selectors.directory_overview())


@login_required
def organisation_review(request):
    rules.require(rules.can_review_organisations, request.user)
    organisations = selectors.organisations_awaiting_confirmation()
    return render(request, "directory/organisation_review.html", {"organisations": organisations})


@login_required
@require_POST
def organisation_confirm(request, pk: int):
    rules.require(rules.can_review_organisations, request.user)
    organisation = services.organisation_confirm(
        organisation_id=get_object_or_404(Organisation, pk=pk).pk, by=request.user
    )
    messages.success(request, _("%(name)s is confirmed.") % {"name": organisation})
    return redirect("directory:organisation-review")


@login_required
@require_POST
def organisation_reject(request, pk: int):
    rules.require(rules.can_review_organisations, request.user)
    organisation = services.organisation_reject(
        organisation_id=get_object_or_404(Organisation, pk=pk).pk, by=request.user
    )
    messages.success(request, _("%(name)s is rejected.") % {"name": organisation})
    return redirect("directory:organisation-review")


@login_required
def organisation_edit(request, pk: int):
    organisation = get_object_or_404(Organisation, pk=pk)
    rules.require(rules.can_edit_organisation, request.user, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_update(
            organisation_id=organisation.pk,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("The organisation's details are saved."))
        return redirect("accounts:profile")
    return render(request, "directory/organisation_edit.html", {"form": form})


@login_required
def affiliation_review(request):
    """People waiting to be confirmed as members of their organisation: all of them for the
    programme office, their own organisation's for a contact person."""
    rules.require(rules.can_review_affiliations, request.user)
    people = selectors.affiliations_awaiting(request.user)
    return render(request, "directory/affiliation_review.html", {"people": people})


def _decide_affiliation(request, pk: int, decide, done: str):
    rules.require(rules.can_review_affiliations, request.user)
    person = get_object_or_404(User, pk=pk)
    form = AffiliationDecisionForm(request.POST)
    organisation_id = form.cleaned_data["organisation"] if form.is_valid() else None
    affiliation = decide(person_id=person.pk, organisation_id=organisation_id, by=request.user)
    messages.success(
        request,
        done % {"name": person.get_full_name(), "organisation": affiliation.organisation},
    )
    return redirect("directory:affiliation-review")


@login_required
@require_POST
def affiliation_confirm(request, pk: int):
    return _decide_affiliation(
        request,
        pk,
        services.affiliation_confirm,
        _("%(name)s is confirmed as a member of %(organisation)s."),
    )


@login_required
@require_POST
def affiliation_refuse(request, pk: int):
    return _decide_affiliation(
        request,
        pk,
        services.affiliation_refuse,
        _("%(name)s is refused membership of %(organisation)s."),
    )

"""The profile page's part of the API: a person issues and revokes their own tokens."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api import tokens
from api.models import ApiToken
from mbk.forms import CharField


class TokenForm(forms.Form):
    name = CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What uses it, for example «Excel report of the department»."),
    )


@never_cache
@login_required
@require_POST
def token_issue(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["name"]))
        return redirect("accounts:profile")
    issued = tokens.token_issue(user=request.user, name=form.cleaned_data["name"])
    # The secret is shown on this response only; it is stored nowhere but in its hash.
    return render(request, "api/token_issued.html", {"issued": issued}, status=201)


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.token_revoke(token_id=token.pk, by=request.user)
    messages.success(request, _("The token «%(name)s» is revoked.") % {"name": token.name})
    return redirect("accounts:profile")

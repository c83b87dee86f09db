"""Search over what the person may see (documents/search.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from documents import rules
from documents import search as engine
from mbk.forms import CharField


class SearchForm(forms.Form):
    q = CharField(label=_("Search"), max_length=200, required=False)


@login_required
@require_safe
def search(request):
    form = SearchForm(request.GET)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    hits = engine.search(request.user, text) if text else []
    context = {
        "form": form,
        "text": text,
        "hits": hits,
        # The best LIMIT hits are shown: the page says so rather than stopping silently.
        "limit": engine.LIMIT,
        "truncated": len(hits) >= engine.LIMIT,
        "can_open_register": rules.can_open_register(request.user),
    }
    return render(request, "documents/search.html", context)

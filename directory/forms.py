from django import forms

from directory.models import Organisation
from directory.validators import validate_inn
from mbk.forms import ModelForm


class OrganisationForm(ModelForm):
    """What the proposer of an organisation may correct while it awaits confirmation."""

    class Meta:
        model = Organisation
        fields = ("name_ru", "name_en", "kind", "inn", "city", "website")

    def clean_inn(self) -> str:
        inn = self.cleaned_data["inn"].strip()
        if inn:
            validate_inn(inn)
        return inn


class AffiliationDecisionForm(forms.Form):
    """The organisation the page showed for the person: a decision is on that pair only."""

    organisation = forms.IntegerField(min_value=1, max_value=2**31 - 1)

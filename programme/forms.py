"""Forms of the programme's pages: they read and check input; the services decide and write."""

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import Body
from mbk.forms import AmountField, CharField, ModelForm
from programme.models import Programme, Section

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 15, "decimal_places": 2, "min_value": Decimal(0)}


def _comment() -> CharField:
    return CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SectionAddForm(ModelForm):
    class Meta:
        model = Section
        fields = ["title_ru", "title_en", "code", "owner", "table"]
        help_texts = {"code": _("Latin letters, digits and hyphens; used in links and checks.")}

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["owner"].queryset = Body.objects.filter(
            kind__in=[*Body.WORKING_GROUPS, Body.Kind.PROGRAMME_OFFICE]
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if self.programme.sections.filter(code=code).exists():
            raise forms.ValidationError(_("The programme already has a section with this code."))
        return code


class SectionTextForm(forms.Form):
    text = CharField(
        label=_("Text of the section"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        help_text=_(
            "Markdown: # headings, - lists, 1. numbered lists, **bold**, *italics*, "
            "[links](https://…) and tables with | columns |. HTML is shown as text."
        ),
    )
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


# --- Structured tables: one form per row ------------------------------------------------------
class RowForm(forms.Form):
    """A row of a section's table. Rows left empty are skipped, not refused."""

    def as_row(self) -> dict:
        raise NotImplementedError


class IndicatorRowForm(RowForm):
    name = CharField(label=_("Indicator"), max_length=300)
    unit = CharField(label=_("Unit"), max_length=50)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=15, decimal_places=2)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=str(year), max_digits=15, decimal_places=2, required=False
            )

    def as_row(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "unit": data["unit"],
            "baseline": str(data["baseline"]),
            "targets": {
                str(y): str(data[f"target_{y}"])
                for y in self.years
                if data.get(f"target_{y}") is not None
            },
        }

    @staticmethod
    def initial_of(row: dict, years: list[int]) -> dict:
        initial = {k: row.get(k) for k in ("name", "unit", "baseline")}
        for year in years:
            initial[f"target_{year}"] = row.get("targets", {}).get(str(year))
        return initial


class ActivityRowForm(RowForm):
    name = CharField(label=_("Activity"), max_length=500)
    responsible = CharField(label=_("Responsible"), max_length=300)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
    funding = AmountField(label=_("Funding, roubles"), required=False, **MONEY)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)

    def as_row(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "responsible": data["responsible"],
            "deadline": data["deadline"].isoformat(),
            "funding": str(data["funding"] or 0),
        }

    @staticmethod
    def initial_of(row: dict, years: list[int]) -> dict:
        initial = dict(row)
        if row.get("deadline"):
            initial["deadline"] = datetime.date.fromisoformat(row["deadline"])
        return initial


class FinancingRowForm(RowForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    own = AmountField(label=_("own funds"), required=False, **MONEY)
    private = AmountField(label=_("private investors"), required=False, **MONEY)
    city = AmountField(label=_("city of Moscow"), required=False, **MONEY)
    federal = AmountField(label=_("federal budget"), required=False, **MONEY)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "—"), *((y, y) for y in years)]

    def as_row(self) -> dict:
        data = self.cleaned_data
        row = {"year": data["year"]}
        for source in ("own", "private", "city", "federal"):
            row[source] = str(data[source] or 0)
        return row

    @staticmethod
    def initial_of(row: dict, years: list[int]) -> dict:
        return dict(row)


ROW_FORMS = {
    Section.Table.INDICATORS: IndicatorRowForm,
    Section.Table.ACTIVITIES: ActivityRowForm,
    Section.Table.FINANCING: FinancingRowForm,
}


class BaseRowFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors) or self.form is not FinancingRowForm:
            return
        years = [f.cleaned_data["year"] for f in self._kept()]
        if len(years) != len(set(years)):
            raise forms.ValidationError(_("Each year may appear in the financing table once."))

    def _kept(self) -> list[RowForm]:
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def rows(self) -> list[dict]:
        return [f.as_row() for f in self._kept()]


def row_formset(section: Section, rows: list[dict], data=None):
    """The formset of the section's table, with three empty rows to add more, or None."""
    form_class = ROW_FORMS.get(section.table)
    if form_class is None:
        return None
    years = section.programme.years
    formset_class = forms.formset_factory(
        form_class,
        formset=BaseRowFormSet,
        extra=3,
        can_delete=True,
        max_num=500,
        validate_max=True,
    )
    initial = [form_class.initial_of(row, years) for row in rows]
    return formset_class(data, initial=initial, prefix="rows", form_kwargs={"years": years})


class DecisionForm(forms.Form):
    """The parameters of one transition of a section or a version (programme/actions.py): the
    table says which it takes and which are required."""

    action = CharField(widget=forms.HiddenInput)
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = _comment()

    def __init__(self, *args, transition, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition

    def clean(self):
        data = super().clean()
        for param in self.transition.params:
            value = data.get(param.name)
            if param.required and (value is None or not str(value).strip()):
                self.add_error(
                    param.name, param.missing or forms.Field.default_error_messages["required"]
                )
        return data

    def params(self) -> dict:
        return {param.name: self.cleaned_data.get(param.name) for param in self.transition.params}


class SectionDecisionForm(DecisionForm):
    reference = CharField(
        label=_("Decision of the governance body (number and date)"),
        required=False,
        max_length=200,
    )


class VersionCreateForm(forms.Form):
    note = CharField(
        label=_("What this version changes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class VersionDecisionForm(DecisionForm):
    decision_number = CharField(label=_("Decision number"), required=False, max_length=50)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=DATE)

    def clean_decision_date(self):
        date = self.cleaned_data.get("decision_date")
        if date is not None and date > timezone.localdate():
            raise forms.ValidationError(_("The decision's date cannot be in the future."))
        return date


class PairForm(forms.Form):
    """Two numbers to compare (revisions of a section, or versions of the programme)."""

    a = forms.TypedChoiceField(label=_("From"), coerce=int)
    b = forms.TypedChoiceField(label=_("To"), coerce=int)

    def __init__(self, *args, numbers: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("a", "b"):
            self.fields[name].choices = [(n, n) for n in numbers]

    def clean(self):
        data = super().clean()
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Choose two different numbers."))
        return data

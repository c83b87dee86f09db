"""Forms of the authors' pages and of the calls for proposals. They read and check input; the
services (documents/services.py, workflow/services.py) decide and write."""

import copy
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Affiliation, Body, Direction, Organisation, SupportInstrument
from documents import questions
from documents.models import BudgetLine, Call, CallQuestion, Proposal
from documents.register import DEFAULT_SORT, SORTS, CallSummary, Filters
from documents.review_forms import ActionForm
from documents.services import ProposalContent
from documents.uploads import ALLOWED_TEXT, check_upload
from mbk.forms import AmountField, CharField, ModelChoiceField, ModelForm
from mbk.i18n import bilingual

CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EMPTY_CHOICE = [("", "—")]


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# --- Calls for proposals -------------------------------------------------------------------
class CallForm(ModelForm):
    """The programme office opens a call; the model's constraints (dates and years in order)
    are checked here, so the service never meets invalid input."""

    class Meta:
        model = Call
        fields = [
            "title_ru",
            "title_en",
            "directions",
            "opens_on",
            "closes_on",
            "first_year",
            "last_year",
            "guide",
            "blind_review",
        ]
        widgets = {
            "directions": CHECKBOXES,
            "opens_on": DATE,
            "closes_on": DATE,
            "guide": _textarea(6),
        }
        help_texts = {
            "closes_on": _("No first submission is accepted after this day."),
            "first_year": _("Budgets and target indicators are planned year by year."),
            "guide": _("What the authors should know: priorities, requirements, contacts."),
        }


# --- Proposals -----------------------------------------------------------------------------
class ProposalCreateForm(forms.Form):
    title = CharField(label=_("Title of the project"), max_length=300)
    direction = forms.ModelChoiceField(
        label=_("Priority direction"),
        queryset=Direction.objects.none(),
        help_text=_("The proposal goes to the working group of this direction."),
    )

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].queryset = call.directions.all()


class ProposalForm(ModelForm):
    """The main fields of the draft. The direction can change only before the first
    submission, and only to one the call covers."""

    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # Digests of what the page showed (documents/merging.py): after a lost race, they tell
    # which side changed each field.
    base = CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    class Meta:
        model = Proposal
        fields = [
            "title",
            "direction",
            "infrastructure_groups",
            "summary",
            "goals",
            "description",
            "readiness_level",
            "expected_results",
            "investors_and_partners",
            "services",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        widgets = {
            "infrastructure_groups": CHECKBOXES,
            "services": CHECKBOXES,
            "summary": _textarea(3),
            "goals": _textarea(4),
            "description": _textarea(8),
            "expected_results": _textarea(4),
            "investors_and_partners": _textarea(3),
        }
        help_texts = {
            "summary": _("Two or three sentences: what the project makes and for whom."),
            "infrastructure_groups": _(
                "Optional: the infrastructure working groups whose services the project relies on."
            ),
            "investors_and_partners": _("Anchor investors and partners, with their role."),
        }

    def __init__(self, data=None, *, proposal: Proposal):
        # Validation writes into the form's instance: a copy keeps the page's own proposal as
        # it is saved.
        super().__init__(data, instance=copy.copy(proposal), initial={"edition": proposal.edition})
        if proposal.state == Proposal.State.DRAFT:
            self.fields["direction"].queryset = proposal.call.directions.all()
        else:
            del self.fields["direction"]
        self.questions = questions.questions_of(proposal)
        answers = questions.answers_of(proposal)
        for question in self.questions:
            name = answer_field_name(question)
            self.fields[name] = answer_field(question, proposal)
            self.initial[name] = answer_initial(question, answers.get(question.pk))

    @property
    def required_answers(self) -> set[str]:
        """The answer fields required for submission (the page marks them)."""
        return {answer_field_name(q) for q in self.questions if q.required}

    def answers(self) -> dict[int, object]:
        """Each question's answer as the service stores it (an Attachment for a file)."""
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(answer_field_name(question))
            if question.kind == CallQuestion.Kind.FILE:
                result[question.pk] = value
            else:
                result[question.pk] = questions.stored_value(question, value)
        return result

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields under the headings of the edit page."""
        groups = [
            (_("The project"), ["title", "direction", "summary", "goals", "description"]),
            (_("Readiness and results"), ["readiness_level", "expected_results"]),
            (
                _("The cluster's part"),
                ["infrastructure_groups", "services", "investors_and_partners"],
            ),
            (_("Contacts"), ["contact_name", "contact_email", "contact_phone"]),
            (_("Questions of the call"), [answer_field_name(q) for q in self.questions]),
        ]
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in groups
            if any(name in self.fields for name in names)
        ]

    def content_fields(self) -> dict:
        many = ("edition", "base", "infrastructure_groups", "services")
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in many and not name.startswith(ANSWER_PREFIX)
        }


# --- Answers to the call's questions (documents/questions.py) --------------------------------
ANSWER_PREFIX = "question_"


def answer_field_name(question: CallQuestion) -> str:
    return f"{ANSWER_PREFIX}{question.pk}"


def answer_field(question: CallQuestion, proposal: Proposal) -> forms.Field:
    """The widget that fits the question, in the reader's language. Never required here: a
    draft is saved incomplete, and submission asks for the required answers."""
    kind = question.kind
    common = {"label": question.text, "help_text": question.help, "required": False}
    choices = [
        (c["code"], bilingual(c["label_ru"], c.get("label_en", ""))) for c in question.choices
    ]
    if kind == CallQuestion.Kind.NUMBER:
        return AmountField(max_digits=20, decimal_places=4, **common)
    if kind == CallQuestion.Kind.CHOICE:
        return forms.ChoiceField(choices=EMPTY_CHOICE + choices, **common)
    if kind == CallQuestion.Kind.MULTIPLE:
        return forms.MultipleChoiceField(choices=choices, widget=CHECKBOXES, **common)
    if kind == CallQuestion.Kind.YES_NO:
        widget = forms.NullBooleanSelect()
        widget.choices = [
            ("unknown", "—"),
            ("true", capfirst(_("yes"))),
            ("false", capfirst(_("no"))),
        ]
        return forms.NullBooleanField(widget=widget, **common)
    if kind == CallQuestion.Kind.FILE:
        field = forms.ModelChoiceField(queryset=proposal.attachments.all(), **common)
        field.empty_label = "—"
        hint = _("Attach the file under “Attachments” below, save, then choose it here.")
        field.help_text = f"{question.help} {hint}".strip()
        return field
    return CharField(max_length=5000, widget=_textarea(3), **common)


def answer_initial(question: CallQuestion, answer) -> object:
    if answer is None:
        return None
    if question.kind == CallQuestion.Kind.FILE:
        return answer.attachment_id
    if question.kind == CallQuestion.Kind.NUMBER and answer.value is not None:
        return Decimal(answer.value)
    return answer.value


class RowForm(forms.Form):
    """One child row of the draft (a budget line, an indicator...), as the service takes it."""

    def row(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.base_fields}


class RowFormSet(forms.BaseFormSet):
    """Child rows; empty extra forms and rows marked for removal are left out. `unique_by`
    names the fields that may not repeat between rows."""

    unique_by: tuple[str, ...] = ()
    duplicate_message = ""

    def rows(self) -> list[dict]:
        return [
            form.row()
            for form in self.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        # A negative count would read as no rows at all and erase them: it is never sent by
        # the page, only by a hand-made request.
        if self.is_bound and self.management_form.cleaned_data.get("TOTAL_FORMS", 0) < 0:
            raise forms.ValidationError(
                _("The form's data is damaged; reload the page and try again.")
            )
        if not self.unique_by:
            return
        keys = [tuple(row[name] for name in self.unique_by) for row in self.rows()]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(self.duplicate_message)


class BudgetLineForm(RowForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    source = forms.ChoiceField(
        label=_("Source"), choices=EMPTY_CHOICE + list(BudgetLine.Source.choices)
    )
    amount = AmountField(label=_("Amount, roubles"), min_value=Decimal("0.01"))

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = EMPTY_CHOICE + [(year, year) for year in years]


class BudgetFormSet(RowFormSet):
    unique_by = ("year", "source")
    duplicate_message = _("Each year and source has one budget line: merge the repeated ones.")


class IndicatorForm(RowForm):
    """A target indicator with one target field per year of the call."""

    name = CharField(label=_("Indicator"), max_length=300)
    unit = CharField(label=_("Unit"), max_length=50)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=15, decimal_places=2)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = years
        for year in years:
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=str(year), required=False, max_digits=15, decimal_places=2
            )

    def row(self) -> dict:
        targets = {str(y): self.cleaned_data[f"target_{y}"] for y in self.years}
        return {
            **super().row(),
            "targets": {year: str(value) for year, value in targets.items() if value is not None},
        }


class RequestedInstrumentForm(RowForm):
    instrument = forms.ModelChoiceField(
        label=_("Support instrument"), queryset=SupportInstrument.objects.all()
    )
    justification = CharField(label=_("Justification"), widget=_textarea(2))


class RequestedInstrumentFormSet(RowFormSet):
    unique_by = ("instrument",)
    duplicate_message = _("Each support instrument is requested once.")


class MilestoneForm(RowForm):
    name = CharField(label=_("Milestone"), max_length=300)
    due_on = forms.DateField(label=_("Date"), widget=DATE)


MAX_ROWS = 100  # of each kind: a budget of 10 years × 4 sources is 40


def _formset(form, formset=RowFormSet):
    # absolute_max bounds the forms built whatever TOTAL_FORMS claims; validate_max says so.
    return forms.formset_factory(
        form,
        formset=formset,
        extra=2,
        can_delete=True,
        max_num=MAX_ROWS,
        absolute_max=MAX_ROWS,
        validate_max=True,
    )


@dataclass
class Section:
    """A formset of the edit page with its heading and its explanation."""

    formset: RowFormSet
    title: str
    help_text: str
    merge: object = None  # after a lost race: documents.merging.Unit


class ProposalEditForms:
    """The whole edit page: the main fields and one formset per kind of child row."""

    def __init__(self, data, *, proposal: Proposal):
        years = proposal.call.years
        per_year = {"years": years}
        self.main = ProposalForm(data, proposal=proposal)
        self.budget = _formset(BudgetLineForm, BudgetFormSet)(
            data,
            prefix="budget",
            form_kwargs=per_year,
            initial=list(proposal.budget_lines.values("year", "source", "amount")),
        )
        self.indicators = _formset(IndicatorForm)(
            data,
            prefix="indicators",
            form_kwargs=per_year,
            initial=[
                {
                    "name": i.name,
                    "unit": i.unit,
                    "baseline": i.baseline,
                    **{f"target_{year}": value for year, value in i.targets.items()},
                }
                for i in proposal.indicators.all()
            ],
        )
        self.instruments = _formset(RequestedInstrumentForm, RequestedInstrumentFormSet)(
            data,
            prefix="instruments",
            initial=[
                {"instrument": r.instrument_id, "justification": r.justification}
                for r in proposal.requested_instruments.all()
            ],
        )
        self.milestones = _formset(MilestoneForm)(
            data, prefix="milestones", initial=list(proposal.milestones.values("name", "due_on"))
        )
        first, last = years[0], years[-1]
        self.sections = [
            Section(
                self.budget,
                _("Budget"),
                _("Roubles by year (%(first)s–%(last)s) and source; one line per year and source.")
                % {"first": first, "last": last},
            ),
            Section(
                self.indicators,
                _("Target indicators"),
                _("The baseline and the value to reach in each year of the project."),
            ),
            Section(
                self.instruments,
                _("Requested support instruments"),
                _("Each instrument from the cluster's directory, with the reason it is needed."),
            ),
            Section(
                self.milestones,
                _("Milestones"),
                _("Key stages of the project in the order of their dates."),
            ),
        ]

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in (self.main, *(s.formset for s in self.sections))]
        return all(results)

    def seen_edition(self) -> int:
        return self.main.cleaned_data["edition"]

    def content(self) -> ProposalContent:
        return ProposalContent(
            fields=self.main.content_fields(),
            infrastructure_groups=list(self.main.cleaned_data["infrastructure_groups"]),
            services=list(self.main.cleaned_data["services"]),
            budget_lines=self.budget.rows(),
            indicators=self.indicators.rows(),
            requested_instruments=self.instruments.rows(),
            milestones=self.milestones.rows(),
            answers=self.main.answers(),
        )


class CoauthorsForm(ActionForm):
    coauthors = forms.ModelMultipleChoiceField(
        label=_("Co-authors"),
        queryset=User.objects.none(),
        required=False,
        widget=CHECKBOXES,
        help_text=_("Colleagues of your organisation who may edit the proposal with you."),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs["initial"] = {"coauthors": list(proposal.coauthors.all())}
        super().__init__(*args, proposal=proposal, **kwargs)
        self.fields["coauthors"].queryset = (
            User.objects.filter(
                organisation_id=proposal.organisation_id,
                is_active=True,
                # Only confirmed members: a stranger who named the organisation is not offered.
                affiliations__organisation_id=proposal.organisation_id,
                affiliations__status=Affiliation.Status.CONFIRMED,
            )
            .exclude(pk=proposal.author_id)
            .order_by("last_name", "first_name", "pk")
        )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
        self.fields["file"].help_text = _(
            "%(types)s, up to %(mb)s MB. The type is checked by the content, not by the name."
        ) % {"types": ALLOWED_TEXT, "mb": f"{megabytes:g}"}

    def clean_file(self):
        try:
            return check_upload(self.cleaned_data["file"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class RemarksAnswerForm(ActionForm):
    """One answer per remark of the last revision request."""

    def __init__(self, *args, proposal: Proposal, **kwargs):
        self.remarks = list(proposal.remarks.filter(round=proposal.round))
        kwargs["initial"] = {f"answer_{r.pk}": r.answer for r in self.remarks}
        super().__init__(*args, proposal=proposal, **kwargs)
        for remark in self.remarks:
            self.fields[f"answer_{remark.pk}"] = CharField(
                label=_("Answer to remark %(number)s") % {"number": remark.number},
                required=False,
                widget=_textarea(3),
            )

    def pairs(self) -> list[tuple]:
        return [(remark, self[f"answer_{remark.pk}"]) for remark in self.remarks]

    def answers(self) -> dict[int, str]:
        return {remark.pk: self.cleaned_data[f"answer_{remark.pk}"] for remark in self.remarks}


class WithdrawForm(ActionForm):
    reason = CharField(
        label=_("Reason"),
        required=False,
        widget=_textarea(3),
        help_text=_("Optional; it is kept in the proposal's history."),
    )

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"]}


class VersionPairForm(forms.Form):
    """Which two frozen versions to compare: by default the previous and the latest, and for
    a chosen version `b` the one before it."""

    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, data, *, numbers: list[int]):
        data = data.copy()
        if len(numbers) > 1:
            data.setdefault("b", str(numbers[-1]))
            if data["b"].isdecimal():  # not isdigit: int("²") fails
                data.setdefault("a", str(int(data["b"]) - 1))
        super().__init__(data)
        self.numbers = numbers
        for name in ("a", "b"):
            self.fields[name].choices = [(n, n) for n in numbers]
            self.fields[name].required = len(numbers) > 1

    def clean(self):
        if len(self.numbers) < 2:
            raise forms.ValidationError(
                _("There is only one version so far: nothing to compare it with.")
            )
        return super().clean()


# --- The register of proposals (documents/register.py) ---------------------------------------
class RegisterFilterForm(forms.Form):
    """The register's filters, read from the query string (the page is bookmarkable). The call
    is chosen first: the directions and organisations offered are those of the call."""

    call = ModelChoiceField(label=_("Call"), queryset=Call.objects.all(), required=False)
    direction = ModelChoiceField(
        label=_("Priority direction"), queryset=Direction.objects.none(), required=False
    )
    group = ModelChoiceField(label=_("Working group"), queryset=Body.objects.none(), required=False)
    state = forms.MultipleChoiceField(
        label=_("State"),
        choices=[c for c in Proposal.State.choices if c[0] != Proposal.State.DRAFT],
        required=False,
        widget=CHECKBOXES,
    )
    organisation = ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    score_min = forms.DecimalField(
        label=_("Mean score from"), min_value=0, max_value=5, decimal_places=2, required=False
    )
    score_max = forms.DecimalField(
        label=_("Mean score up to"), min_value=0, max_value=5, decimal_places=2, required=False
    )
    q = CharField(label=_("Words of the text"), max_length=200, required=False)
    sort = CharField(widget=forms.HiddenInput, max_length=20, required=False)

    def __init__(self, data, *, call: Call | None, calls: list[Call], summary: CallSummary):
        super().__init__(data)
        self.call, self.summary = call, summary
        organisations = summary.organisations
        self.fields["call"].empty_label = None
        self.fields["call"].offer(Call.objects.order_by("-opens_on", "-pk"), calls)
        if call is not None:
            self.fields["direction"].queryset = call.directions.order_by("position", "pk")
        self.fields["group"].queryset = Body.objects.filter(kind__in=Body.WORKING_GROUPS)
        # The organisations of the call's proposals, read with their count (register.py).
        self.fields["organisation"].offer(
            Organisation.objects.filter(pk__in=[o.pk for o in organisations]), organisations
        )
        for name in ("direction", "group", "organisation"):
            self.fields[name].empty_label = _("All")
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("score_min", "score_max", "q"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
        self.fields["score_min"].widget.attrs["step"] = "0.1"
        self.fields["score_max"].widget.attrs["step"] = "0.1"

    def clean(self):
        data = super().clean()
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and low > high:
            self.add_error("score_max", _("The upper bound is below the lower one."))
        return data

    def filters(self) -> Filters:
        """The register's Filters: the valid ones, or only the call if any is not."""
        if not self.is_valid():
            return Filters(call=self.call)
        data = self.cleaned_data
        sort = data.get("sort") or DEFAULT_SORT
        if sort.removeprefix("-") not in SORTS:
            sort = DEFAULT_SORT
        return Filters(
            call=self.call,
            direction=data["direction"],
            group=data["group"],
            states=tuple(data["state"]),
            organisation=data["organisation"],
            overdue=data["overdue"],
            score_min=data["score_min"],
            score_max=data["score_max"],
            text=data["q"],
            sort=sort,
        )


class DiscussionEntryForm(forms.Form):
    """An entry of the proposal's discussion (documents/discussion.py); a change of one carries
    the entry's edition, so that a change from an older form is refused (409)."""

    text = CharField(
        label=_("Entry"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Plain text. Mention a participant with @login to notify them."),
        error_messages={"required": _("Write the text of the entry.")},
    )
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


# --- Blind review of a call ----------------------------------------------------------------
class CallBlindReviewForm(forms.Form):
    """Turn a call's blind review on or off (until the call opens)."""

    blind_review = forms.BooleanField(
        label=_("Blind review"),
        required=False,
        help_text=Call._meta.get_field("blind_review").help_text,
    )

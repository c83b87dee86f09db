"""Forms of the review and the decisions: what working groups, the programme office and the
governance body fill in. They only read input; the workflow services decide and write."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from documents.models import Proposal, Review, ReviewCriterion
from mbk.forms import CharField

SCORES = [(n, str(n)) for n in range(1, 6)]
_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[-–—•*])\s+")
_NUMBER_SIGN = re.compile(r"^\s*(?:№|No\.?(?=[\s\d])|N(?=[\s\d]))\s*")


def _without_sign(number: str) -> str:
    """«№ 4», «N 4» and «4» are the same decision number."""
    return _NUMBER_SIGN.sub("", number).strip()


class ActionForm(forms.Form):
    """A form of a workflow action. It carries the revision of the proposal it was drawn
    from, so that an action on a page older than the latest change is refused (409)."""

    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        kwargs.setdefault("initial", {})["edition"] = proposal.edition
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        """The transition's parameters, named as its table names them (documents/actions.py)."""
        return {}


def _text(label, help_text="", *, required=True, rows=4) -> CharField:
    return CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AssignExpertsForm(ActionForm):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one expert.")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        available = [c.expert.pk for c in candidates if not c.unavailable]
        self.fields["experts"].queryset = User.objects.filter(pk__in=available)

    def params(self) -> dict:
        return {"experts": list(self.cleaned_data["experts"])}


class ReviewForm(forms.Form):
    """One score from 1 to 5 per criterion, a recommendation and comments. It carries the
    number of the version the expert read rather than the proposal's revision: other people's
    actions during the review (another expert assigned) do not make the review stale, a new
    version does."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        choices=Review.Recommendation.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    comments = _text(
        _("Comments"),
        _(
            "Justify the scores; the chair and the secretary of the group read them, and the "
            "other experts once they have submitted theirs."
        ),
        rows=8,
    )

    def __init__(self, *args, proposal: Proposal, criteria: list[ReviewCriterion], **kwargs):
        latest = proposal.versions.order_by("-number").first()
        kwargs.setdefault("initial", {})["version"] = latest.number if latest else 1
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"score_{criterion.code}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=SCORES,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Give a score from 1 to 5.")},
            )

    def score_fields(self) -> list[tuple[ReviewCriterion, forms.BoundField]]:
        return [(c, self[f"score_{c.code}"]) for c in self.criteria]

    def scores(self) -> dict[str, int]:
        return {c.code: self.cleaned_data[f"score_{c.code}"] for c in self.criteria}

    def params(self) -> dict:
        return {
            "scores": self.scores(),
            "recommendation": self.cleaned_data["recommendation"],
            "comments": self.cleaned_data["comments"],
        }


class RevisionRequestForm(ActionForm):
    remarks = _text(
        _("Remarks"),
        _(
            "One remark per line. They are numbered in this order; the authors answer each "
            "of them when they resubmit."
        ),
        rows=6,
    )

    def clean_remarks(self) -> list[str]:
        lines = (
            _NUMBERING.sub("", line).strip() for line in self.cleaned_data["remarks"].split("\n")
        )
        remarks = [line for line in lines if line]
        if not remarks:
            raise forms.ValidationError(_("Write at least one remark for the authors."))
        return remarks

    def params(self) -> dict:
        return {"remarks": self.cleaned_data["remarks"]}


def _note() -> CharField:
    return _text(
        _("Note"), _("Optional; it is kept in the proposal's history."), required=False, rows=3
    )


def _rejection_reason() -> CharField:
    return _text(_("Reason of the rejection"), _("The authors will read it."))


class NoteForm(ActionForm):
    note = _note()

    def params(self) -> dict:
        return {"comment": self.cleaned_data["note"]}


class RejectionForm(ActionForm):
    reason = _rejection_reason()

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"]}


class DecisionReferenceForm(ActionForm):
    """The number and date of the governance body's decision, as its minutes give them."""

    number = CharField(
        label=_("Decision number"), max_length=50, help_text=_("As in the minutes, e.g. 4.")
    )
    date = forms.DateField(
        label=_("Decision date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_number(self) -> str:
        number = _without_sign(self.cleaned_data["number"])
        if not number:
            raise forms.ValidationError(_("Give the number of the decision."))
        return number

    def reference(self) -> str:
        """«№ 4 от 15.12.2026»: decisions are referred to in Russian in every document."""
        number, date = self.cleaned_data.get("number"), self.cleaned_data.get("date")
        if not (number and date):
            return ""
        return f"№ {number} от {date:%d.%m.%Y}"


class GovernanceApprovalForm(DecisionReferenceForm):
    note = _note()

    def params(self) -> dict:
        return {"reference": self.reference(), "comment": self.cleaned_data["note"]}


class GovernanceRejectionForm(DecisionReferenceForm):
    reason = _rejection_reason()

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"], "reference": self.reference()}


class GovernanceReturnForm(DecisionReferenceForm):
    reason = _text(
        _("What the working group should look at again"),
        _("The chair and the secretary of the working group will read it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["date"].required = False

    def clean_number(self) -> str:
        return _without_sign(self.cleaned_data["number"])

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("number")) != bool(cleaned.get("date")):
            raise forms.ValidationError(
                _("Give both the number and the date of the decision, or neither.")
            )
        return cleaned

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"], "reference": self.reference()}


class ConflictForm(forms.Form):
    """A declaration changes no content of the proposal: it carries no edition."""

    reason = _text(
        _("Nature of the conflict of interest"),
        _("E.g. a relationship with the authors' organisation, a stake in the project."),
    )

    def __init__(self, *args, proposal: Proposal | None = None, **kwargs):
        super().__init__(*args, **kwargs)

    def params(self) -> dict:
        return {"comment": self.cleaned_data["reason"]}


class BulkAssignmentForm(forms.Form):
    """The review dashboard's confirmed assignment: `pair` values "<proposal>:<expert>" for each
    ticked pair and `edition-<proposal>` for the edition of each proposal the page showed. It
    only reads them; assignments_bulk_create checks every pair."""

    def __init__(self, data, *, proposals: list[Proposal], experts: list[User]):
        super().__init__(data)
        self.proposals = {p.pk: p for p in proposals}
        self.experts = {e.pk: e for e in experts}

    def clean(self):
        pairs: dict[int, list[User]] = {}
        for value in self.data.getlist("pair"):
            proposal_id, _sep, expert_id = value.partition(":")
            if not (proposal_id.isdigit() and expert_id.isdigit()):
                raise forms.ValidationError(_("The page sent a pair it did not offer."))
            proposal_id, expert_id = int(proposal_id), int(expert_id)
            if proposal_id not in self.proposals or expert_id not in self.experts:
                raise forms.ValidationError(
                    _("The page sent a proposal or an expert it may no longer assign; reload it.")
                )
            pairs.setdefault(proposal_id, []).append(self.experts[expert_id])
        if not pairs:
            raise forms.ValidationError(_("Tick at least one expert for one of the proposals."))
        editions = {}
        for proposal_id in pairs:
            edition = self.data.get(f"edition-{proposal_id}", "")
            if not edition.isdigit():
                raise forms.ValidationError(_("The page sent a pair it did not offer."))
            editions[proposal_id] = int(edition)
        self.cleaned_data["experts"] = pairs
        self.cleaned_data["editions"] = editions
        return self.cleaned_data


class ReviewChangeForm(ReviewForm):
    """The expert's review of the current round, drawn with what it says now; it carries the
    review's edition instead of the version, so that a change from a form drawn before
    another change of the same review is refused (409)."""

    version = None
    review_edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, review: Review, **kwargs):
        initial = kwargs.setdefault("initial", {})
        initial.update(
            review_edition=review.edition,
            recommendation=review.recommendation,
            comments=review.comments,
            **{f"score_{code}": score for code, score in review.scores.items()},
        )
        super().__init__(*args, **kwargs)

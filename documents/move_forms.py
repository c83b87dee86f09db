"""Forms of the programme office's corrections (documents/moves.py): moving a proposal to
another sectoral working group and closing it as a duplicate. They only read input and say
what is wrong beside the field; the services check again and decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Body
from documents.models import Proposal
from documents.review_forms import ActionForm, _text


class MoveForm(ActionForm):
    group = forms.ModelChoiceField(
        label=_("New working group"),
        queryset=Body.objects.none(),
        error_messages={"required": _("Choose the working group.")},
    )
    reason = _text(
        _("Reason"),
        _("The new and the old group's chair and secretary and the authors read it."),
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, proposal=proposal, **kwargs)
        self.fields["group"].queryset = (
            Body.objects.filter(kind=Body.Kind.SECTORAL_GROUP)
            .exclude(pk=proposal.group_id)
            .order_by("position", "pk")
        )

    def params(self) -> dict:
        return {"group": self.cleaned_data["group"], "comment": self.cleaned_data["reason"]}


class DuplicateForm(ActionForm):
    original = forms.IntegerField(
        label=_("Number of the original proposal"),
        min_value=1,
        help_text=_("A submitted proposal of the same call, not closed as a duplicate itself."),
    )
    reason = _text(_("Reason"), _("The authors read it."))

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, proposal=proposal, **kwargs)
        self.proposal = proposal

    def clean_original(self) -> int:
        number = self.cleaned_data["original"]
        if number == self.proposal.pk:
            raise forms.ValidationError(_("A proposal cannot be a duplicate of itself."))
        original = (
            Proposal.objects.filter(pk=number, call_id=self.proposal.call_id)
            .exclude(state=Proposal.State.DRAFT)
            .first()
        )
        if original is None:
            raise forms.ValidationError(
                _("There is no submitted proposal with this number in the same call.")
            )
        if original.state == Proposal.State.DUPLICATE:
            raise forms.ValidationError(
                _("This proposal is itself closed as a duplicate of № %(number)s: name that one.")
                % {"number": original.duplicate_of_id}
            )
        return number

    def params(self) -> dict:
        return {"original": self.cleaned_data["original"], "comment": self.cleaned_data["reason"]}

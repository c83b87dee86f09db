"""Forms of the meeting pages: they read and check input; the services decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from directory.models import Body
from mbk.forms import CharField, URLField
from meetings.models import AgendaItem, Vote

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingPlanForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Body"), queryset=Body.objects.none())
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    place = CharField(
        label=_("Place"),
        required=False,
        max_length=300,
        help_text=_("For example: API Moscow «Красный Октябрь», зал «Чёрная штора»."),
    )
    online_url = URLField(label=_("Online link"), required=False, assume_scheme="https")

    def __init__(self, *args, bodies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = bodies

    def clean(self):
        data = super().clean()
        if not data.get("place", "").strip() and not data.get("online_url"):
            raise forms.ValidationError(_("Give the place of the meeting or its online link."))
        return data


class FreeItemForm(forms.Form):
    title = CharField(label=_("Free item"), max_length=500)


class SubjectItemForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("proposal", "proposal"), ("section", "section"), ("version", "version")]
    )
    subject_id = forms.IntegerField(min_value=1)
    motion = forms.ChoiceField(label=_("Motion"), choices=AgendaItem.Outcome.choices)


class AttendanceForm(forms.Form):
    present = forms.ModelMultipleChoiceField(
        label=_("Present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    edition = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].queryset = User.objects.filter(pk__in=[m.pk for m in members])
        self.fields["present"].label_from_instance = lambda user: user.get_full_name()


class VotesForm(forms.Form):
    """One choice per present member who may vote on the item."""

    def __init__(self, *args, voters, **kwargs):
        super().__init__(*args, **kwargs)
        self.voters = voters
        for person in voters:
            self.fields[f"vote_{person.pk}"] = forms.ChoiceField(
                label=person.get_full_name(),
                choices=[("", "—"), *Vote.Choice.choices],
                required=False,
            )

    def votes(self) -> dict[int, str]:
        return {
            person.pk: self.cleaned_data[f"vote_{person.pk}"]
            for person in self.voters
            if self.cleaned_data.get(f"vote_{person.pk}")
        }


class DecisionForm(forms.Form):
    note = CharField(
        label=_("Wording of the decision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaskForm(forms.Form):
    text = CharField(label=_("Task"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    responsible_person = forms.ModelChoiceField(
        label=_("Responsible person"), queryset=User.objects.none(), required=False
    )
    responsible_body = forms.ModelChoiceField(
        label=_("Responsible group"), queryset=Body.objects.all(), required=False
    )
    due_on = forms.DateField(label=_("Deadline"), widget=DATE)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"].queryset = User.objects.filter(
            pk__in=[p.pk for p in people]
        )
        self.fields["responsible_person"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        data = super().clean()
        if not data.get("responsible_person") and not data.get("responsible_body"):
            raise forms.ValidationError(_("Name the responsible person or group."))
        return data


class CancelForm(forms.Form):
    reason = CharField(label=_("Reason"), max_length=2000)

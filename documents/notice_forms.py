"""The forms of the notices' pages: an office's text of a notice, a message to people, the
filters of the e-mails sent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from directory.models import Body
from documents.models import Call, OutboxMessage
from documents.outbox import STATES
from mbk.forms import CharField
from workflow.models import MailRecord


class NoticeTextForm(forms.Form):
    subject = CharField(label=_("E-mail subject"), max_length=200, required=False)
    body = CharField(
        label=_("Text of the notice"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    edition = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MessageForm(forms.Form):
    audience = forms.ChoiceField(label=_("Recipients"), choices=OutboxMessage.Audience.choices)
    call = forms.ModelChoiceField(label=_("Call"), queryset=Call.objects.all(), required=False)
    states = forms.MultipleChoiceField(
        label=_("States of the proposals"),
        choices=[(state.value, state.label) for state in STATES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group = forms.ModelChoiceField(
        label=_("Working group"),
        queryset=Body.objects.filter(kind__in=Body.WORKING_GROUPS),
        required=False,
    )
    subject_ru = CharField(label=_("Subject (Russian)"), max_length=200, required=False)
    body_ru = CharField(
        label=_("Text (Russian)"), max_length=5000, required=False, widget=forms.Textarea
    )
    subject_en = CharField(label=_("Subject (English)"), max_length=200, required=False)
    body_en = CharField(
        label=_("Text (English)"), max_length=5000, required=False, widget=forms.Textarea
    )

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "audience_kind": data["audience"],
            "call_id": data["call"].pk if data["call"] else None,
            "states": data["states"],
            "group_id": data["group"].pk if data["group"] else None,
            **{key: data[key] for key in ("subject_ru", "body_ru", "subject_en", "body_en")},
        }


class MailFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("all")), *MailRecord.Status.choices], required=False
    )
    kind = CharField(label=_("Kind of notice"), max_length=60, required=False)
    address = CharField(label=_("Address"), max_length=200, required=False)

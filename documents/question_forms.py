"""The programme office's form of a question of a call (documents/questions.py decides)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from directory.models import Direction
from documents.forms import CHECKBOXES, EMPTY_CHOICE
from documents.models import Call, CallQuestion
from documents.questions import QuestionData, check_choices
from mbk.forms import CharField


class QuestionForm(forms.Form):
    text_ru = CharField(label=_("Question (Russian)"), max_length=500)
    text_en = CharField(label=_("Question (English)"), max_length=500, required=False)
    help_ru = CharField(
        label=_("Explanation (Russian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    help_en = CharField(
        label=_("Explanation (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(
        label=_("Kind of answer"), choices=EMPTY_CHOICE + list(CallQuestion.Kind.choices)
    )
    choices = CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "For the two choice kinds only: one choice a line, as «code | Russian label | "
            "English label». The code stays with the answers: do not change it later."
        ),
    )
    required = forms.BooleanField(label=_("Required for submission"), required=False)
    directions = forms.ModelMultipleChoiceField(
        label=_("Directions"),
        queryset=Direction.objects.none(),
        required=False,
        widget=CHECKBOXES,
        help_text=_("None chosen: the question applies to every direction of the call."),
    )
    visibility = forms.ChoiceField(
        label=_("Who reads the answers"), choices=CallQuestion.Visibility.choices
    )

    def __init__(self, *args, call: Call, question: CallQuestion | None = None, **kwargs):
        if question is not None:
            kwargs["initial"] = {
                "text_ru": question.text_ru,
                "text_en": question.text_en,
                "help_ru": question.help_ru,
                "help_en": question.help_en,
                "kind": question.kind,
                "choices": "\n".join(
                    " | ".join([c["code"], c["label_ru"], c.get("label_en", "")]).rstrip(" |")
                    for c in question.choices
                ),
                "required": question.required,
                "directions": list(question.directions.all()),
                "visibility": question.visibility,
            }
        super().__init__(*args, **kwargs)
        self.fields["directions"].queryset = call.directions.order_by("position", "pk")

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        lines = [line for line in (data.get("choices") or "").splitlines() if line.strip()]
        parsed = []
        for line in lines:
            parts = [part.strip() for part in line.split("|")]
            parsed.append(
                {
                    "code": parts[0],
                    "label_ru": parts[1] if len(parts) > 1 else "",
                    "label_en": parts[2] if len(parts) > 2 else "",
                }
            )
        try:
            data["choices"] = check_choices(kind, parsed) if kind else []
        except ValidationError as error:
            self.add_error("choices", error)
        return data

    def data_of(self) -> QuestionData:
        data = self.cleaned_data
        return QuestionData(
            text_ru=data["text_ru"],
            text_en=data["text_en"],
            help_ru=data["help_ru"],
            help_en=data["help_en"],
            kind=data["kind"],
            choices=data["choices"],
            required=data["required"],
            directions=list(data["directions"]),
            visibility=data["visibility"],
        )

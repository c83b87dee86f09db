"""templates/_form_fields.html, the generic rendering of a form's fields: a list of radio
buttons or checkboxes is a group named by its legend, each choice beside its own label (the
opinion's verdict was drawn as a column of letters over the next field)."""

from django import forms
from django.template.loader import render_to_string

from mbk.forms import CharField


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Вывод",
        choices=[("yes", "положительное"), ("no", "отрицательное")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    groups = forms.MultipleChoiceField(
        label="Группы",
        required=False,
        choices=[("a", "Инжиниринг")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    text = CharField(label="Заключение")


def test_form_fields_choices_in_a_fieldset_each_beside_its_label():
    html = render_to_string("_form_fields.html", {"form": VerdictForm()})

    assert html.count("<fieldset") == 2
    assert '<legend class="form-label fs-6">Вывод <span class="text-danger"' in html
    assert '<legend class="form-label fs-6">Группы</legend>' in html
    assert (
        '<div class="form-check"><input type="radio" name="verdict" value="yes" '
        'class="form-check-input" id="id_verdict_0" required><label class="form-check-label" '
        'for="id_verdict_0">Положительное</label></div>'
    ) in html
    assert 'for="id_groups_0">Инжиниринг</label>' in html
    assert '<label class="form-label" for="id_text">Заключение' in html

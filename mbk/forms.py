"""The text fields of our forms (the rule is in mbk/text.py): a value that strips spaces loses
invisible format characters at its edges too, and a single-line field (drawn as a text input)
refuses control characters. Django's own fields are left as they are, so admin, axes and other
libraries' forms behave as their authors wrote them.

Every form of ours uses these fields (ruff's TID251 bans Django's, tests/mbk/test_fields.py
walks the forms); a ModelForm derived from ours gets them for the model's text fields."""

from django import forms
from django.db import models
from django.forms.models import ModelFormMetaclass

from mbk.text import strip_invisible, validate_single_line


class CharField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if self.strip and isinstance(value, str):
            value = strip_invisible(value)
            if value in self.empty_values:
                return self.empty_value
        if isinstance(self.widget, forms.TextInput):
            validate_single_line(value)
        return value


# Django's subclasses of CharField with ours below them: Django's class comes first, so our
# to_python runs where CharField's did (a URL is stripped before «https://» is put before it).
class EmailField(forms.EmailField, CharField):
    pass


class RegexField(forms.RegexField, CharField):
    pass


class SlugField(forms.SlugField, CharField):
    pass


class URLField(forms.URLField, CharField):
    pass


# A model's field → our form field. A model field with choices still gets Django's choice field
# (Field.formfield ignores form_class then); the first class of the field's MRO found wins.
FORM_FIELDS = {
    models.EmailField: EmailField,
    models.SlugField: SlugField,
    models.URLField: URLField,
    models.CharField: CharField,
    models.TextField: CharField,
}


def formfield(model_field: models.Field, **kwargs) -> forms.Field | None:
    """A ModelForm's field for the model's field: ours for text, Django's for the rest."""
    for klass in type(model_field).__mro__:
        if klass in FORM_FIELDS:
            kwargs.setdefault("form_class", FORM_FIELDS[klass])
            break
    return model_field.formfield(**kwargs)


class _ModelFormMetaclass(ModelFormMetaclass):
    # Django reads the callback from Meta only, and each form writes its own Meta: it is put
    # there unless the form names one.
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(formfield)
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.BaseModelForm, metaclass=_ModelFormMetaclass):
    """Django's ModelForm whose fields for the model's text fields are ours."""

    class Meta:
        formfield_callback = staticmethod(formfield)

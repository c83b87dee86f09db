"""The text fields of our forms (the rule is in mbk/text.py): a value that strips spaces loses
invisible format characters at its edges too, and a single-line field (drawn as a text input)
refuses control characters. Django's own fields are left as they are, so admin, axes and other
libraries' forms behave as their authors wrote them.

Every form of ours uses these fields (ruff's TID251 bans Django's, tests/mbk/test_fields.py
walks the forms); a ModelForm derived from ours gets them for the model's text fields."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator, ModelFormMetaclass
from django.utils.formats import get_format

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


# --- Choices among rows ------------------------------------------------------------------
class _ReadOnceChoices(ModelChoiceIterator):
    """The choices from one SELECT of the field's queryset (kept on it for the next reading),
    where Django's iterate QuerySet.iterator(): on PostgreSQL a server-side cursor, DECLARE,
    FETCH and CLOSE (WITH HOLD outside a transaction: the rows copied aside first) for a list
    of a few dozen rows. The register's three filters cost more than its rows (issue 19)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        offered = self.field.offered
        for row in self.queryset if offered is None else offered:
            yield self.choice(row)

    def __len__(self):
        if self.field.offered is None:
            return super().__len__()
        return len(self.field.offered) + (self.field.empty_label is not None)


class ModelChoiceField(forms.ModelChoiceField):
    """Django's ModelChoiceField whose choices are read in one query (_ReadOnceChoices), or
    none: offer() gives it rows a query of the page read already."""

    iterator = _ReadOnceChoices
    offered = None

    def offer(self, queryset, rows) -> None:
        """Choose among `queryset`, drawing the choices from `rows` (its rows, in their order,
        read with something else): a choice made is still checked against the queryset."""
        self.offered = list(rows)
        self.queryset = queryset  # (its setter draws the widget's choices anew)


# --- Amounts of money --------------------------------------------------------------------
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")


def parse_amount(text: str) -> str:
    """An amount as people type it, in the form Decimal reads: «5 000 000», «5 000 000,50»,
    "5,000,000.50" and "1234.5" all work. A lone comma followed by one or two digits is the
    decimal comma; other commas group thousands."""
    text = str(text).translate(_SPACES)
    if "," in text and "." not in text:
        whole, _comma, tail = text.rpartition(",")
        if text.count(",") == 1 and 1 <= len(tail) <= 2:
            return f"{whole}.{tail}"
    return text.replace(",", "")


def format_amount(value, decimal_separator: str) -> str:
    """An amount for editing: thousands grouped by spaces, kopecks only when there are any."""
    number = Decimal(str(value))
    text = f"{number:,.2f}" if number != number.to_integral_value() else f"{number:,.0f}"
    return text.replace(",", " ").replace(".", decimal_separator)


class AmountInput(forms.TextInput):
    """A text input for amounts (static/js/forms.js groups the digits while one types)."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "data-amount": "", "autocomplete": "off"})
        if attrs:
            self.attrs.update(attrs)

    def format_value(self, value):
        if value in (None, ""):
            return None
        try:
            return format_amount(value, get_format("DECIMAL_SEPARATOR"))
        except (InvalidOperation, ValueError):
            return str(value)  # what the person typed, shown back with its error


class AmountField(forms.DecimalField):
    """Roubles with kopecks, typed with spaces, a decimal comma or point."""

    widget = AmountInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # DecimalField would add step and min for a number input; this is a text input.
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = parse_amount(value)
        return super().to_python(value)

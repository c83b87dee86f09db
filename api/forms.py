"""A JSON body checked by the very form of the page (as api/drafts.py does for a draft): the
same fields, rules and messages. People are named by their logins and directory entries by
their codes, as everywhere in the API; the page's form sees the ids it expects."""

from collections.abc import Callable

from django import forms
from django.utils.datastructures import MultiValueDict
from rest_framework.exceptions import ValidationError

from accounts.models import User

NOT_FOUND = "0"  # an id no row has: the form says the choice is not valid


def _natural_key(model) -> str:
    if model is User or issubclass(model, User):
        return "username"
    names = {f.name for f in model._meta.get_fields()}
    return "code" if "code" in names else "pk"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _ids(field: forms.ModelChoiceField, values: list) -> list[str]:
    """The ids of the rows the values name (by login or code), NOT_FOUND for the unknown."""
    model = field.queryset.model
    key = _natural_key(model)
    if key == "pk":
        return [_text(v) for v in values]
    wanted = [_text(v) for v in values]
    found = {
        str(k): str(pk)
        for k, pk in model._default_manager.filter(**{f"{key}__in": wanted}).values_list(key, "pk")
    }
    return [found.get(v, NOT_FOUND) for v in wanted]


def form_data(fields: dict[str, forms.Field], payload: dict) -> MultiValueDict:
    """The POST data a page's form would get for this JSON object."""
    data = MultiValueDict()
    for name, field in fields.items():
        if name not in payload:
            continue
        value = payload[name]
        if isinstance(field, forms.ModelMultipleChoiceField):
            values = value if isinstance(value, list) else [value]
            data.setlist(name, _ids(field, values))
        elif isinstance(field, forms.ModelChoiceField):
            data[name] = _ids(field, [value])[0] if value not in (None, "") else ""
        elif isinstance(field, forms.MultipleChoiceField):
            data.setlist(name, [_text(v) for v in (value if isinstance(value, list) else [value])])
        else:
            data[name] = _text(value)
    return data


def errors_of(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def bound(make: Callable[..., forms.Form], payload, **kwargs) -> forms.Form:
    """The page's form (`make(data, **kwargs)`) bound to the JSON object."""
    payload = payload if isinstance(payload, dict) else {}
    fields = make(dict(payload), **kwargs).fields  # the fields of the form this body chooses
    return make(form_data(fields, payload), **kwargs)


def checked(make: Callable[..., forms.Form], payload, **kwargs) -> forms.Form:
    """The page's form bound to the JSON object and valid, or a 400 with its messages by
    field."""
    form = bound(make, payload, **kwargs)
    if not form.is_valid():
        raise ValidationError(errors_of(form))
    return form

from django import template

from mbk.money import money as _money

register = template.Library()

_CHECKBOXES = {"checkbox", "radio"}


@register.filter
def bootstrap(field):
    """Render a form field's widget with Bootstrap's classes, marked invalid when it has errors."""
    input_type = getattr(field.field.widget, "input_type", "")
    if input_type in _CHECKBOXES:
        css = "form-check-input"
    elif input_type == "select":
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def money(amount):
    """An amount of roubles: 5 000 000, or 1 234,50 when there are kopecks (mbk/money.py)."""
    return _money(amount)

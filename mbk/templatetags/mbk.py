from django import template

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

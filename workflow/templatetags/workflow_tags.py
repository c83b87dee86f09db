from django import template

from workflow import tables

register = template.Library()


@register.filter
def confirm_of(obj, name: str) -> str:
    """What the transition `name` of the object's table (workflow/tables.py) says cannot be
    undone, for the button's `data-confirm` ("" when nothing needs confirming)."""
    row = tables.table_of(obj).get(name)
    return str(row.confirm) if row is not None else ""


@register.filter
def reason_for(blocked: dict | None, name: str) -> str:
    """Why the transition `name` would be refused now, from the page's `blocked` (its name →
    the reason): the button is drawn disabled with it beside (the service refuses anyway)."""
    return (blocked or {}).get(name, "")

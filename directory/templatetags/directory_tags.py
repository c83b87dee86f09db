from django import template

from directory import selectors

register = template.Library()


@register.simple_tag
def submission_block(user) -> str:
    """Why the person may not submit proposals yet ("" when they may): for the profile and
    the home page."""
    return selectors.submission_block(user) or ""

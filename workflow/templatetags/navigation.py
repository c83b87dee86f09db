"""The links of the navigation bar (templates/base.html): one tag per link, which marks the
link of the page the person is on (aria-current="page" and the .active style)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def is_current(path: str, url: str) -> bool:
    """The page is the link's own, or one below it (home only for itself)."""
    return path == url or (url != "/" and path.startswith(url))


@register.simple_tag(takes_context=True)
def nav_link(context, url_name: str, label: str, css: str = "nav-link", testid: str = "") -> str:
    """`{% nav_link "documents:call-list" _("Calls") %}`: an <a> of the bar; for an item of a
    dropdown pass css="dropdown-item"."""
    url = reverse(url_name)
    request = context.get("request")
    current = request is not None and is_current(request.path, url)
    return format_html(
        '<a class="{}{}" href="{}"{}{}>{}</a>',
        css,
        " active" if current else "",
        url,
        mark_safe(' aria-current="page"') if current else "",
        format_html(' data-testid="{}"', testid) if testid else "",
        label,
    )

"""Long working lists are shown a page at a time: a chair's inbox can hold thousands of
proposals, and drawing them all made one page megabytes long and seconds slow (bench/)."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, rows) -> Page:
    """The page `?page=N` asks for (the last one past the end, the first for nonsense)."""
    return Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))

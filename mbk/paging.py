"""Long working lists are shown a page at a time: a chair's inbox can hold thousands of
proposals, and drawing them all made one page megabytes long and seconds slow (bench/)."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def page_of(request, rows, *, count: int | None = None) -> Page:
    """The page `?page=N` asks for (the last one past the end, the first for nonsense).
    `count`: the number of rows when the caller knows it already (the group inbox sums its
    state tabs), so that the paginator does not run the list's filter once more to count."""
    paginator = Paginator(rows, PER_PAGE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    return paginator.get_page(request.GET.get("page"))

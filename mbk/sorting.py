"""Sortable column headers of the lists (the register of proposals, the review dashboard): each
header links to the same filters sorted by its column, or reversed if the list already is, back
to the first page, and says how the list is sorted (aria-sort) for screen readers.
templates/_sort_header.html draws one."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.http import QueryDict


@dataclass(frozen=True)
class SortHeader:
    label: str
    key: str = ""  # "" for a column the list does not sort by
    url: str = ""  # "?<the same query>&sort=<this column, or reversed>"
    aria_sort: str = ""  # "ascending", "descending" or "" (not sorted by it)


def sort_headers(
    query: QueryDict,
    columns: Iterable[tuple[str, str]],
    sort: str,
    *,
    first_descending: Iterable[str] = (),
) -> list[SortHeader]:
    """Headers of `columns` ((key or "", label) pairs) for a list sorted by `sort` ("key" or
    "-key"). A first click sorts the columns of `first_descending` from the largest, as people
    read them first (scores, waiting time), the others from the smallest."""
    first_descending = set(first_descending)
    headers = []
    for key, label in columns:
        if not key:
            headers.append(SortHeader(str(label)))
            continue
        linked = query.copy()
        linked.pop("page", None)
        if sort == key:
            linked["sort"], aria_sort = f"-{key}", "ascending"
        elif sort == f"-{key}":
            linked["sort"], aria_sort = key, "descending"
        else:
            linked["sort"] = f"-{key}" if key in first_descending else key
            aria_sort = ""
        headers.append(SortHeader(str(label), key, f"?{linked.urlencode()}", aria_sort))
    return headers

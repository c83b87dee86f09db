"""The one reading of an object's id as a request gave it (a URL's text): anything but a whole
positive number that fits the database's integer names nothing, so the lookups that use it
answer 404 instead of failing on it."""

from django.http import Http404

LARGEST_ID = 2**63 - 1  # a bigint: the largest id any table of the system can hold


def id_or_404(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        number = int(value)
    else:
        raise Http404
    if not 0 < number <= LARGEST_ID:
        raise Http404
    return number

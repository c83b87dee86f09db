"""Amounts of money as people read them, in one place for pages, PDFs and messages: groups of
thousands by the language's separator (a non-breaking space in Russian), and kopecks only when
there are any — 5 000 000, not 5 000 000,00; 1 234,50 stays as it is."""

from decimal import Decimal, InvalidOperation

from django.template.defaultfilters import floatformat


def money(amount) -> str:
    """The amount with grouped thousands and two decimals only when it is not whole; an empty
    string for what is not a number (a missing cell)."""
    if amount in (None, ""):
        return ""
    try:
        Decimal(str(amount))
    except InvalidOperation:
        return ""
    return floatformat(amount, "-2g")

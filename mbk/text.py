"""Text as people see it. Zero-width and other invisible format characters (Unicode category
Cf: U+200B zero-width space, U+FEFF, U+2060, U+202E right-to-left override...) at the edges of
a typed value are dropped together with spaces, so that a field "filled" with nothing visible
is empty, and is refused as empty where it is required."""

import re
import unicodedata

_INVISIBLE = "".join(
    chr(code)
    for code in [*range(0x30000), *range(0xE0000, 0xE0080)]  # the planes where Cf lives
    if unicodedata.category(chr(code)) == "Cf"
)
_EDGES = re.compile(rf"^[\s{re.escape(_INVISIBLE)}]+|[\s{re.escape(_INVISIBLE)}]+$")


def strip_invisible(value: str) -> str:
    """The value without spaces and invisible format characters at either end."""
    return _EDGES.sub("", value)


def strip_invisible_in_form_and_api_fields() -> None:
    """Every Django form CharField and REST framework CharField that strips spaces (their
    default) strips invisible characters too: one rule for every form and API field, present
    and future, instead of a field class to remember in each of them."""
    from django import forms
    from rest_framework import serializers

    if getattr(forms.CharField, "_mbk_strips_invisible", False):
        return

    form_to_python = forms.CharField.to_python

    def to_python(self, value):
        value = form_to_python(self, value)
        if self.strip and isinstance(value, str):
            value = strip_invisible(value)
            if value in self.empty_values:
                return self.empty_value
        return value

    api_run_validation = serializers.CharField.run_validation

    def run_validation(self, data=serializers.empty):
        if self.trim_whitespace and isinstance(data, str):
            data = strip_invisible(data)
        return api_run_validation(self, data)

    forms.CharField.to_python = to_python
    forms.CharField._mbk_strips_invisible = True
    serializers.CharField.run_validation = run_validation

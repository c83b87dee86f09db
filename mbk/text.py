"""Text as people see it. Zero-width and other invisible format characters (Unicode category
Cf: U+200B zero-width space, U+FEFF, U+2060, U+202E right-to-left override...) at the edges of
a typed value are dropped together with spaces, so that a field "filled" with nothing visible
is empty, and is refused as empty where it is required.

A single-line value (a title, a name, a place) holds no line break and no other control
character: it goes on into other formats (an .ics invitation, a PDF's metadata, an e-mail's
subject, a spreadsheet) where a line break starts a new line or a new field.

Our form fields (mbk/forms.py) and API fields (mbk/serializers.py) apply both rules."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_INVISIBLE = "".join(
    chr(code)
    for code in [*range(0x30000), *range(0xE0000, 0xE0080)]  # the planes where Cf lives
    if unicodedata.category(chr(code)) == "Cf"
)
_EDGES = re.compile(rf"^[\s{re.escape(_INVISIBLE)}]+|[\s{re.escape(_INVISIBLE)}]+$")


# C0 controls (tab, CR, LF... NUL), DEL, C1 controls (NEL among them), and the Unicode line
# and paragraph separators.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# How a declared REST framework CharField says it takes several lines (style=MULTILINE).
MULTILINE = {"base_template": "textarea.html"}
SINGLE_LINE_MESSAGE = _(
    "Enter this on a single line: remove line breaks, tabs and other control characters."
)


def strip_invisible(value: str) -> str:
    """The value without spaces and invisible format characters at either end."""
    return _EDGES.sub("", value)


def validate_single_line(value: str) -> None:
    """The validator of single-line model fields, for writes that do not come through a form."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="control_characters")

"""The bilingual helper: English only when the active language is English and there is an
English text; Russian otherwise, and when no language is active."""

import pytest
from django.utils import translation

from mbk.i18n import bilingual, in_english


@pytest.mark.parametrize(
    ("language", "expected"), [("en", True), ("en-us", True), ("ru", False), (None, False)]
)
def test_in_english_follows_the_active_language(language, expected):
    with translation.override(language):
        assert in_english() is expected


@pytest.mark.parametrize(
    ("language", "english", "expected"),
    [
        ("en", "Working group", "Working group"),
        ("en", "", "Рабочая группа"),
        ("en", None, "Рабочая группа"),
        ("ru", "Working group", "Рабочая группа"),
        (None, "Working group", "Рабочая группа"),
    ],
)
def test_bilingual_is_english_only_in_english_and_when_there_is_one(language, english, expected):
    with translation.override(language):
        assert bilingual("Рабочая группа", english) == expected

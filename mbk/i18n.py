"""The two languages of the interface: Russian, the source of truth, and English where a text
has an English version (names and titles are kept as `<field>_ru` and `<field>_en`)."""

from django.utils.translation import get_language


def in_english() -> bool:
    """Whether the active language is English (with none active, it is Russian)."""
    return (get_language() or "ru").startswith("en")


def bilingual(russian: str, english: str | None) -> str:
    """The English text when the active language is English and there is one; else the Russian."""
    return english if english and in_english() else russian

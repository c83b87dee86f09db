"""The typical structure of a programme (data/sections.yaml), read once."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

TEMPLATE_FILE = Path(__file__).parent / "data" / "sections.yaml"
OFFICE = "office"


@dataclass(frozen=True)
class TemplateSection:
    code: str
    title_ru: str
    title_en: str
    mandatory: bool
    owner: str  # OFFICE or a working group's code
    table: str = ""


@cache
def typical_sections() -> tuple[TemplateSection, ...]:
    rows = yaml.safe_load(TEMPLATE_FILE.read_text(encoding="utf-8"))
    return tuple(TemplateSection(**row) for row in rows)


def mandatory_codes() -> dict[str, TemplateSection]:
    return {s.code: s for s in typical_sections() if s.mandatory}

"""Every user-facing string is in the Russian catalogue, translated."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
CATALOGUE = Path("locale/ru/LC_MESSAGES/django.po")
SOURCES = [
    "manage.py",
    "mbk",
    "accounts",
    "directory",
    "workflow",
    "signing",
    "documents",
    "programme",
    "meetings",
    "api",
    "templates",
    "locale",
]


def msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    found = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.MULTILINE):
        found.add("".join(re.findall(r'"(.*)"', block)))
    return found - {""}


def test_russian_catalogue_is_complete_and_has_no_fuzzy_entries():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip())


def test_russian_catalogue_holds_every_string_of_the_code(tmp_path):
    for name in SOURCES:
        source = BASE_DIR / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "1", "MBK_VAR_DIR": str(tmp_path / "var")}

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-obsolete", "-v0"],
        cwd=tmp_path,
        env=env,
        check=True,
    )

    assert msgids(tmp_path / CATALOGUE) == msgids(BASE_DIR / CATALOGUE)

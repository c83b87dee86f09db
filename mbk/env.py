"""Strict readers of environment variables.

django-environ parses URLs well but is lenient elsewhere (``DEBUG=maybe`` reads as False).
A wrong value here must stop start-up with a message that names the variable, so every
setting is read through these helpers.
"""

import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_SUPPORTED_DB_ENGINES = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def _read(name: str, default: Any, parse: Callable[[str], Any]) -> Any:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return parse(raw.strip())
    except (ValueError, TypeError, KeyError, ImproperlyConfigured) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name} has a malformed value {_redacted(raw)!r}: {exc}"
        ) from exc


def _redacted(raw: str) -> str:
    """The value without a password in it, so the message may go to logs."""
    return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", raw)


def _parse_bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError("expected one of 1/0, true/false, yes/no, on/off")


def _parse_list(raw: str) -> list[str]:
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ValueError("expected a comma-separated list without empty items")
    return items


def _parse_url_with_scheme(raw: str) -> str:
    scheme, sep, _ = raw.partition("://")
    if not sep or not scheme:
        raise ValueError("expected a URL such as redis://host:6379/0")
    return raw


def _parse_database(raw: str) -> dict:
    config = environ.Env.db_url_config(_parse_url_with_scheme(raw))
    if config.get("ENGINE") not in _SUPPORTED_DB_ENGINES:
        raise ValueError("expected a postgres:// or sqlite:// URL")
    return config


def _parse_email(raw: str) -> dict:
    config = environ.Env.email_url_config(_parse_url_with_scheme(raw))
    if config["EMAIL_BACKEND"].endswith(".filebased.EmailBackend"):
        # django-environ drops the leading "/" of filemail:///var/mail; keep the path as written.
        config["EMAIL_FILE_PATH"] = urlsplit(raw).path
    return config


def env_bool(name: str, default: bool) -> bool:
    return _read(name, default, _parse_bool)


def env_int(name: str, default: int) -> int:
    return _read(name, default, int)


def env_str(name: str, default: str | None) -> str | None:
    return _read(name, default, str)


def env_list(name: str, default: list[str]) -> list[str]:
    return _read(name, default, _parse_list)


def env_url(name: str, default: str) -> str:
    return _read(name, default, _parse_url_with_scheme)


def env_database(name: str, default: dict) -> dict:
    return _read(name, default, _parse_database)


def env_email(name: str, default: str) -> dict:
    return _read(name, _parse_email(default), _parse_email)

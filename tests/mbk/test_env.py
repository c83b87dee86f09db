"""The strict environment readers of mbk/env.py, in-process."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from mbk import env


def test_env_email_filemail_keeps_an_absolute_path(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "filemail:///srv/mbk/outbox")

    config = env.env_email("EMAIL_URL", "consolemail://")

    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert config["EMAIL_FILE_PATH"] == "/srv/mbk/outbox"


def test_env_email_smtp_reads_host_port_and_tls(monkeypatch):
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://robot:secret@mail.mbk.example.ru:587")

    config = env.env_email("EMAIL_URL", "consolemail://")

    assert (config["EMAIL_HOST"], config["EMAIL_PORT"], config["EMAIL_USE_TLS"]) == (
        "mail.mbk.example.ru",
        587,
        True,
    )


def test_env_malformed_value_message_hides_the_password(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://mbk:s3cret-pass@db/mbk")

    with pytest.raises(ImproperlyConfigured) as raised:
        env.env_database("DATABASE_URL", {})

    assert "DATABASE_URL" in str(raised.value)
    assert "s3cret-pass" not in str(raised.value)
    assert "mysql://mbk:***@db/mbk" in str(raised.value)


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("DEBUG", raw)

    assert env.env_bool("DEBUG", default=True) is expected

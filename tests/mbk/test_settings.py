"""Settings come from the environment; a malformed value stops start-up naming it."""

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parents[2]
SAFE_KEY = "x" * 10 + secrets.token_urlsafe(48)
AUDIT_KEY = "a" * 10 + secrets.token_urlsafe(32)
SIGNING_KEY = "s" * 10 + secrets.token_urlsafe(32)


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "MBK_SIGNING_KEY",
            "MBK_CA_PASSPHRASE",
        }
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, "MBK_AUDIT_KEY": AUDIT_KEY, "MBK_SIGNING_KEY": SIGNING_KEY, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/mbk"),
        ("DATABASE_CONN_MAX_AGE", "sixty"),
        ("DATABASE_JIT", "sometimes"),
        ("CELERY_BROKER_URL", "localhost:6379"),
        ("ALLOWED_HOSTS", "mbk.example.ru,,"),
        ("EMAIL_URL", "nonsense"),
        ("SITE_URL", "mbk.example.ru"),
        ("SECURE_HSTS_SECONDS", "a year"),
        ("TRUSTED_PROXIES", "10.0.0.0/33"),
        ("TRUSTED_PROXIES", "proxy.local"),
        ("LOGIN_SLOWDOWN_AFTER", "ten"),
        ("MBK_VERIFY_MAX_BYTES", "30 MB"),
        ("CACHE_URL", "memcached://cache:11211"),
        ("MBK_MEDIA_STORAGE", "nfs"),
    ],
)
def test_settings_malformed_value_stops_startup_naming_it(name, value):
    env = {"SECRET_KEY": SAFE_KEY, "DATABASE_URL": "postgres://u@db/mbk", name: value}

    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert f"Environment variable {name} has a malformed value" in result.stderr


def test_settings_secret_key_required_when_debug_off():
    result = run_manage("check", env={"DEBUG": "false"})

    assert result.returncode == 1
    assert "Environment variable SECRET_KEY is required when DEBUG is off." in result.stderr


@pytest.mark.parametrize(
    ("audit_env", "message"),
    [
        ({"MBK_AUDIT_KEY": ""}, "Environment variable MBK_AUDIT_KEY is required when DEBUG is off"),
        (
            {"MBK_AUDIT_KEY": SAFE_KEY},
            "Environment variable MBK_AUDIT_KEY must differ from SECRET_KEY",
        ),
        ({"MBK_AUDIT_KEY": "short-key"}, "Environment variable MBK_AUDIT_KEY must be at least 32"),
        (
            {"MBK_AUDIT_OLD_KEYS": "k0"},
            "Environment variable MBK_AUDIT_OLD_KEYS expects id:key pairs",
        ),
        (
            {"MBK_AUDIT_OLD_KEYS": f"k1:{'b' * 40}"},
            "Environment variable MBK_AUDIT_KEY_ID must be a new id",
        ),
    ],
)
def test_settings_audit_key_refused_when_missing_weak_or_reused(audit_env, message):
    env = {"SECRET_KEY": SAFE_KEY, "DATABASE_URL": "postgres://u@db/mbk", **audit_env}

    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert message in result.stderr


@pytest.mark.parametrize(
    ("signing_env", "message"),
    [
        (
            {"MBK_SIGNING_KEY": ""},
            "Environment variable MBK_SIGNING_KEY is required when DEBUG is off",
        ),
        (
            {"MBK_SIGNING_KEY": "short-key"},
            "Environment variable MBK_SIGNING_KEY must be at least 32",
        ),
        (
            {"MBK_SIGNING_KEY": SAFE_KEY},
            "Environment variable MBK_SIGNING_KEY must differ from SECRET_KEY and MBK_AUDIT_KEY",
        ),
        (
            {"MBK_SIGNING_KEY": AUDIT_KEY},
            "Environment variable MBK_SIGNING_KEY must differ from SECRET_KEY and MBK_AUDIT_KEY",
        ),
        (
            {"MBK_CA_PASSPHRASE": "short"},
            "Environment variable MBK_CA_PASSPHRASE must be at least 20 characters",
        ),
    ],
)
def test_settings_signing_key_refused_when_missing_weak_or_reused(signing_env, message):
    env = {"SECRET_KEY": SAFE_KEY, "DATABASE_URL": "postgres://u@db/mbk", **signing_env}

    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert message in result.stderr


def test_settings_debug_runs_without_secret_key(tmp_path):
    result = run_manage(
        "check", env={"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_with_production_values_prints_no_warning():
    env = {
        "DEBUG": "false",
        "SECRET_KEY": SAFE_KEY,
        "ALLOWED_HOSTS": "mbk.example.ru",
        "DATABASE_URL": "postgres://mbk@db:5432/mbk",
        "CELERY_BROKER_URL": "redis://redis:6379/0",
        "SITE_URL": "https://mbk.example.ru",
    }

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing silenced: the login throttling's key holds the client's address (axes.W006).
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert settings.SILENCED_SYSTEM_CHECKS == []


def test_settings_pdf_lease_shorter_than_three_heartbeats_stops_startup():
    env = {
        "SECRET_KEY": SAFE_KEY,
        "DATABASE_URL": "postgres://u@db/mbk",
        "PDF_HEARTBEAT_SECONDS": "5",
        "PDF_LEASE_SECONDS": "10",
    }

    result = run_manage("check", env=env)

    assert result.returncode == 1
    assert "PDF_LEASE_SECONDS must be at least three times PDF_HEARTBEAT_SECONDS" in result.stderr


@pytest.mark.parametrize(
    ("cache_url", "expected"),
    [
        ("redis://cache:6379/0", "RedisCache cached_db"),
        (None, "LocMemCache db"),  # the embedded mode: one process, sessions in the database
    ],
)
def test_settings_cache_url_shares_the_cache_and_sessions_through_redis(
    tmp_path, cache_url, expected
):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    if cache_url:
        env["CACHE_URL"] = cache_url
    show = (
        "from django.conf import settings as s; "
        "print(s.CACHES['default']['BACKEND'].rsplit('.', 1)[1], "
        "s.SESSION_ENGINE.rsplit('.', 1)[1])"
    )

    result = run_manage("shell", "-c", show, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit_unless_asked():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    server = urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres").geturl()
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        default = cursor.fetchone()[0]
    asked = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; c = connection.cursor(); c.execute('SHOW jit');"
        " print(c.fetchone()[0])",
        env={"DEBUG": "true", "DATABASE_URL": server, "DATABASE_JIT": "1"},
    )

    assert default == "off"
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.strip() == "on"  # the server's own setting (PostgreSQL's default)

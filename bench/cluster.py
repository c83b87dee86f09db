"""What generate.py, load.py and transitions.py share: the large cluster in PostgreSQL
(mbk_bench) and the environment of every process that works on it."""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
# Another name (BENCH_DATABASE=...) lets two worktrees benchmark side by side.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "mbk_bench")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "correct-horse-battery"  # every generated person's (tests/factories.UserFactory's)


def cluster_environment(folder: str) -> dict[str, str]:
    """Production mode (DEBUG off) on loopback with the bench settings (bench/settings.py),
    for this process, manage.py migrate and the gunicorn workers alike."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "k" * 60,  # production mode wants at least 50 characters
        "MBK_AUDIT_KEY": "bench-only-audit-" + "a" * 40,
        "MBK_SIGNING_KEY": "bench-only-signing-" + "s" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{POSTGRES_URL}/{BENCH_DATABASE}",
        "MBK_VAR_DIR": folder,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(BASE_DIR),
    }


def setup_cluster_django(folder: str) -> None:
    os.environ.update(cluster_environment(folder))
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95 for the 95th)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]

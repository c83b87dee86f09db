"""Shared fixtures: the people of DESIGN.md as personas, and the real services.

Tests that need PostgreSQL, Redis, a Celery worker or chromium skip when these are missing on
a developer's machine, and fail when CI=true: CI must prove them, not pass around them.
"""

import faulthandler
import fcntl
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_migrate
from django.utils import translation

from directory.loading import load_cluster_directory
from directory.models import Body, Membership, Organisation
from mbk.celery import app as celery_app
from signing import authority
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

IN_CI = os.environ.get("CI") == "true"
PASSWORD = "correct-horse-battery"


def unavailable(reason: str) -> None:
    """Fail in CI, skip elsewhere."""
    if IN_CI:
        pytest.fail(f"CI requires this: {reason}")
    pytest.skip(reason)


def redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        parts = parts._replace(netloc=parts.netloc.replace(parts.password, "***"))
    return urlunsplit(parts)


def pytest_configure(config):
    # Templates resolve static files without collectstatic's manifest in tests; the manifest
    # storage of production is exercised by tests/mbk/test_static.py.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # The test client speaks plain HTTP; the HTTPS settings are checked by `check --deploy`.
    settings.SECURE_SSL_REDIRECT = False
    # Hashing with PBKDF2 costs ~0.3 s a user; hundreds of test users would cost minutes.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Audit checkpoints go to a file of the test run, never to a developer's var/audit/.
    # Both are per process, so pytest-xdist's workers never share them.
    settings.MBK_AUDIT_CHECKPOINT_FILE = Path(tempfile.mkdtemp()) / "audit" / "checkpoints.log"
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp()) / "media"
    # The cluster's certificate authority of this test process (its key file; the rows are in
    # the world, see _load_the_world): never a developer's var/ca.
    settings.MBK_CA_DIR = Path(tempfile.mkdtemp()) / "ca"
    _broker_of_this_worker()
    post_migrate.connect(_load_the_world, dispatch_uid="tests-load-the-world")


def _broker_of_this_worker() -> None:
    """Each pytest-xdist worker gets a broker of its own, so that a real Celery worker started
    by one test never takes the tasks of a test running at the same time on another pytest-xdist
    worker (it would read them from a database that is not its own, and drop them): with Redis
    a database of its own (CI's db 15 for gw0, 14 for gw1...), with the file broker a queue
    folder of its own. Subprocesses inherit it through the environment (CELERY_BROKER_URL,
    MBK_VAR_DIR, which mbk/settings.py derives the queue folder from). Set before any task is
    sent, so no connection holds the shared one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return
    index = int(worker.removeprefix("gw"))
    url = settings.CELERY_BROKER_URL
    if url.startswith("redis://"):
        base, _, db = url.rpartition("/")
        if db.isdigit():
            url = f"{base}/{(int(db) - index) % 16}"
        settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"] = url
        celery_app.conf.broker_url = url
    elif url.startswith("filesystem://"):
        var_dir = Path(tempfile.mkdtemp()) / "var"
        queue = var_dir / "celery"  # where mbk/settings.py puts it for MBK_VAR_DIR=var_dir
        options = {
            **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            "data_folder_in": str(queue / "queue"),
            "data_folder_out": str(queue / "queue"),
            "control_folder": str(queue / "control"),
        }
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
        celery_app.conf.broker_transport_options = options
        os.environ["MBK_VAR_DIR"] = str(var_dir)


def _load_the_world(sender, using, **kwargs):
    """The data every test starts with, built once per test database (pytest-xdist gives each
    worker its own): the cluster directory and the certificate authority (its rows; the key file
    is the process's, see pytest_configure). (The working-day calendar needs no rows: the
    holidays package gives it, and the migrations leave CalendarDay empty.)

    post_migrate is sent at the end of `migrate`, which creates the test database, and by the
    flush that empties the tables after every transactional test (`transaction=True`,
    live_server, a Celery worker): so the tests after those find the same world, whatever
    order they run in. Sent once per app; the world is loaded after the last one, when every
    app's content types and permissions exist."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if sender is not with_models[-1] or using != "default":
        return
    load_cluster_directory()
    # Every rendered document is signed: the authority, the seal and the time-stamping unit.
    authority.ensure_ready()


# pytest-timeout ends a test that runs over its limit (pyproject.toml) by ending its process,
# the one way that also ends a test stuck in C code; an xdist worker's own stderr is shown
# nowhere. So shortly before the limit every thread's stack is written here, and .ci/run
# prints what it finds: a stuck test says where it waited.
STACKS = Path(
    os.environ.get("MBK_TEST_STACKS_DIR", Path(__file__).parents[1] / "var" / "test-stacks")
)
_stacks_file = None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _stacks_file
    limit = float(item.config.getini("timeout") or 0)
    if limit <= 30:
        return (yield)
    if _stacks_file is None:
        STACKS.mkdir(parents=True, exist_ok=True)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        _stacks_file = (STACKS / f"{worker}-{os.getpid()}.txt").open("a")
    faulthandler.dump_traceback_later(limit - 20, file=_stacks_file)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    where = f"{db.get('HOST') or 'local file'}:{db.get('PORT') or ''}"
    return [
        f"mbk database: {db['ENGINE'].rsplit('.', 1)[-1]} at {where} ({db['NAME']})",
        f"mbk celery broker: {redacted(settings.CELERY_BROKER_URL)}",
        f"mbk CI={IN_CI}",
    ]


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's default language (Russian). A request in English leaves
    its language active in the thread, and what a service says would depend on the order of
    the tests."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: what an earlier test's rolled-back rows left in it
    (the reference tables, workflow.reference) is no test's data."""
    cache.clear()


@pytest.fixture(autouse=True)
def _celery_runs_tasks_in_process(request):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker instead."""
    eager = "worker" not in request.keywords
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def cluster(db):
    """The cluster directory's bodies by code; the directory itself is in the database from the
    start (see _load_the_world)."""
    return {body.code: body for body in Body.objects.all()}


# --- Personas -------------------------------------------------------------------------------
@pytest.fixture
def organisation(db):
    return OrganisationFactory(name_ru="ООО «БиоПроект»")


@pytest.fixture
def author(organisation):
    return UserFactory(username="author", organisation=organisation)


@pytest.fixture
def coauthor(organisation):
    return UserFactory(username="coauthor", organisation=organisation)


@pytest.fixture
def other_author(db):
    return UserFactory(username="other-author")


@pytest.fixture
def chair(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.CHAIR, user__username="chair"
    ).user


@pytest.fixture
def expert(cluster):
    return MembershipFactory(
        body=cluster["wg-pharma"], role=Membership.Role.EXPERT, user__username="expert"
    ).user


@pytest.fixture
def other_chair(cluster):
    return MembershipFactory(
        body=cluster["wg-ecology"], role=Membership.Role.CHAIR, user__username="other-chair"
    ).user


@pytest.fixture
def secretary(cluster):
    return MembershipFactory(
        body=cluster["council"], role=Membership.Role.SECRETARY, user__username="secretary"
    ).user


@pytest.fixture
def governance_member(cluster):
    return MembershipFactory(
        body=cluster["council"], role=Membership.Role.MEMBER, user__username="council-member"
    ).user


@pytest.fixture
def office(cluster):
    return MembershipFactory(
        body=cluster["programme-office"], role=Membership.Role.STAFF, user__username="office"
    ).user


@pytest.fixture
def observer(cluster):
    return MembershipFactory(
        body=cluster["council"], role=Membership.Role.OBSERVER, user__username="observer"
    ).user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider", organisation=None)


@pytest.fixture
def proposed_organisation(db):
    return OrganisationFactory(name_ru="ООО «Новая»", status=Organisation.Status.PROPOSED)


@pytest.fixture
def media(settings, tmp_path):
    """Uploads and rendered PDFs go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


_collected: dict = {}


def collect_static(tmp_path_factory) -> Path:
    """A var folder whose static/ holds collectstatic's production output (the manifest and
    compressed files), built once per test run: it takes minutes on a small machine. The
    pytest-xdist workers share it (their temporary folders have one parent), under a lock."""
    if "var" not in _collected:
        shared = tmp_path_factory.getbasetemp()
        if os.environ.get("PYTEST_XDIST_WORKER"):
            shared = shared.parent
        var_dir = shared / "collected"
        with (shared / "collected.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (var_dir / "done").exists():
                _collect_static_into(var_dir)
        _collected["var"] = var_dir
    return _collected["var"]


def _collect_static_into(var_dir: Path) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "k" * 60,
        "MBK_AUDIT_KEY": "a" * 40,
        "MBK_SIGNING_KEY": "s" * 40,
        "MBK_VAR_DIR": str(var_dir),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (var_dir / "done").touch()

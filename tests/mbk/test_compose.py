"""No Docker engine runs here, so the production files are checked by reading them."""

import importlib
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def command_words(service: dict) -> list[str]:
    command = service.get("command", [])
    return shlex.split(command) if isinstance(command, str) else list(command)


def test_compose_has_the_production_services():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis"}


@pytest.mark.parametrize("name", ["web", "worker", "beat", "db", "redis"])
def test_compose_service_has_a_health_check(name):
    assert SERVICES[name]["healthcheck"]["test"]


def test_compose_web_serves_the_wsgi_application_with_gunicorn():
    words = command_words(SERVICES["web"])
    target = next(word for word in words if ":" in word and "." in word)
    module_name, attribute = target.split(":")

    assert words[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize(("name", "role"), [("worker", "worker"), ("beat", "beat")])
def test_compose_celery_services_name_the_celery_app(name, role):
    words = command_words(SERVICES[name])
    app_module = words[words.index("-A") + 1]

    assert words[0] == "celery"
    assert role in words
    assert importlib.import_module(app_module).celery_app.main == "mbk"


def test_compose_worker_consumes_the_queues_the_tasks_are_routed_to():
    from django.conf import settings

    words = command_words(SERVICES["worker"])
    queues = next(w.split("=", 1)[1] for w in words if w.startswith("--queues="))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}

    assert routed | {"celery"} == set(queues.split(","))


def test_compose_management_commands_exist():
    commands = [command_words({"command": SERVICES[name].get("command", "")}) for name in SERVICES]
    entry = (BASE_DIR / "docker" / "entrypoint.sh").read_text()
    used = [words[words.index("manage.py") + 1] for words in commands if "manage.py" in words]
    used += [
        line.split("manage.py", 1)[1].split()[0]
        for line in entry.splitlines()
        if "manage.py" in line and not line.lstrip().startswith("#")
    ]

    assert used
    assert set(used) <= set(get_commands())


def test_compose_redis_keeps_every_message():
    words = command_words(SERVICES["redis"])

    assert words[words.index("--appendonly") + 1] == "yes"
    assert words[words.index("--maxmemory-policy") + 1] == "noeviction"
    assert any(volume.endswith(":/data") for volume in SERVICES["redis"]["volumes"])


def test_compose_database_and_files_live_on_volumes():
    assert any("/var/lib/postgresql/data" in volume for volume in SERVICES["db"]["volumes"])
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "redis-data", "media", "audit"}


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_compose_services_share_the_audit_checkpoint_file(name):
    # beat's task appends checkpoints in the worker; verify_audit reads them wherever it runs
    assert "audit:/var/lib/mbk/audit" in SERVICES[name]["volumes"]


def test_dockerfile_installs_weasyprint_libraries_and_cyrillic_fonts():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "gettext"):
        assert package in dockerfile

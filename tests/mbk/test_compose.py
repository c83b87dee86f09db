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


APP_SERVICES = ["web", "worker", "pdf-worker", "beat"]
NGINX_CONF = BASE_DIR / "docker" / "nginx" / "mbk.conf"


def test_compose_has_the_production_services():
    assert set(SERVICES) == {"nginx", *APP_SERVICES, "db", "redis", "cache"}


@pytest.mark.parametrize("name", ["nginx", *APP_SERVICES, "db", "redis", "cache"])
def test_compose_service_has_a_health_check(name):
    assert SERVICES[name]["healthcheck"]["test"]


def test_compose_web_serves_the_wsgi_application_with_gunicorn():
    words = command_words(SERVICES["web"])
    target = next(word for word in words if ":" in word and "." in word)
    module_name, attribute = target.split(":")

    assert words[0] == "gunicorn"
    assert callable(getattr(importlib.import_module(module_name), attribute))


@pytest.mark.parametrize(
    ("name", "role"), [("worker", "worker"), ("pdf-worker", "worker"), ("beat", "beat")]
)
def test_compose_celery_services_name_the_celery_app(name, role):
    words = command_words(SERVICES[name])
    app_module = words[words.index("-A") + 1]

    assert words[0] == "celery"
    assert role in words
    assert importlib.import_module(app_module).celery_app.main == "mbk"


def queues_of(name: str) -> set[str]:
    words = command_words(SERVICES[name])
    return set(next(w.split("=", 1)[1] for w in words if w.startswith("--queues=")).split(","))


def test_compose_workers_consume_every_queue_the_tasks_are_routed_to():
    from django.conf import settings

    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}

    assert queues_of("worker") | queues_of("pdf-worker") == routed | {"celery"}
    assert queues_of("pdf-worker") == {"pdf"}
    assert "pdf" not in queues_of("worker")


def test_compose_pdf_workers_have_their_own_limits():
    pdf, other = SERVICES["pdf-worker"], SERVICES["worker"]
    words = command_words(pdf)

    assert any(word.startswith("--concurrency=") for word in words)
    assert any(word.startswith("--max-tasks-per-child=") for word in words)
    assert pdf["environment"]["CELERY_WORKER_MAX_MEMORY_PER_CHILD_KB"]
    assert pdf["deploy"]["resources"]["limits"]["memory"]
    assert pdf["deploy"]["resources"]["limits"] != other["deploy"]["resources"]["limits"]
    assert pdf["deploy"]["replicas"] >= 2


def test_compose_runs_exactly_one_beat():
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


def test_compose_web_nodes_are_reached_only_through_nginx():
    nginx = SERVICES["nginx"]

    assert "ports" not in SERVICES["web"]
    assert SERVICES["web"]["deploy"]["replicas"] >= 2
    assert "./docker/nginx/mbk.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "static:/var/lib/mbk/static:ro" in nginx["volumes"]
    assert {port.split(":")[-1] for port in nginx["ports"]} == {"80", "443"}


def test_compose_trusts_only_nginx_as_a_proxy():
    address = SERVICES["nginx"]["networks"]["default"]["ipv4_address"]

    for name in APP_SERVICES:
        assert SERVICES[name]["environment"]["TRUSTED_PROXIES"] == address
    assert SERVICES["web"]["environment"]["SECURE_PROXY_SSL_HEADER"] == "true"


def test_compose_web_nodes_share_cache_and_sessions_through_redis():
    cache = command_words(SERVICES["cache"])
    url = SERVICES["web"]["environment"]["CACHE_URL"]

    assert url.startswith("redis://cache:")
    assert cache[cache.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert "volumes" not in SERVICES["cache"]  # nothing in it the database does not keep


def nginx_directives(name: str) -> list[str]:
    """The values of a directive wherever it stands in docker/nginx/mbk.conf (blocks' openers,
    `server {`, are not directives)."""
    lines = [line.split("#", 1)[0].strip() for line in NGINX_CONF.read_text().splitlines()]
    return [
        line[len(name) :].strip(" ;")
        for line in lines
        if line.startswith(name + " ") and not line.endswith("{")
    ]


def test_nginx_upstream_is_the_web_service_with_passive_health():
    (server,) = nginx_directives("server")
    address, *options = server.split()
    web_port = command_words(SERVICES["web"])[command_words(SERVICES["web"]).index("--bind") + 1]

    assert address == "web:" + web_port.rsplit(":", 1)[1]
    assert any(option.startswith("max_fails=") for option in options)
    assert any(option.startswith("fail_timeout=") for option in options)


def test_nginx_never_sends_a_write_twice():
    (next_upstream,) = nginx_directives("proxy_next_upstream")

    assert set(next_upstream.split()) == {"error", "timeout", "http_502"}  # no non_idempotent


def test_nginx_tells_the_application_the_scheme_host_and_client():
    headers = {value.split()[0]: value.split()[1] for value in nginx_directives("proxy_set_header")}

    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["Host"] == "$http_host"


def test_nginx_body_limit_lets_the_largest_upload_reach_the_application():
    from django.conf import settings

    (limit,) = nginx_directives("client_max_body_size")
    largest = max(settings.ATTACHMENT_MAX_BYTES, settings.MBK_VERIFY_MAX_BYTES)

    assert limit.endswith("m")
    assert largest < int(limit[:-1]) * 1024 * 1024 <= largest + 2 * 1024 * 1024


def test_nginx_serves_the_collected_static_files_of_the_web_nodes():
    from django.conf import settings

    (alias,) = nginx_directives("alias")

    assert alias == "/var/lib/mbk/static/"
    assert f"location /{settings.STATIC_URL.strip('/')}/ {{" in NGINX_CONF.read_text()
    assert "MBK_PUBLISH_STATIC" in (BASE_DIR / "docker" / "entrypoint.sh").read_text()


def test_nginx_timeouts_outlast_gunicorn_s():
    words = command_words(SERVICES["web"])
    gunicorn_timeout = int(words[words.index("--timeout") + 1])
    (read_timeout,) = nginx_directives("proxy_read_timeout")

    assert int(read_timeout.rstrip("s")) > gunicorn_timeout


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
    assert set(COMPOSE["volumes"]) >= {"postgres-data", "redis-data", "media", "audit", "static"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_compose_services_share_the_audit_checkpoint_file(name):
    # beat's task appends checkpoints in the worker; verify_audit reads them wherever it runs
    assert "audit:/var/lib/mbk/audit" in SERVICES[name]["volumes"]


def test_dockerfile_installs_weasyprint_libraries_and_cyrillic_fonts():
    dockerfile = (BASE_DIR / "Dockerfile").read_text()

    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core", "gettext"):
        assert package in dockerfile

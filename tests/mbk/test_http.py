import re

import pytest
from django.db import OperationalError

from mbk.middleware import CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_health_answers_ok_when_database_answers(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response.json() == {"database": "ok"}


@pytest.mark.django_db
def test_pages_carry_security_headers(client):
    response = client.get("/accounts/login/")

    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_base_layout_has_no_inline_script_or_style(client, author):
    client.force_login(author)

    html = client.get("/").content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<style\b", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert "cdn" not in html.lower()


@pytest.mark.django_db
def test_interface_is_russian_by_default_whatever_the_browser_says(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "ru"
    assert '<html lang="ru">' in response.content.decode()
    assert "Войти" in response.content.decode()


@pytest.mark.django_db
def test_language_switch_turns_the_interface_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    response = client.get("/accounts/login/")

    assert response.headers["Content-Language"] == "en"
    assert "Log in" in response.content.decode()


def _database_down(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.mark.django_db
def test_a_database_outage_is_a_503_page_that_says_to_try_again(client, author, monkeypatch):
    client.force_login(author)
    client.raise_request_exception = False
    monkeypatch.setattr("workflow.home.panels", _database_down)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Сервис временно недоступен" in response.content.decode()
    assert "ничего не изменило" in response.content.decode()


@pytest.mark.django_db
def test_a_database_outage_is_a_503_in_the_api_too(author, monkeypatch):
    from tests.api.conftest import api_as

    client = api_as(author)
    client.raise_request_exception = False
    monkeypatch.setattr("api.views.visible_proposals", _database_down)

    response = client.get("/api/v1/proposals/")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"


@pytest.mark.django_db
def test_other_errors_stay_a_500(client, author, monkeypatch):
    client.force_login(author)
    client.raise_request_exception = False
    monkeypatch.setattr("workflow.home.panels", lambda user: 1 / 0)

    response = client.get("/")

    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()


@pytest.mark.django_db
def test_other_errors_in_the_api_are_a_json_500(author, monkeypatch):
    from tests.api.conftest import api_as

    client = api_as(author)
    client.raise_request_exception = False
    monkeypatch.setattr("api.views.visible_proposals", lambda user: 1 / 0)

    response = client.get("/api/v1/proposals/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"
    assert "Внутренняя ошибка сервера" in response.json()["message"]


def _cache_down(settings):
    """The shared cache becomes a Redis server that is not there (a port nobody listens on), the
    sessions read through it as in production (CACHE_URL); they stay in the database."""
    from tests.integration.services import free_port

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.mark.django_db
def test_a_cache_outage_is_a_503_page_for_a_signed_in_person(client, author, settings):
    client.force_login(author)
    client.raise_request_exception = False
    _cache_down(settings)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Хранилище сессий не отвечает" in response.content.decode()
    assert "session store is not answering" in response.content.decode()


@pytest.mark.django_db
def test_a_cache_outage_leaves_the_api_with_a_token_answering(author, settings):
    from tests.api.conftest import api_as

    client = api_as(author)
    _cache_down(settings)  # the rate is not counted meanwhile (api/throttling.py)

    response = client.get("/api/v1/proposals/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_cache_outage_in_the_api_with_a_session_is_a_json_503(client, author, settings):
    client.force_login(author)
    client.raise_request_exception = False
    _cache_down(settings)

    response = client.get("/api/v1/proposals/")

    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert "хранилище сессий не отвечает" in response.json()["message"]

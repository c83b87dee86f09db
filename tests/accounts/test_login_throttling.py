"""Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords one login is locked
for the cool-off time, whatever address, X-Forwarded-For or spelling the attempts come with,
and however many arrive at once."""

import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test import Client

from tests.conftest import unavailable
from tests.factories import UserFactory

PASSWORD = "Верный-пароль-2026"
LOGIN = "/accounts/login/"


@pytest.fixture
def person(db):
    user = UserFactory(username="petrov")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client: Client, password: str, username="petrov", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/"


def fail_until_locked(client: Client, **headers):
    """The form with its error until the limit; the failure that reaches it gets the lock."""
    statuses = [
        attempt(client, f"неверный-{n}", **headers).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


@pytest.mark.django_db
def test_the_right_password_is_refused_once_the_login_is_locked(person):
    client = Client()
    fail_until_locked(client)

    response = attempt(client, PASSWORD)

    assert response.status_code == 429
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert "15 минут" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_rotating_addresses_and_forwarded_for_does_not_lift_the_lock(person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(
            Client(REMOTE_ADDR=f"10.0.{n}.1"),
            f"неверный-{n}",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    fresh = Client(REMOTE_ADDR="198.51.100.7")
    response = attempt(fresh, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429
    assert not logged_in(response)


@pytest.mark.django_db
def test_spelling_the_login_differently_counts_against_the_same_login(person):
    client = Client()
    for n, spelling in enumerate(["PETROV", " petrov", "Petrov ", "petrov", "pEtRoV"]):
        attempt(client, f"неверный-{n}", username=spelling)

    assert attempt(client, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_other_logins_are_not_locked_by_someone_elses_failures(person):
    other = UserFactory(username="ivanova")
    other.set_password(PASSWORD)
    other.save()
    fail_until_locked(Client())

    assert logged_in(attempt(Client(), PASSWORD, username="ivanova"))


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_starts_the_count_again(person):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"неверный-{n}")
    assert logged_in(attempt(client, PASSWORD))
    client.logout()

    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"снова-неверный-{n}")

    assert logged_in(attempt(client, PASSWORD))


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off_time(person):
    client = Client()
    fail_until_locked(client)
    assert attempt(client, PASSWORD).status_code == 429

    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )

    assert logged_in(attempt(client, PASSWORD))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_cannot_slip_past_the_limit(person):
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    tries = 4 * settings.AXES_FAILURE_LIMIT
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def guess(n):
        try:
            barrier.wait(timeout=10)
            statuses.append(attempt(Client(REMOTE_ADDR=f"10.1.{n}.1"), f"угадать-{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Exactly the limit's worth of passwords were checked; every other guess met the lock.
    assert sorted(statuses) == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * (
        tries - settings.AXES_FAILURE_LIMIT + 1
    )
    failures = AccessAttempt.objects.filter(username="petrov").aggregate(
        total=Sum("failures_since_start")
    )["total"]
    assert failures >= settings.AXES_FAILURE_LIMIT  # refused guesses are counted too
    assert attempt(Client(), PASSWORD).status_code == 429

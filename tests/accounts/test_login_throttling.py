"""Login throttling (django-axes and mbk/throttling.py): AXES_FAILURE_LIMIT wrong passwords for
one login from one address lock that pair for the cool-off time; failures on a login from
everywhere slow it down for seconds, never lock its owner out; spraying one address over many
logins locks that address; X-Forwarded-For is believed only from a trusted proxy; and
simultaneous guesses are checked one at a time."""

import ipaddress
import threading
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from mbk.middleware import client_address
from tests.conftest import unavailable
from tests.factories import UserFactory

PASSWORD = "Верный-пароль-2026"
LOGIN = "/accounts/login/"
OWNER = "192.0.2.10"  # the owner's own machine
COLLEAGUE = "192.0.2.66"


@pytest.fixture
def person(db):
    user = UserFactory(username="petrov")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def proxy(settings):
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.9.0.0/24"),)
    return "10.9.0.2"


def attempt(client: Client, password: str, username="petrov", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


def logged_in(response) -> bool:
    return response.status_code == 302 and response.url == "/"


def from_(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def fail_until_locked(client: Client, **headers):
    """The form with its error until the limit; the failure that reaches it gets the lock."""
    statuses = [
        attempt(client, f"неверный-{n}", **headers).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]


def age_failures(seconds: float) -> None:
    """As if every failure so far had happened `seconds` earlier."""
    for row in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=row.pk).update(
            attempt_time=row.attempt_time - timedelta(seconds=seconds)
        )


# --- One place: the pair (login, address) -------------------------------------------------
@pytest.mark.django_db
def test_five_wrong_passwords_from_one_address_lock_that_address_out_of_the_login(person):
    client = from_(OWNER)
    fail_until_locked(client)

    response = attempt(client, PASSWORD)

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    assert "Слишком много неудачных попыток" in response.content.decode()
    assert "с вашего адреса приостановлен на 15 минут" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("guesses", [5, 50])
@pytest.mark.django_db
def test_a_colleagues_wrong_guesses_from_another_address_do_not_lock_the_owner_out(person, guesses):
    colleague = from_(COLLEAGUE)
    for n in range(guesses):
        attempt(colleague, f"неверный-{n}")

    assert logged_in(attempt(from_(OWNER), PASSWORD))
    assert attempt(colleague, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_spelling_the_login_differently_counts_against_the_same_login(person):
    client = from_(OWNER)
    for n, spelling in enumerate(["PETROV", " petrov", "Petrov ", "petrov", "pEtRoV"]):
        attempt(client, f"неверный-{n}", username=spelling)

    assert attempt(client, PASSWORD).status_code == 429


@pytest.mark.django_db
def test_other_logins_are_not_locked_by_someone_elses_failures(person):
    other = UserFactory(username="ivanova")
    other.set_password(PASSWORD)
    other.save()
    fail_until_locked(from_(OWNER))

    assert logged_in(attempt(from_(OWNER), PASSWORD, username="ivanova"))


@pytest.mark.django_db
def test_a_successful_login_before_the_limit_starts_the_count_again(person):
    client = from_(OWNER)
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"неверный-{n}")
    assert logged_in(attempt(client, PASSWORD))
    client.logout()

    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, f"снова-неверный-{n}")

    assert logged_in(attempt(client, PASSWORD))


@pytest.mark.django_db
def test_the_lock_ends_after_the_cool_off_time(person):
    client = from_(OWNER)
    fail_until_locked(client)
    assert attempt(client, PASSWORD).status_code == 429

    age_failures(settings.AXES_COOLOFF_TIME.total_seconds() + 1)

    assert logged_in(attempt(client, PASSWORD))


# --- Many places: the login slowed down, its owner never locked out ------------------------
def guess_from_many_addresses(count: int, start: int = 0) -> list[int]:
    return [
        attempt(from_(f"198.51.100.{start + n}"), f"неверный-{n}").status_code for n in range(count)
    ]


@pytest.mark.django_db
def test_guessing_from_many_addresses_slows_the_login_for_seconds(person):
    statuses = guess_from_many_addresses(settings.LOGIN_SLOWDOWN_AFTER)

    slowed = attempt(from_(OWNER), PASSWORD)
    age_failures(settings.LOGIN_SLOWDOWN_FIRST_SECONDS)
    after_the_wait = attempt(from_(OWNER), PASSWORD)

    assert statuses == [200] * settings.LOGIN_SLOWDOWN_AFTER
    assert slowed.status_code == 429
    assert slowed["Retry-After"] == str(settings.LOGIN_SLOWDOWN_FIRST_SECONDS)
    assert "повторите попытку через 2 секунды" in slowed.content.decode()
    assert logged_in(after_the_wait)


@pytest.mark.django_db
def test_the_slowdown_grows_with_each_failure_up_to_its_cap(person):
    guess_from_many_addresses(settings.LOGIN_SLOWDOWN_AFTER)
    waits = []
    for n in range(8):
        waits.append(int(attempt(from_(OWNER), "неверный").get("Retry-After")))
        age_failures(waits[-1])
        attempt(from_(f"203.0.113.{n}"), f"ещё-неверный-{n}")
        AccessAttempt.objects.filter(ip_address=f"203.0.113.{n}").update(
            attempt_time=timezone.now()
        )

    assert waits == [2, 4, 8, 16, 32, 60, 60, 60]


@pytest.mark.django_db
def test_a_slowed_attempt_checks_no_password_and_is_not_counted(person, settings):
    settings.LOGIN_SLOWDOWN_FIRST_SECONDS = 60  # longer than the five attempts take
    guess_from_many_addresses(settings.LOGIN_SLOWDOWN_AFTER)
    failures = sum(AccessAttempt.objects.values_list("failures_since_start", flat=True))

    refused = [attempt(from_(OWNER), PASSWORD).status_code for _ in range(5)]

    assert refused == [429] * 5
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == failures


# --- Spraying: one address over many logins -----------------------------------------------
@pytest.mark.django_db
def test_spraying_one_password_over_many_logins_locks_that_address(person):
    sprayer = from_(COLLEAGUE)
    statuses = [
        attempt(sprayer, "Весна2026!", username=f"user{n}").status_code
        for n in range(settings.LOGIN_SPRAY_LOGINS)
    ]

    from_the_sprayer = attempt(sprayer, PASSWORD)
    from_elsewhere = attempt(from_(OWNER), PASSWORD)

    assert statuses == [200] * settings.LOGIN_SPRAY_LOGINS
    assert from_the_sprayer.status_code == 429
    assert "Вход с вашего адреса приостановлен на 15 минут" in from_the_sprayer.content.decode()
    assert logged_in(from_elsewhere)


# --- The client's address behind the reverse proxy ----------------------------------------
@pytest.mark.django_db
def test_forwarded_for_from_an_untrusted_peer_is_ignored(person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(from_(COLLEAGUE), f"неверный-{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    rotated = attempt(from_(COLLEAGUE), PASSWORD, HTTP_X_FORWARDED_FOR=OWNER)

    assert rotated.status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {COLLEAGUE}


@pytest.mark.django_db
def test_forwarded_for_from_a_trusted_proxy_names_the_client(person, proxy):
    via_proxy = from_(proxy)
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(via_proxy, f"неверный-{n}", HTTP_X_FORWARDED_FOR=COLLEAGUE)

    colleague = attempt(via_proxy, PASSWORD, HTTP_X_FORWARDED_FOR=COLLEAGUE)
    # The colleague writes the owner's address in front; the proxy appends the real one.
    spoofed = attempt(via_proxy, PASSWORD, HTTP_X_FORWARDED_FOR=f"{OWNER}, {COLLEAGUE}")
    owner = attempt(via_proxy, PASSWORD, HTTP_X_FORWARDED_FOR=OWNER)

    assert (colleague.status_code, spoofed.status_code) == (429, 429)
    assert logged_in(owner)


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("192.0.2.1", "203.0.113.9", "192.0.2.1"),  # not a proxy of ours: its header is ignored
        ("10.9.0.2", "", "10.9.0.2"),
        ("10.9.0.2", "203.0.113.9", "203.0.113.9"),
        ("10.9.0.2", "1.1.1.1, 203.0.113.9, 10.9.0.7", "203.0.113.9"),  # two proxies of ours
        ("10.9.0.2", "not-an-address, 10.9.0.7", "10.9.0.7"),
        ("10.9.0.2", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address_is_the_rightmost_address_that_is_not_a_trusted_proxy(
    proxy, peer, forwarded, client
):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=peer, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_address(request) == client


# --- Simultaneous guesses ------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_from_many_addresses_cannot_slip_past_the_slowdown(person, settings):
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    settings.LOGIN_SLOWDOWN_FIRST_SECONDS = 60  # longer than the burst takes
    tries = 2 * settings.LOGIN_SLOWDOWN_AFTER
    barrier = threading.Barrier(tries)
    statuses: list[int] = []

    def guess(n):
        try:
            barrier.wait(timeout=10)
            statuses.append(attempt(from_(f"10.1.{n}.1"), f"угадать-{n}").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Exactly the threshold's worth of passwords were checked; every other guess was slowed.
    assert sorted(statuses) == [200] * settings.LOGIN_SLOWDOWN_AFTER + [429] * (
        tries - settings.LOGIN_SLOWDOWN_AFTER
    )
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == (
        settings.LOGIN_SLOWDOWN_AFTER
    )
    assert attempt(from_(OWNER), PASSWORD).status_code == 429

"""The sign-up throttle counts in the database: every process sees the same counts, and
simultaneous requests are counted one after the other."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from accounts import throttle
from accounts.models import ThrottleBucket
from tests.conftest import unavailable


@pytest.mark.django_db
def test_requests_past_the_limit_are_refused_and_not_counted():
    answers = [throttle.allow("mail-to-address", "Petrov@Example.ru", limit=3) for _ in range(5)]

    assert answers == [True, True, True, False, False]
    assert len(ThrottleBucket.objects.get().hits) == 3


@pytest.mark.django_db
def test_requests_older_than_the_period_no_longer_count():
    for _ in range(3):
        throttle.allow("mail-to-address", "petrov@example.ru", limit=3)
    bucket = ThrottleBucket.objects.get()
    bucket.hits = [hit - timedelta(hours=1, seconds=1).total_seconds() for hit in bucket.hits]
    bucket.save()

    assert throttle.allow("mail-to-address", "petrov@example.ru", limit=3)


@pytest.mark.django_db
def test_the_table_holds_no_address_in_clear():
    throttle.allow("mail-to-address", "petrov@example.ru", limit=3)

    assert "petrov" not in str(list(ThrottleBucket.objects.values()))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_requests_cannot_slip_past_the_limit():
    if connection.vendor != "postgresql":
        unavailable(f"DATABASE_URL names {connection.vendor}, not PostgreSQL")
    tries = 12
    barrier = threading.Barrier(tries)
    answers: list[bool] = []

    def request():
        try:
            barrier.wait(timeout=10)
            answers.append(throttle.allow("signup-client", "192.0.2.1", limit=3))
        finally:
            connection.close()

    threads = [threading.Thread(target=request) for _ in range(tries)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [False] * (tries - 3) + [True] * 3

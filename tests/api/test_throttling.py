"""The API's rate per person is counted in the shared cache: Redis, as several web nodes run."""

import pytest
import redis
from django.conf import settings as django_settings

from api.throttling import UserRateThrottle
from tests.api.conftest import api_as


@pytest.mark.redis
@pytest.mark.django_db
def test_api_rate_is_counted_in_redis_where_every_node_sees_it(author, settings, monkeypatch):
    if not django_settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis (CELERY_BROKER_URL=redis://...)")
    prefix = f"mbk-throttle-test-{author.pk}-{id(settings)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": django_settings.CELERY_BROKER_URL,
            "KEY_PREFIX": prefix,
        }
    }
    monkeypatch.setattr(UserRateThrottle, "rate", "2/min", raising=False)
    client = api_as(author)
    server = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)

    try:
        answers = [client.get("/api/v1/directions/").status_code for _ in range(3)]
        counted = server.keys(f"{prefix}:*throttle_user_{author.pk}")
    finally:
        for key in server.keys(f"{prefix}:*"):
            server.delete(key)

    assert answers == [200, 200, 429]
    assert len(counted) == 1

"""Small reference tables read on many pages and seldom changed (the working calendar's days,
the review criteria), read through the cache: Redis shared by the web nodes in production
(CACHE_URL), the process's memory in the embedded mode. Every save or delete of a row forgets
the table at once and again when its transaction commits (so that no reader caches the rows
as they were before the commit); TTL bounds what a write the signals do not see (a bulk
update, another process's memory) can leave stale."""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

log = logging.getLogger(__name__)
TTL = 300  # seconds


def cached_table(key: str, read: Callable[[], object]):
    """What `read()` returns, kept in the cache under `key` until a row changes (or TTL). A
    cache that does not answer costs the query, not the request (the beat's deadline jobs and
    the workers need no cache)."""
    try:
        value = cache.get(key)
    except Exception:
        log.warning("cache unavailable: %s read from the database", key, exc_info=True)
        return read()
    if value is None:
        value = read()
        _cache_call(cache.set, key, value, TTL)
    return value


def _cache_call(method, key: str, *args) -> None:
    try:
        method(key, *args)
    except Exception:
        log.warning("cache unavailable: %s not updated", key, exc_info=True)


def forget_on_change(model: type, key: str) -> None:
    """Forget `key` whenever a row of `model` is saved or deleted."""

    def forget(**_kwargs) -> None:
        _cache_call(cache.delete, key)
        transaction.on_commit(lambda: _cache_call(cache.delete, key))

    uid = f"mbk-reference-{key}"
    post_save.connect(forget, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(forget, sender=model, weak=False, dispatch_uid=uid)

"""Counting requests per requester over a sliding hour, in the database: every web process
and every server sees the same counts (a per-process cache would multiply the limit)."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import ThrottleBucket

PERIOD = timedelta(hours=1)


def _key(value: str) -> str:
    return salted_hmac("accounts.throttle", value.strip().lower()).hexdigest()


@transaction.atomic
def allow(scope: str, value: str, *, limit: int, period: timedelta = PERIOD) -> bool:
    """Count one request of `scope` by `value` and say whether it is within `limit` in the
    last `period`; a refused request is not counted. The requester's row is locked, so
    simultaneous requests are counted one after the other."""
    now = timezone.now()
    key = _key(value)
    bucket = ThrottleBucket.objects.select_for_update().filter(scope=scope, key=key).first()
    if bucket is None:
        try:
            with transaction.atomic():
                ThrottleBucket.objects.create(scope=scope, key=key, updated_at=now)
        except IntegrityError:
            pass  # created by a simultaneous request: lock theirs
        bucket = ThrottleBucket.objects.select_for_update().get(scope=scope, key=key)
    since = (now - period).timestamp()
    hits = [hit for hit in bucket.hits if hit > since]
    allowed = len(hits) < limit
    if allowed:
        hits.append(now.timestamp())
    bucket.hits, bucket.updated_at = hits, now
    bucket.save(update_fields=["hits", "updated_at"])
    # Buckets idle for a whole period hold nothing that counts any more.
    ThrottleBucket.objects.filter(updated_at__lt=now - period).delete()
    return allowed

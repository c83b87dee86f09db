"""The errors that mean a service the site runs on is not answering (a restart, a failover),
as opposed to a fault of ours: the database and the shared cache (Redis)."""

from django.db.utils import InterfaceError, OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

DATABASE_DOWN = (OperationalError, InterfaceError)
# Refused, reset, timed out, or still loading its data after a restart (BusyLoadingError is a
# ConnectionError).
CACHE_DOWN = (RedisConnectionError, RedisTimeoutError)

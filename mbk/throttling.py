"""Login throttling on top of django-axes, in three layers that each stop one kind of attack
without handing a stranger a switch that locks a colleague out:

- guessing from one place: AXES_FAILURE_LIMIT wrong passwords for one login from one client
  address lock that pair (login, address) for AXES_COOLOFF_TIME (django-axes itself);
- guessing from many places: once a login has LOGIN_SLOWDOWN_AFTER failures from all
  addresses within the cool-off time, each further attempt on it must wait a short interval
  after the latest failure, doubling with each failure up to LOGIN_SLOWDOWN_MAX_SECONDS;
  the owner is slowed, never locked out for long;
- spraying one password over many logins: an address with failures on LOGIN_SPRAY_LOGINS
  different logins within the cool-off time is refused on every login until they age out.

Refused attempts check no password and are not recorded
(AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False), so they neither extend a lock nor
slow the owner further. The login view locks the person's row while the password is checked,
so simultaneous guesses meet the failures recorded before them.
"""

import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone


def slowdown_seconds(failures: int) -> int:
    """How long after the latest failure a login with `failures` failures (from all
    addresses) may be tried again: 0 below the threshold, then doubling up to the cap."""
    over = failures - settings.LOGIN_SLOWDOWN_AFTER
    if over < 0:
        return 0
    return min(settings.LOGIN_SLOWDOWN_FIRST_SECONDS * 2**over, settings.LOGIN_SLOWDOWN_MAX_SECONDS)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler (the pair lock) plus the slow-down and the spray lock.
    Sets `request.login_retry_after` (seconds) for the 429 page."""

    def is_locked(self, request, credentials=None) -> bool:
        cooloff = int(settings.AXES_COOLOFF_TIME.total_seconds())
        if super().is_locked(request, credentials):
            request.login_retry_after = cooloff
            request.login_refusal = "pair"
            return True
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        recent = AccessAttempt.objects.filter(attempt_time__gte=since)
        address = request.axes_ip_address
        sprayed = recent.filter(ip_address=address).values("username").distinct().count()
        if sprayed >= settings.LOGIN_SPRAY_LOGINS:
            request.login_retry_after = cooloff
            request.login_refusal = "address"
            return True
        login = get_client_username(request, credentials)
        on_login = recent.filter(username=login).aggregate(
            failures=Sum("failures_since_start"), latest=Max("attempt_time")
        )
        wait = slowdown_seconds(on_login["failures"] or 0)
        if wait:
            ready = on_login["latest"] + timedelta(seconds=wait)
            remaining = (ready - timezone.now()).total_seconds()
            if remaining > 0:
                request.login_retry_after = math.ceil(remaining)
                request.login_refusal = "slowdown"
                return True
        return False

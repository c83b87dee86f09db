"""The API's request rate per person, counted in the shared cache (Redis when several web
nodes run, mbk/settings.py CACHE_URL), so that every node sees the same counts."""

import logging

from rest_framework import throttling

from mbk.outages import CACHE_DOWN

logger = logging.getLogger(__name__)


class UserRateThrottle(throttling.UserRateThrottle):
    """While the cache does not answer, requests are let through uncounted (and the outage
    logged): a few requests over the rate for a minute harm less than refusing everyone."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_DOWN as error:
            logger.warning("API rate not counted, the cache does not answer: %s", error)
            return True

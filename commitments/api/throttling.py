"""Request rates. Rates are read at each request, so settings changes (and tests) take effect at once.

Counts are kept in the shared cache (every worker and server counts into the same one) by an
atomic increment per client and window, rather than DRF's list of request times, which each
request reads and writes back whole: concurrent requests then overwrite each other's entries,
and 81 of 100 concurrent requests passed a limit of 30 a minute on two workers.

The count is a sliding window estimated from two fixed ones (the current minute, say, and the
one before): the previous window's count weighs as much as the part of it still inside the last
period. A client thus cannot spend one window's allowance at its end and the next one's at the
start of the following. Refused requests count too, so a client that keeps hammering stays
refused until it slows down below the rate.
"""

from __future__ import annotations

import functools
import math
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest, HttpResponseBase
from django.utils.connection import ConnectionProxy
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def count_request(cache, key: str, timeout: int) -> int:
    """Add one to the counter `key` and return its new value, atomically across processes.

    Redis increments atomically. The database cache's increment reads and writes back, so the
    row is locked first (PostgreSQL), making concurrent requests take turns.
    """
    if isinstance(cache, ConnectionProxy):  # django.core.cache.cache, DRF's default: the real one
        cache = caches[cache._alias]
    for _ in range(2):  # a counter expiring between add() and incr() is made afresh
        if cache.add(key, 1, timeout):
            return 1
        try:
            if isinstance(cache, DatabaseCache):
                alias = router.db_for_write(cache.cache_model_class)
                connection = connections[alias]
                with transaction.atomic(using=alias):
                    if connection.features.has_select_for_update:
                        with connection.cursor() as cursor:
                            table = connection.ops.quote_name(cache._table)
                            cursor.execute(
                                f"SELECT cache_key FROM {table} WHERE cache_key = %s FOR UPDATE",
                                [cache.make_and_validate_key(key)],
                            )
                    return cache.incr(key)
            return cache.incr(key)
        except ValueError:
            continue
    raise RuntimeError(f"Could not count a request under {key!r}.")


class RatesFromSettings:
    """A fixed-window count per client (see the module's docstring), at the rate from the settings."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = time.time()
        window, elapsed = divmod(now, self.duration)
        window = int(window)
        # Kept for two periods: the next window reads it as its previous one.
        count = count_request(self.cache, f"{self.key}:{window}", 2 * self.duration + 1)
        previous = self.cache.get(f"{self.key}:{window - 1}") or 0
        remaining = 1 - elapsed / self.duration
        if count + previous * remaining <= self.num_requests:
            return True
        # When the previous window's share will have shrunk enough for one more request (or, if
        # this window alone is over, when the next one starts).
        over = count + previous * remaining - self.num_requests
        self.wait_seconds = (
            over / previous * self.duration if previous and count <= self.num_requests else (self.duration - elapsed)
        )
        return False

    def wait(self) -> float | None:
        return max(1, math.ceil(self.wait_seconds))


class AnonymousThrottle(RatesFromSettings, AnonRateThrottle):
    """Anonymous clients, counted per address (`API_ANON_THROTTLE`, default 120/min)."""

    scope = "anon"


class EditorThrottle(RatesFromSettings, UserRateThrottle):
    """Signed-in editors, counted per user (`API_EDITOR_THROTTLE`); anonymous clients are left to the other."""

    scope = "editor"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


@functools.cache
def _throttled_reply():
    """A view answering the 429 a throttled API view gives (body, Retry-After, format)."""
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, this module, on import.
    from rest_framework.views import APIView

    class ThrottledReply(APIView):
        authentication_classes: list = []
        permission_classes: list = []
        throttle_classes: list = []

        def get(self, request, wait: float | None = None):
            raise Throttled(wait=wait)

    return ThrottledReply.as_view()


def throttle_replay(request: HttpRequest) -> HttpResponseBase | None:
    """The API's throttles, for an anonymous answer the page cache is about to replay.

    The cache answers before any view runs, so without this a cached URL could be fetched
    without limit. The same throttle classes count in the same (shared) cache as the views do,
    so a client's cached and uncached requests use one allowance. None lets the replay go on.
    """
    if not request.path.startswith(settings.API_PATH_PREFIX):
        return None
    waits = []
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait())
    if not waits:
        return None
    known = [wait for wait in waits if wait is not None]
    response = _throttled_reply()(request, wait=max(known) if known else None)
    return response.render()  # a middleware's answer is not rendered by Django, a view's is

"""A request rate shared by every worker and server: an atomic count in the shared cache.

Counts are kept in the shared cache (every worker and server counts into the same one) by an
atomic increment per client and window, rather than a list of request times that each request
reads and writes back whole: concurrent requests then overwrite each other's entries, and 81 of
100 concurrent requests passed a limit of 30 a minute on two workers.

The count is a sliding window estimated from two fixed ones (the current minute, say, and the
one before): the previous window's count weighs as much as the part of it still inside the last
period. A client thus cannot spend one window's allowance at its end and the next one's at the
start of the following. Refused requests count too, so a client that keeps hammering stays
refused until it slows down below the rate.

Used by the API's throttles (commitments/api/throttling.py) and the reader-submission form.
"""

from __future__ import annotations

import time

from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.utils.connection import ConnectionProxy


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


def window_wait(cache, key: str, limit: int, duration: int) -> float | None:
    """Count one request of client `key`; None when it is within `limit` per `duration` seconds,
    else the seconds until one more would be (see the module's docstring)."""
    now = time.time()
    window, elapsed = divmod(now, duration)
    window = int(window)
    # Kept for two periods: the next window reads it as its previous one.
    count = count_request(cache, f"{key}:{window}", 2 * duration + 1)
    previous = cache.get(f"{key}:{window - 1}") or 0
    remaining = 1 - elapsed / duration
    if count + previous * remaining <= limit:
        return None
    # When the previous window's share will have shrunk enough for one more request (or, if
    # this window alone is over, when the next one starts).
    over = count + previous * remaining - limit
    return over / previous * duration if previous and count <= limit else (duration - elapsed)

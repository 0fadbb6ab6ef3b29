"""Health endpoints for load balancers and orchestrators.

`/health/live/` answers 200 as long as the process can answer at all: a balancer (or Kubernetes'
liveness probe) restarts a worker that stops answering it. `/health/ready/` also checks what a
request needs: the database, the replica when one is configured, the cache, and that every
migration is applied; it answers 503 naming the failed check, so the balancer sends no traffic
to a server that would only answer errors (a new release before its migrations, a lost cache).
With a replica, the answer also gives its lag (`replica_lag_bytes`: write-ahead log the replica
has yet to replay) without failing on it: every app server shares the replica, so a lag would
take them all out, and the page cache never keeps what a lagging replica answers.

They are answered by a middleware near the top of the chain, before host validation, sessions
and the page cache: balancers probe with an internal address as Host and over plain HTTP, and a
probe must neither create a session nor be answered from a cache. The answers say which check
failed, never why (that goes to the log).
"""

from __future__ import annotations

import json
import logging
import uuid

from django.core.cache import caches
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from commitments.infra.cache import wal_position

logger = logging.getLogger(__name__)

LIVE_PATH = "/health/live/"
READY_PATH = "/health/ready/"

# Once every migration has been seen applied it stays so for the life of the process: the check
# reads the migration files, so it is not repeated at every probe.
_migrations_applied: set[str] = set()


def _check_database(alias: str) -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    cache = caches["default"]
    key, value = f"tracker:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)


def _check_migrations() -> None:
    if "default" in _migrations_applied:
        return
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migration(s) not applied")
    _migrations_applied.add("default")


def readiness() -> dict[str, str]:
    """Each check's result, "ok" or "failing"."""
    checks = {"database": lambda: _check_database("default")}
    if "replica" in connections.settings:
        checks["replica"] = lambda: _check_database("replica")
    checks["cache"] = _check_cache
    checks["migrations"] = _check_migrations
    results = {}
    for name, check in checks.items():
        try:
            check()
        except Exception:
            logger.exception("Health check %r failed.", name)
            results[name] = "failing"
        else:
            results[name] = "ok"
    return results


def replica_lag() -> int | None:
    """Bytes of write-ahead log the replica has not replayed yet; None when it cannot be told."""
    try:
        # The primary first: read the other way round, a write in between would look like lag.
        return max(0, wal_position("default") - wal_position("replica"))
    except Exception:
        logger.warning("Could not measure the replica's lag.", exc_info=True)
        return None


def _answer(status: int, body: dict) -> HttpResponse:
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    """Answers the two health addresses; passes every other request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path == LIVE_PATH:
            return _answer(200, {"status": "ok"})
        if request.path == READY_PATH:
            results = readiness()
            ready = all(result == "ok" for result in results.values())
            body = {"status": "ok" if ready else "failing", "checks": results}
            if results.get("replica") == "ok" and (lag := replica_lag()) is not None:
                body["replica_lag_bytes"] = lag
            return _answer(200 if ready else 503, body)
        return self.get_response(request)

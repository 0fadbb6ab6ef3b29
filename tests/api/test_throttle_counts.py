"""Throttle counts are atomic in the shared cache: concurrent requests never overwrite each other's."""

import os
import subprocess
import sys
import threading
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, connections

from commitments.api.throttling import count_request
from tests.infra.test_cache import _redis_reachable

DATABASE_CACHE = {"default": {"BACKEND": "tracker.dbcache.DatabaseCache", "LOCATION": "tracker_cache_counts"}}


@pytest.fixture
def database_cache(settings):
    settings.CACHES = DATABASE_CACHE
    call_command("createcachetable", verbosity=0)
    yield caches["default"]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tracker_cache_counts")


@pytest.mark.django_db
def test_counts_go_up_by_one_and_start_again_in_a_new_window(database_cache):
    assert [count_request(database_cache, "t:1", 60) for _ in range(3)] == [1, 2, 3]
    assert count_request(database_cache, "t:2", 60) == 1


@pytest.mark.django_db
def test_an_expired_counter_starts_again(database_cache):
    count_request(database_cache, "t:1", 60)
    database_cache.touch("t:1", -1)  # expired

    assert count_request(database_cache, "t:1", 60) == 1


def hammer(cache_alias: str, key: str, threads: int = 8, each: int = 25) -> int:
    errors = []

    from django.core.cache import cache as proxy  # what DRF's throttles hold

    def work():
        try:
            for _ in range(each):
                count_request(proxy, key, 60)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors, errors
    return caches[cache_alias].get(key)


HAMMER = """
import threading, django
django.setup()
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from commitments.api.throttling import count_request
call_command("createcachetable", verbosity=0)
def work():
    for _ in range(25):
        count_request(cache, "t:concurrent", 60)
    connections.close_all()
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(cache.get("t:concurrent"))
"""


def test_concurrent_requests_are_all_counted_in_the_database_cache(db):
    # Threads need committed rows, so the count runs in a fresh process on a database of its own
    # (the tests' own is inside a transaction), with the settings' default cache: the database's.
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serves one process (runserver, a laptop)")
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    name = f"tracker_counts_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        settings_dict = connection.settings_dict
        url = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST'] or '127.0.0.1'}"
            f":{settings_dict['PORT'] or 5432}/{name}"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
        env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tracker.settings")
        result = subprocess.run(
            [sys.executable, "-c", HAMMER], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "200"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_concurrent_requests_are_all_counted_in_redis(settings):
    url = "redis://127.0.0.1:6379/0"
    if not _redis_reachable(url):
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but Redis at {url} does not answer.")
        pytest.skip(f"Redis at {url} does not answer (set REQUIRE_REDIS=1 to make this a failure).")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"tracker-test-{uuid.uuid4().hex}",
        }
    }
    try:
        assert hammer("default", "t:concurrent") == 200
    finally:
        caches["default"].delete("t:concurrent")


@pytest.fixture
def clock(monkeypatch):
    now = {"t": 1_000_020.0}  # 1_000_020 // 60 * 60 = 999_960: a minute starts at 999_960
    monkeypatch.setattr("commitments.infra.ratelimit.time.time", lambda: now["t"])  # the shared window
    return now


def allowed(n: int = 1) -> list[bool]:
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from commitments.api.throttling import AnonymousThrottle

    results = []
    for _ in range(n):
        request = RequestFactory().get("/api/v1/themes/", REMOTE_ADDR="192.0.2.7")
        request.user = AnonymousUser()
        results.append(AnonymousThrottle().allow_request(request, None))
    return results


@pytest.fixture
def three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "editor": "5/min"},
    }


def test_the_rate_holds_across_the_turn_of_a_window(clock, three_a_minute):
    clock["t"] = 999_960 + 59  # the end of one minute
    assert allowed(4) == [True, True, True, False]

    clock["t"] = 999_960 + 61  # the start of the next: the last minute still holds four requests
    assert allowed() == [False]

    clock["t"] = 999_960 + 60 + 59  # almost a minute later, the old window barely counts
    assert allowed(2) == [True, False]


def test_a_refused_client_is_told_when_to_come_back(clock, three_a_minute):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from commitments.api.throttling import AnonymousThrottle

    clock["t"] = 999_960 + 10
    allowed(3)
    throttle = AnonymousThrottle()
    request = RequestFactory().get("/api/v1/themes/", REMOTE_ADDR="192.0.2.7")
    request.user = AnonymousUser()

    assert throttle.allow_request(request, None) is False
    assert throttle.wait() == 50  # when this minute ends

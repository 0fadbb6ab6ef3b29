"""The cache in a database table (tracker/dbcache.py): Django's cache's behaviour, in fewer round trips."""

import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from tracker import dbcache

TABLE = "tracker_cache_dbcache_test"
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def cache(settings, db):
    settings.CACHES = {"default": {"BACKEND": "tracker.dbcache.DatabaseCache", "LOCATION": TABLE}}
    call_command("createcachetable", verbosity=0)
    yield caches["default"]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def test_set_get_and_overwrite(cache):
    cache.set("figures", {"met": 3}, 60)
    assert cache.get("figures") == {"met": 3}

    cache.set("figures", {"met": 4}, 60)
    assert cache.get("figures") == {"met": 4}
    assert cache.get("missing", "default") == "default"


def test_add_takes_only_an_absent_or_expired_key(cache):
    assert cache.add("lock", "first", 60)
    assert not cache.add("lock", "second", 60)
    assert cache.get("lock") == "first"

    cache.set("old", "expired", -1)
    assert cache.add("old", "fresh", 60)
    assert cache.get("old") == "fresh"


def test_an_entry_expires(cache):
    cache.set("brief", "value", 1)
    time.sleep(1.1)

    assert cache.get("brief") is None


def test_an_entry_without_timeout_stays(cache):
    cache.set("kept", "value", None)

    assert cache.get("kept") == "value"
    assert cache.touch("kept", 60)


def test_touch_moves_the_expiry_of_a_live_entry_only(cache):
    cache.set("entry", "value", 1)
    assert cache.touch("entry", 60)
    time.sleep(1.1)
    assert cache.get("entry") == "value"  # touched past its first expiry

    assert not cache.touch("never-set", 60)


def test_incr_and_delete(cache):
    cache.set("version", 41, None)
    assert cache.incr("version") == 42

    cache.delete("version")
    assert cache.get("version") is None


@pytest.mark.skipif(not POSTGRESQL, reason="the one-statement writes are PostgreSQL's; SQLite keeps Django's")
def test_a_write_is_one_statement(cache, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(dbcache, "_writes", iter(range(1, 1000)))  # away from a count of the table
    with django_assert_num_queries(1):
        cache.set("page", b"<html>", 60)
    with django_assert_num_queries(1):
        assert cache.add("lock", True, 60)
    with django_assert_num_queries(1):
        assert not cache.add("lock", True, 60)


def test_the_table_is_culled_past_its_bound(settings, db):
    settings.CACHES = {
        "default": {
            "BACKEND": "tracker.dbcache.DatabaseCache",
            "LOCATION": TABLE,
            "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2},
        }
    }
    call_command("createcachetable", verbosity=0)
    cache = caches["default"]
    try:
        for n in range(3 * dbcache.CULL_EVERY):
            cache.set(f"entry-{n}", n, 60)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
            entries = cursor.fetchone()[0]
        # Counted once every CULL_EVERY writes (each process), so over the bound by at most that many.
        assert entries <= 10 + dbcache.CULL_EVERY
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

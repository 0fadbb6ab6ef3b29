"""The cache every worker shares: Redis or the database's table, memory only for runserver."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from commitments.domain.services import change_state
from commitments.infra.cache import VERSION_KEY
from commitments.models import PublicationState
from tests.factories import CommitmentFactory, StaffFactory

ROOT = settings.BASE_DIR


def cache_backend(*argv: str, **env) -> str:
    """The cache backend the settings choose in a fresh interpreter started as `manage.py *argv`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    code = f"import sys; sys.argv = ['manage.py', *{list(argv)!r}]; import tracker.settings as s; print(s.CACHES['default']['BACKEND'])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_redis_every_worker_shares_the_database_cache():
    assert cache_backend("check") == "tracker.dbcache.DatabaseCache"
    assert cache_backend() == "tracker.dbcache.DatabaseCache"  # gunicorn, wsgi


def test_with_redis_url_the_cache_is_redis():
    assert cache_backend("check", REDIS_URL="redis://127.0.0.1:6379/0") == "django.core.cache.backends.redis.RedisCache"


def test_only_the_development_server_keeps_a_cache_in_its_own_memory():
    assert cache_backend("runserver") == "django.core.cache.backends.locmem.LocMemCache"
    assert cache_backend("runserver", REDIS_URL="redis://127.0.0.1:6379/0").endswith("RedisCache")


DATABASE_CACHE = {"default": {"BACKEND": "tracker.dbcache.DatabaseCache", "LOCATION": "tracker_cache_under_test"}}


@pytest.fixture
def database_cache(settings, db):
    settings.CACHES = DATABASE_CACHE
    settings.PAGE_CACHE_SECONDS = 300
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS tracker_cache_under_test")


def cache_tables() -> set[str]:
    return {name for name in connection.introspection.table_names() if name.startswith("tracker_cache_under_test")}


def test_migrate_creates_the_database_cache_table(database_cache):
    assert not cache_tables()

    call_command("migrate", verbosity=0)

    assert cache_tables() == {"tracker_cache_under_test"}
    call_command("migrate", verbosity=0)  # and again: already there, nothing to do


def test_migrate_creates_no_table_with_another_cache(settings, db):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    call_command("migrate", verbosity=0)

    assert not cache_tables()


def test_an_unpublished_commitment_is_gone_from_every_worker_at_once(database_cache, client):
    call_command("createcachetable", verbosity=0)
    commitment = CommitmentFactory(title="Strengthen cyber resilience")
    url = commitment.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Cache"] == "hit"
    # Another worker: its own connection to the same table, nothing in common in memory.
    other_worker = caches.create_connection("default")
    version_before = other_worker.get(VERSION_KEY)
    assert version_before is not None

    change_state(obj=commitment, state=PublicationState.DRAFT, user=StaffFactory(groups=["Publishers"]))

    assert other_worker.get(VERSION_KEY) > version_before
    response = client.get(url)
    assert response["X-Cache"] == "miss"
    assert response.status_code == 404

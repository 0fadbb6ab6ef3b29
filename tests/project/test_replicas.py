"""Read replicas: anonymous readers read the replica, everyone else the primary, and no page
cached from a lagging replica outlives its lag.

The scenario runs against a real primary and streaming replica (clusters.py), in a process of
its own configured with DATABASE_URL and DATABASE_REPLICA_URL (replica_scenario.py). It does not
use the suite's database, so it runs the same in the PostgreSQL and the SQLite pass.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.test import RequestFactory

from commitments.models import Commitment
from tests.project.clusters import server_tools_missing, start_clusters
from tracker import routers

ROOT = settings.BASE_DIR
PAGE, API = "/commitments/lawful-access/", "/api/v1/commitments/lawful-access/"


def _clean_environment(**env) -> dict:
    names = ("DJANGO_", "DATABASE_", "REDIS_URL", "PAGE_CACHE", "COUNT_CACHE", "API_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(names)}, **env}


@pytest.fixture(scope="module")
def seen() -> dict:
    missing = server_tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the replica test: {missing}")
        pytest.skip(missing)
    clusters = start_clusters()
    try:
        env = _clean_environment(
            DATABASE_URL=clusters.primary_url,
            DATABASE_REPLICA_URL=clusters.replica_url,
            DJANGO_ALLOWED_HOSTS="testserver",
            PAGE_CACHE_SECONDS="300",
            # The scenario polls faster than a reader's allowance.
            API_ANON_THROTTLE="100000/min",
        )
        result = subprocess.run(
            [sys.executable, "-m", "tests.project.replica_scenario"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        clusters.stop()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_writes_land_on_the_primary_and_reach_the_replica_only_by_streaming(seen):
    assert seen["state_on_primary"] == "draft"
    assert seen["state_on_replica"] == "published"  # replay paused


def test_anonymous_readers_are_cached_while_the_replica_is_current(seen):
    for path in (PAGE, API):
        assert seen["before"][path] == [[200, "miss"], [200, "hit"]]


def test_anonymous_readers_see_the_replica_and_nothing_it_answers_while_lagging_is_kept(seen):
    for path in (PAGE, API):
        # Still published on the replica; both answers rendered, neither stored.
        assert seen["lagging"][path]["anonymous"] == [[200, "miss"], [200, "miss"]]


def test_a_signed_in_user_reads_the_primary_at_once(seen):
    for path in (PAGE, API):
        assert seen["lagging"][path]["signed_in"][0] == 404


def test_once_the_replica_catches_up_anonymous_readers_see_the_change_and_no_stale_page(seen):
    for path in (PAGE, API):
        after = seen["after"][path]
        assert after["reads"][-1][0] == 404, after  # reached before the scenario's bound
        assert all(cache == "miss" for _status, cache in after["reads"])
        assert after["then"][0] == 404
    assert seen["after"]["list"] == [[200, "miss"], [200, "hit"]]  # caching resumed


def test_readiness_includes_the_replica_and_its_lag(seen):
    lagging, after = seen["lagging"]["health"], seen["after"]["health"]

    assert lagging["checks"]["replica"] == "ok" and lagging["status"] == "ok"  # lag alone is no failure
    assert lagging["replica_lag_bytes"] > 0
    assert after["replica_lag_bytes"] == 0


# --- The router and the middleware, without a replica ----------------------------------------


def _decided(request) -> bool:
    routers.ReplicaReadsMiddleware(lambda r: None)(request)
    try:
        return routers.replica_reads.get()
    finally:
        routers.replica_reads.set(False)


def test_only_anonymous_reads_outside_the_admin_may_use_the_replica(rf: RequestFactory):
    signed_in = rf.get(PAGE, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    signed_in.user = User(username="editor")
    cookie_but_anonymous = rf.get(PAGE, HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}=abc")
    cookie_but_anonymous.user = AnonymousUser()

    assert _decided(rf.get(PAGE)) is True
    assert _decided(rf.head(API)) is True
    assert _decided(cookie_but_anonymous) is True
    assert _decided(signed_in) is False
    assert _decided(rf.get(API, HTTP_AUTHORIZATION="Token abc")) is False
    assert _decided(rf.get("/admin/commitments/")) is False
    assert _decided(rf.post(PAGE)) is False


def test_the_router_sends_only_the_tracker_records_to_the_replica():
    router = routers.ReplicaRouter()

    assert router.db_for_read(Commitment) == "default"  # outside a request
    token = routers.replica_reads.set(True)
    try:
        assert router.db_for_read(Commitment) == "replica"
        assert router.db_for_read(User) == "default"  # sessions, users and the cache table stay
    finally:
        routers.replica_reads.reset(token)
    assert router.db_for_write(Commitment) == "default"
    assert router.allow_migrate("default", "commitments") and not router.allow_migrate("replica", "commitments")


@pytest.mark.django_db  # each test runs in a transaction
def test_reads_inside_a_transaction_stay_on_the_primary():
    token = routers.replica_reads.set(True)
    try:
        assert routers.ReplicaRouter().db_for_read(Commitment) == "default"
    finally:
        routers.replica_reads.reset(token)


def _settings_with(**env) -> subprocess.CompletedProcess:
    code = (
        "import tracker.settings as s; print(sorted(s.DATABASES), getattr(s, 'DATABASE_ROUTERS', [])); "
        "m = s.MIDDLEWARE; print(m.index('tracker.routers.ReplicaReadsMiddleware') - "
        "m.index('commitments.infra.cache.AnonymousCacheMiddleware') if 'tracker.routers.ReplicaReadsMiddleware' in m "
        "else None); print(s.DATABASES.get('replica', {}).get('OPTIONS'))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_clean_environment(**env), capture_output=True, text=True
    )


def test_a_replica_address_adds_the_alias_the_router_and_the_middleware():
    result = _settings_with(
        DATABASE_URL="postgres://postgres@db1:5432/tracker", DATABASE_REPLICA_URL="postgres://postgres@db2:5432/tracker"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['default', 'replica'] ['tracker.routers.ReplicaRouter']",
        "-1",  # just before the page cache
        "{'options': '-c jit=off'}",
    ]
    assert _settings_with().stdout.splitlines()[:2] == ["['default'] []", "None"]


def test_a_replica_needs_postgresql():
    result = _settings_with(DATABASE_REPLICA_URL="postgres://postgres@db2:5432/tracker")

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL needs PostgreSQL" in result.stderr

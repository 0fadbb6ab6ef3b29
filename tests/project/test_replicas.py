"""Read replicas: anonymous readers read the replica, everyone else the primary, and no page
cached from a lagging replica outlives its lag.

The scenario runs against a real primary and streaming replica (clusters.py), in a process of
its own configured with DATABASE_URL and DATABASE_REPLICA_URL (replica_scenario.py). It never
uses the suite's database, so CI runs it once, in its PostgreSQL pass; elsewhere it runs whenever
PostgreSQL's server programs are installed.
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
from tracker import health, routers

ROOT = settings.BASE_DIR
PAGE, API = "/commitments/lawful-access/", "/api/v1/commitments/lawful-access/"


def _clean_environment(**env) -> dict:
    names = ("DJANGO_", "DATABASE_", "REDIS_URL", "PAGE_CACHE", "COUNT_CACHE", "API_")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(names)}, **env}


def run_scenario() -> dict:
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
            timeout=300,
        )
    finally:
        clusters.stop()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# One test, not one per observation: the scenario takes seconds, and the suite's workers would
# each run it again for the tests they were given.
def test_who_reads_what_while_the_replica_lags():
    if os.environ.get("CI") and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("CI runs the replica scenario in its PostgreSQL pass; it never uses the suite's database")
    missing = server_tools_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the replica scenario: {missing}")
        pytest.skip(missing)

    seen = run_scenario()

    # Writes land on the primary and reach the replica only by streaming (replay is paused).
    assert (seen["state_on_primary"], seen["state_on_replica"]) == ("draft", "published")
    for path in (PAGE, API):
        # Anonymous readers are cached once the replica is current...
        before = seen["before"][path]
        assert before[-1] == [200, "hit"] and {status for status, _cache in before} == {200}, before
        # ...read the lagging replica (still published there), and nothing it answers is kept...
        assert seen["lagging"][path]["anonymous"] == [[200, "miss"], [200, "miss"]]
        # ...while a signed-in user reads the primary at once: the draft is gone from the API, and
        # the page is the staff preview of a draft.
        status, _cache, preview = seen["lagging"][path]["signed_in"]
        assert (status, preview) == ((200, True) if path == PAGE else (404, False))
        # Once replay resumes, readers see the change with no stale page in between, and after.
        after = seen["after"][path]
        assert after["reads"][-1][0] == 404, after  # reached within the scenario's bound
        assert all(cache == "miss" for _status, cache in after["reads"]), after
        assert after["then"][0] == 404
    assert seen["after"]["list"][-1] == [200, "hit"]  # caching resumes
    # Readiness includes the replica and its lag; lag alone fails nothing.
    lagging, after = seen["lagging"]["health"], seen["after"]["health"]
    assert lagging["status"] == "ok" and lagging["checks"]["replica"] == "ok"
    assert lagging["replica_lag_bytes"] > 0
    assert after["checks"]["replica"] == "ok" and after["replica_lag_bytes"] >= 0


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


@pytest.fixture
def replica_configured(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", {"default"})
    monkeypatch.setattr(health, "_check_database", lambda alias: None)
    monkeypatch.setattr(health.connections, "settings", {"default": {}, "replica": {}})
    return health


@pytest.mark.django_db
def test_readiness_reports_the_replica_lag_without_failing_on_it(client, replica_configured, monkeypatch):
    positions = {"default": 5_000, "replica": 1_200}
    monkeypatch.setattr(replica_configured, "wal_position", positions.__getitem__)

    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json()["replica_lag_bytes"] == 3_800


@pytest.mark.django_db
def test_a_lag_that_cannot_be_measured_is_left_out(client, replica_configured, monkeypatch):
    def refuse(alias):
        raise ConnectionError("no such function")

    monkeypatch.setattr(replica_configured, "wal_position", refuse)

    response = client.get("/health/ready/")

    assert response.status_code == 200 and "replica_lag_bytes" not in response.json()

"""Health endpoints for load balancers: /health/live/ and /health/ready/."""

import pytest
from django.db.migrations.executor import MigrationExecutor

from tracker import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _migrations_unchecked(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", set())


def test_live_answers_ok(client):
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_ready_checks_the_database_the_cache_and_the_migrations(client):
    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok"},
    }


def test_probes_by_internal_address_and_plain_http_are_answered(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/live/", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/health/ready/", HTTP_HOST="10.0.0.7:8000").status_code == 200
    assert client.get("/", HTTP_HOST="10.0.0.7").status_code == 400  # the site itself still refuses the host
    assert client.get("/").status_code == 301  # and redirects to HTTPS


def test_probes_set_no_cookie_and_are_never_cached(client, settings):
    settings.PAGE_CACHE_SECONDS = 300

    first, second = client.get("/health/ready/"), client.get("/health/ready/")

    assert not first.cookies and "X-Cache" not in second


def test_a_failing_database_makes_the_server_unready(client, monkeypatch):
    def refuse(alias):
        raise ConnectionError("connection refused")

    monkeypatch.setattr(health, "_check_database", refuse)

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["status"] == "failing"
    assert response.json()["checks"]["database"] == "failing"
    assert "refused" not in response.content.decode()  # the reason goes to the log only
    assert client.get("/health/live/").status_code == 200


def test_an_unreachable_cache_makes_the_server_unready(client, settings):
    # Port 1 on the loopback refuses connections at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "failing", "migrations": "ok"}


def test_unapplied_migrations_make_the_server_unready(client, monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("a migration", False)])

    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "failing"


def test_a_configured_replica_is_checked(client, monkeypatch):
    checked = []
    monkeypatch.setattr(health, "_check_database", checked.append)
    monkeypatch.setattr(health.connections, "settings", {"default": {}, "replica": {}})

    assert client.get("/health/ready/").json()["checks"]["replica"] == "ok"
    assert checked == ["default", "replica"]

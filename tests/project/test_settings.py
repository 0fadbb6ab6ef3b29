import os
import subprocess
import sys

import pytest
from django.conf import settings

ROOT = settings.BASE_DIR


def load_settings(**env):
    """Import the settings module in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_defaults_are_a_debug_sqlite_demo():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_debug_off_without_a_secret_key_is_a_clear_error():
    result = load_settings(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="tracker.example.org")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DJANGO_ALLOWED_HOSTS": "a.org,,b.org"}, "has an empty entry"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL='localhost:6379' must start with"),
        ({"DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL could not be read"),
    ],
)
def test_bad_values_are_named(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_url_is_understood():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/tracker")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def database_options(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_URL"))}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_turn_jit_off_unless_asked():
    url = "postgres://postgres@127.0.0.1:5432/tracker"
    assert database_options(DATABASE_URL=url) == "{'options': '-c jit=off'}"
    assert database_options(DATABASE_URL=url, DATABASE_JIT="1") == "{}"
    # Options given in the address are kept.
    assert "-c statement_timeout=5000 -c jit=off" in database_options(
        DATABASE_URL=url + "?options=-c%20statement_timeout%3D5000"
    )
    assert database_options() == "{}"  # SQLite has no JIT


@pytest.mark.django_db
def test_the_test_database_connection_runs_without_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

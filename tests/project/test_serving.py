"""`make serve`: gunicorn's settings, and static files cached far into the future."""

import os
import runpy
import subprocess
import sys

from django.conf import settings

ROOT = settings.BASE_DIR
CONFIG = ROOT / "tracker" / "gunicorn.conf.py"


def gunicorn_settings(monkeypatch, **env) -> dict:
    for name in [n for n in os.environ if n.startswith(("GUNICORN_", "WEB_CONCURRENCY", "PORT"))]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_are_threaded_so_streamed_downloads_outlive_the_timeout(monkeypatch):
    config = gunicorn_settings(monkeypatch)

    # With gthread the timeout is the worker's heartbeat, not a limit on one request.
    assert config["worker_class"] == "gthread"
    assert config["threads"] >= 2
    assert config["timeout"] == 30
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert config["bind"] == "127.0.0.1:8000"


def test_the_environment_sets_workers_threads_and_address(monkeypatch):
    config = gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="2", GUNICORN_THREADS="8", GUNICORN_BIND="0.0.0.0:9000", GUNICORN_TIMEOUT="60"
    )

    assert (config["workers"], config["threads"], config["bind"], config["timeout"]) == (2, 8, "0.0.0.0:9000", 60)


def test_the_access_log_carries_the_request_id(monkeypatch):
    assert "%({x-request-id}o)s" in gunicorn_settings(monkeypatch)["access_log_format"]


def test_production_serves_hashed_static_files_through_whitenoise():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    env = {**clean, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "tracker.example.org"}
    code = (
        "import tracker.settings as s; print(s.STORAGES['staticfiles']['BACKEND']); "
        "print(getattr(s, 'WHITENOISE_MAX_AGE', 'default')); print('whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)

    # Hashed names (the manifest storage) are what WhiteNoise sends with a year's max-age and
    # "immutable"; other files keep its short default.
    assert result.stdout.split() == ["whitenoise.storage.CompressedManifestStaticFilesStorage", "default", "True"]


def test_make_serve_collects_static_files_checks_the_deployment_and_starts_gunicorn():
    makefile = (ROOT / "Makefile").read_text()
    serve = makefile.split("\nserve:")[1].split("\n\n")[0]

    assert "collectstatic --noinput" in serve
    assert "check --deploy --fail-level WARNING" in serve
    assert "gunicorn --config tracker/gunicorn.conf.py tracker.wsgi" in serve
    assert "serve: migrate" in makefile  # the cache table and the migrations first

"""Request ids, the JSON log format, Permissions-Policy and optional error reporting."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from tracker.logs import JsonFormatter, RequestIdFilter, request_id

pytestmark = pytest.mark.django_db
ROOT = settings.BASE_DIR


def test_every_response_carries_a_request_id(client):
    first, second = client.get("/methodology/"), client.get("/api/v1/themes/")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert client.get("/no-such-page/")["X-Request-ID"]
    assert client.get("/health/live/")["X-Request-ID"]


def test_a_request_id_given_by_the_proxy_is_kept_and_a_malformed_one_replaced(client):
    assert client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")["X-Request-ID"] == "lb-7f3a9c21-0001"
    replaced = client.get("/", HTTP_X_REQUEST_ID="<script>alert(1)</script>")["X-Request-ID"]
    assert replaced != "<script>alert(1)</script>" and len(replaced) == 32


def test_a_page_replayed_from_the_cache_gets_its_own_request_id(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first, second = client.get("/methodology/"), client.get("/methodology/")

    assert second["X-Cache"] == "hit"
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_log_lines_written_during_a_request_carry_its_id(client):
    seen = []

    class Spy(logging.Handler):
        def emit(self, record):
            seen.append(record)

    handler = Spy()
    handler.addFilter(RequestIdFilter())
    logging.getLogger("django.request").addHandler(handler)
    try:
        response = client.get("/commitments/no-such-commitment/")
    finally:
        logging.getLogger("django.request").removeHandler(handler)

    # Django logs the 404 as a warning, after the middleware has returned.
    assert [record.request_id for record in seen] == [response["X-Request-ID"]]
    assert request_id.get() == "-"  # and forgets the id once the response is closed


def test_outside_a_request_the_id_is_a_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_json_format_writes_one_object_a_line():
    token = request_id.set("abc123")
    try:
        record = logging.LogRecord("commitments", logging.ERROR, __file__, 1, "failed %s", ("twice",), None)
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)

    entry = json.loads(line)
    assert "\n" not in line
    assert (entry["level"], entry["logger"], entry["message"], entry["request_id"]) == (
        "ERROR",
        "commitments",
        "failed twice",
        "abc123",
    )


def settings_of(code: str, **env):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL", "SENTRY"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import tracker.settings as s; " + code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_the_log_format_is_chosen_by_the_environment():
    code = "print(s.LOGGING['handlers']['console']['formatter'])"
    assert settings_of(code).stdout.strip() == "text"
    assert settings_of(code, DJANGO_LOG_FORMAT="json").stdout.strip() == "json"
    refused = settings_of(code, DJANGO_LOG_FORMAT="xml")
    assert refused.returncode != 0
    assert "DJANGO_LOG_FORMAT='xml' must be text or json" in refused.stderr


def test_error_reporting_is_off_without_a_dsn():
    code = "import sys; print('sentry_sdk' in sys.modules)"
    assert settings_of(code).stdout.strip() == "False"


def test_error_reporting_starts_with_a_dsn_and_sends_no_personal_data():
    code = "import sentry_sdk; c = sentry_sdk.get_client(); print(c.is_active(), c.options['send_default_pii'])"
    # A DSN on a loopback port nobody listens on: nothing is captured here, nothing leaves the machine.
    result = settings_of(code, SENTRY_DSN="http://public@127.0.0.1:9/1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_every_response_carries_a_permissions_policy(client):
    for url in ["/", "/api/v1/themes/", "/admin/login/", "/no-such-page/", "/health/live/"]:
        policy = client.get(url)["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy, url

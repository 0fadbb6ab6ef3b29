"""Security: deploy settings, response headers, CSRF and login lockout."""

import datetime
import io
import os
import secrets
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from commitments.domain.roles import PUBLISHERS
from commitments.models import Commitment, PublicationState
from tests.factories import CommitmentFactory, StaffFactory
from tracker.auth import client_ip

ROOT = settings.BASE_DIR
PASSWORD = "correct horse battery staple"  # UserFactory's


def run_manage(*args, **env):
    """Run manage.py in a fresh interpreter with only the given DJANGO_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
}


# --- Deploy settings


def test_check_deploy_is_clean_with_debug_off():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_a_weak_secret_key():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "DJANGO_SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_turning_the_redirect_off_on_purpose_silences_only_its_own_check():
    # Behind a proxy that redirects to HTTPS itself.
    env = {**PRODUCTION, "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(1 silenced)" in result.stdout


def print_settings(*names, **env):
    code = "import tracker.settings as s; " + "; ".join(f"print(repr(s.{n}))" for n in names)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    clean.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)


def test_debug_off_switches_on_https_hsts_and_secure_cookies():
    result = print_settings(
        "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", **PRODUCTION
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True"], result.stderr


def test_debug_on_keeps_plain_http_for_the_laptop_demo():
    result = print_settings("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE")
    assert result.stdout.split() == ["False", "0", "False"], result.stderr


def test_the_proxy_header_and_trusted_origins_are_read_from_the_environment():
    result = print_settings(
        "SECURE_PROXY_SSL_HEADER",
        "CSRF_TRUSTED_ORIGINS",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://tracker.example.org",
    )
    assert result.stdout.splitlines() == [
        "('HTTP_X_FORWARDED_PROTO', 'https')",
        "['https://tracker.example.org']",
    ], result.stderr


def test_a_malformed_proxy_header_is_a_clear_error():
    result = print_settings("SECURE_PROXY_SSL_HEADER", DJANGO_SECURE_PROXY_SSL_HEADER="X Forwarded Proto")
    assert result.returncode != 0
    assert "DJANGO_SECURE_PROXY_SSL_HEADER='X Forwarded Proto' must be a header name" in result.stderr


# --- Headers on every response


@pytest.fixture
def published_commitment(db):
    return CommitmentFactory(state=PublicationState.PUBLISHED)


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split("; ")}
    assert directives["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_a_public_page_carries_the_security_headers(client, published_commitment):
    response = client.get(published_commitment.get_absolute_url())
    assert response.status_code == 200
    assert_security_headers(response)


def test_a_not_found_page_carries_the_security_headers(client, db):
    response = client.get("/commitments/no-such-commitment/")
    assert response.status_code == 404
    assert_security_headers(response)


def test_a_request_for_an_unknown_host_is_refused_with_the_policy(client, db):
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_admin_pages_carry_the_security_headers(client, published_commitment):
    assert_security_headers(client.get(reverse("admin:login")))
    client.force_login(StaffFactory(groups=[PUBLISHERS]))
    response = client.get(reverse("admin:commitments_commitment_change", args=[published_commitment.pk]))
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_admin_needs_no_inline_script(client, published_commitment):
    # The policy forbids inline scripts, so every <script> on an admin page must load a file.
    client.force_login(StaffFactory(groups=[PUBLISHERS]))
    for url in [
        reverse("admin:commitments_commitment_change", args=[published_commitment.pk]),
        reverse("admin:commitments_commitment_changelist"),
        reverse("admin:commitments_commitment_history", args=[published_commitment.pk]),
    ]:
        html = client.get(url).content.decode()
        scripts = html.split("<script")[1:]
        assert scripts, url
        assert all("src=" in tag.split(">")[0] for tag in scripts), url


def test_the_export_forms_select_all_box_is_the_one_handler_the_policy_allows(client, published_commitment):
    import base64
    import hashlib
    import re

    client.force_login(StaffFactory(groups=[PUBLISHERS]))
    response = client.get(reverse("admin:commitments_commitment_export"))
    assert response.status_code == 200
    handlers = re.findall(r'\son[a-z]+="([^"]*)"', response.content.decode())
    assert handlers  # the select-all box is on the page
    script_src = next(d for d in response["Content-Security-Policy"].split("; ") if d.startswith("script-src"))
    allowed = {token for token in script_src.split()[1:] if token.startswith("'sha256-")}
    # Every inline handler on the page is allowed by its hash, and nothing else is.
    assert {
        "'sha256-" + base64.b64encode(hashlib.sha256(h.encode()).digest()).decode() + "'" for h in handlers
    } == allowed
    assert "'unsafe-hashes'" in script_src
    assert_security_headers(response)


# --- CSRF


def test_admin_forms_refuse_a_post_without_the_csrf_token(published_commitment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory(groups=[PUBLISHERS]))
    change_url = reverse("admin:commitments_commitment_change", args=[published_commitment.pk])
    state_url = reverse("admin:commitments_commitment_state", args=[published_commitment.pk])
    assert client.post(change_url, {"title": "Forged"}).status_code == 403
    assert client.post(state_url, {"state": PublicationState.DRAFT}).status_code == 403
    published_commitment.refresh_from_db()
    assert published_commitment.title != "Forged" and published_commitment.state == PublicationState.PUBLISHED

    # The same request with the token from the page goes through.
    client.get(change_url)
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(state_url, {"state": PublicationState.DRAFT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Commitment.objects.get(pk=published_commitment.pk).state == PublicationState.DRAFT


# --- Login lockout


def admin_login(client, username, password, ip="198.51.100.7"):
    return client.post(reverse("admin:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def staff(db):
    return StaffFactory(username="carol")


def test_repeated_failures_lock_the_login_even_for_the_right_password(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "carol", "wrong").status_code == 200  # the form again, with an error
    assert admin_login(client, "carol", "wrong").status_code == 429
    response = admin_login(client, "carol", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_lockout_holds_one_username_from_one_address_only(client, staff):
    StaffFactory(username="dan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "carol", "wrong")
    assert admin_login(client, "dan", PASSWORD).status_code == 302  # another user, same address
    client.logout()
    assert admin_login(client, "carol", PASSWORD, ip="203.0.113.9").status_code == 302  # same user, elsewhere


def test_the_lockout_answer_says_when_to_retry(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = admin_login(client, "carol", "wrong")

    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME * 3600
    assert "too many login attempts" in response.content.decode()


@pytest.fixture
def address_limit(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12


def test_one_address_trying_many_usernames_is_locked_out(client, staff, address_limit):
    # Spraying: fewer failures per username than the pair's limit, but many usernames.
    for n in range(11):
        assert admin_login(client, f"user{n % 4}", "wrong").status_code == 200
    assert admin_login(client, "user9", "wrong").status_code == 429  # the twelfth failure

    locked = admin_login(client, "carol", PASSWORD)  # even the right password of another account

    assert locked.status_code == 429
    assert "Retry-After" in locked
    assert admin_login(client, "carol", PASSWORD, ip="203.0.113.9").status_code == 302  # other addresses are not


def test_below_the_address_limit_other_accounts_still_sign_in(client, staff, address_limit):
    for n in range(11):
        admin_login(client, f"user{n % 4}", "wrong")

    assert admin_login(client, "carol", PASSWORD).status_code == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, staff, address_limit):
    StaffFactory(username="eve")
    for n in range(11):
        admin_login(client, f"user{n % 4}", "wrong")
    assert admin_login(client, "eve", PASSWORD).status_code == 302
    client.logout()

    assert admin_login(client, "user1", "wrong").status_code == 429


def test_a_success_clears_that_usernames_failures_from_that_address(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "carol", "wrong")
    assert admin_login(client, "carol", PASSWORD).status_code == 302
    client.logout()

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "carol", "wrong").status_code == 200


def test_an_address_limit_below_the_pairs_limit_is_refused():
    result = print_settings(
        "LOGIN_ADDRESS_FAILURE_LIMIT", DJANGO_LOGIN_FAILURE_LIMIT="10", DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT="5"
    )
    assert result.returncode != 0
    assert "DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT at least as large" in result.stderr


def test_the_lockout_ends_after_the_cool_off(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "carol", "wrong")
    assert admin_login(client, "carol", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC)
        - settings.AXES_COOLOFF_TIME * datetime.timedelta(hours=1)
        - datetime.timedelta(minutes=1)
    )
    assert admin_login(client, "carol", PASSWORD).status_code == 302


def test_axes_reset_lifts_a_lockout(client, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(client, "carol", "wrong")
    call_command("axes_reset_username", "carol", stdout=io.StringIO())
    assert admin_login(client, "carol", PASSWORD).status_code == 302


def test_code_that_logs_in_without_a_request_is_not_refused(client, staff):
    # The test client's login() authenticates without a request; so do scripts.
    assert client.login(username="carol", password=PASSWORD)


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_address_is_the_last_forwarded_one():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert client_ip(request) == "203.0.113.5"  # 1.2.3.4 was written by the client: not trusted


def test_without_a_trusted_proxy_forwarded_addresses_are_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


# --- Sessions and passwords


def test_an_admin_session_ends_at_browser_close_and_after_the_idle_time(client, staff):
    response = admin_login(client, "carol", PASSWORD)
    assert response.status_code == 302

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert 8 * 3600 - 60 < client.session.get_expiry_age() <= 8 * 3600


def test_each_request_renews_the_idle_time(client, staff):
    from django.contrib.sessions.models import Session

    admin_login(client, "carol", PASSWORD)
    session = client.session
    session["tracker_seen"] = 0  # last renewed long ago
    session.save()
    key = session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=5)
    )

    assert client.get(reverse("admin:index")).status_code == 200

    renewed = Session.objects.get(session_key=key).expire_date - datetime.datetime.now(datetime.UTC)
    assert renewed > datetime.timedelta(hours=7)


def test_requests_in_quick_succession_do_not_save_the_session_each_time(client, staff):
    from django.contrib.sessions.models import Session

    admin_login(client, "carol", PASSWORD)
    expiry = Session.objects.get().expire_date

    client.get(reverse("admin:index"))

    assert Session.objects.get().expire_date == expiry


def test_an_idle_session_is_signed_out(client, staff):
    from django.contrib.sessions.models import Session

    admin_login(client, "carol", PASSWORD)
    Session.objects.update(expire_date=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_idle_time_is_read_from_the_environment():
    assert print_settings("SESSION_COOKIE_AGE", DJANGO_SESSION_IDLE_MINUTES="30").stdout.strip() == "1800"
    refused = print_settings("SESSION_COOKIE_AGE", DJANGO_SESSION_IDLE_MINUTES="0")
    assert refused.returncode != 0
    assert "DJANGO_SESSION_IDLE_MINUTES must be a positive" in refused.stderr


def test_passwords_need_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr4ck3r!xyz")  # eleven
    validate_password("Tr4ck3r!xyzw")  # twelve

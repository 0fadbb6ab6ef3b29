"""Editors' API tokens: stored as digests, expiring, made and rotated by commands."""

import datetime
import importlib
import io
import os
import subprocess
import sys

import pytest
from django.apps import apps as global_apps
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from commitments.api.tokens import delete_expired_tokens, issue_token, token_digest
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def themes(client, token: str):
    return client.get("/api/v1/themes/", HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_works_and_only_its_digest_is_stored(client):
    user = UserFactory()
    raw, record = issue_token(user)

    assert themes(client, raw).status_code == 200
    assert record.key == token_digest(raw) != raw
    assert not Token.objects.filter(key=raw).exists()


def test_the_stored_digest_does_not_work_as_a_token(client):
    raw, record = issue_token(UserFactory())

    response = themes(client, record.key)

    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."


def test_an_expired_token_is_refused(client):
    raw, record = issue_token(UserFactory())
    Token.objects.filter(pk=record.pk).update(
        created=record.created - datetime.timedelta(days=settings.API_TOKEN_DAYS, seconds=1)
    )

    response = themes(client, raw)

    assert response.status_code == 401
    assert "Token expired" in response.json()["detail"]


def test_a_token_just_inside_its_lifetime_still_works(client):
    raw, record = issue_token(UserFactory())
    Token.objects.filter(pk=record.pk).update(
        created=record.created - datetime.timedelta(days=settings.API_TOKEN_DAYS) + datetime.timedelta(minutes=5)
    )

    assert themes(client, raw).status_code == 200


def test_an_inactive_users_token_is_refused(client):
    user = UserFactory()
    raw, _ = issue_token(user)
    user.is_active = False
    user.save()

    assert themes(client, raw).status_code == 401


def test_a_new_token_replaces_the_old_one(client):
    user = UserFactory()
    old, _ = issue_token(user)
    new, _ = issue_token(user)

    assert themes(client, old).status_code == 401
    assert themes(client, new).status_code == 200


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_drf_create_token_prints_a_working_token_on_its_last_line(client):
    UserFactory(username="alice")

    output = run("drf_create_token", "alice")

    token = output.strip().splitlines()[-1]
    assert "alice" in output.splitlines()[0]
    assert themes(client, token).status_code == 200
    again = run("drf_create_token", "alice", "--reset").strip().splitlines()[-1]
    assert again != token
    assert themes(client, token).status_code == 401


@pytest.mark.parametrize(("make_user", "message"), [(False, "does not exist"), (True, "is inactive")])
def test_drf_create_token_refuses_an_unknown_or_inactive_user(make_user, message):
    if make_user:
        UserFactory(username="ghost", is_active=False)

    with pytest.raises(CommandError, match=message):
        run("drf_create_token", "ghost")
    assert not Token.objects.exists()


def test_drf_create_token_is_the_trackers_command_in_manage_py():
    # The name must resolve to the tracker's command, not Django REST framework's.
    from django.core.management import get_commands

    assert get_commands()["drf_create_token"] == "commitments"


def test_rotate_api_tokens_replaces_the_named_users_tokens(client):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    old_alice, _ = issue_token(alice)
    old_bob, _ = issue_token(bob)

    lines = run("rotate_api_tokens", "alice").splitlines()

    [(username, token)] = [line.split("\t") for line in lines]
    assert username == "alice"
    assert themes(client, token).status_code == 200
    assert themes(client, old_alice).status_code == 401
    assert themes(client, old_bob).status_code == 200  # not named: untouched


def test_rotate_api_tokens_all_replaces_every_token(client):
    olds = [issue_token(UserFactory(username=name))[0] for name in ("alice", "bob")]
    UserFactory(username="carol")  # holds no token: gets none

    lines = run("rotate_api_tokens", "--all").splitlines()

    assert [line.split("\t")[0] for line in lines] == ["alice", "bob"]
    assert all(themes(client, old).status_code == 401 for old in olds)
    assert all(themes(client, line.split("\t")[1]).status_code == 200 for line in lines)


def test_rotate_api_tokens_refuses_an_unknown_name_and_changes_nothing(client):
    old, _ = issue_token(UserFactory(username="alice"))

    with pytest.raises(CommandError, match="No active user named nobody"):
        run("rotate_api_tokens", "alice", "nobody")
    assert themes(client, old).status_code == 200
    with pytest.raises(CommandError, match="Name the users"):
        run("rotate_api_tokens")


def test_expired_tokens_can_be_deleted(client):
    _, expired = issue_token(UserFactory(username="old"))
    fresh, _ = issue_token(UserFactory(username="new"))
    Token.objects.filter(pk=expired.pk).update(created=expired.created - datetime.timedelta(days=365))

    assert delete_expired_tokens() == 1
    run("rotate_api_tokens", "--delete-expired")
    assert list(Token.objects.values_list("user__username", flat=True)) == ["new"]
    assert themes(client, fresh).status_code == 200


def test_the_migration_stores_the_digest_of_tokens_made_before_it(client):
    user = UserFactory()
    Token.objects.create(user=user, key="a" * 40)  # as DRF stored it: the token itself
    migration = importlib.import_module("commitments.migrations.0007_store_api_tokens_as_digests")

    migration.store_digests(global_apps, None)

    assert list(Token.objects.values_list("key", flat=True)) == [token_digest("a" * 40)]
    assert themes(client, "a" * 40).status_code == 200


def test_the_token_lifetime_is_read_from_the_environment():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))}
    code = "import tracker.settings as s; print(s.API_TOKEN_DAYS)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "API_TOKEN_DAYS": "30"},
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "30"
    refused = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "API_TOKEN_DAYS": "0"},
        capture_output=True,
        text=True,
    )
    assert "API_TOKEN_DAYS must be a positive" in refused.stderr

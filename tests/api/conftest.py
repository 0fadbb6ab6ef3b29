"""Editors' tokens and write helpers shared by the API's write tests."""

import pytest
from django.contrib.auth.models import Group, Permission

from commitments.api.tokens import issue_token
from tests.factories import UserFactory

EDITING = [
    f"{action}_{model}"
    for model in ("statement", "commitment", "articlelink")
    for action in ("add", "change")
] + ["add_statusupdate", "change_statusupdate"]  # fmt: skip
PUBLISHING = ["publish_commitment", "publish_statement", "publish_statusupdate", "delete_statusupdate"]


def user_with(*codenames: str, username: str):
    user = UserFactory(username=username)
    group, _ = Group.objects.get_or_create(name=f"group of {username}")
    group.permissions.set(Permission.objects.filter(codename__in=codenames))
    user.groups.add(group)
    return user


def token_headers(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user)[0]}"}


@pytest.fixture
def editor():
    return token_headers(user_with(*EDITING, username="editor"))


@pytest.fixture
def publisher():
    return token_headers(user_with(*EDITING, *PUBLISHING, username="publisher"))


@pytest.fixture
def second_publisher():
    return token_headers(user_with(*EDITING, *PUBLISHING, username="second-publisher"))


def post(client, path, data, headers=None):
    return client.post(path, data, content_type="application/json", **(headers or {}))


def patch(client, path, data, headers=None):
    return client.patch(path, data, content_type="application/json", **(headers or {}))

"""Helpers and accounts shared by the admin tests."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from commitments.domain.roles import EDITORS, PUBLISHERS
from tests.factories import StaffFactory


def admin_url(model, view, *args):
    return reverse(f"admin:commitments_{model._meta.model_name}_{view}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def editor():
    return StaffFactory(username="ed", groups=[EDITORS])


@pytest.fixture
def publisher():
    return StaffFactory(username="pub", groups=[PUBLISHERS])


@pytest.fixture
def second_publisher():
    return StaffFactory(username="pub2", groups=[PUBLISHERS])

"""ISO dates (YYYY-MM-DD) in the admin: shown that way in lists and forms, typed that way."""

import datetime

import pytest

from commitments.models import Commitment, Statement
from tests.admin.conftest import admin_url
from tests.factories import CommitmentFactory, StatementFactory

pytestmark = pytest.mark.django_db


def test_the_changelist_and_the_form_show_iso_dates(client, publisher):
    statement = StatementFactory(made_on=datetime.date(2025, 3, 6))
    CommitmentFactory(statement=statement, target_date=datetime.date(2026, 1, 31))
    client.force_login(publisher)
    listing = client.get(admin_url(Commitment, "changelist")).content.decode()
    assert "2026-01-31" in listing and "31/01/2026" not in listing
    form = client.get(admin_url(Statement, "change", statement.pk)).content.decode()
    assert 'value="2025-03-06"' in form and "06/03/2025" not in form


def test_an_iso_date_typed_in_a_form_is_read_as_typed(client, editor):
    client.force_login(editor)
    client.post(
        admin_url(Statement, "add"),
        {
            "title": "Summit",
            "slug": "summit",
            "kind": "joint_statement",
            "made_on": "2025-03-06",
            "commitments-TOTAL_FORMS": "0",
            "commitments-INITIAL_FORMS": "0",
        },
    )
    assert Statement.objects.get(slug="summit").made_on == datetime.date(2025, 3, 6)

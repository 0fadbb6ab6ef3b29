"""The CSV download's threads (domain.record_lines): outside a transaction, runs of commitments
are written by other connections at once. In a module of its own: a test with committed data
empties the database after it, which the seed data other modules share for the module must not see."""

import datetime

import pytest
from django.db import connection

from commitments.domain import record_lines
from commitments.models import Status
from tests.factories import CommitmentFactory, ThemeFactory, verdict
from tests.site.test_record_lines import database_csv, python_csv

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the database writes the lines on PostgreSQL only"
)


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_runs_are_written_by_threads_in_order(monkeypatch, settings):
    """Committed data, as in production: runs of CHUNK_ROWS commitments are written by other
    connections at once and come back in the list's order, the same bytes as the Python writer."""
    settings.DOWNLOAD_THREADS = 2
    monkeypatch.setattr(record_lines, "CHUNK_ROWS", 2)
    used = []
    monkeypatch.setattr(record_lines, "_in_a_thread", _recording(record_lines._in_a_thread, used))
    theme = ThemeFactory(name="Shared", slug="shared")
    for n in range(7):
        commitment = CommitmentFactory(title=f'Item {n}, "quoted"', themes=[theme])
        verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1 + n))
    for query in ("", "ordering=-title", "theme=shared&ordering=title"):
        assert database_csv(query) == python_csv(query)
    assert len(used) == 3 * 4  # four runs (2 + 2 + 2 + 1) for each of the three downloads


def _recording(function, calls):
    def recorded(*args, **kwargs):
        calls.append(True)
        return function(*args, **kwargs)

    return recorded

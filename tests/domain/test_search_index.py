"""The full-text index of each database exists, and the search answers its matches from it alone."""

import pytest
from django.db import connection

from commitments.domain.search import search_commitments
from commitments.domain.search_index import FTS_TABLE
from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Commitment._meta.db_table)
    return {name for name, info in constraints.items() if info["index"]}


def test_the_gin_index_exists_only_on_postgresql():
    assert ("commitment_search_document_gin" in index_names()) == (connection.vendor == "postgresql")


@pytest.mark.parametrize("q", ["communications content", "Cyber", "Priti Patel"])
def test_text_and_names_are_answered_from_one_index_lookup(seeded, q):
    # Over all commitments: on a table this small, published() alone would pick its own partial
    # index. Theme and actor names are in the document: one lookup in the full-text index, no
    # subquery over the theme or actor links.
    queryset = search_commitments(Commitment.objects.all(), q)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the seed table is too small to need an index
            plan = queryset.explain()
        assert plan.count("Bitmap Index Scan on commitment_search_document_gin") == 1
        assert "SubPlan" not in plan
    else:
        plan = queryset.explain()
        # The match, then the rank of each row found (by rowid).
        assert "SCAN commitment_search VIRTUAL TABLE INDEX 0:M" in plan
        assert "SEARCH commitments_commitment USING INTEGER PRIMARY KEY" in plan
    assert "commitment_themes" not in plan and "commitment_actors" not in plan
    assert queryset.exists()


def test_the_fts5_table_exists_only_on_sqlite():
    tables = connection.introspection.table_names()
    assert (FTS_TABLE in tables) == (connection.vendor == "sqlite")

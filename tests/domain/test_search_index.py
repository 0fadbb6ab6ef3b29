"""The full-text GIN index exists on PostgreSQL, and the search answers its matches from it."""

import pytest
from django.db import connection

from commitments.domain.search import search_commitments
from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Commitment._meta.db_table)
    return {name for name, info in constraints.items() if info["index"]}


def test_the_gin_index_exists_only_on_postgresql():
    assert ("commitment_search_document_gin" in index_names()) == (connection.vendor == "postgresql")


def test_postgresql_answers_the_text_branch_from_the_index(seeded):
    if connection.vendor != "postgresql":
        # SQLite has no full-text index: its search is a substring match over every row.
        assert "commitment_search_document_gin" not in index_names()
        return
    # Over all commitments: on a table this small, published() alone would pick its own partial
    # index. The match is one bitmap scan: the GIN index OR'ed with the theme and actor ids.
    queryset = search_commitments(Commitment.objects.all(), "communications content")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the seed table is too small to need an index
        plan = queryset.explain()
    assert "BitmapOr" in plan
    assert "Bitmap Index Scan on commitment_search_document_gin" in plan
    published = search_commitments(Commitment.objects.published(), "communications content")
    assert [c.slug for c in published] == ["lawful-access-data-access-agreement"]

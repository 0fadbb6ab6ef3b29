"""Indexes for the admin's prefix searches (search_fields "^title" on commitments and articles).

Django's istartswith compiles on PostgreSQL to UPPER("title"::text) LIKE UPPER('word%'); a
b-tree over that expression with text_pattern_ops answers it whatever the database's collation.
The status updates' changelist searches the commitments' titles through this index too. SQLite
has no operator classes (and its LIKE is case-insensitive already), so nothing is built there.
"""

from django.db import migrations

INDEXES = [
    ("commitment_title_prefix_idx", "commitments_commitment"),
    ("article_title_prefix_idx", "commitments_article"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ((UPPER("title"::text)) text_pattern_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("commitments", "0011_search_document_with_names")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

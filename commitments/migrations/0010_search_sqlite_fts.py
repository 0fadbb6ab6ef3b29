"""SQLite's full-text index of commitments: the FTS5 table `commitment_search` (a no-op on PostgreSQL).

The embedded default searches with the same contract as PostgreSQL: several words in any order,
stemmed, over the title, summary, wording and the names of the commitment's themes and actors.
commitments.domain.search_index keeps the table in step, as it does PostgreSQL's stored document;
this migration creates it and fills it from the commitments already there.
"""

from django.db import migrations

from commitments.domain.search_index import FTS_COLUMNS, FTS_TABLE, FTS_TOKENIZE, refresh_search_documents


def create_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({', '.join(FTS_COLUMNS)}, tokenize = '{FTS_TOKENIZE}')"
    )
    refresh_search_documents()


def drop_fts_table(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class Migration(migrations.Migration):
    dependencies = [("commitments", "0009_lineage_and_reader_submissions")]

    operations = [migrations.RunPython(create_fts_table, drop_fts_table, elidable=False)]

"""GIN index for the commitment full-text search (commitments.search.SEARCH_VECTOR), PostgreSQL only.

The expression must stay identical to the one Django generates for SEARCH_VECTOR, or the planner
will not use the index. SQLite has no such index; its search is a plain substring match.
"""

from django.db import migrations

INDEX_NAME = "commitment_search_gin"

CREATE = f"""
CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON commitments_commitment USING gin ((
    setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(wording, '')), 'C')
))
"""

DROP = f"DROP INDEX IF EXISTS {INDEX_NAME}"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("commitments", "0002_editorial_groups")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]

"""Indexes for the counts of filtered lists (bench/README.md, "fourth round").

A list filtered by theme and status counted its rows by reading every published commitment of the
status and every link of the theme from the tables: at 100,000 commitments 110 ms for 3,400 rows,
ten times the cost at 10,000. With the published commitments by (status, id) and the links by
(theme, commitment), both in commitment order, the count merges two index-only scans (26 ms).

The link tables are Django's own for the many-to-many fields, so their index is made here in SQL
(the same statement on PostgreSQL and SQLite); the actors' links get the same one for the actor
filter.
"""

from django.db import migrations, models

LINK_INDEXES = [
    ("commitment_themes_by_theme_idx", "commitments_commitment_themes", "theme_id"),
    ("commitment_actors_by_actor_idx", "commitments_commitment_actors", "actor_id"),
]


class Migration(migrations.Migration):
    dependencies = [("commitments", "0012_perf_admin_search")]

    operations = [
        migrations.AddIndex(
            model_name="commitment",
            index=models.Index(
                condition=models.Q(("state", "published")),
                fields=["status", "id", "statement"],
                name="commitment_status_public_idx",
            ),
        ),
        *(
            migrations.RunSQL(
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}", "commitment_id")',
                f'DROP INDEX IF EXISTS "{name}"',
                elidable=False,
            )
            for name, table, column in LINK_INDEXES
        ),
    ]

"""The stored search documents of commitments, kept in step with every change that alters them.

One document per commitment, on both databases, with the same four parts: the title (weight A),
the summary (B), the wording (C), and the names of its themes and actors with the actors'
aliases (D), so that one index lookup answers a search that names a theme or an actor.

- PostgreSQL: the `search_document` tsvector column of the commitments table, GIN-indexed
  (migrations 0005 and 0012).
- SQLite: the FTS5 table `commitment_search` (migration 0011), one row per commitment with the
  commitment's id as its rowid, tokenized by the Porter stemmer.

`refresh_search_documents(ids)` rewrites the documents of those commitments from the tables, on
either database, with one statement per database (two on SQLite: a delete and an insert). The
receivers below call it whenever a commitment's text, its themes or actors, or a theme's or
actor's name or aliases change, on every ORM path (admin, API, import, seed). Paths that write
rows without signals (bulk_create, COPY: the demo, the dataset restore) call it when done.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from commitments.models import Actor, Commitment, Theme

FTS_TABLE = "commitment_search"
# The FTS5 tokenizer: Porter stemming over Unicode words, accents kept as PostgreSQL's English
# configuration keeps them, so a word matches the same words on both databases.
FTS_TOKENIZE = "porter unicode61 remove_diacritics 0"
FTS_COLUMNS = ("title", "summary", "wording", "names")
# A commitment's text fields: saving one of them changes its document.
TEXT_FIELDS = frozenset(FTS_COLUMNS[:3])
# SQLite binds at most 32,766 parameters a statement (999 before 3.32); ids go in chunks.
CHUNK = 500

_THEMES = Commitment.themes.through
_ACTORS = Commitment.actors.through


def _names_sql(aggregate: str) -> str:
    """SQL for the names part of the commitment aliased `c`, with `aggregate` joining strings."""
    q = connection.ops.quote_name
    return (
        f"COALESCE((SELECT {aggregate}(t.{q('name')}, ' ') FROM {q(_THEMES._meta.db_table)} ct "
        f"JOIN {q(Theme._meta.db_table)} t ON t.id = ct.theme_id WHERE ct.commitment_id = c.id), '') || ' ' || "
        f"COALESCE((SELECT {aggregate}(a.{q('name')} || ' ' || a.aliases, ' ') FROM {q(_ACTORS._meta.db_table)} ca "
        f"JOIN {q(Actor._meta.db_table)} a ON a.id = ca.actor_id WHERE ca.commitment_id = c.id), '')"
    )


def _postgres_document() -> str:
    parts = [
        f"setweight(to_tsvector('english'::regconfig, COALESCE(c.{field}, '')), '{weight}')"
        for field, weight in zip(FTS_COLUMNS[:3], "ABC", strict=True)
    ]
    parts.append(f"setweight(to_tsvector('english'::regconfig, {_names_sql('string_agg')}), 'D')")
    return " || ".join(parts)


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def refresh_search_documents(ids: Iterable[int] | None = None) -> None:
    """Rewrite the search documents of the commitments `ids` (of every commitment with None).

    Ids of commitments that no longer exist are fine: their SQLite rows go, nothing else happens.
    """
    table = connection.ops.quote_name(Commitment._meta.db_table)
    if ids is not None:
        ids = sorted(set(ids))
        if not ids:
            return
    batches = [None] if ids is None else _chunks(ids)
    with connection.cursor() as cursor:
        for batch in batches:
            where, params = ("", []) if batch is None else (f" WHERE c.id IN ({', '.join(['%s'] * len(batch))})", batch)
            if connection.vendor == "postgresql":
                cursor.execute(f"UPDATE {table} AS c SET search_document = {_postgres_document()}{where}", params)
            elif connection.vendor == "sqlite":
                rows = "" if batch is None else f" WHERE rowid IN ({', '.join(['%s'] * len(batch))})"
                cursor.execute(f"DELETE FROM {FTS_TABLE}{rows}", params)
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) "
                    f"SELECT c.id, c.title, c.summary, c.wording, {_names_sql('group_concat')} FROM {table} AS c{where}",
                    params,
                )


def linked_commitment_ids(model: type[Theme] | type[Actor], pk: int) -> list[int]:
    through, column = (_THEMES, "theme_id") if model is Theme else (_ACTORS, "actor_id")
    return list(through.objects.filter(**{column: pk}).values_list("commitment_id", flat=True))


# --- Receivers ------------------------------------------------------------------------------------


@receiver(post_save, sender=Commitment, dispatch_uid="search_commitment_saved")
def _commitment_saved(sender, instance: Commitment, update_fields=None, **kwargs) -> None:
    # The status sync and the workflow save only their own columns: the document stays as it is.
    if update_fields is not None and not TEXT_FIELDS & set(update_fields):
        return
    refresh_search_documents([instance.pk])


@receiver(post_delete, sender=Commitment, dispatch_uid="search_commitment_deleted")
def _commitment_deleted(sender, instance: Commitment, **kwargs) -> None:
    refresh_search_documents([instance.pk])


@receiver(post_save, sender=Theme, dispatch_uid="search_theme_saved")
@receiver(post_save, sender=Actor, dispatch_uid="search_actor_saved")
def _name_saved(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and not {"name", "aliases"} & set(update_fields)):
        return  # nothing is tagged with a new theme or actor yet
    refresh_search_documents(linked_commitment_ids(sender, instance.pk))


@receiver(pre_delete, sender=Theme, dispatch_uid="search_theme_deleting")
@receiver(pre_delete, sender=Actor, dispatch_uid="search_actor_deleting")
def _name_deleting(sender, instance, **kwargs) -> None:
    # The links go with the theme or actor, without m2m signals: remember whose documents named it.
    instance._search_linked = linked_commitment_ids(sender, instance.pk)


@receiver(post_delete, sender=Theme, dispatch_uid="search_theme_deleted")
@receiver(post_delete, sender=Actor, dispatch_uid="search_actor_deleted")
def _name_deleted(sender, instance, **kwargs) -> None:
    refresh_search_documents(getattr(instance, "_search_linked", []))


@receiver(m2m_changed, sender=_THEMES, dispatch_uid="search_themes_changed")
@receiver(m2m_changed, sender=_ACTORS, dispatch_uid="search_actors_changed")
def _links_changed(sender, instance, action: str, reverse: bool, model, pk_set, **kwargs) -> None:
    if not reverse:  # commitment.themes / commitment.actors
        if action in ("post_add", "post_remove", "post_clear"):
            refresh_search_documents([instance.pk])
        return
    # theme.commitments / actor.commitments: the commitments on the other side.
    if action == "pre_clear":
        instance._search_linked = linked_commitment_ids(type(instance), instance.pk)
    elif action == "post_clear":
        refresh_search_documents(getattr(instance, "_search_linked", []))
    elif action in ("post_add", "post_remove"):
        refresh_search_documents(pk_set or [])

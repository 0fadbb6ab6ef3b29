"""The stored search documents of commitments, kept in step with every change that alters them.

One document per commitment, on both databases, with the same four parts: the title (weight A),
the summary (B), the wording (C), and the names of its themes and actors with the actors'
aliases (D), so that one index lookup answers a search that names a theme or an actor.

An actor's names and aliases also go into the documents of commitments whose text mentions it
by any of them, so that "UK" finds a wording that says "U.K." or "United Kingdom", on both
databases, with no lookup of aliases when searching. Acronyms (all capitals: "US", "U.K.") are
matched with their case, so the word "us" does not name the United States.

- PostgreSQL: the `search_document` tsvector column of the commitments table, GIN-indexed
  (migrations 0005 and 0012).
- SQLite: the FTS5 table `commitment_search` (migration 0011), one row per commitment with the
  commitment's id as its rowid, tokenized by the Porter stemmer.

`refresh_search_documents(ids)` rewrites the documents of those commitments from the tables, on
either database, by the same steps. The
receivers below call it whenever a commitment's text, its themes or actors, or a theme's or
actor's name or aliases change, on every ORM path (admin, API, import, seed). Paths that write
rows without signals (bulk_create, COPY: the demo, the dataset restore) call it when done.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from commitments.models import Actor, Commitment, Theme, split_terms

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
    """SQL for the names of the themes and actors of the commitment aliased `c`, `aggregate` joining them."""
    q = connection.ops.quote_name
    return (
        f"COALESCE((SELECT {aggregate}(t.{q('name')}, ' ') FROM {q(_THEMES._meta.db_table)} ct "
        f"JOIN {q(Theme._meta.db_table)} t ON t.id = ct.theme_id WHERE ct.commitment_id = c.id), '') || ' ' || "
        f"COALESCE((SELECT {aggregate}(a.{q('name')} || ' ' || a.aliases, ' ') FROM {q(_ACTORS._meta.db_table)} ca "
        f"JOIN {q(Actor._meta.db_table)} a ON a.id = ca.actor_id WHERE ca.commitment_id = c.id), '')"
    )


# --- Actors named in the text ---------------------------------------------------------------------

# Letters and digits: what both databases' parsers make words of.
WORD = re.compile(r"[^\W_]+")


def mention_key(text: str) -> str:
    """Text as mentions are compared: dots and apostrophes dropped, words between single spaces.

    "U.K." and "UK" give the same key, as do "U.S.-U.K." and "US UK".
    """
    return " ".join(WORD.findall(re.sub(r"[.'’]", "", text)))


@dataclass
class ActorNames:
    """Every actor's names and aliases, by the keys their mentions are found by."""

    exact: dict[str, set[str]]  # acronyms ("UK", "U.S."): matched with their case, so "us" is not "US"
    folded: dict[str, set[str]]  # the others, lowercased, matched in any case
    longest: int  # words in the longest key

    def mentioned(self, *texts: str) -> str:
        """The names and aliases of every actor that `texts` mention by any of them."""
        words = mention_key(" ".join(texts)).split()
        folded = [word.lower() for word in words]
        found: set[str] = set()
        # Every run of up to `longest` words, looked up: linear in the text, whatever the actors.
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self.longest) + 1):
                found |= self.exact.get(" ".join(words[start:end]), set())
                found |= self.folded.get(" ".join(folded[start:end]), set())
        return " ".join(sorted(found))


def actor_names() -> ActorNames:
    exact: dict[str, set[str]] = {}
    folded: dict[str, set[str]] = {}
    for name, aliases in Actor.objects.values_list("name", "aliases"):
        terms = [name, *split_terms(aliases)]
        names = " ".join(terms)
        for term in terms:
            key = mention_key(term)
            if key:
                table, key = (exact, key) if term.upper() == term else (folded, key.lower())
                table.setdefault(key, set()).add(names)
    longest = max((len(key.split()) for key in [*exact, *folded]), default=0)
    return ActorNames(exact, folded, longest)


# --- Writing the documents ------------------------------------------------------------------------


def _postgres_write(table: str, documents: list[tuple[int, str]]) -> tuple[str, list]:
    weighted = " || ".join(
        f"setweight(to_tsvector('english'::regconfig, COALESCE(c.{field}, '')), '{weight}')"
        for field, weight in zip(FTS_COLUMNS[:3], "ABC", strict=True)
    )
    values = ", ".join(["(%s::bigint, %s::text)"] * len(documents))
    sql = (
        f"UPDATE {table} AS c SET search_document = {weighted} "
        f"|| setweight(to_tsvector('english'::regconfig, v.names), 'D') "
        f"FROM (VALUES {values}) AS v (id, names) WHERE c.id = v.id"
    )
    return sql, [value for document in documents for value in document]


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def refresh_search_documents(ids: Iterable[int] | None = None) -> None:
    """Rewrite the search documents of the commitments `ids` (of every commitment with None).

    Ids of commitments that no longer exist are fine: their SQLite rows go, nothing else happens.
    Three queries a chunk of CHUNK commitments: the actors, the commitments with their theme and
    actor names, and the write (a delete and an insert on SQLite).
    """
    table = connection.ops.quote_name(Commitment._meta.db_table)
    if ids is None:
        ids = Commitment._base_manager.order_by("pk").values_list("pk", flat=True)
    ids = sorted(set(ids))
    if not ids:
        return
    actors = actor_names()
    aggregate = "string_agg" if connection.vendor == "postgresql" else "group_concat"
    with connection.cursor() as cursor:
        for batch in _chunks(ids):
            marks = ", ".join(["%s"] * len(batch))
            cursor.execute(
                f"SELECT c.id, c.title, c.summary, c.wording, {_names_sql(aggregate)} FROM {table} AS c "
                f"WHERE c.id IN ({marks})",
                batch,
            )
            rows = [
                (pk, title, summary, wording, f"{names} {actors.mentioned(title, summary, wording)}".strip())
                for pk, title, summary, wording, names in cursor.fetchall()
            ]
            if connection.vendor == "postgresql":
                if rows:
                    cursor.execute(*_postgres_write(table, [(row[0], row[4]) for row in rows]))
            elif connection.vendor == "sqlite":
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", batch)
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, {', '.join(FTS_COLUMNS)}) VALUES (%s, %s, %s, %s, %s)", rows
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
    # PostgreSQL's document went with the row; SQLite's FTS5 row is dropped by id alone, without
    # reading anything, as a deletion of many commitments sends this once for each.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [instance.pk])


@receiver(post_save, sender=Theme, dispatch_uid="search_theme_saved")
def _theme_saved(sender, instance: Theme, created: bool = False, update_fields=None, **kwargs) -> None:
    if created or (update_fields is not None and "name" not in update_fields):
        return  # nothing is tagged with a new theme yet
    refresh_search_documents(linked_commitment_ids(Theme, instance.pk))


@receiver(pre_save, sender=Actor, dispatch_uid="search_actor_saving")
def _actor_saving(sender, instance: Actor, raw: bool = False, **kwargs) -> None:
    before = Actor.objects.filter(pk=instance.pk).values_list("name", "aliases").first() if instance.pk else None
    instance._search_names_changed = before != (instance.name, instance.aliases)


@receiver(post_save, sender=Actor, dispatch_uid="search_actor_saved")
def _actor_saved(sender, instance: Actor, **kwargs) -> None:
    # Any commitment may mention the actor by a name or alias that was added or removed, so all
    # documents are rewritten: rare (an analyst editing an actor's names), and correct.
    if getattr(instance, "_search_names_changed", True):
        refresh_search_documents()


@receiver(pre_delete, sender=Theme, dispatch_uid="search_theme_deleting")
def _theme_deleting(sender, instance: Theme, **kwargs) -> None:
    # The links go with the theme, without m2m signals: remember whose documents named it.
    instance._search_linked = linked_commitment_ids(Theme, instance.pk)


@receiver(post_delete, sender=Theme, dispatch_uid="search_theme_deleted")
def _theme_deleted(sender, instance: Theme, **kwargs) -> None:
    refresh_search_documents(getattr(instance, "_search_linked", []))


@receiver(post_delete, sender=Actor, dispatch_uid="search_actor_deleted")
def _actor_deleted(sender, instance: Actor, **kwargs) -> None:
    refresh_search_documents()  # linked or mentioned anywhere, as for a change of its names


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

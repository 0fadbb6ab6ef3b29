"""Commitments as plain rows, for the lists read most: the API's and the public list pages'.

A page of commitments built as model instances with prefetched themes and actors spends more
time creating instances and related managers than the database spends answering (bench/README.md
has the profiles). These helpers read the same records as `values()` rows, in the same number of
queries: the page, then one query per relation for the whole page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from commitments.models import Commitment

Row = dict[str, Any]


def names_by_commitment(relation: str, ids: Iterable[int]) -> dict[int, list[Row]]:
    """{commitment id: [{"slug", "name"}, …]} of the commitments' "themes" or "actors".

    Through the link table only, in the related model's order (name), then by id so that equal
    names keep a stable order.
    """
    through = getattr(Commitment, relation).through
    target = relation[:-1]  # themes -> theme, actors -> actor
    grouped: dict[int, list[Row]] = defaultdict(list)
    rows = (
        through.objects.filter(commitment_id__in=list(ids))
        .order_by(f"{target}__name", f"{target}_id")
        .values_list("commitment_id", f"{target}__slug", f"{target}__name")
    )
    for commitment_id, slug, name in rows:
        grouped[commitment_id].append({"slug": slug, "name": name})
    return grouped


# What an item of the public lists shows (templatetags/tracker.py, commitment_items).
LIST_ITEM_COLUMNS = (
    "id", "slug", "title", "status", "target_date", "statement__slug", "statement__title", "statement__made_on",
)  # fmt: skip


def with_names(rows: list[Row]) -> list[Row]:
    """`rows` (commitment rows with their "id"), each given its "themes" and "actors" as
    {"slug", "name"} lists: two queries for all of them, none when there are no rows."""
    ids = [row["id"] for row in rows]
    themes = names_by_commitment("themes", ids) if ids else {}
    actors = names_by_commitment("actors", ids) if ids else {}
    for row in rows:
        row["themes"], row["actors"] = themes.get(row["id"], []), actors.get(row["id"], [])
    return rows


def list_items(page) -> list[Row]:
    """The commitments of `page` (a queryset, usually a page's slice) as rows for
    commitment_items, each with its "themes" and "actors": three queries."""
    return with_names(list(page.prefetch_related(None).values(*LIST_ITEM_COLUMNS)))

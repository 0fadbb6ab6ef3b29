"""Lineage as the public sees it, and the guard that keeps its rules on every save.

A commitment's lineage is its line of predecessors up to the first, itself, and every commitment
that follows from it, oldest first. Only published commitments are in it: the walk stops at an
unpublished one, so a draft never shows, not even as a gap.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.signals import pre_save
from django.dispatch import receiver

from commitments.infra.prepared import PreparedLookup
from commitments.lineage import MAX_CHAIN, lineage_problems
from commitments.models import Commitment

Row = dict[str, Any]

LINEAGE_COLUMNS = (
    "id", "slug", "title", "status", "predecessor_id", "predecessor_relation",
    "statement__slug", "statement__title", "statement__made_on",
)  # fmt: skip


# One step of the walk: the rows of the ids going up and of the successors of those going down.
_STEP = PreparedLookup(
    lambda up, down: (
        Commitment.objects.published()
        .filter(up("pk") | down("predecessor_id"))
        .order_by()
        .values_list(*LINEAGE_COLUMNS)
    ),
    lists=2,
)


def first_step(ids: list[int]) -> tuple[PreparedLookup, list[list[int]]]:
    """The first step of lineages(ids), to read ahead with others (prepared.pipelined)."""
    return _STEP, [ids, ids]


def lineages(ids: Iterable[int]) -> dict[int, list[Row]]:
    """{commitment id: its public lineage, oldest first} for the published commitments `ids`.

    Each entry is a row of LINEAGE_COLUMNS with "relation": how it relates to the entry it
    follows, None for the first (or when what it follows is not public). One query per step of
    the longest lineage, whatever the number of commitments: the page of a list costs what one
    of its commitments costs.
    """
    ids = list(ids)
    rows: dict[int, Row] = {}
    # Ids whose rows (and so predecessors) are needed; ids whose successors are needed.
    up, down = set(ids), set(ids)
    walked_down = set(ids)
    for _ in range(MAX_CHAIN):
        up -= rows.keys()
        if not up and not down:
            break
        next_up, next_down = set(), set()
        for values in _STEP.rows(up, down):
            row = dict(zip(LINEAGE_COLUMNS, values, strict=True))
            if row["id"] in up and row["predecessor_id"] is not None:
                next_up.add(row["predecessor_id"])
            if row["predecessor_id"] in down and row["id"] not in walked_down:
                next_down.add(row["id"])
                walked_down.add(row["id"])
            rows[row["id"]] = row
        up, down = next_up, next_down
    successors: dict[int, list[int]] = defaultdict(list)
    for row in rows.values():
        if row["predecessor_id"] in rows:
            successors[row["predecessor_id"]].append(row["id"])
    return {pk: _line(pk, rows, successors) for pk in ids if pk in rows}


def _entry(row: Row, rows: dict[int, Row]) -> Row:
    public_predecessor = row["predecessor_id"] in rows
    return {**row, "relation": row["predecessor_relation"] if public_predecessor else None}


def _line(pk: int, rows: dict[int, Row], successors: dict[int, list[int]]) -> list[Row]:
    before, seen = [], {pk}
    current = rows[pk]["predecessor_id"]
    while current in rows and current not in seen:
        seen.add(current)
        before.append(rows[current])
        current = rows[current]["predecessor_id"]
    after, queue = [], list(successors.get(pk, []))
    while queue:
        following = queue.pop(0)
        if following in seen:
            continue
        seen.add(following)
        after.append(rows[following])
        queue += successors.get(following, [])
    after.sort(key=lambda row: (row["statement__made_on"], row["id"]))
    return [_entry(row, rows) for row in [*reversed(before), rows[pk], *after]]


def api_lineage(line: list[Row]) -> list[Row]:
    """A lineage as the API shows it (serializers.LineageEntrySerializer)."""
    return [
        {
            "slug": row["slug"],
            "title": row["title"],
            "made_on": row["statement__made_on"].isoformat(),
            "relation": row["relation"],
        }
        for row in line
    ]


def public_predecessor() -> Subquery:
    """SQL for a commitment row: its predecessor's slug when the public sees the predecessor
    (Commitment.objects.published()), else null. Annotated as PUBLIC_PREDECESSOR."""
    return Subquery(Commitment.objects.published().filter(pk=OuterRef("predecessor_id")).values("slug")[:1])


PUBLIC_PREDECESSOR = "public_predecessor"


def download_columns(row: Row) -> Row:
    """The downloads' "predecessor" (slug) and "predecessor_relation" from a row annotated with
    PUBLIC_PREDECESSOR, both empty unless the public sees the predecessor."""
    slug = row[PUBLIC_PREDECESSOR]
    return {"predecessor": slug or "", "predecessor_relation": row["predecessor_relation"] if slug else ""}


@receiver(pre_save, sender=Commitment, dispatch_uid="commitment_lineage_guard")
def _guard_lineage(sender, instance: Commitment, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Refuse a save that breaks the lineage rules (commitments.lineage.lineage_problems), on every
    path: forms show the same rules through Commitment.clean()."""
    if raw:
        return
    touched = {"predecessor", "predecessor_id", "predecessor_relation", "statement", "statement_id"}
    if update_fields is not None and not touched & set(update_fields):
        return  # a status sync or a workflow move: the lineage is as it was checked
    problems = lineage_problems(instance)
    if problems:
        raise ValidationError(problems)

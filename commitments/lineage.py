"""Lineage: the same pledge restated, strengthened, weakened or replaced, statement after statement.

A commitment may name the commitment it follows (`predecessor`) and how it relates to it. The
rules hold for every write path: `Commitment.clean()` shows them in forms, and the save guard in
commitments.domain.lineage refuses a save that breaks them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models


class Relation(models.TextChoices):
    RESTATES = "restates", "Restates"
    STRENGTHENS = "strengthens", "Strengthens"
    WEAKENS = "weakens", "Weakens"
    REPLACES = "replaces", "Replaces"


# How the page says what a later commitment did to its predecessor: "restated on 10 July 2024 as …".
RELATION_PAST = {
    Relation.RESTATES: ("Restated", "as"),
    Relation.STRENGTHENS: ("Strengthened", "as"),
    Relation.WEAKENS: ("Weakened", "as"),
    Relation.REPLACES: ("Replaced", "by"),
}

# A chain longer than this is a data error (a cycle the database holds from before the guard).
MAX_CHAIN = 200


class LineageFields(models.Model):
    """The lineage fields of a commitment (kept here to spare models.py), and their rules."""

    predecessor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="successors",
        help_text="The earlier commitment this one restates, strengthens, weakens or replaces, typically made at "
        "an earlier summit. Its statement may not be later than this one's.",
    )
    predecessor_relation = models.CharField(
        max_length=16,
        choices=Relation.choices,
        blank=True,
        help_text="How this commitment relates to its predecessor. Required with a predecessor, empty without.",
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        problems = lineage_problems(self)
        if problems:
            raise ValidationError(problems)


def lineage_problems(commitment) -> dict[str, list[str]]:
    """What is wrong with `commitment`'s predecessor and relation, by field (empty when nothing).

    Refuses a self-link, a cycle (walking up from the predecessor reaches this commitment), a
    predecessor of a later statement, and a relation without a predecessor or the reverse.
    """
    problems: dict[str, list[str]] = {}
    relation, predecessor_id = commitment.predecessor_relation, commitment.predecessor_id
    if predecessor_id is None:
        if relation:
            problems["predecessor_relation"] = [
                "A relation needs a predecessor: choose one, or leave the relation empty."
            ]
        return problems
    if relation not in Relation.values:
        problems["predecessor_relation"] = [
            f"Say how it relates to its predecessor: one of {', '.join(Relation.values)}."
        ]
    if commitment.pk is not None and predecessor_id == commitment.pk:
        problems["predecessor"] = ["A commitment cannot be its own predecessor."]
        return problems
    model = type(commitment)
    predecessor = (
        model._base_manager.filter(pk=predecessor_id).values("title", "statement__made_on", "predecessor_id").first()
    )
    if predecessor is None:
        problems["predecessor"] = [f"No commitment has id {predecessor_id}."]
        return problems
    made_on = _statement_date(commitment)
    if made_on is not None and predecessor["statement__made_on"] > made_on:
        problems.setdefault("predecessor", []).append(
            f"“{predecessor['title']}” was made on {predecessor['statement__made_on']:%Y-%m-%d}, after this "
            f"commitment's statement ({made_on:%Y-%m-%d}): a predecessor comes first."
        )
    if commitment.pk is not None and _reaches(model, predecessor["predecessor_id"], commitment.pk, predecessor_id):
        problems.setdefault("predecessor", []).append(
            f"“{predecessor['title']}” already follows from this commitment: the lineage would go round in a circle."
        )
    return problems


def _statement_date(commitment):
    if commitment.statement_id is None:
        return None
    statement = commitment._state.fields_cache.get("statement")
    if statement is not None and statement.pk == commitment.statement_id:
        return statement.made_on
    return type(commitment).statement.field.related_model._base_manager.get(pk=commitment.statement_id).made_on


def _reaches(model, start: int | None, target: int, first: int) -> bool:
    """Whether walking up the predecessors from `start` reaches `target` (one query a step)."""
    seen = {first}
    current = start
    while current is not None and len(seen) < MAX_CHAIN:
        if current == target:
            return True
        if current in seen:
            return True  # a cycle already stored: refuse to add to it
        seen.add(current)
        current = model._base_manager.filter(pk=current).values_list("predecessor_id", flat=True).first()
    return current is not None

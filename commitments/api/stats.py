"""The dashboard's aggregates over published commitments, computed in the database.

Takes no request, so the public dashboard and the API can share it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from ..models import STATUS_SCORES, Actor, Commitment, Status, Theme, score_expression


def _mean(value) -> float | None:
    return None if value is None else round(float(value), 2)


def _group_aggregates(prefix: str = "") -> dict[str, Any]:
    """Count, rated count, overdue count, mean score and per-status counts, for one GROUP BY row.

    `prefix` is the path from the grouped model to its commitments ("commitments__" for a theme).
    """
    published = Commitment.objects.published()
    overdue = published.overdue(timezone.localdate())
    pk = f"{prefix}pk" if prefix else "pk"
    in_published = Q(**{f"{pk}__in": published.values("pk")})
    return {
        "total": Count(pk, filter=in_published, distinct=True),
        "rated": Count(pk, filter=in_published & ~Q(**{f"{prefix}status": Status.NOT_RATED}), distinct=True),
        "overdue": Count(pk, filter=Q(**{f"{pk}__in": overdue.values("pk")}), distinct=True),
        "mean_score": Avg(score_expression(f"{prefix}status"), filter=in_published),
        **{
            f"status_{status}": Count(pk, filter=in_published & Q(**{f"{prefix}status": status}), distinct=True)
            for status in Status.values
        },
    }


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "total": row["total"],
        "rated": row["rated"],
        "overdue": row["overdue"],
        "mean_score": _mean(row["mean_score"]),
        "by_status": {status: row[f"status_{status}"] for status in Status.values},
    }


def _per_group(queryset: QuerySet) -> list[dict[str, Any]]:
    aggregates = _group_aggregates("commitments__")
    rows = queryset.annotate(**aggregates).values("slug", "name", *aggregates)
    return [{"slug": row["slug"], "name": row["name"], **_shape(row)} for row in rows]


def public_stats() -> dict[str, Any]:
    """Status counts, overdue count and mean score: overall, by theme and by actor (three queries)."""
    overall = Commitment.objects.aggregate(**_group_aggregates())
    return {
        **_shape(overall),
        "statuses": [
            {"status": status.value, "label": status.label, "score": STATUS_SCORES[status]} for status in Status
        ],
        "by_theme": _per_group(Theme.objects.order_by("name")),
        "by_actor": _per_group(Actor.objects.order_by("name", "pk")),
    }

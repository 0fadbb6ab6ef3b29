"""The body of /api/v1/stats/: the dashboard's own aggregates (commitments.domain.stats), in the API's shape.

The public dashboard and the API read the same numbers from the same queries; this module only
renames and orders them for the documented JSON.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from commitments.domain import stats
from commitments.infra.cache import shared_by_version
from commitments.models import STATUS_SCORES, Status


def _shape(card: dict[str, Any]) -> dict[str, Any]:
    # A mean always travels with its coverage: how many of how many it rests on, and whether
    # that is enough to headline it.
    meaningful = card.get("score_meaningful")
    if meaningful is None:
        meaningful = card["rated"] >= settings.SCORE_MIN_RATED
    return {
        "total": card["total"],
        "rated": card["rated"],
        "overdue": card["overdue"],
        "mean_score": card["mean_score"],
        "score_meaningful": meaningful,
        "by_status": card["counts"],
    }


def _per_group(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"slug": card["slug"], "name": card["name"], **_shape(card)} for card in cards]


def public_stats() -> dict[str, Any]:
    """Status counts, overdue count and mean score with its coverage: overall, by theme and by
    actor (five queries, then none until the data, the day or the minimum changes)."""
    key = f"api-stats:{timezone.localdate().isoformat()}:{settings.SCORE_MIN_RATED}"
    return shared_by_version(key, _public_stats)


def _public_stats() -> dict[str, Any]:
    actors = sorted(stats.actor_scorecards(with_empty=True), key=lambda card: (card["name"], card["slug"]))
    return {
        **_shape(stats.status_totals()),
        "min_rated": settings.SCORE_MIN_RATED,
        "statuses": [
            {"status": status.value, "label": status.label, "score": STATUS_SCORES[status]} for status in Status
        ],
        "by_theme": _per_group(stats.theme_scorecards(with_empty=True)),
        "by_actor": _per_group(actors),
    }

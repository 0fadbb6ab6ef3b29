"""Aggregates behind the dashboard and the scorecards, as plain data (no HTML).

The public pages and the API's stats endpoint both read these, so the numbers a reader sees on
`/` are the numbers a developer gets from `/api/v1/stats/`. Everything starts from
`Commitment.objects.published()`; a theme's or actor's mean score is the mean over its rated
(published) commitments, computed from the same per-status counts that draw its bar. An actor is
scored by its own verdict on a commitment where one exists, else by the overall one
(models.status_for_party). Every mean comes with what it rests on (`rated` of `total`) and
whether that is enough to headline it (`score_meaningful`, settings.SCORE_MIN_RATED).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet
from django.utils import timezone

from commitments.infra.cache import shared_by_version
from commitments.models import (
    SETTLED_STATUSES,
    STATUS_SCORES,
    Actor,
    Commitment,
    Status,
    Theme,
    overdue_condition,
    status_for_party,
)

# "Due soon" on the dashboard: unsettled commitments whose target date falls within this window.
DUE_SOON_DAYS = 180


def mean_score(counts: dict[str, int]) -> float | None:
    """Mean compliance score over rated commitments, or None when none is rated."""
    rated = [(STATUS_SCORES[status], n) for status, n in counts.items() if STATUS_SCORES[status] is not None]
    total = sum(n for _, n in rated)
    if not total:
        return None
    return round(sum(score * n for score, n in rated) / total, 2)


def score_meaningful(rated: int) -> bool:
    """Whether a mean over `rated` commitments is enough to headline (settings.SCORE_MIN_RATED)."""
    return rated >= settings.SCORE_MIN_RATED


def status_mix(counts: dict[str, int]) -> list[dict]:
    """Counts in vocabulary order, every status present (zero when absent), for bars and legends."""
    return [{"status": status.value, "label": status.label, "count": counts.get(status.value, 0)} for status in Status]


def status_totals(
    queryset: QuerySet[Commitment] | None = None, *, today: datetime.date | None = None, party: Actor | None = None
) -> dict:
    """Totals by status, plus overdue and due-soon counts, in one query.

    With a `party`, each commitment is counted by that party's own verdict where it has one
    (an actor's page); overdue and due soon stay the commitment's.
    """
    queryset = Commitment.objects.published() if queryset is None else queryset
    today = today or timezone.localdate()
    unsettled_due = Q(target_date__isnull=False) & ~Q(status__in=SETTLED_STATUSES)
    scored_by = "status"
    if party is not None:
        queryset, scored_by = queryset.annotate(party_status=status_for_party(party.pk)), "party_status"
    aggregates = {f"status_{status.value}": Count("pk", filter=Q(**{scored_by: status})) for status in Status}
    row = queryset.aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_condition(today)),
        due_soon=Count(
            "pk",
            filter=unsettled_due
            & Q(target_date__gte=today, target_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)),
        ),
        **aggregates,
    )
    counts = {status.value: row[f"status_{status.value}"] for status in Status}
    return {
        "total": row["total"],
        "overdue": row["overdue"],
        "due_soon": row["due_soon"],
        "counts": counts,
        "by_status": status_mix(counts),
        "rated": row["total"] - counts[Status.NOT_RATED],
        "mean_score": mean_score(counts),
        "score_meaningful": score_meaningful(row["total"] - counts[Status.NOT_RATED]),
    }


def _group_rows(group: str) -> QuerySet:
    """Published commitments counted per (theme, status), with the overdue ones among them."""
    return (
        Commitment.objects.published()
        .values(f"{group}__slug", "status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue_condition(None)))
        .order_by()
    )


def _actor_rows() -> QuerySet:
    """Published commitments counted per (actor, the status the actor is scored by), with the
    overdue ones among them (overdue is the commitment's)."""
    through = Commitment.actors.through
    today = timezone.localdate()
    overdue = Q(commitment__target_date__lt=today) & ~Q(commitment__status__in=SETTLED_STATUSES)
    return (
        through.objects.filter(commitment__in=Commitment.objects.published())
        .annotate(
            status=status_for_party(
                OuterRef("actor_id"), commitment=OuterRef("commitment_id"), overall=F("commitment__status")
            )
        )
        .values("actor__slug", "status")
        .annotate(n=Count("pk"), overdue=Count("pk", filter=overdue))
        .order_by()
    )


def _scorecards(key: str, rows: Iterable[dict], everyone: Iterable) -> list[dict]:
    """Cards from rows of (`key`: slug, status, n, overdue)."""
    per_slug: dict[str, dict[str, int]] = {}
    overdue: dict[str, int] = {}
    for row in rows:
        slug = row[key]
        if slug is not None:
            per_slug.setdefault(slug, {})[row["status"]] = row["n"]
            overdue[slug] = overdue.get(slug, 0) + row["overdue"]
    cards = []
    for obj in everyone:
        counts = per_slug.get(obj.slug, {})
        cards.append(
            {
                "slug": obj.slug,
                "name": obj.name,
                "total": sum(counts.values()),
                "overdue": overdue.get(obj.slug, 0),
                "rated": (rated := sum(counts.values()) - counts.get(Status.NOT_RATED, 0)),
                "score_meaningful": score_meaningful(rated),
                "counts": {status.value: counts.get(status.value, 0) for status in Status},
                "by_status": status_mix(counts),
                "mean_score": mean_score(counts),
            }
        )
    return cards


def theme_scorecards(*, with_empty: bool = False) -> list[dict]:
    """Per theme: status counts and mean score, in theme-name order. Two queries."""
    cards = _scorecards("themes__slug", _group_rows("themes"), Theme.objects.only("slug", "name"))
    return cards if with_empty else [card for card in cards if card["total"]]


def actor_scorecards(*, with_empty: bool = False) -> list[dict]:
    """Per actor: status counts and mean score, most commitments first. Two queries."""
    cards = _scorecards("actor__slug", _actor_rows(), Actor.objects.only("slug", "name"))
    cards.sort(key=lambda card: (-card["total"], card["name"]))
    return cards if with_empty else [card for card in cards if card["total"]]


def published_counts(relation: str) -> dict[int, int]:
    """{theme or actor id: its published commitments} over the commitments' `relation` ("themes"
    or "actors"), for every theme or actor that has any: one pass over the links.

    Counted per row of a page, a theme's thousands of commitments cost tens of milliseconds each
    at 100,000 commitments (the API's themes 155 ms, its actors 220 ms); so the counts of all of
    them are made at once and kept until the data changes, recounted after an edit by one thread
    while readers are given the previous ones (shared_by_version), as the dashboard's figures are.
    """
    through = getattr(Commitment, relation).through
    column = f"{relation[:-1]}_id"  # themes -> theme_id

    def count() -> dict[int, int]:
        rows = (
            through.objects.filter(commitment__in=Commitment.objects.published())
            .order_by()
            .values(column)
            .annotate(n=Count("pk"))
            .values_list(column, "n")
        )
        return dict(rows)

    return shared_by_version(f"published-counts:{relation}", count)


def dashboard_stats(*, today: datetime.date | None = None) -> dict:
    """Everything the dashboard charts: totals by status, per-theme mix and mean, per-actor mean.

    The aggregates scan every published commitment (hundreds of milliseconds at 100,000), so they
    are kept until the next change to the data, and for the day only, since "overdue" moves with it.
    After a change one request recomputes them while the others are answered with the previous
    figures (shared_by_version), so readers arriving together do not scan the tables together.
    """
    today = today or timezone.localdate()
    return shared_by_version(
        f"dashboard-stats:{today.isoformat()}",
        lambda: {
            **status_totals(today=today),
            "themes": theme_scorecards(),
            "actors": actor_scorecards(),
        },
    )

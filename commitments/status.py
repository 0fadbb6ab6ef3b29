"""The status vocabulary: where a commitment stands, its score and what "overdue" means.

Scores follow the G7 Research Group's compliance scale. The models (and through them the whole
tracker) read these from here; `commitments.models` re-exports them.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone


class Status(models.TextChoices):
    """Where a commitment stands. Scores follow the G7 Research Group's compliance scale."""

    NOT_RATED = "not_rated", "Not rated"
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    STALLED = "stalled", "Stalled"
    PARTIALLY_MET = "partially_met", "Partially met"
    MET = "met", "Met"
    BROKEN = "broken", "Broken"

    @property
    def score(self) -> int | None:
        return STATUS_SCORES[self]

    @property
    def definition(self) -> str:
        return STATUS_DEFINITIONS[self]


# Status value -> label, for code that writes many rows and would otherwise build a Status each time.
STATUS_LABELS: dict[str, str] = {status.value: str(status.label) for status in Status}

STATUS_SCORES: dict[str, int | None] = {
    Status.NOT_RATED: None,
    Status.NOT_STARTED: -1,
    Status.IN_PROGRESS: 0,
    Status.STALLED: -1,
    Status.PARTIALLY_MET: 0,
    Status.MET: 1,
    Status.BROKEN: -1,
}

STATUS_DEFINITIONS: dict[str, str] = {
    Status.NOT_RATED: "No assessment yet.",
    Status.NOT_STARTED: "No action toward the commitment has been found.",
    Status.IN_PROGRESS: "Action toward the commitment is under way.",
    Status.STALLED: "Action has stopped or been reversed.",
    Status.PARTIALLY_MET: "Delivered in part, or through a compromise.",
    Status.MET: "Delivered as committed.",
    Status.BROKEN: "Abandoned, or contradicted by the actors' own actions.",
}

# The public stylesheet's status colours (tests/site/test_style.py keeps them equal), for what is
# drawn outside it: the admin's badges, the SVG badges and the share images.
STATUS_COLOURS: dict[str, str] = {
    Status.NOT_RATED: "#6b7280",
    Status.NOT_STARTED: "#b91c1c",
    Status.IN_PROGRESS: "#1d4ed8",
    Status.STALLED: "#b45309",
    Status.PARTIALLY_MET: "#7c3aed",
    Status.MET: "#15803d",
    Status.BROKEN: "#7f1d1d",
}

# A met or broken commitment is settled; only the others can be overdue.
SETTLED_STATUSES = (Status.MET, Status.BROKEN)


def overdue_condition(today: datetime.date | None = None) -> Q:
    """Overdue, as SQL: the target date has passed and the commitment is not settled."""
    return Q(target_date__lt=today or timezone.localdate()) & ~Q(status__in=SETTLED_STATUSES)


def is_overdue(target_date: datetime.date | None, status: str, today: datetime.date | None = None) -> bool:
    """The same rule as overdue_condition, for values already in Python."""
    return bool(target_date and target_date < (today or timezone.localdate()) and status not in SETTLED_STATUSES)


def score_expression(field: str = "status") -> Case:
    """The compliance score of `field` as SQL, so means can be computed in the database."""
    return Case(
        *(When(**{field: status}, then=Value(score)) for status, score in STATUS_SCORES.items() if score is not None),
        default=None,
        output_field=models.IntegerField(),
    )

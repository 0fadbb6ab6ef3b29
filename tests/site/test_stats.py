"""The dashboard's aggregates (commitments.domain.stats), shared with the API's stats endpoint."""

import datetime

import pytest

from commitments.domain.stats import DUE_SOON_DAYS, dashboard_stats, mean_score, status_totals
from commitments.models import PublicationState, Status
from tests.factories import ActorFactory, CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db


def rate(commitment, status):
    verdict(commitment=commitment, status=status, as_of=datetime.date(2023, 1, 1), rationale="r")


def test_mean_score_ignores_unrated_commitments():
    assert mean_score({"met": 1, "not_rated": 5}) == 1
    assert mean_score({"met": 1, "broken": 1, "in_progress": 1}) == 0
    assert mean_score({"met": 2, "stalled": 1}) == 0.33
    assert mean_score({"not_rated": 3}) is None
    assert mean_score({}) is None


def test_the_seed_dashboard(seeded):
    stats = dashboard_stats(today=datetime.date(2026, 1, 1))
    assert stats["total"] == 13
    assert stats["counts"] == {**dict.fromkeys(Status.values, 0), "not_rated": 12, "met": 1}
    assert stats["rated"] == 1 and stats["mean_score"] == 1
    assert stats["overdue"] == 1  # the £24bn pledge, due 2025-03-31
    themes = {card["slug"]: card for card in stats["themes"]}
    assert len(themes) == 10
    assert themes["data-access"]["counts"]["met"] == 1 and themes["data-access"]["mean_score"] == 1
    assert themes["nato"]["total"] == 4 and themes["nato"]["mean_score"] is None
    actors = stats["actors"]
    assert actors[0]["slug"] == "united-kingdom" and actors[0]["total"] == 13
    assert [item["status"] for item in themes["nato"]["by_status"]] == Status.values


def test_totals_count_overdue_and_due_soon_but_not_settled(db):
    today = datetime.date(2024, 6, 1)
    CommitmentFactory(target_date=today - datetime.timedelta(days=1))  # overdue
    rate(CommitmentFactory(target_date=today - datetime.timedelta(days=1)), "met")  # settled: not overdue
    rate(CommitmentFactory(target_date=today - datetime.timedelta(days=1)), "broken")  # settled
    CommitmentFactory(target_date=today + datetime.timedelta(days=DUE_SOON_DAYS))  # due soon (last day)
    CommitmentFactory(target_date=today + datetime.timedelta(days=DUE_SOON_DAYS + 1))  # later
    CommitmentFactory()  # no date
    totals = status_totals(today=today)
    assert (totals["total"], totals["overdue"], totals["due_soon"]) == (6, 1, 1)


def test_drafts_count_nowhere(db):
    theme, actor = ThemeFactory(), ActorFactory()
    rate(CommitmentFactory(themes=[theme], actors=[actor]), "met")
    rate(CommitmentFactory(themes=[theme], actors=[actor], state=PublicationState.DRAFT), "broken")
    stats = dashboard_stats()
    assert stats["total"] == 1 and stats["counts"]["broken"] == 0
    assert stats["themes"][0]["total"] == 1 and stats["themes"][0]["mean_score"] == 1
    assert stats["actors"][0]["total"] == 1


def test_a_theme_mean_mixes_statuses(db):
    theme = ThemeFactory(slug="mixed")
    for status in ("met", "met", "broken", "in_progress", "not_rated"):
        commitment = CommitmentFactory(themes=[theme])
        if status != "not_rated":
            rate(commitment, status)
    card = next(card for card in dashboard_stats()["themes"] if card["slug"] == "mixed")
    assert card["total"] == 5 and card["rated"] == 4
    assert card["mean_score"] == 0.25  # (1 + 1 - 1 + 0) / 4


def test_the_result_is_plain_data(seeded):
    import json

    assert json.loads(json.dumps(dashboard_stats()))["total"] == 13

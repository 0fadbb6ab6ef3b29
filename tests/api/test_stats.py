"""/api/v1/stats/: the dashboard's aggregates, over published commitments only."""

import datetime

import pytest

from commitments.api.stats import public_stats
from commitments.models import PublicationState, Status
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 1)
ZERO = dict.fromkeys(Status.values, 0)


def rated(commitment, status):
    verdict(commitment=commitment, status=status, as_of=datetime.date(2022, 1, 1), rationale="Checked.")
    return commitment


@pytest.fixture
def board():
    t1, t2 = ThemeFactory(slug="t1", name="A theme"), ThemeFactory(slug="t2", name="B theme")
    ThemeFactory(slug="t3", name="C theme")  # nothing tagged
    x = ActorFactory(slug="x", name="X")
    rated(CommitmentFactory(themes=[t1], actors=[x]), "met")
    rated(CommitmentFactory(themes=[t1], target_date=PAST), "in_progress")  # overdue
    rated(CommitmentFactory(themes=[t2], actors=[x], target_date=PAST), "broken")  # settled: not overdue
    CommitmentFactory(themes=[t2])  # not rated
    # Never counted: a draft, and a published commitment of a draft statement.
    rated(CommitmentFactory(themes=[t1], actors=[x], state=PublicationState.DRAFT, target_date=PAST), "met")
    hidden = StatementFactory(state=PublicationState.DRAFT)
    rated(CommitmentFactory(statement=hidden, themes=[t2], actors=[x]), "stalled")


def test_overall_counts_and_mean_cover_published_commitments_only(board):
    stats = public_stats()
    assert (stats["total"], stats["rated"], stats["overdue"], stats["mean_score"]) == (4, 3, 1, 0.0)
    assert stats["by_status"] == {**ZERO, "met": 1, "in_progress": 1, "broken": 1, "not_rated": 1}


def test_per_theme_aggregates(board):
    by_theme = {row["slug"]: row for row in public_stats()["by_theme"]}
    assert [row["slug"] for row in public_stats()["by_theme"]] == ["t1", "t2", "t3"]
    t1, t2, t3 = by_theme["t1"], by_theme["t2"], by_theme["t3"]
    assert (t1["total"], t1["rated"], t1["overdue"], t1["mean_score"]) == (2, 2, 1, 0.5)
    assert t1["by_status"] == {**ZERO, "met": 1, "in_progress": 1}
    assert (t2["total"], t2["rated"], t2["overdue"], t2["mean_score"]) == (2, 1, 0, -1.0)
    assert (t3["total"], t3["mean_score"], t3["by_status"]) == (0, None, ZERO)


def test_per_actor_aggregates(board):
    [x] = public_stats()["by_actor"]
    assert (x["slug"], x["total"], x["rated"], x["mean_score"]) == ("x", 2, 2, 0.0)
    assert x["by_status"] == {**ZERO, "met": 1, "broken": 1}


def test_the_endpoint_serves_the_same_figures_with_the_status_legend(client, board):
    body = client.get("/api/v1/stats/").json()
    assert body["total"] == 4
    assert body["statuses"][0] == {"status": "not_rated", "label": "Not rated", "score": None}
    assert {"status": "met", "label": "Met", "score": 1} in body["statuses"]
    assert body["by_theme"][0]["name"] == "A theme"


def test_the_seed_has_one_met_commitment(seeded):
    stats = public_stats()
    assert (stats["total"], stats["rated"], stats["mean_score"]) == (13, 1, 1.0)


def test_the_api_reports_the_dashboards_own_numbers(client, seeded):
    from commitments.domain import stats

    body = client.get("/api/v1/stats/").json()
    dashboard = stats.dashboard_stats()
    assert body["total"] == dashboard["total"] and body["overdue"] == dashboard["overdue"]
    assert body["by_status"] == dashboard["counts"]
    by_theme = {row["slug"]: (row["total"], row["mean_score"]) for row in body["by_theme"]}
    for card in dashboard["themes"]:
        assert by_theme[card["slug"]] == (card["total"], card["mean_score"])


def test_every_mean_carries_its_coverage(client, board):
    body = client.get("/api/v1/stats/").json()
    assert body["min_rated"] == 3
    assert (body["rated"], body["total"], body["mean_score"], body["score_meaningful"]) == (3, 4, 0.0, True)
    by_theme = {row["slug"]: row for row in body["by_theme"]}
    assert (by_theme["t1"]["rated"], by_theme["t1"]["total"], by_theme["t1"]["score_meaningful"]) == (2, 2, False)
    assert (by_theme["t3"]["rated"], by_theme["t3"]["score_meaningful"]) == (0, False)
    [x] = body["by_actor"]
    assert (x["rated"], x["total"], x["score_meaningful"]) == (2, 2, False)


def test_the_minimum_follows_the_setting(client, board, settings):
    settings.SCORE_MIN_RATED = 2
    body = client.get("/api/v1/stats/").json()
    assert body["min_rated"] == 2
    assert {row["slug"]: row["score_meaningful"] for row in body["by_theme"]} == {"t1": True, "t2": False, "t3": False}
    settings.SCORE_MIN_RATED = 4
    body = client.get("/api/v1/stats/").json()
    assert (body["min_rated"], body["score_meaningful"]) == (4, False)

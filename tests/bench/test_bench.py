import io
import subprocess
import sys

import orjson
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import run
from commitments.models import Commitment
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def test_the_benchmark_explains_itself():
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "bench" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    for option in ("--quick", "--commitments", "--peer", "--rounds"):
        assert option in result.stdout


def test_it_rejects_a_size_below_one():
    with pytest.raises(SystemExit):
        run.parse_args(["--commitments", "0"])


def test_quick_means_a_small_database_and_full_means_the_issue_size():
    assert run.parse_args(["--quick"]).commitments == run.QUICK_COMMITMENTS
    assert run.parse_args([]).commitments == 100_000
    assert run.parse_args(["--quick", "--commitments", "500"]).commitments == 500


@pytest.mark.parametrize(
    ("pct", "expected"),
    [(50, 3), (95, 5), (100, 5), (1, 1)],
)
def test_percentiles_are_values_that_were_measured(pct, expected):
    assert run.percentile([5, 1, 4, 2, 3], pct) == expected


def test_a_percentile_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        run.percentile([], 50)


def test_the_ratio_is_endpoint_over_floor():
    assert run.ratio(3.0, 2.0) == 1.5
    with pytest.raises(ValueError):
        run.ratio(1.0, 0.0)


def test_the_floor_replays_the_captured_sql_through_the_driver_and_returns_the_same_rows():
    CommitmentFactory(title="Fund cyber defence", slug="fund-cyber-defence")
    CommitmentFactory(title="Ratify the treaty", slug="ratify-the-treaty")
    queryset = Commitment.objects.published().order_by("slug").values("slug", "title", "target_date")

    with CaptureQueriesContext(connection) as captured:
        expected = list(queryset)
    body = run.run_floor([q["sql"] for q in captured.captured_queries])

    assert orjson.loads(body) == [expected]  # no dates set, so no date-to-string difference


def test_the_floor_replays_reads_only():
    assert run.is_read("SELECT 1")
    assert run.is_read("  with x as (select 1) select * from x")
    assert not run.is_read("UPDATE commitments_commitment SET title = 'x'")
    assert orjson.loads(run.run_floor(["SELECT 1 AS one", "DELETE FROM commitments_commitment"])) == [[{"one": 1}]]


def test_measure_skips_an_endpoint_that_answers_404_and_times_one_that_exists(client):
    commitment = CommitmentFactory()
    endpoints = [
        run.Endpoint("not built", "/api/v1/nothing-here/", api=True),
        run.Endpoint("detail", commitment.get_absolute_url(), api=True),
    ]

    missing, detail = run.measure(client, endpoints, rounds=3, warmup=1, max_seconds=30)

    assert missing.skipped.startswith("404")
    assert not missing.cold_ms
    assert detail.skipped == ""
    assert len(detail.cold_ms) == len(detail.floor_ms) == 3
    # The harness counts the same queries the page runs when requested on its own.
    with CaptureQueriesContext(connection) as page_queries:
        client.get(commitment.get_absolute_url())
    assert detail.queries == len(page_queries) > 0
    assert detail.ratio is not None and detail.ratio > 0


def test_a_replay_is_timed_after_an_answer_that_was_stored(monkeypatch):
    """An answer served from figures of before the last edit is not stored (no-store): the
    harness asks again once their recount has landed, so the replay it times is a stored one."""
    from django.http import HttpResponse

    monkeypatch.setattr(run, "settle", lambda: None)

    class Client:
        def __init__(self, answers):
            self.answers, self.asked = list(answers), 0

        def get(self, path):
            self.asked += 1
            return self.answers.pop(0)

    stale = HttpResponse("before")
    stale["Cache-Control"] = "no-store"
    for answers, asked in (([HttpResponse("now")], 1), ([stale, HttpResponse("now")], 2), ([stale, stale], 2)):
        client = Client(answers)
        run.fill(client, "/api/v1/themes/")
        assert client.asked == asked


def test_the_report_prints_counts_ratios_and_the_skipped_endpoints():
    endpoint = run.Endpoint("api list", "/api/v1/commitments/", api=True)
    measured = run.Measurement(endpoint, status=200, queries=3, cold_ms=[4.0, 6.0], floor_ms=[2.0, 2.0])
    measured.cached_ms, measured.cache_hits = [0.5, 0.5], 2
    skipped = run.Measurement(run.Endpoint("html list", "/commitments/"), skipped="404: not built on this branch yet")
    out = io.StringIO()

    worst = run.report([measured, skipped], out=out)

    assert worst == pytest.approx(2.5)  # median 5.0 / median 2.0
    assert "api list" in out.getvalue() and "   3 " in out.getvalue()
    assert "skipped html list (/commitments/): 404" in out.getvalue()
    assert run.worst_ratio_line(worst) == "worst_ratio=2.50"
    assert run.worst_ratio_line(None).startswith("worst_ratio=n/a")


def test_it_refuses_to_replace_demo_data_of_another_size_unless_asked():
    from django.core.management import call_command

    call_command("generate_demo_data", "--commitments", "12", stdout=io.StringIO(), stderr=io.StringIO())

    with pytest.raises(SystemExit, match="holds 12 demo commitments"):
        run.ensure_dataset(5, 1, out=io.StringIO())
    assert Commitment.objects.count() == 12

    run.ensure_dataset(12, 1, out=io.StringIO())  # same size: reused
    run.ensure_dataset(5, 1, regenerate=True, out=io.StringIO())
    assert Commitment.objects.count() == 5


def test_the_peer_gets_the_published_commitments_in_our_order_with_the_same_content(tmp_path, client):
    import json
    import sqlite3

    from commitments.models import PublicationState
    from tests.factories import ActorFactory, ThemeFactory

    theme, actor = ThemeFactory(name="Cyber"), ActorFactory(name="France")
    CommitmentFactory(themes=[theme], actors=[actor], title="Shown")
    CommitmentFactory(state=PublicationState.DRAFT, title="Draft")
    CommitmentFactory(title="Also shown")

    assert run.export_for_datasette(tmp_path / "db.sqlite3") == 2

    db = sqlite3.connect(tmp_path / "db.sqlite3")
    db.row_factory = sqlite3.Row
    rows = [dict(row) for row in db.execute("SELECT * FROM commitments ORDER BY rowid")]
    db.close()
    ours = client.get("/api/v1/commitments/").json()["results"]
    assert [row["slug"] for row in rows] == [row["slug"] for row in ours]
    shown = next(row for row in rows if row["title"] == "Shown")
    assert json.loads(shown["themes"]) == [{"slug": theme.slug, "name": "Cyber"}]
    assert json.loads(shown["actors"]) == [{"slug": actor.slug, "name": "France"}]
    assert {"wording", "summary", "statement_slug", "created_at"} <= set(shown)

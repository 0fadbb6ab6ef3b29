"""The benchmark's measurements over HTTP and in the admin (bench/run.py prints them).

- Peer equivalents: the same list, search and detail requests, and the CSV download, timed on
  Datasette and on the tracker with no cache at all (every request cold), one at a time.
- Readers after an edit: the data version bumped, then 8 readers of the dashboard released at
  once, against gunicorn with the production configuration (tracker/gunicorn.conf.py: gthread,
  two workers here); p50 and p99 over the rounds.
- Downloads: the CSV alone, then two at once, compared byte for byte with the single one.
- Admin changelists with a filter or a search, in-process, logged in: time and size.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import Download, download, free_port, load, percentile, stop, timed_get, together, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "bench" / ".peer"
CSV_PATH = "/export/commitments.csv"
DATASETTE_CSV_PATH = "/db/commitments.csv?_stream=on&_size=max"


# Servers --------------------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(label: str, *, workers: int, threads: int, env: dict[str, str] | None = None) -> Iterator[int]:
    """The tracker under gunicorn with tracker/gunicorn.conf.py, on a free loopback port."""
    port = free_port()
    server_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        "GUNICORN_ACCESS_LOG": os.devnull,
        "GUNICORN_MAX_REQUESTS": "0",  # no restart in the middle of a measurement
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "tracker/gunicorn.conf.py", "tracker.wsgi"]
    with _server(label, command, server_env, port, "/health/live/") as port:
        yield port


@contextlib.contextmanager
def datasette(database: Path) -> Iterator[int]:
    port = free_port()
    command = [sys.executable, "-m", "datasette", "serve", str(database), "-h", "127.0.0.1", "-p", str(port)]
    command += ["--setting", "max_csv_mb", "0"]  # the whole table, as our download
    with _server("datasette", command, dict(os.environ), port, "/db.json") as port:
        yield port


@contextlib.contextmanager
def _server(label: str, command: list[str], env: dict[str, str], port: int, probe: str) -> Iterator[int]:
    LOGS.mkdir(parents=True, exist_ok=True)
    log_path = LOGS / f"{label.split()[0]}.log"
    with open(log_path, "w") as log:
        # The log goes to a file: an unread pipe would fill up and stall the server.
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(port, probe, process)
            yield port
        finally:
            stop(process)


# Peer equivalents -----------------------------------------------------------------------------


@dataclass
class Pair:
    name: str
    ours: str
    theirs: str
    ours_ms: list[float] = field(default_factory=list)
    theirs_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)

    @property
    def ratio(self) -> float | None:
        if not (self.ours_ms and self.theirs_ms) or self.statuses - {200}:
            return None
        return statistics.median(self.ours_ms) / statistics.median(self.theirs_ms)


def equivalent_pairs(slug: str, rowid: int, search: str) -> list[Pair]:
    # Datasette without facet suggestions: its leanest equivalent of each request.
    return [
        Pair("list", "/api/v1/commitments/?page_size=50", "/db/commitments.json?_size=50&_nosuggest=1"),
        Pair(
            "search",
            f"/api/v1/commitments/?search={search}&page_size=50",
            f"/db/commitments.json?_search={search}&_size=50&_nosuggest=1",
        ),
        Pair("detail", f"/api/v1/commitments/{slug}/", f"/db/commitments/{rowid}.json"),
    ]


def time_paths(port: int, paths: list[str], *, requests: int, max_seconds: float) -> list[tuple[list[float], set]]:
    """Each path requested `requests` times, one at a time, on one keep-alive connection."""
    results = []
    for path in paths:
        load(port, path, requests=min(5, requests), concurrency=1, max_seconds=10)  # warm-up
        result = load(port, path, requests=requests, concurrency=1, max_seconds=max_seconds)
        results.append((result.latencies_ms, set(result.statuses)))
    return results


# Readers after an edit, and downloads ---------------------------------------------------------


# Seconds between two edits of the readers' rounds: enough for the server to finish what the
# previous edit started (the dashboard's figures are recomputed in about a second at 100,000).
EDIT_GAP_SECONDS = 2.0
# Unmeasured rounds before the readers' timed ones (readers_after_edits).
WARMUP_ROUNDS = 3


def readers_after_edits(
    port: int, path: str, *, readers: int, rounds: int, max_seconds: float, gap: float = EDIT_GAP_SECONDS
) -> list[float]:
    """Each round: the data version bumped (as an edit does), then `readers` GETs at once; the
    rounds `gap` seconds apart, as edits are, so one edit's recomputation is not the next one's load."""
    from commitments.infra.cache import bump_data_version

    latencies: list[float] = []
    deadline = time.monotonic() + max_seconds
    # The workers' and threads' first requests (connections, imports, templates) are not the
    # subject, nor the first computation of figures that had none before: WARMUP_ROUNDS rounds
    # unmeasured, each after an edit so that it renders (without one the page cache answered, and
    # the first measured round compiled a worker's templates), several because readers arriving
    # together share one rendering per worker and a round may not reach both workers.
    for _ in range(WARMUP_ROUNDS):
        bump_data_version()
        together(readers, lambda: timed_get(port, path))
        time.sleep(gap)
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        bump_data_version()
        for status, ms in together(readers, lambda: timed_get(port, path)):
            latencies.append(ms if status == 200 else float("inf"))
        time.sleep(gap)
    return latencies


@dataclass
class Downloads:
    single: Download
    pair: list[Download]

    @property
    def identical(self) -> bool:
        return self.single.complete and all(d.complete and d.digest == self.single.digest for d in self.pair)


def downloads(port: int, path: str = CSV_PATH) -> Downloads:
    from commitments.infra.cache import bump_data_version

    bump_data_version()  # each built by the view, not replayed by the page cache (a small file)
    single = download(port, path)
    bump_data_version()
    return Downloads(single, together(2, lambda: download(port, path)))


# The admin ------------------------------------------------------------------------------------


@dataclass
class AdminTiming:
    name: str
    path: str
    status: int = 0
    queries: int = 0
    size: int = 0
    ms: list[float] = field(default_factory=list)


def admin_paths() -> list[tuple[str, str]]:
    """Each big changelist with a filter or a search, with values found in the demo data."""
    from django.urls import reverse

    from commitments.models import Commitment, Statement, Theme

    statement = Statement.objects.order_by("-made_on", "id").values_list("slug", flat=True).first() or "none"
    title = Commitment.objects.order_by("id").values_list("title", flat=True).first() or "none"
    word = title.split()[0].lower()
    theme = Theme.objects.order_by("id").values_list("id", flat=True).first() or 0

    def url(model: str, query: str) -> str:
        return f"{reverse(f'admin:commitments_{model}_changelist')}?{query}"

    return [
        ("commitments ?status", url("commitment", "status__exact=in_progress")),
        ("commitments ?statement", url("commitment", f"statement={statement}")),
        ("commitments ?theme", url("commitment", f"themes__id__exact={theme}")),
        ("commitments ?q", url("commitment", f"q={word}")),
        ("status updates ?state", url("statusupdate", "state__exact=published")),
        ("status updates ?statement", url("statusupdate", f"statement={statement}")),
        ("status updates ?q", url("statusupdate", f"q={word}")),
        ("articles ?kind", url("article", "kind__exact=news")),
        ("articles ?q", url("article", "q=demo")),
        ("article links ?q", url("articlelink", f"q={word}")),
        ("statements ?state", url("statement", "state__exact=published")),
    ]


def measure_admin(*, rounds: int, max_seconds: float) -> list[AdminTiming]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    timings = [AdminTiming(name, path) for name, path in admin_paths()]
    for timing in timings:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(timing.path)
        timing.status, timing.queries, timing.size = response.status_code, len(captured), len(response.content)
    deadline = time.monotonic() + max_seconds
    for _ in range(rounds):
        if time.monotonic() > deadline:
            break
        for timing in timings:
            if timing.status == 200:
                started = time.perf_counter()
                client.get(timing.path)
                timing.ms.append((time.perf_counter() - started) * 1000)
    return timings


def report_admin(timings: list[AdminTiming], out) -> float | None:
    print(f"\n{'admin changelist':<28} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'KB':>8}", file=out)
    worst = None
    for t in timings:
        if t.status != 200 or not t.ms:
            print(f"{t.name:<28} answered {t.status}", file=out)
            continue
        p50 = percentile(t.ms, 50)
        print(f"{t.name:<28} {t.queries:>7} {p50:8.2f} {percentile(t.ms, 95):8.2f} {t.size / 1000:8.1f}", file=out)
        worst = p50 if worst is None else max(worst, p50)
    return worst


def admin_largest_kb(timings: list[AdminTiming]) -> float | None:
    sizes = [t.size for t in timings if t.status == 200]
    return max(sizes) / 1000 if sizes else None


def time_dashboard_aggregates(*, rounds: int) -> list[float]:
    """The dashboard's aggregates computed outright (no cache): what the background thread pays
    after each edit, while readers are answered with the previous figures."""
    from django.test import override_settings

    from commitments.domain.stats import dashboard_stats

    timings = []
    with override_settings(COUNT_CACHE_SECONDS=0):
        for _ in range(rounds):
            started = time.perf_counter()
            dashboard_stats()
            timings.append((time.perf_counter() - started) * 1000)
    return timings

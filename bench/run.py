#!/usr/bin/env python
"""Benchmark the tracker's API and pages on a demo database, against the raw-SQL floor.

    bench/run.py --quick                 # 2,000 commitments, under two minutes (make bench)
    bench/run.py --commitments 100000    # the full run; use PostgreSQL
    bench/run.py --quick --peer datasette
    bench/run.py --commitments 100000 --peer datasette --growth 10000 --growth-database-url URL

The database is the one DATABASE_URL names; without it, bench/bench.sqlite3 (never the
development database). It is filled with `generate_demo_data` unless it already holds demo data
of the requested size, and the benchmark refuses a database holding real data.

In one process, interleaved in shuffled rounds, each endpoint is requested through Django's test
client with debug off; the median (p50) and 95th percentile (p95) of the wall time are printed.
Pages are timed cold (the cache's data version bumped first, as after an edit) and cached (the
same request just served once). For each API endpoint the *floor* is timed too: the exact SQL
Django ran for it, executed through the database driver's own cursor, rows turned into dicts and
then JSON by orjson. endpoint p50 / floor p50 is the ratio printed.

Then (bench/targets.py): the admin's changelists with a filter or a search; with --peer, Datasette
against the tracker over HTTP (throughput, the equivalent list, search and detail, the CSV); a
production-like gunicorn for the dashboard read by 8 readers at once after each edit and for two
concurrent CSV downloads; with --growth, the same table on a smaller database. The output ends
with the summary lines (worst_ratio=, worst_detail_ratio=, worst_peer_ratio=, export_peer_ratio=,
dashboard_cold_ms=, admin_worst_ms=, worst_growth=). See bench/README.md for what they mean.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: bench/ is on the path, the project is not
    sys.path.insert(0, str(ROOT))

from bench import targets  # noqa: E402
from bench.load import load, percentile  # noqa: E402

QUICK_COMMITMENTS = 2_000
FULL_COMMITMENTS = 100_000
SEARCH_TERM = "ransomware"
PEER_PATH = "/api/v1/commitments/?page_size=50"
DATASETTE_PATH = "/db/commitments.json?_size=50"


# Figures -------------------------------------------------------------------------------------


def ratio(endpoint_ms: float, floor_ms: float) -> float:
    if floor_ms <= 0:
        raise ValueError("The floor must take some time.")
    return endpoint_ms / floor_ms


def is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def run_floor(sqls: list[str]) -> bytes:
    """Run captured SQL through the driver's cursor (no ORM) and serialise the rows with orjson.

    Only reads are replayed: the floor is what the answer costs at the least, and a GET should
    not write. Values orjson does not know (Decimal) become strings, as an API would print them.
    """
    import orjson
    from django.db import connection

    connection.ensure_connection()
    cursor = connection.connection.cursor()
    results = []
    try:
        for sql in sqls:
            if not is_read(sql):
                continue
            cursor.execute(sql)
            columns = [column[0] for column in cursor.description]
            results.append([dict(zip(columns, row, strict=True)) for row in cursor.fetchall()])
    finally:
        cursor.close()
    return orjson.dumps(results, default=str)


@dataclass
class Endpoint:
    name: str
    path: str
    api: bool = False  # API endpoints get a floor and count towards worst_ratio
    detail: bool = False  # an API detail: its ratio counts towards worst_detail_ratio instead
    floor: bool = False  # a floor without counting towards either (the sitemap section)

    @property
    def floored(self) -> bool:
        return self.api or self.floor

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


@dataclass
class Measurement:
    endpoint: Endpoint
    status: int | None = None
    skipped: str = ""
    queries: int = 0
    sql: list[str] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    cached_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    cache_hits: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if not (self.endpoint.floored and self.cold_ms and self.floor_ms):
            return None
        return ratio(statistics.median(self.cold_ms), statistics.median(self.floor_ms))


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter_ns()
    result = call()
    return (time.perf_counter_ns() - started) / 1e6, result


def probe(client, endpoint: Endpoint) -> Measurement:
    """Request twice, cold, capturing the SQL of the second; decide whether the endpoint can be
    measured. The first request after an edit that has no earlier figures computes them all; the
    second is what every later one does (a long list's count from before the edit, recounted by
    another thread: infra.counts.cached_count), so its SQL is the floor's."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments.infra.cache import bump_data_version

    measurement = Measurement(endpoint)
    try:
        bump_data_version()
        client.get(endpoint.path)
        time.sleep(0.2)  # the first request's recounts, if any, are stored meanwhile
        bump_data_version()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(endpoint.path)
    except Exception as exc:  # a crashing view is a finding, not a reason to stop the run
        measurement.skipped = f"raised {type(exc).__name__}: {exc}"
        return measurement
    measurement.status = response.status_code
    measurement.queries = len(captured.captured_queries)
    measurement.sql = [q["sql"] for q in captured.captured_queries]
    if response.status_code == 404:
        measurement.skipped = "404: not built on this branch yet"
    elif response.status_code != 200:
        measurement.skipped = f"answered {response.status_code}"
    return measurement


def settle(timeout: float = 30) -> None:
    """Wait, untimed, for the recounts a cold request left to the recomputation thread
    (infra.cache): the next edit comes after them, as edits seconds apart do, not 30 ms later
    with them running."""
    from commitments.infra.recomputations import recomputations_done

    recomputations_done(timeout)


def fill(client, path: str) -> None:
    """Request `path` until its answer is stored, to time the replay. An answer built from figures
    of before the last edit is not stored (infra.cache: served_stale, `no-store`); once the
    figures' recount has landed, the next one is. Each answer is written once it is given
    (infra.cache.keep): settled before the replay."""
    for _ in range(2):
        answer = client.get(path)
        settle()
        if "no-store" not in answer.get("Cache-Control", ""):
            return


def measure(
    client,
    endpoints: list[Endpoint],
    *,
    rounds: int,
    warmup: int = 2,
    max_seconds: float = 600,
    seed: int = 0,
) -> list[Measurement]:
    """Probe every endpoint, then time the measurable ones in shuffled, interleaved rounds."""
    from commitments.infra.cache import bump_data_version

    measurements = [probe(client, endpoint) for endpoint in endpoints]
    live = [m for m in measurements if not m.skipped]
    tasks: list[tuple[Measurement, str]] = []
    for m in live:
        tasks += [(m, "cold"), (m, "cached")]
        if m.endpoint.floored:
            tasks.append((m, "floor"))
    rng = random.Random(seed)
    deadline = time.monotonic() + max_seconds
    for n in range(warmup + rounds):
        if time.monotonic() > deadline:
            break
        rng.shuffle(tasks)
        for m, kind in tasks:
            if kind == "floor":
                ms, _ = timed(lambda m=m: run_floor(m.sql))
                target = m.floor_ms
            else:
                if kind == "cold":
                    bump_data_version()  # as after an edit: every cached response is stale
                else:
                    fill(client, m.endpoint.path)
                ms, response = timed(lambda m=m: client.get(m.endpoint.path))
                if kind == "cold":
                    settle()
                if response.status_code != 200:
                    m.errors.append(f"{kind}: {response.status_code}")
                    continue
                target = m.cold_ms if kind == "cold" else m.cached_ms
                if kind == "cached" and n >= warmup and response.get("X-Cache") == "hit":
                    m.cache_hits += 1
            if n >= warmup:
                target.append(ms)
    return measurements


def fmt(values: list[float], pct: float) -> str:
    return f"{percentile(values, pct):8.2f}" if values else f"{'-':>8}"


def report(measurements: list[Measurement], out=sys.stdout) -> float | None:
    """Print the table; return the worst API list ratio (None when no API list answered)."""
    header = f"{'endpoint':<26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'cached':>8} {'floor':>8} {'ratio':>6}"
    print(header, file=out)
    print("-" * len(header), file=out)
    for m in measurements:
        if m.skipped:
            continue
        r = m.ratio
        cached = fmt(m.cached_ms, 50) if m.cache_hits == len(m.cached_ms) else f"{'no hit':>8}"
        print(
            f"{m.endpoint.name:<26} {m.queries:>7} {fmt(m.cold_ms, 50)} {fmt(m.cold_ms, 95)} {cached} "
            f"{fmt(m.floor_ms, 50)} {f'{r:6.2f}' if r is not None else '     -'}",
            file=out,
        )
    worst = worst_of(measurements)
    for m in measurements:
        if m.skipped:
            print(f"skipped {m.endpoint}: {m.skipped}", file=out)
        if m.errors:
            print(f"errors  {m.endpoint}: {len(m.errors)} (first: {m.errors[0]})", file=out)
    print("p50/p95: cold (cache version bumped first); cached: p50 of a just-filled entry; floor: p50", file=out)
    return worst


def worst_of(measurements: list[Measurement], *, detail: bool = False) -> float | None:
    """The largest ratio over the API lists (or, with `detail`, over the API details)."""
    ratios = [m.ratio for m in measurements if m.endpoint.api and m.endpoint.detail == detail and m.ratio is not None]
    return max(ratios, default=None)


def line(name: str, value: float | None, digits: int = 2, why: str = "not measured") -> str:
    return f"{name}={value:.{digits}f}" if value is not None else f"{name}=n/a ({why})"


def worst_ratio_line(worst: float | None) -> str:
    return f"worst_ratio={worst:.2f}" if worst is not None else "worst_ratio=n/a (no API endpoint answered)"


# The dataset --------------------------------------------------------------------------------


def ensure_dataset(commitments: int, seed: int, *, regenerate: bool = False, out=sys.stdout) -> None:
    from django.core.management import call_command

    from commitments.data.demo import demo_commitment_count, real_data_counts

    call_command("migrate", verbosity=0, interactive=False)
    real = real_data_counts()
    if real:
        found = ", ".join(f"{n:,} {name}" for name, n in real.items())
        raise SystemExit(
            f"The benchmark database holds real data ({found}); point DATABASE_URL at a database of its own."
        )
    have = demo_commitment_count()
    if have == commitments:
        print(f"reusing the demo data already there ({have:,} commitments)", file=out)
        return
    if have and not regenerate:
        # A full-size data set takes minutes to build; a quick run must not wipe it by accident.
        raise SystemExit(
            f"The database holds {have:,} demo commitments, not {commitments:,}. Pass --regenerate to replace "
            "them, or point DATABASE_URL at another database."
        )
    print(f"generating {commitments:,} demo commitments (seed {seed})…", file=out, flush=True)
    call_command("generate_demo_data", commitments=commitments, seed=seed, stdout=out)


def endpoints_for_dataset() -> list[Endpoint]:
    """The endpoints of the issue, with a real slug, theme and status from the demo data."""
    from django.db.models import Count

    from commitments.data.demo import DEMO_PREFIX
    from commitments.models import Commitment, Statement, Theme

    def middle_slug(model) -> str:
        # The published demo record halfway through by id: neither the newest nor the oldest.
        published = model.objects.published().filter(slug__startswith=DEMO_PREFIX).order_by("id")
        total = published.count()
        return published.values_list("slug", flat=True)[total // 2] if total else "missing"

    slug, statement = middle_slug(Commitment), middle_slug(Statement)
    theme = (
        Theme.objects.filter(slug__startswith=DEMO_PREFIX)
        .annotate(n=Count("commitments"))
        .order_by("-n", "slug")
        .values_list("slug", flat=True)
        .first()
    ) or "missing"
    return [
        Endpoint("api list", "/api/v1/commitments/", api=True),
        Endpoint("api list theme+status", f"/api/v1/commitments/?theme={theme}&status=in_progress", api=True),
        Endpoint("api detail", f"/api/v1/commitments/{slug}/", api=True, detail=True),
        Endpoint("api status-updates", "/api/v1/status-updates/", api=True),
        # The same first page by keyset: no count (commitments/api/pagination.py).
        Endpoint("api status-updates cursor", "/api/v1/status-updates/?cursor=start", api=True),
        Endpoint("api search", f"/api/v1/commitments/?search={SEARCH_TERM}", api=True),
        # The other public lists and details, each with its own counts and relations.
        Endpoint("api themes", "/api/v1/themes/", api=True),
        Endpoint("api theme detail", f"/api/v1/themes/{theme}/", api=True, detail=True),
        Endpoint("api actors", "/api/v1/actors/", api=True),
        Endpoint("api statements", "/api/v1/statements/", api=True),
        Endpoint("api statement detail", f"/api/v1/statements/{statement}/", api=True, detail=True),
        Endpoint("api articles", "/api/v1/articles/", api=True),
        Endpoint("api article-links", "/api/v1/article-links/", api=True),
        Endpoint("api quotes", "/api/v1/quotes/", api=True),
        Endpoint("html list", "/commitments/"),
        Endpoint("html detail", f"/commitments/{slug}/"),
        Endpoint("html dashboard", "/"),
        # The first page of the section: SITEMAP_LIMIT (10,000) addresses at full size.
        Endpoint("sitemap commitments", "/sitemap-commitments.xml", floor=True),
    ]


def describe_machine() -> str:
    from django.db import connection

    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    cpus = os.cpu_count()
    try:
        load = f"load {os.getloadavg()[0]:.1f}"
    except OSError:
        load = "load n/a"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0].split(" on ")[0]
    return (
        f"{connection.vendor} {version} ({Path(str(name)).name}); Python {platform.python_version()}; "
        f"{cpus} CPUs, {load}; {platform.platform(terse=True)}"
    )


# The peer comparison ------------------------------------------------------------------------


def export_for_datasette(path: Path) -> int:
    """The published commitments, as our API lists them, in a SQLite table `commitments`.

    Rows go in our API's default order, so Datasette's default page (rowid order) holds the same
    commitments as ours, with the same content: every field our API prints for a commitment,
    its themes and actors as JSON text (Datasette serves them as strings) and its statement's.
    """
    import orjson

    from commitments.api.representations import COMMITMENT_COLUMNS, commitment_rows
    from commitments.models import Commitment

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    names: dict[str, dict[int, list]] = {}
    for relation in ("themes", "actors"):
        through = getattr(Commitment, relation).through
        target = relation[:-1]
        grouped: dict[int, list] = {}
        pairs = through.objects.order_by(f"{target}__name", f"{target}_id").values_list(
            "commitment_id", f"{target}__slug", f"{target}__name"
        )
        for commitment_id, slug, name in pairs.iterator():
            grouped.setdefault(commitment_id, []).append({"slug": slug, "name": name})
        names[relation] = grouped
    columns = [column.replace("__", "_") for column in COMMITMENT_COLUMNS] + ["themes", "actors"]
    rows = commitment_rows(Commitment.objects.published().order_by("-statement__made_on", "pk"))

    def as_sqlite(row: dict) -> tuple:
        values = [str(v) if v is not None and not isinstance(v, (int, str)) else v for v in row.values()]
        return (*values, *(orjson.dumps(names[r].get(row["id"], [])).decode() for r in ("themes", "actors")))

    with sqlite3.connect(path) as db:
        db.execute(f"CREATE TABLE commitments ({', '.join(columns)})")
        db.executemany(
            f"INSERT INTO commitments VALUES ({', '.join('?' for _ in columns)})",
            (as_sqlite(row) for row in rows.iterator()),
        )
        # Full-text search over the same text our search reads, as Datasette's `_search` uses it
        # (it finds the index by its content= table).
        db.execute("CREATE VIRTUAL TABLE commitments_fts USING fts5(title, wording, summary, content=[commitments])")
        db.execute("INSERT INTO commitments_fts (commitments_fts) VALUES ('rebuild')")
        count = db.execute("SELECT count(*) FROM commitments").fetchone()[0]
    db.close()
    return count


def ensure_datasette(out=sys.stdout) -> None:
    try:
        import datasette  # noqa: F401
    except ImportError:
        print("installing Datasette from bench/requirements.txt…", file=out, flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "-r", str(ROOT / "bench" / "requirements.txt")],
            check=True,
        )


@dataclass
class HttpFigures:
    pairs: list[targets.Pair] = field(default_factory=list)
    export_ms: dict[str, float] = field(default_factory=dict)  # "datasette" / "tracker": one download
    export_bytes: dict[str, int] = field(default_factory=dict)
    readers_ms: list[float] = field(default_factory=list)
    downloads: targets.Downloads | None = None

    @property
    def worst_peer(self) -> float | None:
        ratios = [pair.ratio for pair in self.pairs if pair.ratio is not None]
        return max(ratios, default=None)

    @property
    def export_ratio(self) -> float | None:
        if {"datasette", "tracker"} <= set(self.export_ms):
            return self.export_ms["tracker"] / self.export_ms["datasette"]
        return None


def datasette_rowid(database: Path, slug: str) -> int:
    with sqlite3.connect(database) as db:
        found = db.execute("SELECT rowid FROM commitments WHERE slug = ?", (slug,)).fetchone()
    db.close()
    return found[0] if found else 0


def run_peer(
    figures: HttpFigures,
    *,
    slug: str,
    requests: int,
    concurrency: int,
    max_seconds: float,
    workers: int,
    path: str = PEER_PATH,
    out=sys.stdout,
) -> None:
    """Datasette against the tracker: throughput under load, then the equivalent requests and the
    CSV download one at a time (the tracker with no cache at all: every request cold)."""
    ensure_datasette(out)
    database = ROOT / "bench" / ".peer" / "db.sqlite3"  # Datasette names the database "db" after the file
    exported = export_for_datasette(database)
    print(f"\npeer: {exported:,} published commitments exported to {database.relative_to(ROOT)}", file=out)
    figures.pairs = targets.equivalent_pairs(slug, datasette_rowid(database, slug), SEARCH_TERM)
    equivalents = min(requests, 200)
    print(
        f"load: {requests:,} GETs over {concurrency} keep-alive connections, at most {max_seconds:.0f} s each; "
        f"gunicorn with {workers} worker(s) × {concurrency} threads, Datasette with its defaults (one process); "
        f"equivalents: {equivalents} GETs one at a time",
        file=out,
    )
    try:
        with targets.datasette(database) as port:
            for server_path in (DATASETTE_PATH, DATASETTE_PATH + "&_nosuggest=1"):
                measure_server("datasette", port, server_path, requests, concurrency, max_seconds, out)
            timed = targets.time_paths(
                port, [p.theirs for p in figures.pairs], requests=equivalents, max_seconds=max_seconds
            )
            for pair, (ms, statuses) in zip(figures.pairs, timed, strict=True):
                pair.theirs_ms, pair.statuses = ms, pair.statuses | statuses
            single = targets.download(port, targets.DATASETTE_CSV_PATH)
            figures.export_ms["datasette"], figures.export_bytes["datasette"] = single.seconds * 1000, single.size
    except RuntimeError as exc:
        print(f"datasette could not be measured: {exc} (log: bench/.peer/datasette.log)", file=out)
    no_cache = {"PAGE_CACHE_SECONDS": "0", "COUNT_CACHE_SECONDS": "0"}
    servers = [
        # No cache at all: every request counts and serialises, as right after each edit.
        ("tracker (no cache)", no_cache),
        # The page cache off, the pagination count cached (the default): the view runs each time.
        ("tracker (count cache)", {"PAGE_CACHE_SECONDS": "0", "COUNT_CACHE_SECONDS": "300"}),
        ("tracker (page cache)", {"PAGE_CACHE_SECONDS": "300"}),
    ]
    for label, env in servers:
        try:
            with targets.gunicorn(label, workers=workers, threads=concurrency, env=env) as port:
                measure_server(label, port, path, requests, concurrency, max_seconds, out)
                if env is no_cache:
                    timed = targets.time_paths(
                        port, [p.ours for p in figures.pairs], requests=equivalents, max_seconds=max_seconds
                    )
                    for pair, (ms, statuses) in zip(figures.pairs, timed, strict=True):
                        pair.ours_ms, pair.statuses = ms, pair.statuses | statuses
                    single = targets.download(port, targets.CSV_PATH)
                    figures.export_ms["tracker"], figures.export_bytes["tracker"] = single.seconds * 1000, single.size
        except RuntimeError as exc:
            print(f"{label:<20} could not be measured: {exc} (log: bench/.peer/tracker.log)", file=out)
    print(f"\n{'equivalent request':<20} {'tracker p50':>12} {'datasette p50':>14} {'ratio':>6}", file=out)
    for pair in figures.pairs:
        ours = f"{statistics.median(pair.ours_ms):12.2f}" if pair.ours_ms else f"{'-':>12}"
        theirs = f"{statistics.median(pair.theirs_ms):14.2f}" if pair.theirs_ms else f"{'-':>14}"
        r = pair.ratio
        print(f"{pair.name:<20} {ours} {theirs} {f'{r:6.2f}' if r is not None else '     -'}", file=out)
    for who in ("datasette", "tracker"):
        if who in figures.export_ms:
            print(
                f"CSV download, {who}: {figures.export_ms[who]:,.0f} ms, {figures.export_bytes[who]:,} bytes", file=out
            )


def measure_server(label: str, port: int, path: str, requests: int, concurrency: int, max_seconds: float, out) -> None:
    status, _ms = targets.timed_get(port, path)
    if status != 200:
        print(f"{label:<20} {path}: answered {status}, skipped (not built on this branch yet?)", file=out)
        return
    load(port, path, requests=min(50, requests), concurrency=concurrency, max_seconds=10)  # warm-up
    result = load(port, path, requests=requests, concurrency=concurrency, max_seconds=max_seconds)
    others = {s: n for s, n in result.statuses.items() if s != 200}
    print(
        f"{label:<20} {path}: {result.rps:8.1f} req/s, p50 {percentile(result.latencies_ms, 50):.1f} ms, "
        f"{result.ok:,}/{result.requests:,} OK in {result.seconds:.1f} s, {result.body_bytes:,} bytes"
        + (f", other: {others}" if others else ""),
        file=out,
    )


def run_production_server(figures: HttpFigures, *, readers: int, rounds: int, max_seconds: float, out) -> None:
    """gunicorn as deployed (two workers × four threads, every cache on): the dashboard read by
    `readers` at once right after each edit, then the CSV download alone and two at once."""
    print("\nproduction server: gunicorn, 2 workers × 4 threads, caches on", file=out)
    try:
        with targets.gunicorn("tracker (production)", workers=2, threads=4) as port:
            figures.readers_ms = targets.readers_after_edits(
                port, "/", readers=readers, rounds=rounds, max_seconds=max_seconds
            )
            figures.downloads = targets.downloads(port)
    except RuntimeError as exc:
        print(f"production server could not be measured: {exc} (log: bench/.peer/tracker.log)", file=out)
        return
    if figures.readers_ms:
        print(
            f"dashboard, {readers} readers at once after each of {len(figures.readers_ms) // readers} edits: "
            f"p50 {percentile(figures.readers_ms, 50):.1f} ms, p99 {percentile(figures.readers_ms, 99):.1f} ms",
            file=out,
        )
    d = figures.downloads
    if d is not None:
        for name, each in [("alone", d.single), *((f"concurrent {n + 1}", x) for n, x in enumerate(d.pair))]:
            print(
                f"CSV {name:<13} status {each.status}, {each.seconds:7.2f} s, {each.size:,} bytes"
                f" (Content-Length {each.content_length if each.content_length is not None else 'none'})"
                + (f", {each.error}" if each.error else "")
                + ("" if each.complete else ", INCOMPLETE"),
                file=out,
            )
        print(
            f"two concurrent CSV downloads byte-identical to a single one: {'yes' if d.identical else 'NO'}", file=out
        )


def cold_p50s(measurements: list[Measurement]) -> dict[str, float]:
    return {m.endpoint.name: statistics.median(m.cold_ms) for m in measurements if m.cold_ms}


def run_growth(size: int, database_url: str, *, seed: int, rounds: int, out) -> dict[str, float]:
    """The in-process table on a second demo database of `size` commitments, in a subprocess
    (one database per process): its cold p50s by endpoint."""
    result_path = ROOT / "bench" / ".peer" / "growth.json"
    result_path.parent.mkdir(parents=True, exist_ok=True)
    result_path.unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--commitments", str(size), "--seed", str(seed)]
    command += ["--rounds", str(rounds), "--cold-p50s-to", str(result_path)]
    print(
        f"\ngrowth: the same endpoints on {size:,} commitments ({database_url.rsplit('/', 1)[-1]})",
        file=out,
        flush=True,
    )
    completed = subprocess.run(command, env={**os.environ, "DATABASE_URL": database_url}, cwd=ROOT, timeout=3600)
    if completed.returncode != 0 or not result_path.exists():
        print(f"growth run failed with {completed.returncode}", file=out)
        return {}
    return json.loads(result_path.read_text())


# Entry point --------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help=f"small run: {QUICK_COMMITMENTS:,} commitments, fewer rounds"
    )
    parser.add_argument(
        "--commitments", type=int, help=f"demo commitments in the database (default {FULL_COMMITMENTS:,})"
    )
    parser.add_argument("--seed", type=int, default=2021, help="demo data seed (default 2021)")
    parser.add_argument(
        "--regenerate", action="store_true", help="replace demo data of another size (refused otherwise)"
    )
    parser.add_argument("--rounds", type=int, help="timed rounds per endpoint (default 30 quick, 100 full)")
    parser.add_argument("--max-seconds", type=float, help="cap on the timing loop (default 60 quick, 900 full)")
    parser.add_argument("--peer", choices=["datasette"], help="also compare throughput with a peer under load")
    parser.add_argument("--peer-requests", type=int, default=2000, help="GETs per server in the peer comparison")
    parser.add_argument("--peer-concurrency", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--peer-seconds", type=float, default=30, help="time cap per server (default 30)")
    parser.add_argument("--peer-workers", type=int, default=1, help="gunicorn worker processes (default 1)")
    parser.add_argument("--peer-path", default=PEER_PATH, help=f"our side of the comparison (default {PEER_PATH})")
    parser.add_argument("--readers", type=int, default=8, help="dashboard readers at once after an edit (default 8)")
    parser.add_argument(
        "--edits", type=int, help="edits (rounds of readers) for the dashboard (default 10 quick, 30 full)"
    )
    parser.add_argument("--no-http", action="store_true", help="skip the production server (readers, downloads)")
    parser.add_argument("--growth", type=int, metavar="SMALL", help="also measure a demo database of SMALL commitments")
    parser.add_argument("--growth-database-url", help="the database of the --growth run (required with it)")
    # Internal: a growth run writes its cold p50s here and prints nothing else of interest.
    parser.add_argument("--cold-p50s-to", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.growth is not None and not args.growth_database_url:
        parser.error("--growth needs --growth-database-url (a database of its own)")
    if args.commitments is None:
        args.commitments = QUICK_COMMITMENTS if args.quick else FULL_COMMITMENTS
    if args.commitments < 1:
        parser.error("--commitments must be at least 1")
    args.rounds = args.rounds or (30 if args.quick else 100)
    args.max_seconds = args.max_seconds or (60 if args.quick else 900)
    args.edits = args.edits or (10 if args.quick else 30)
    return args


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # Never the development database: its seed data is real data, which the benchmark refuses.
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'bench.sqlite3'}")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    setup_django()
    from django.test import Client

    ensure_dataset(args.commitments, args.seed, regenerate=args.regenerate)
    print(describe_machine())
    endpoints = endpoints_for_dataset()
    measurements = measure(Client(), endpoints, rounds=args.rounds, max_seconds=args.max_seconds)
    report(measurements)
    if args.cold_p50s_to:
        args.cold_p50s_to.write_text(json.dumps(cold_p50s(measurements)))
        return 0

    aggregates = targets.time_dashboard_aggregates(rounds=max(3, args.rounds // 10))
    admin = targets.measure_admin(rounds=max(5, args.rounds // 5), max_seconds=args.max_seconds / 3)
    admin_worst = targets.report_admin(admin, sys.stdout)
    figures = HttpFigures()
    if args.peer == "datasette":
        detail = next((e for e in endpoints if e.detail), None)
        run_peer(
            figures,
            slug=detail.path.rstrip("/").rsplit("/", 1)[-1] if detail else "missing",
            requests=args.peer_requests,
            concurrency=args.peer_concurrency,
            max_seconds=args.peer_seconds,
            workers=args.peer_workers,
            path=args.peer_path,
        )
    if not args.no_http:
        run_production_server(figures, readers=args.readers, rounds=args.edits, max_seconds=300, out=sys.stdout)
    growth = None
    if args.growth:
        small = run_growth(args.growth, args.growth_database_url, seed=args.seed, rounds=args.rounds, out=sys.stdout)
        full = cold_p50s(measurements)
        growths = {name: full[name] / small[name] for name in full if small.get(name)}
        for name, g in growths.items():
            print(f"growth {name:<24} {small[name]:8.2f} → {full[name]:8.2f} ms  ×{g:.2f}")
        growth = max(growths.values(), default=None)

    by_name = {m.endpoint.name: m for m in measurements if not m.skipped}
    dashboard = by_name.get("html dashboard")
    sitemap = by_name.get("sitemap commitments")
    d = figures.downloads
    print(f"bench took {time.monotonic() - started:.0f} s")
    # Further figures of the targets, then the summary lines, last, for scripts.
    print(line("sitemap_ratio", sitemap.ratio if sitemap else None))
    readers = figures.readers_ms
    print(line("dashboard_readers_p50_ms", percentile(readers, 50) if readers else None, 1))
    print(line("dashboard_readers_p99_ms", percentile(readers, 99) if readers else None, 1))
    print(line("dashboard_aggregates_ms", statistics.median(aggregates), 1))  # in the background, after an edit
    print(line("admin_largest_kb", targets.admin_largest_kb(admin), 1))
    print(f"concurrent_exports={'n/a' if d is None else ('identical' if d.identical else 'DIFFERENT or incomplete')}")
    print(worst_ratio_line(worst_of(measurements)))
    print(line("worst_detail_ratio", worst_of(measurements, detail=True)))
    print(line("worst_peer_ratio", figures.worst_peer, why="run with --peer datasette"))
    print(line("export_peer_ratio", figures.export_ratio, why="run with --peer datasette"))
    print(line("dashboard_cold_ms", statistics.median(dashboard.cold_ms) if dashboard and dashboard.cold_ms else None))
    print(line("admin_worst_ms", admin_worst))
    if args.growth:
        print(line("worst_growth", growth, why="the growth run failed"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

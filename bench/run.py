#!/usr/bin/env python
"""Benchmark the tracker's API and pages on a demo database, against the raw-SQL floor.

    bench/run.py --quick                 # 2,000 commitments, under two minutes (make bench)
    bench/run.py --commitments 100000    # the full run; use PostgreSQL
    bench/run.py --quick --peer datasette

The database is the one DATABASE_URL names; without it, bench/bench.sqlite3 (never the
development database). It is filled with `generate_demo_data` unless it already holds demo data
of the requested size, and the benchmark refuses a database holding real data.

In one process, interleaved in shuffled rounds, each endpoint is requested through Django's test
client with debug off; the median (p50) and 95th percentile (p95) of the wall time are printed.
Pages are timed cold (the cache's data version bumped first, as after an edit) and cached (the
same request just served once). For each API endpoint the *floor* is timed too: the exact SQL
Django ran for it, executed through the database driver's own cursor, rows turned into dicts and
then JSON by orjson. endpoint p50 / floor p50 is the ratio printed; the last line is the worst.
See bench/README.md for what the figures mean.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUICK_COMMITMENTS = 2_000
FULL_COMMITMENTS = 100_000
SEARCH_TERM = "ransomware"
PEER_PATH = "/api/v1/commitments/?page_size=50"
DATASETTE_PATH = "/db/commitments.json?_size=50"


# Figures -------------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, no interpolation."""
    if not values:
        raise ValueError("No values to take a percentile of.")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceiling without floats drifting
    return ordered[int(rank) - 1]


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
        if not (self.endpoint.api and self.cold_ms and self.floor_ms):
            return None
        return ratio(statistics.median(self.cold_ms), statistics.median(self.floor_ms))


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter_ns()
    result = call()
    return (time.perf_counter_ns() - started) / 1e6, result


def probe(client, endpoint: Endpoint) -> Measurement:
    """Request once, cold, capturing the SQL; decide whether the endpoint can be measured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from commitments.infra.cache import bump_data_version

    measurement = Measurement(endpoint)
    bump_data_version()
    try:
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
        if m.endpoint.api:
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
                    client.get(m.endpoint.path)  # fill the entry, then time the replay
                ms, response = timed(lambda m=m: client.get(m.endpoint.path))
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
    """Print the table; return the worst API ratio (None when no API endpoint answered)."""
    header = f"{'endpoint':<26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'cached':>8} {'floor':>8} {'ratio':>6}"
    print(header, file=out)
    print("-" * len(header), file=out)
    worst = None
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
        if r is not None:
            worst = r if worst is None else max(worst, r)
    for m in measurements:
        if m.skipped:
            print(f"skipped {m.endpoint}: {m.skipped}", file=out)
        if m.errors:
            print(f"errors  {m.endpoint}: {len(m.errors)} (first: {m.errors[0]})", file=out)
    print("p50/p95: cold (cache version bumped first); cached: p50 of a just-filled entry; floor: p50", file=out)
    return worst


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
    from commitments.models import Commitment, Theme

    published = Commitment.objects.published().filter(slug__startswith=DEMO_PREFIX).order_by("id")
    total = published.count()
    slug = published.values_list("slug", flat=True)[total // 2] if total else "missing"
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
        Endpoint("api detail", f"/api/v1/commitments/{slug}/", api=True),
        Endpoint("api status-updates", "/api/v1/status-updates/", api=True),
        Endpoint("api search", f"/api/v1/commitments/?search={SEARCH_TERM}", api=True),
        Endpoint("html list", "/commitments/"),
        Endpoint("html detail", f"/commitments/{slug}/"),
        Endpoint("html dashboard", "/"),
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


@dataclass
class LoadResult:
    requests: int
    ok: int
    statuses: dict[int, int]
    seconds: float
    latencies_ms: list[float]
    body_bytes: int = 0

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0


def load(port: int, path: str, *, requests: int, concurrency: int, max_seconds: float) -> LoadResult:
    """A bounded loopback load: `requests` GETs over `concurrency` keep-alive connections, or
    until `max_seconds` have passed, whichever comes first."""
    lock = threading.Lock()
    issued = 0
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    sizes: list[int] = []
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        nonlocal issued
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while True:
                with lock:
                    if issued >= requests or time.monotonic() > deadline:
                        return
                    issued += 1
                started = time.perf_counter()
                try:
                    conn.request("GET", path, headers={"Accept": "application/json"})
                    response = conn.getresponse()
                    body = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    body, status = b"", 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    latencies.append(elapsed)
                    if status == 200:
                        sizes.append(len(body))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + 60)
    seconds = time.perf_counter() - started
    return LoadResult(issued, statuses.get(200, 0), statuses, seconds, latencies, max(sizes, default=0))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str, process: subprocess.Popen, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            status = conn.getresponse().status
            conn.close()
            return status
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered on port {port} within {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


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


def run_peer(
    *, requests: int, concurrency: int, max_seconds: float, workers: int, path: str = PEER_PATH, out=sys.stdout
) -> None:
    ensure_datasette(out)
    database = ROOT / "bench" / ".peer" / "db.sqlite3"  # Datasette names the database "db" after the file
    exported = export_for_datasette(database)
    print(f"\npeer: {exported:,} published commitments exported to {database.relative_to(ROOT)}", file=out)

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    gunicorn = [sys.executable, "-m", "gunicorn", "tracker.wsgi", "-b", "127.0.0.1:{port}"]
    gunicorn += ["--workers", str(workers), "--threads", str(concurrency), "--log-level", "warning"]
    # label, command, environment, paths: Datasette's default JSON page computes facet
    # suggestions; the second path turns them off, the leanest equivalent it offers.
    servers = [
        (
            "datasette",
            [sys.executable, "-m", "datasette", "serve", str(database), "-h", "127.0.0.1", "-p", "{port}"],
            env,
            [DATASETTE_PATH, DATASETTE_PATH + "&_nosuggest=1"],
        ),
        # No cache at all: every request counts and serialises, as right after each edit.
        ("tracker (no cache)", gunicorn, {**env, "PAGE_CACHE_SECONDS": "0", "COUNT_CACHE_SECONDS": "0"}, [path]),
        # The page cache off, the pagination count cached (the default): the view runs each time.
        ("tracker (count cache)", gunicorn, {**env, "PAGE_CACHE_SECONDS": "0", "COUNT_CACHE_SECONDS": "300"}, [path]),
        ("tracker (page cache)", gunicorn, {**env, "PAGE_CACHE_SECONDS": "300"}, [path]),
    ]
    print(
        f"load: {requests:,} GETs over {concurrency} keep-alive connections, at most {max_seconds:.0f} s each; "
        f"gunicorn with {workers} worker(s) × {concurrency} threads, Datasette with its defaults (one process)",
        file=out,
    )
    for label, command, server_env, paths in servers:
        port = free_port()
        # The server's log goes to a file: an unread pipe would fill up and stall the server.
        log_path = database.parent / f"{label.split()[0]}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [part.replace("{port}", str(port)) for part in command],
                cwd=ROOT,
                env=server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                for server_path in paths:
                    measure_server(label, port, server_path, process, requests, concurrency, max_seconds, out)
            except RuntimeError as exc:
                print(f"{label:<20} could not be measured: {exc} (log: {log_path.relative_to(ROOT)})", file=out)
            finally:
                stop(process)


def measure_server(
    label: str,
    port: int,
    path: str,
    process: subprocess.Popen,
    requests: int,
    concurrency: int,
    max_seconds: float,
    out,
) -> None:
    status = wait_until_up(port, path, process)
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
    args = parser.parse_args(argv)
    if args.commitments is None:
        args.commitments = QUICK_COMMITMENTS if args.quick else FULL_COMMITMENTS
    if args.commitments < 1:
        parser.error("--commitments must be at least 1")
    args.rounds = args.rounds or (30 if args.quick else 100)
    args.max_seconds = args.max_seconds or (60 if args.quick else 900)
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
    measurements = measure(Client(), endpoints_for_dataset(), rounds=args.rounds, max_seconds=args.max_seconds)
    worst = report(measurements)
    if args.peer == "datasette":
        run_peer(
            requests=args.peer_requests,
            concurrency=args.peer_concurrency,
            max_seconds=args.peer_seconds,
            workers=args.peer_workers,
            path=args.peer_path,
        )
    print(f"bench took {time.monotonic() - started:.0f} s")
    print(worst_ratio_line(worst))  # last, for scripts
    return 0


if __name__ == "__main__":
    sys.exit(main())

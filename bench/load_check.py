#!/usr/bin/env python
"""A short, bounded load check of production-style serving: two gunicorn workers on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_load bench/load_check.py
    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/13 bench/load_check.py

DATABASE_URL must name a PostgreSQL database of the check's own (it loads the seed data into it
and unpublishes, then publishes again, one commitment), and REDIS_URL, when set, a Redis database
of its own; without it the cache is the database's cache table. SQLite is refused: with two
workers writing cache entries and throttle counts, a third process's write waits on SQLite's
single lock until it gives up ("database is locked"), which is why production uses PostgreSQL.

It migrates the database, loads the seed data and starts `gunicorn --config
tracker/gunicorn.conf.py` with two workers, debug off and the page cache on, then checks:

1. **No stale page after an unpublish.** One published commitment's page and API record are
   requested on fresh connections, so by both workers, until they are cached (X-Cache: hit); the commitment is unpublished
   through the services from another process while readers keep polling; every answer to a
   request sent after the unpublish returned must be 404.
2. **No throttle bypass.** Requests to one cached API address from one client, spread over both
   workers, beyond the anonymous rate: exactly the rate's allowance is answered 200, the rest 429.

The commitment is published again at the end. Readers are told apart as a balancer would
(DJANGO_TRUSTED_PROXY_COUNT=1, X-Forwarded-For): each poller of check 1 has an address of its
own, so only check 2 meets the throttle. Every loop is bounded by a request count and seconds;
the server listens on 127.0.0.1 only and is stopped at the end. Exit status 1 when a check fails.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"

# Between two requests of one poller: four pollers then send a few hundred requests a second,
# enough to see the change arrive without the request cap ending the check first.
POLL_PAUSE = 0.01

_SERVICE = """
from commitments.domain.services import change_state
from commitments.models import Commitment
commitment = Commitment.objects.get(slug={slug!r})
for state in {states!r}:
    change_state(obj=commitment, state=state, user=None, reason="load check", system=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def get(port: int, path: str, client: str) -> tuple[int, str]:
    """One request on a fresh connection, so the kernel hands it to either worker."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"X-Forwarded-For": client, "Connection": "close"})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("X-Cache", "-")
    finally:
        connection.close()


def environment(args: argparse.Namespace, scratch: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "PAGE_CACHE", "API_"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="load-check-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS, no HSTS.
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_HSTS_SECONDS="0",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        PAGE_CACHE_SECONDS="300",
        API_ANON_THROTTLE=f"{args.rate}/min",
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG=str(scratch / "access.log"),
    )
    return env


def wait_ready(port: int, server: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped while starting")
        try:
            if get(port, "/health/ready/", "127.0.0.1")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn was not ready within {seconds} s")


def check_unpublish(args, env: dict, port: int, slug: str) -> dict:
    paths = [f"/commitments/{slug}/", f"/api/v1/commitments/{slug}/"]
    addresses = (f"10.1.{n // 250}.{n % 250 + 1}" for n in itertools.count())
    lock = threading.Lock()

    def next_address() -> str:
        with lock:
            return next(addresses)

    # Warm: both addresses hit on several fresh connections (both workers read one shared cache).
    warm = Counter()
    for _ in range(8):
        for path in paths:
            warm[get(port, path, next_address())] += 1

    unpublished_at: list[float] = []
    answers: list[tuple[float, str, int, str]] = []  # (sent, path, status, X-Cache)
    start = time.monotonic()

    def poll(path: str) -> None:
        for _ in range(args.requests // 4):
            if time.monotonic() - start > args.seconds:
                return
            if unpublished_at and time.monotonic() - unpublished_at[0] > args.after:
                return
            sent = time.monotonic()
            status, cache = get(port, path, next_address())
            with lock:
                answers.append((sent, path, status, cache))
            time.sleep(POLL_PAUSE)

    with ThreadPoolExecutor(4) as pool:
        pollers = [pool.submit(poll, path) for path in paths * 2]
        time.sleep(0.3)  # readers polling the cached pages before the change
        manage(env, "shell", "-c", _SERVICE.format(slug=slug, states=["draft"]))
        unpublished_at.append(time.monotonic())
        for poller in pollers:
            poller.result()

    moment = unpublished_at[0]
    after = [a for a in answers if a[0] >= moment]
    late = [a for a in answers if a[0] >= moment + 1]
    return {
        "warm": {f"{status} {cache}": n for (status, cache), n in warm.items()},
        "requests": len(answers),
        "before_unpublish": dict(Counter(f"{a[2]} {a[3]}" for a in answers if a[0] < moment)),
        "sent_after_unpublish": dict(Counter(f"{a[2]} {a[3]}" for a in after)),
        "sent_after_1s": dict(Counter(f"{a[2]} {a[3]}" for a in late)),
        "ok": bool(after) and all(a[2] == 404 for a in after),
    }


def check_throttle(args, port: int) -> dict:
    path = "/api/v1/themes/"
    client = "10.9.9.9"  # one client, as the balancer reports it
    total = args.rate + args.beyond
    start = time.monotonic()

    def one(_n: int) -> tuple[int, str] | None:
        if time.monotonic() - start > args.seconds:
            return None
        return get(port, path, client)

    with ThreadPoolExecutor(4) as pool:
        results = [r for r in pool.map(one, range(total)) if r is not None]
    statuses = Counter(status for status, _cache in results)
    return {
        "requests": len(results),
        "seconds": round(time.monotonic() - start, 2),
        "answers": {f"{status} {cache}": n for (status, cache), n in Counter(results).items()},
        "ok": len(results) == total and statuses[200] == args.rate and statuses[429] == args.beyond,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=120, help="anonymous API requests a minute (120)")
    parser.add_argument("--beyond", type=int, default=180, help="requests sent beyond the rate (180)")
    parser.add_argument("--requests", type=int, default=4000, help="cap on check 1's polling requests (4000)")
    parser.add_argument("--after", type=float, default=3.0, help="seconds check 1 polls after the unpublish (3)")
    parser.add_argument("--seconds", type=float, default=60.0, help="cap on each check's seconds (60)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database of the load check's own (see --help).")

    with tempfile.TemporaryDirectory(prefix="tracker-load-") as directory:
        scratch, port = Path(directory), free_port()
        env = environment(args, scratch, port)
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "load_seed")
        slug = manage(
            env,
            "shell",
            "-c",
            "from commitments.models import Commitment; "
            "print(Commitment.objects.published().order_by('pk').values_list('slug', flat=True).first())",
        ).splitlines()[-1]  # after the shell's note on what it imported
        errors = open(scratch / "error.log", "w")  # noqa: SIM115 (closed with the server, below)
        server = subprocess.Popen(
            [GUNICORN, "--config", "tracker/gunicorn.conf.py", "tracker.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )
        try:
            wait_ready(port, server, 60)
            report = {
                "database": "postgresql",
                "cache": "redis" if env.get("REDIS_URL") else "database",
                "workers": 2,
                "unpublish": check_unpublish(args, env, port, slug),
                "throttle": check_throttle(args, port),
            }
            manage(env, "shell", "-c", _SERVICE.format(slug=slug, states=["review", "published"]))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
            errors.close()
    print(json.dumps(report, indent=2))
    return 0 if report["unpublish"]["ok"] and report["throttle"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""A small, bounded HTTP load on a server of this machine (loopback only).

    bench/load.py --port 8000 --path /api/v1/commitments/ --requests 500 --concurrency 4 --seconds 30

Sends at most --requests GETs over --concurrency keep-alive connections, for at most --seconds,
and prints requests per second, latency percentiles, statuses and the answer size. Every loop is
bounded by a count and a time; only 127.0.0.1, ::1 and localhost are accepted. bench/run.py uses
the same functions for its peer comparison, its bursts of readers and its downloads.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

LOOPBACK = ("127.0.0.1", "::1", "localhost")
MAX_REQUESTS = 100_000
MAX_SECONDS = 900.0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: a value that was actually measured, no interpolation."""
    if not values:
        raise ValueError("No values to take a percentile of.")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceiling without floats drifting
    return ordered[int(rank) - 1]


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


def _connection(port: int, host: str = "127.0.0.1", timeout: float = 60) -> http.client.HTTPConnection:
    if host not in LOOPBACK:
        raise ValueError(f"Loopback only: {host!r} is not one of {', '.join(LOOPBACK)}.")
    return http.client.HTTPConnection(host, port, timeout=timeout)


def load(
    port: int, path: str, *, requests: int, concurrency: int, max_seconds: float, host: str = "127.0.0.1"
) -> LoadResult:
    """`requests` GETs over `concurrency` keep-alive connections, or until `max_seconds` have
    passed, whichever comes first."""
    requests, max_seconds = min(requests, MAX_REQUESTS), min(max_seconds, MAX_SECONDS)
    lock = threading.Lock()
    issued = 0
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    sizes: list[int] = []
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        nonlocal issued
        conn = _connection(port, host, timeout=30)
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
                    conn = _connection(port, host, timeout=30)
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


@dataclass
class Download:
    status: int
    seconds: float
    size: int
    digest: str
    content_length: int | None
    error: str = ""

    @property
    def complete(self) -> bool:
        """Status 200, no error, and as long as the server said (when it said)."""
        return (
            self.status == 200 and not self.error and (self.content_length is None or self.content_length == self.size)
        )


def download(port: int, path: str, *, timeout: float = 300, host: str = "127.0.0.1") -> Download:
    """One GET read to the end: how long, how many bytes, their SHA-256."""
    conn = _connection(port, host, timeout=timeout)
    digest, size, status, length, error = hashlib.sha256(), 0, 0, None, ""
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        status = response.status
        length = int(response.getheader("Content-Length")) if response.getheader("Content-Length") else None
        while chunk := response.read(1 << 16):
            digest.update(chunk)
            size += len(chunk)
    except (OSError, http.client.HTTPException) as exc:  # a body cut short is the finding
        error = f"{type(exc).__name__}: {exc}"
    finally:
        conn.close()
    return Download(status, time.perf_counter() - started, size, digest.hexdigest(), length, error)


def together(count: int, call) -> list:
    """`call()` from `count` threads released at the same moment; their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(i: int) -> None:
        barrier.wait(30)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    return results


def timed_get(port: int, path: str, host: str = "127.0.0.1") -> tuple[int, float]:
    """One GET on a new connection: (status, milliseconds)."""
    conn = _connection(port, host, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        status = response.status
    except (OSError, http.client.HTTPException):
        status = 0
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, path: str, process: subprocess.Popen, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} exited with {process.returncode}")
        try:
            conn = _connection(port, timeout=5)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/load.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", choices=LOOPBACK)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/api/v1/commitments/")
    parser.add_argument("--requests", type=int, default=500, help=f"GETs in all (at most {MAX_REQUESTS:,})")
    parser.add_argument("--concurrency", type=int, default=4, help="keep-alive connections (1-64)")
    parser.add_argument("--seconds", type=float, default=30, help=f"time cap (at most {MAX_SECONDS:.0f})")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 64 or args.requests < 1 or args.seconds <= 0:
        parser.error("--requests and --seconds must be positive, --concurrency between 1 and 64")
    result = load(
        args.port,
        args.path,
        requests=args.requests,
        concurrency=args.concurrency,
        max_seconds=args.seconds,
        host=args.host,
    )
    if not result.latencies_ms:
        print("no request was answered", file=sys.stderr)
        return 1
    print(
        f"{args.path}: {result.rps:.1f} req/s, p50 {percentile(result.latencies_ms, 50):.1f} ms, "
        f"p99 {percentile(result.latencies_ms, 99):.1f} ms, {result.ok:,}/{result.requests:,} OK in "
        f"{result.seconds:.1f} s, statuses {result.statuses}, {result.body_bytes:,} bytes"
    )
    return 0 if result.ok == result.requests else 1


if __name__ == "__main__":
    sys.exit(main())

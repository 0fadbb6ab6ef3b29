"""A private PostgreSQL primary and a streaming replica of it, on free loopback ports.

Tiny throwaway clusters (no fsync, small buffers) in a temporary directory, made with the server's
own tools: initdb, pg_basebackup -R (the replica follows the primary by streaming) and pg_ctl.
Run as the `postgres` user when the tests run as root, since the server refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Newest server first; PG_BINDIR names another.
_CANDIDATES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
BINDIR = Path(os.environ["PG_BINDIR"]) if os.environ.get("PG_BINDIR") else next(iter(_CANDIDATES), None)

# Written to the primary's postgresql.conf, which the replica's base backup copies.
_SERVER_SETTINGS = (
    "listen_addresses = '127.0.0.1'",
    "fsync = off",
    "full_page_writes = off",
    "shared_buffers = 8MB",
    "max_connections = 30",
    "wal_level = replica",
    "max_wal_senders = 4",
)


def server_tools_missing() -> str | None:
    """Why clusters cannot be made here, or None."""
    if BINDIR is None or not all((BINDIR / tool).exists() for tool in ("initdb", "pg_ctl", "pg_basebackup")):
        return "PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no postgres user to run the server as"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Clusters:
    directory: Path
    primary_port: int
    replica_port: int

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def replica_url(self) -> str:
        return self.url(self.replica_port)

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.directory / name / "postmaster.pid").exists():
                _run(["pg_ctl", "-D", str(self.directory / name), "-m", "immediate", "-w", "stop"], check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def _run(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    command = [str(BINDIR / command[0]), *command[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def _start(data: Path, port: int) -> None:
    _run(["pg_ctl", "-D", str(data), "-l", str(data / "server.log"), "-o", f"-p {port} -k {data}", "-w", "start"])


def start_clusters() -> Clusters:
    """A running primary and a replica streaming from it; call `stop()` when done."""
    directory = Path(tempfile.mkdtemp(prefix="tracker-replica-"))
    if os.geteuid() == 0:
        postgres = pwd.getpwnam("postgres")
        os.chown(directory, postgres.pw_uid, postgres.pw_gid)
    clusters = Clusters(directory, _free_port(), _free_port())
    try:
        primary, replica = directory / "primary", directory / "replica"
        _run(["initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        with open(primary / "postgresql.conf", "a") as conf:
            conf.write("\n" + "\n".join(_SERVER_SETTINGS) + "\n")
        _start(primary, clusters.primary_port)
        _run(
            [
                "pg_basebackup",
                *("-h", "127.0.0.1", "-p", str(clusters.primary_port), "-U", "postgres"),
                *("-D", str(replica), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
            ]
        )
        _start(replica, clusters.replica_port)
    except BaseException:
        clusters.stop()
        raise
    return clusters

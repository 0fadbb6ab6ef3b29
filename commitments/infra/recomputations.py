"""Recomputations of shared values (infra.cache.shared_by_version): when and where they run.

A recomputation answers nobody who waits for it (readers are given the previous value meanwhile),
so it is kept out of the way of those who do: it starts once the request that asked for it has
been answered, runs on one thread of the process after the ones before it, and on PostgreSQL
scans on one core. The cache's writes of what a request computed (an answer for the page cache, a
count) answer nobody either, and go the same way, ahead of the recomputations (`first`).
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import threading
from collections.abc import Callable

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.dispatch import receiver

logger = logging.getLogger(__name__)


def on_one_core(alias: str = "default") -> None:
    # A recomputation in the background answers nobody who waits: on PostgreSQL its scans run
    # without parallel workers, on one core, leaving the others to the requests being answered
    # meanwhile (the recomputation thread's own connection, which serves nothing else).
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")


# A recomputation asked for while a request is being answered would compete with it: on a server
# of two cores, the recount's scan, this request's own queries and its Python at once. So it waits
# for the request to be finished (request_finished: the server has the whole answer), when the
# value it replaces has served its reader. Outside a request (a command, a test) it starts at once.
_answering = threading.local()


def after_answer(job: Callable[[], None], *, first: bool = False) -> None:
    """Run `job` on the recomputation thread: once this thread's request is finished, or at once
    outside a request. `first`: a quick job (a cache write), run before the recomputations queued."""
    waiting = getattr(_answering, "waiting", None)
    if waiting is None:
        _submit(job, first=first)
    else:
        waiting.append((job, first))


def _start_waiting() -> None:
    waiting, _answering.waiting = getattr(_answering, "waiting", None), None
    for job, first in waiting or ():
        _submit(job, first=first)


# The recomputations run on one thread of the process, one after another: handing one over is a
# queue's put, where starting a thread for each made the request's thread wait for the new one to
# be scheduled (a millisecond and more, a tenth of a cold list). The thread is started on first
# use, and again in a process forked from one that had it. Jobs are taken by priority (the quick
# writes first), then in the order they came.
_jobs: queue.PriorityQueue[tuple[int, int, Callable[[], None]]] = queue.PriorityQueue()
_order = itertools.count()
_worker: threading.Thread | None = None
_idle = threading.Condition()
_pending = 0
# The thread keeps its database connections from one job to the next (opening one costs more than
# a cache write), as a request's thread does: checked before each job like a request's
# (close_old_connections), and closed once no job has come for this long.
IDLE_SECONDS = 10.0


def _submit(job: Callable[[], None], *, first: bool = False) -> None:
    global _worker, _pending
    with _idle:
        _pending += 1
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work, name="tracker-shared-value", daemon=True)
            _worker.start()
    _jobs.put((0 if first else 1, next(_order), job))


def _work() -> None:
    global _pending
    while True:
        try:
            _priority, _n, job = _jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            connections.close_all()  # this thread's connections only
            continue
        try:
            close_old_connections()  # as before and after a request
            job()
        except Exception:  # the thread stays for the next one
            logger.exception("A recomputation failed.")
        finally:
            with _idle:
                _pending -= 1
                _idle.notify_all()


def recomputations_done(timeout: float) -> bool:
    """Wait until no recomputation is queued or running in this process (the benchmark times
    each edit after the previous one's have ended); False if `timeout` seconds passed first."""
    with _idle:
        return _idle.wait_for(lambda: _pending == 0, timeout)


def release_connections(timeout: float = 10) -> bool:
    """Close the recomputation thread's database connections now, once the jobs before have run
    (a test run's end, before its database is dropped); False if `timeout` seconds passed first."""
    _submit(connections.close_all)
    return recomputations_done(timeout)


def _after_fork() -> None:
    global _jobs, _worker, _idle, _pending
    _jobs, _worker, _idle, _pending = queue.PriorityQueue(), None, threading.Condition(), 0


os.register_at_fork(after_in_child=_after_fork)


@receiver(request_started)
def _request_started(sender, **kwargs) -> None:
    _start_waiting()  # any left by a request that was never finished
    _answering.waiting = []


@receiver(request_finished)
def _request_finished(sender, **kwargs) -> None:
    _start_waiting()

"""What a request computed is written to the cache once it is answered, and a recount in the
background takes its own lock: a cold request writes nothing while its reader waits
(commitments/infra/cache.py: keep, shared_by_version; recomputations.py)."""

import hashlib
import threading

import pytest
from django.db import connections

from commitments.infra import cache as cache_module
from commitments.infra import recomputations
from commitments.infra.cache import (
    COUNT_PREFIX,
    bump_data_version,
    current_data_version,
    shared_by_version,
    shared_lock_key,
)
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caches_on(count_cache, settings):
    settings.PAGE_CACHE_SECONDS = 300


@pytest.fixture
def handed(monkeypatch):
    """Jobs handed to the recomputation thread, recorded (job, first) and not run, as if outside a
    transaction (where the thread's connection would see this one's writes)."""
    jobs: list[tuple] = []
    monkeypatch.setattr(cache_module, "_writes_after_answer", lambda: True)
    monkeypatch.setattr(cache_module, "_can_compute_in_background", lambda: True)
    monkeypatch.setattr(recomputations, "_submit", lambda job, first=False: jobs.append((job, first)))
    return jobs


def counting_adds(monkeypatch) -> list[str]:
    from django.core.cache import caches

    cache = caches["default"]
    adds: list[str] = []
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *args, **kwargs: adds.append(key) or real_add(key, *args, **kwargs))
    return adds


def test_an_answer_is_stored_once_it_is_given(client, caches_on, handed):
    ThemeFactory()
    assert client.get("/api/v1/themes/")["X-Cache"] == "miss"
    # The test client finishes the request before it returns: the answer's write is handed over
    # then, ahead of any recomputation, and not written yet.
    writes = [job for job, first in handed if first]
    assert len(writes) >= 1
    assert client.get("/api/v1/themes/")["X-Cache"] == "miss"
    for job in writes:
        job()
    assert client.get("/api/v1/themes/")["X-Cache"] == "hit"


def test_in_a_transaction_the_answer_is_stored_in_place(client, caches_on, monkeypatch):
    # The test's own transaction: another thread would not see what it reads, so nothing is handed over.
    handed: list = []
    monkeypatch.setattr(recomputations, "_submit", lambda job, first=False: handed.append(job))
    ThemeFactory()
    assert client.get("/api/v1/themes/")["X-Cache"] == "miss"
    assert client.get("/api/v1/themes/")["X-Cache"] == "hit"
    assert handed == []


def test_a_recount_in_the_background_takes_its_lock_there_and_is_handed_over_once(caches_on, handed, monkeypatch):
    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()
    adds = counting_adds(monkeypatch)

    # Two readers after the edit: both are given the previous value; neither writes.
    assert shared_by_version("figures", lambda: "after") == "before"
    assert shared_by_version("figures", lambda: pytest.fail("handed over twice")) == "before"
    assert adds == [] and len(handed) == 1

    job, first = handed[0]
    assert not first  # a recomputation waits behind the writes
    job()
    assert adds == [shared_lock_key("figures")]
    assert shared_by_version("figures", lambda: pytest.fail("not kept")) == "after"


def test_a_recount_another_process_has_made_meanwhile_is_not_made_again(caches_on, handed):
    from django.core.cache import cache

    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()
    assert shared_by_version("figures", lambda: pytest.fail("made although stored")) == "before"
    # Another worker stores the new value before this one's thread starts.
    cache.set(COUNT_PREFIX + hashlib.sha256(b"figures").hexdigest(), (current_data_version(), "theirs"))
    handed[0][0]()
    assert shared_by_version("figures", lambda: pytest.fail("recomputed")) == "theirs"


def test_a_recount_whose_lock_another_process_holds_is_left_to_it(caches_on, handed):
    from django.core.cache import cache

    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()
    assert shared_by_version("figures", lambda: pytest.fail("made although locked")) == "before"
    cache.add(shared_lock_key("figures"), True)
    handed[0][0]()
    assert shared_by_version("figures", lambda: "later") == "before"  # still the other one's to make


def test_writes_go_before_the_recomputations_waiting(db):
    ran: list[str] = []
    started, gate = threading.Event(), threading.Event()

    def running():
        started.set()
        gate.wait(5)
        ran.append("running")

    recomputations._submit(running)
    assert started.wait(5)
    recomputations._submit(lambda: ran.append("recount"))
    recomputations._submit(lambda: ran.append("write"), first=True)
    gate.set()
    assert recomputations.recomputations_done(5)
    assert ran == ["running", "write", "recount"]


@pytest.fixture
def closings(monkeypatch) -> list[str]:
    """The threads on which connections.close_all() ran (it closes that thread's connections)."""
    threads: list[str] = []
    real = connections.close_all
    monkeypatch.setattr(connections, "close_all", lambda: threads.append(threading.current_thread().name) or real())
    return threads


def test_the_thread_keeps_its_connection_between_jobs_until_released(db, closings):
    seen = []

    def job():
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        seen.append(connections["default"].connection)

    recomputations._submit(job)
    recomputations._submit(job)
    assert recomputations.recomputations_done(5)
    assert seen[0] is not None and seen[0] is seen[1]
    assert closings == []

    assert recomputations.release_connections(5)
    assert closings == ["tracker-shared-value"]


def test_the_thread_lets_go_of_its_connection_when_idle(db, closings, monkeypatch):
    monkeypatch.setattr(recomputations, "IDLE_SECONDS", 0.05)
    # The thread may be waiting with the longer timeout: this job wakes it, the next wait is short.
    recomputations._submit(lambda: None)
    assert recomputations.recomputations_done(5)
    threading.Event().wait(0.3)
    assert closings and set(closings) == {"tracker-shared-value"}

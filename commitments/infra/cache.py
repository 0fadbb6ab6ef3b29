"""Whole-response cache for anonymous readers: public pages, the API, feeds and exports.

Public data changes rarely (an analyst records an update, a publisher publishes) and is read
often, so a finished anonymous response is kept and replayed until the data changes. Instead of
finding every page a change touches, any change to a tracker record bumps one global data
version; entries carry the version they were made under and older ones are never served. Most
edits are drafts that a bump does not need, but a publish, an unpublish or a status update
reaches the dashboard, lists, feeds, exports and the API at once, so the coarse rule is also the
safe one.

The cache is Django's default cache, shared by every worker and app server so that a change made
anywhere is seen everywhere at once: Redis when REDIS_URL is set, otherwise a table in the
database (created by `migrate`, create_cache_tables below). Only the development server and the
tests use memory local to the process.

Tracking parameters (utm_*, fbclid... PAGE_CACHE_IGNORED_PARAMETERS) do not change what an HTML
page shows, so a request carrying them is answered with the HTML page stored for its address
without them, and is never stored itself: otherwise every `?utm_source=<random>` would store
another copy of the same page (pages repeat their query string in their links, so a copy made
for one campaign's address is not served to others). Only HTML entries are served this way: what
the API and the downloads answer may depend on any parameter, unknown ones included.

Pagination counts are cached the same way (counts.py, COUNT_CACHE_SECONDS): an exact COUNT
over a million status updates takes far longer than the page it belongs to, and every page of a
list, every page size and the CSV download share it until the data changes.

A replayed answer skips the view, and with it the API's throttles: PAGE_CACHE_REPLAY_CHECKS names
functions (the API's throttle, commitments.api.throttling.throttle_replay) that see each request
about to be answered from the cache and may answer it themselves (a 429) instead.

Readers arriving together at an address nothing answers yet (right after an edit) share one
rendering within a worker: the first one renders, the others under the same data version wait for
its answer and are given a copy of it (X-Cache: shared), so eight readers of the dashboard cost one
render, not eight. Only an answer under the version they read is shared, never one from before a
change, so an unpublished record is gone for them as for everyone else.

Never cached: anything for a logged-in user or a request carrying an Authorization header (API
tokens are invisible to Django's session auth), responses setting a cookie, other than 200,
marked private/no-store, for /admin/, or larger than PAGE_CACHE_MAX_BYTES. Writes through
QuerySet.update() or bulk_create() send no signals; call bump_data_version() after them.
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar
from urllib.parse import unquote_plus

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe
from django.utils.module_loading import import_string

from commitments.infra.connections import others_see_this_connection
from commitments.infra.recomputations import after_answer, on_one_core

T = TypeVar("T")
logger = logging.getLogger(__name__)

VERSION_KEY = "tracker:data-version"
ENTRY_PREFIX = "tracker:response:"
COUNT_PREFIX = "tracker:count:"
LOCK_PREFIX = "tracker:computing:"
TRACKER_APP = "commitments"


# Documented in docs/operations.md ("Cache"); a parameter ending in * is a prefix.
DEFAULT_IGNORED_PARAMETERS = (
    "utm_*",
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "_ga",
)


def create_cache_tables(using: str = "default", verbosity: int = 0, **kwargs) -> None:
    """post_migrate receiver: the database cache's table (a no-op with Redis or memory)."""
    call_command("createcachetable", database=using, verbosity=verbosity)


def _settings() -> tuple[str, int, int, tuple[str, ...]]:
    return (
        getattr(settings, "PAGE_CACHE_ALIAS", "default"),
        getattr(settings, "PAGE_CACHE_SECONDS", 300),
        getattr(settings, "PAGE_CACHE_MAX_BYTES", 5_000_000),
        tuple(getattr(settings, "PAGE_CACHE_EXCLUDE", ("/admin/",))),
    )


def _fresh_version() -> int:
    # Starting from the clock, not 1, so a version key lost to eviction or a restart comes back
    # larger than any version still stamped on a stored entry.
    return time.time_ns() // 1000


def current_data_version() -> int:
    cache = caches[_settings()[0]]
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_data_version() -> None:
    """Make every stored response stale. Called after any change to a tracker record."""
    cache = caches[_settings()[0]]
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or evicted): any fresh one is newer than the entries
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
    except Exception:
        # A cache outage must not fail an editor's save; entries still expire on their own.
        logger.exception("Could not bump the data version; cached pages stay stale until they expire.")


def _bump_on_change(sender) -> None:
    # simple-history's records change only with the record they copy, which bumps already.
    if sender._meta.app_label != TRACKER_APP or sender._meta.model_name.startswith("historical"):
        return
    # Now, so this process shows the change at once, and again after commit: between the two a
    # concurrent request may have cached the old rows under the first bumped version.
    bump_data_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump_data_version)


@receiver(post_save, dispatch_uid="tracker_cache_post_save")
def _saved(sender, **kwargs) -> None:
    _bump_on_change(sender)


@receiver(post_delete, dispatch_uid="tracker_cache_post_delete")
def _deleted(sender, **kwargs) -> None:
    _bump_on_change(sender)


@receiver(m2m_changed, dispatch_uid="tracker_cache_m2m_changed")
def _m2m_changed(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _bump_on_change(sender)


def _is_anonymous(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    # Without a session cookie nobody is logged in; checking first spares anonymous readers a
    # session lookup.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


def _replay_checks() -> list[Callable[[HttpRequest], HttpResponseBase | None]]:
    return [import_string(path) for path in getattr(settings, "PAGE_CACHE_REPLAY_CHECKS", ())]


def _is_tracking_parameter(name: str) -> bool:
    for ignored in getattr(settings, "PAGE_CACHE_IGNORED_PARAMETERS", DEFAULT_IGNORED_PARAMETERS):
        if name == ignored or (ignored.endswith("*") and name.startswith(ignored[:-1])):
            return True
    return False


def without_tracking_parameters(request: HttpRequest) -> str:
    """The request's query string less its tracking parameters, the others in their order."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return ""
    kept = [part for part in query.split("&") if part and not _is_tracking_parameter(unquote_plus(part.split("=")[0]))]
    return "&".join(kept)


def response_key(request: HttpRequest, *, query: str | None = None) -> str:
    # Host and scheme are part of the key because pages and the API print absolute URLs; Accept
    # because the API negotiates its format from it.
    query = request.META.get("QUERY_STRING", "") if query is None else query
    address = f"{request.scheme}://{request.get_host()}{request.path}" + (f"?{query}" if query else "")
    raw = f"{address}\n{request.headers.get('Accept', '')}"
    return ENTRY_PREFIX + hashlib.sha256(raw.encode()).hexdigest()


def _is_html(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == "text/html"


def _entry_is_html(entry: tuple) -> bool:
    return any(name.lower() == "content-type" and _is_html(value) for name, value in entry[2])


def _storable(response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


def _entry(version: int, response: HttpResponseBase, content: bytes) -> tuple:
    """What the cache keeps of a response (and a shared rendering hands to its waiters)."""
    headers = [(name, value) for name, value in response.items() if name != "X-Cache"]
    return (version, response.status_code, headers, content)


class _Flight:
    """One rendering of an address under one data version, which readers arriving meanwhile wait for."""

    def __init__(self, key: tuple[str, int]):
        self.key = key
        self.entry: tuple | None = None
        self._landed = threading.Event()

    def answer(self, wait_seconds: float) -> tuple | None:
        """The rendering's answer as a cache entry: None when it had none to share or took too long."""
        return self.entry if self._landed.wait(wait_seconds) else None

    def land(self) -> None:
        with _flights_lock:
            _flights.pop(self.key, None)
        self._landed.set()


# The renderings in progress in this worker, by (cache key, data version).
_flights: dict[tuple[str, int], _Flight] = {}
_flights_lock = threading.Lock()


def _take_flight(key: str, version: int, *, lead: bool) -> tuple[_Flight | None, bool]:
    """The rendering of `key` under `version` to wait for, and False; or, when there is none and
    `lead`, a new one this request renders, and True. (None, False): render without one."""
    with _flights_lock:
        flight = _flights.get((key, version))
        if flight is not None:
            return flight, False
        if not lead:
            return None, False
        flight = _flights[(key, version)] = _Flight((key, version))
        return flight, True


class AnonymousCacheMiddleware:
    """Serve anonymous GET/HEAD requests from the cache; store their 200 responses.

    Placed right after AuthenticationMiddleware: it needs request.user, and the middleware
    outside it (sessions, CSRF, security headers, CORS, ETags) still runs on a cached reply.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        _served_stale.set(False)
        alias, timeout, max_bytes, excluded = _settings()
        if (
            timeout <= 0
            or request.method not in ("GET", "HEAD")
            or request.path.startswith(excluded)
            or not _is_anonymous(request)
        ):
            return self.get_response(request)

        cache = caches[alias]
        # With tracking parameters, the key is the address without them: an HTML page stored
        # there is served, and nothing is stored (see the module's docstring).
        query = without_tracking_parameters(request)
        tracked = query != request.META.get("QUERY_STRING", "")
        key = response_key(request, query=query)
        try:
            found = cache.get_many([VERSION_KEY, key])  # one round trip for both
            version = found.get(VERSION_KEY) or current_data_version()
        except Exception:
            logger.exception("Cache unavailable; serving %s uncached.", request.path)
            return self.get_response(request)

        entry = found.get(key)
        if entry is not None and entry[0] == version and (not tracked or _entry_is_html(entry)):
            return self._replay_checked(request, entry)

        flight = None
        if not tracked:
            flight, leading = _take_flight(key, version, lead=request.method == "GET")
            if not leading:
                shared = flight.answer(SHARED_WAIT_SECONDS) if flight is not None else None
                if shared is not None:
                    return self._replay_checked(request, shared, label="shared")
                flight = None  # nothing to share (not 200, a stream, an error): rendered here
        try:
            return self._render(request, cache, key, version, tracked, timeout, max_bytes, flight)
        finally:
            if flight is not None:
                flight.land()

    def _render(
        self, request: HttpRequest, cache, key: str, version: int, tracked: bool, timeout: int, max_bytes: int, flight
    ) -> HttpResponseBase:
        # Asked before the page is read: a replica only moves forward.
        current = reads_are_current(cache, version)
        response = self.get_response(request)
        response["X-Cache"] = "miss"
        # Asked of the view's own answer, before a stale one is marked no-store below.
        storable, stale = _storable(response), _served_stale.get()
        if stale:
            # Built from a value of the previous data version (shared_by_version): good for this
            # reader, who asked while it was being recomputed, and for those waiting on the same
            # rendering, but not to be kept by anyone.
            response["Cache-Control"] = "no-store"
        entry = _entry(version, response, response.content) if storable and not response.streaming else None
        if flight is not None:
            flight.entry = entry
        if stale or not (request.method == "GET" and not tracked and current and storable):
            return response
        if response.streaming:
            if not response.is_async:
                response.streaming_content = self._tee(
                    response.streaming_content, cache, key, version, response, timeout, max_bytes
                )
        elif len(response.content) <= max_bytes:
            keep(cache, key, entry, timeout)
        return response

    def _tee(
        self,
        chunks: Iterator[bytes],
        cache,
        key: str,
        version: int,
        response: HttpResponseBase,
        timeout: int,
        max_bytes: int,
    ) -> Iterator[bytes]:
        """Pass a streamed body (exports) through, keeping a copy to store if it stays small."""
        kept: list[bytes] | None = []
        size = 0
        for chunk in chunks:
            if kept is not None:
                size += len(chunk)
                if size <= max_bytes:
                    kept.append(chunk)
                else:
                    kept = None
            yield chunk
        if kept is not None:
            keep(cache, key, _entry(version, response, b"".join(kept)), timeout)

    def _replay_checked(self, request: HttpRequest, entry: tuple, *, label: str = "hit") -> HttpResponseBase:
        for check in _replay_checks():
            refused = check(request)
            if refused is not None:
                return refused
        return self._replay(request, entry, label=label)

    @staticmethod
    def _replay(request: HttpRequest, entry: tuple, *, label: str = "hit") -> HttpResponseBase:
        _version, status, headers, content = entry
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        response["X-Cache"] = label
        etag, last_modified = response.get("ETag"), response.get("Last-Modified")
        if etag or last_modified:
            return get_conditional_response(
                request,
                etag=etag,
                last_modified=parse_http_date_safe(last_modified) if last_modified else None,
                response=response,
            )
        return response


# --- Read replicas (tracker/routers.py) ---------------------------------------------------------
#
# A bump tells every worker that the data changed, but a page read from a replica that has not
# replayed the change yet would be stored under the new version and replayed long after the
# replica caught up. So something read from the replica is stored only if the replica had
# replayed the primary's write-ahead log up to a position taken after the version became
# current: every change the version stands for was committed before that position. The position
# is kept in the cache under its version (the first reader that needs it asks the primary); a
# read from a replica behind it is served but not stored, and the next reader tries again.

POSITION_PREFIX = "tracker:wal-position:"
# The position, in bytes of write-ahead log, that a database has applied: on a replica what it
# has replayed; on the primary every record inserted, the commit of every committed transaction
# included (the write position can trail those when synchronous_commit is off).
_POSITION_SQL = (
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
    " ELSE pg_current_wal_insert_lsn() END) - '0/0'::pg_lsn"
)
# Per process, the newest data version each replica was seen to have applied: replay only moves
# forward, so the replica is asked once per version, not once per page.
_applied_versions: dict[str, int] = {}


def wal_position(alias: str) -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute(_POSITION_SQL)
        return int(cursor.fetchone()[0])


def reads_are_current(cache, version: int) -> bool:
    """Whether what the current request reads holds every change under `version`.

    Always true on the primary; on a replica, true once it has replayed the primary's position
    for that version.
    """
    alias = router.db_for_read(apps.get_model(TRACKER_APP, "Commitment"))
    if alias == DEFAULT_DB_ALIAS or _applied_versions.get(alias, -1) >= version:
        return True
    try:
        key = f"{POSITION_PREFIX}{version}"
        required = cache.get(key)
        if required is None:
            # Taken after `version` was read, so past the commit of every change it stands for.
            required = wal_position(DEFAULT_DB_ALIAS)
            cache.add(key, required, max(_settings()[1], getattr(settings, "COUNT_CACHE_SECONDS", 0)))
        if wal_position(alias) < required:
            return False
    except Exception:
        logger.exception("Could not compare the replica with the primary; not caching what it answers.")
        return False
    _applied_versions[alias] = max(version, _applied_versions.get(alias, -1))
    return True


# --- Pagination counts -------------------------------------------------------------------------


def cached_by_version(key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept under the current data version for COUNT_CACHE_SECONDS.

    Exact, like what it stands for: any change to a tracker record bumps the version, so a value
    is never served across a change. Used for pagination counts and the dashboard's aggregates,
    the costly parts of a page whose other queries are cheap.
    """
    timeout = getattr(settings, "COUNT_CACHE_SECONDS", _settings()[1])
    if timeout <= 0:
        return compute()
    cache = caches[_settings()[0]]
    key = COUNT_PREFIX + hashlib.sha256(key.encode()).hexdigest()
    try:
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or current_data_version()
    except Exception:
        logger.exception("Cache unavailable; computing without it.")
        return compute()
    entry = found.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    if not reads_are_current(cache, version):
        return compute()
    # The version was read before computing: if the data changes meanwhile, this value is stored
    # under the older version and never served.
    return _computed_and_kept(cache, key, version, compute, timeout)


def _computed_and_kept(cache, key: str, version: int, compute: Callable[[], T], timeout: int) -> T:
    value = compute()
    keep(cache, key, (version, value), timeout)
    return value


def _writes_after_answer() -> bool:
    # Inside a transaction, in place (others_see_this_connection). Nor on SQLite (one process on
    # a laptop): its single writer would make readers wait on the thread.
    return connections["default"].vendor != "sqlite" and others_see_this_connection("default")


def keep(cache, key: str, value, timeout: int) -> None:
    """Store `value` (a request's answer, a count it made) for the next readers: by the
    recomputation thread once the answer is given, ahead of its recomputations; in place where
    that thread may not write (SQLite, a transaction). Until then it is as if evicted."""

    def store() -> None:
        try:
            cache.set(key, value, timeout)
        except Exception:
            logger.exception("Could not store %s in the cache.", key)

    if _writes_after_answer():
        after_answer(store, first=True)
    else:
        store()


# Set when a value of an earlier data version was served (shared_by_version); the page cache does
# not store a response built from it. Reset by the middleware at the start of every request.
_served_stale: contextvars.ContextVar[bool] = contextvars.ContextVar("tracker_served_stale", default=False)

# How long a request without any earlier value waits for another one's computation, and how long
# a computation may hold its lock before another request may start one (a worker that died).
SHARED_WAIT_SECONDS = 10.0
SHARED_LOCK_SECONDS = 60


def served_stale() -> bool:
    """Whether this request was answered with a value of an earlier data version."""
    return _served_stale.get()


def shared_lock_key(key: str) -> str:
    """The cache key held while a value of `key` is being computed (one computation at a time)."""
    return f"{LOCK_PREFIX}{hashlib.sha256(key.encode()).hexdigest()}"


def _can_compute_in_background() -> bool:
    return getattr(settings, "SHARED_VALUES_IN_BACKGROUND", True) and _writes_after_answer()


def _compute_and_store(cache, hashed: str, lock: str, version: int, compute: Callable[[], T], timeout: int) -> T:
    try:
        value = compute()
        cache.set(hashed, (version, value), timeout)
        return value
    finally:
        cache.delete(lock)


# The recomputations this process has handed over and not finished, by (key, version): readers
# arriving together after an edit hand over one, not one each. A forked process has none.
_handed_over: set[tuple[str, int]] = set()
_handed_over_lock = threading.Lock()
os.register_at_fork(after_in_child=_handed_over.clear)


def _in_background(cache, hashed: str, lock: str, version: int, compute: Callable[[], T], timeout: int) -> None:
    """Recompute on the recomputation thread, which takes the lock (so the request that asked
    writes nothing) unless another process holds it or has stored the value meanwhile."""
    with _handed_over_lock:
        if (hashed, version) in _handed_over:
            return
        _handed_over.add((hashed, version))

    def run() -> None:
        try:
            entry = cache.get(hashed)
            if (entry is None or entry[0] < version) and cache.add(lock, True, SHARED_LOCK_SECONDS):
                on_one_core()
                _compute_and_store(cache, hashed, lock, version, compute, timeout)
        except Exception:
            logger.exception("Could not recompute a shared value; the next request tries again.")
        finally:
            with _handed_over_lock:
                _handed_over.discard((hashed, version))

    after_answer(run)


def shared_by_version(
    key: str,
    compute: Callable[[], T],
    *,
    wait_seconds: float = SHARED_WAIT_SECONDS,
    serve_stale: Callable[[T], bool] = lambda value: True,
) -> T:
    """cached_by_version for values that scan the tables (the dashboard's aggregates), computed
    by one request at a time, so that readers arriving together after an edit do not all scan.

    One computation at a time holds a lock (`cache.add`: atomic on Redis and on the database
    cache). When the previous version's value is still stored, every request answers with it (and
    is then not stored by the page cache: served_stale) while the recomputation thread takes the
    lock and recomputes in the background; figures a fraction of a second old, never a scan per
    reader, and the request writes nothing. Without a previous value the first request takes the
    lock and computes in place, and the others wait for it, polling the cache, at most
    `wait_seconds` before computing it themselves.
    `serve_stale(value)` may refuse a previous value (a count cheap to make again): it is then
    recomputed in place, without the lock (two requests may both make it; it is cheap).
    """
    timeout = getattr(settings, "COUNT_CACHE_SECONDS", _settings()[1])
    if timeout <= 0:
        return compute()
    cache = caches[_settings()[0]]
    hashed = COUNT_PREFIX + hashlib.sha256(key.encode()).hexdigest()
    lock = shared_lock_key(key)
    try:
        found = cache.get_many([VERSION_KEY, hashed])
        version = found.get(VERSION_KEY) or current_data_version()
        entry = found.get(hashed)
        if entry is not None and entry[0] == version:
            return entry[1]
        previous = entry is not None and entry[0] < version
        stale = previous and serve_stale(entry[1])
        # A previous value serve_stale refuses is cheap to make again: made in place, no lock.
        cheap = previous and not stale
        background = stale and _can_compute_in_background()
        locked = not (cheap or background) and cache.add(lock, True, SHARED_LOCK_SECONDS)
    except Exception:
        logger.exception("Cache unavailable; computing without it.")
        return compute()
    if cheap:
        return _computed_and_kept(cache, hashed, version, compute, timeout)
    if background:
        _in_background(cache, hashed, lock, version, compute, timeout)
    elif locked:
        return _compute_and_store(cache, hashed, lock, version, compute, timeout)
    if stale:
        _served_stale.set(True)
        return entry[1]
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        time.sleep(0.02)
        entry = cache.get(hashed)
        if entry is not None and entry[0] >= version:
            return entry[1]
    return compute()

import itertools
import os
import threading
import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import include, path

from commitments.infra import recomputations
from commitments.infra.cache import VERSION_KEY, bump_data_version, current_data_version
from commitments.models import Commitment, Status
from tests.factories import CommitmentFactory, ThemeFactory, UserFactory, verdict

pytestmark = pytest.mark.django_db

# Tiny views for the cases the tracker's own pages do not show (cookies, streams, ETags...),
# next to the tracker's URLs so a real page can be tested in the same run.
_calls = itertools.count()


def counter(request):
    return HttpResponse(f"call {next(_calls)}")


def sets_cookie(request):
    response = HttpResponse(f"call {next(_calls)}")
    response.set_cookie("seen", "1")
    return response


def private(request):
    response = HttpResponse(f"call {next(_calls)}")
    response["Cache-Control"] = "private"
    return response


def stream(request):
    size = int(request.GET.get("size", "10"))
    return StreamingHttpResponse(iter([f"call {next(_calls)} ".encode(), b"x" * size]))


def tagged(request):
    response = HttpResponse(f"call {next(_calls)}")
    response["ETag"] = '"v1"'
    return response


def as_json(request):
    return HttpResponse(f'{{"call": {next(_calls)}}}', content_type="application/json")


def missing(request):
    return HttpResponse(f"call {next(_calls)}", status=404)


# A view that holds its rendering until the test lets it go, so that others can arrive meanwhile.
_renders: list[str] = []
_let_go = threading.Event()


def held(request):
    _renders.append(request.get_full_path())
    assert _let_go.wait(5), "never let go"
    if request.GET.get("fail"):
        raise RuntimeError("the rendering failed")
    response = HttpResponse(f"call {next(_calls)}")
    if request.GET.get("cookie"):
        response.set_cookie("seen", "1")
    return response


urlpatterns = [
    path("counter/", counter),
    path("cookie/", sets_cookie),
    path("private/", private),
    path("stream/", stream),
    path("tagged/", tagged),
    path("missing/", missing),
    path("held/", held),
    path("json/", as_json),
    path("admin/counter/", counter),
    path("", include("tracker.urls")),
]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MAX_BYTES = 100_000  # real pages fit; the large-stream test goes past it
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.ROOT_URLCONF = __name__


def get_twice(client, url, **extra):
    return client.get(url, **extra), client.get(url, **extra)


def test_the_second_anonymous_get_is_a_hit(client, page_cache):
    first, second = get_twice(client, "/counter/")

    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content


def test_a_hit_runs_no_sql(client, page_cache, django_assert_num_queries):
    commitment = CommitmentFactory()
    client.get(commitment.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(commitment.get_absolute_url())

    assert response["X-Cache"] == "hit"


def test_a_head_request_is_answered_from_the_stored_get(client, page_cache):
    first = client.get("/counter/")
    head = client.head("/counter/")

    assert head["X-Cache"] == "hit"
    assert head.status_code == 200 and first.status_code == 200


def test_a_real_page_is_cached_and_shows_a_change_to_a_published_record_at_once(client, page_cache):
    commitment = CommitmentFactory(title="Increase NATO common funding")
    url = commitment.get_absolute_url()
    first, second = get_twice(client, url)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")

    commitment.title = "Increase NATO common funding by 2030"
    commitment.save()
    after = client.get(url)

    assert after["X-Cache"] == "miss"
    assert b"by 2030" in after.content


def test_a_new_status_update_makes_pages_stale(client, page_cache):
    commitment = CommitmentFactory()
    get_twice(client, "/counter/")

    verdict(commitment=commitment, status=Status.MET, as_of=commitment.statement.made_on, rationale="Done.")

    assert client.get("/counter/")["X-Cache"] == "miss"


def test_a_change_of_themes_makes_pages_stale(client, page_cache):
    commitment = CommitmentFactory()
    theme = ThemeFactory()
    get_twice(client, "/counter/")

    commitment.themes.add(theme)

    assert client.get("/counter/")["X-Cache"] == "miss"


def test_a_deletion_makes_pages_stale(client, page_cache):
    commitment = CommitmentFactory()
    get_twice(client, "/counter/")

    commitment.delete()

    assert client.get("/counter/")["X-Cache"] == "miss"


def test_a_change_outside_the_tracker_keeps_pages_cached(client, page_cache):
    get_twice(client, "/counter/")

    Group.objects.create(name="Readers")  # not "Editors": the roles migration made that one

    assert client.get("/counter/")["X-Cache"] == "hit"


def test_a_change_inside_a_transaction_bumps_again_after_commit(page_cache, django_capture_on_commit_callbacks):
    commitment = CommitmentFactory()
    before = current_data_version()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        commitment.title = "Changed"
        commitment.save()
        during = current_data_version()

    assert before < during < current_data_version()
    assert len(callbacks) == 1


def test_authenticated_requests_are_never_cached(client, page_cache):
    client.force_login(UserFactory())

    first, second = get_twice(client, "/counter/")

    assert "X-Cache" not in first and "X-Cache" not in second
    assert first.content != second.content


def test_a_logged_in_reader_never_gets_the_anonymous_copy(client, page_cache):
    anonymous = client.get("/counter/")
    client.force_login(UserFactory())

    logged_in = client.get("/counter/")

    assert "X-Cache" not in logged_in
    assert logged_in.content != anonymous.content


def test_a_logged_in_page_is_not_stored_for_anonymous_readers(client, page_cache):
    client.force_login(UserFactory())
    logged_in = client.get("/counter/")
    client.logout()

    anonymous = client.get("/counter/")

    assert anonymous["X-Cache"] == "miss"
    assert anonymous.content != logged_in.content


def test_requests_with_an_api_token_bypass_the_cache(client, page_cache):
    client.get("/counter/")

    first, second = get_twice(client, "/counter/", HTTP_AUTHORIZATION="Token abc")

    assert "X-Cache" not in first and "X-Cache" not in second
    assert first.content != second.content


@pytest.mark.parametrize("url", ["/cookie/", "/private/", "/missing/"])
def test_responses_setting_cookies_private_or_not_200_are_not_stored(client, page_cache, url):
    first, second = get_twice(client, url)

    assert second["X-Cache"] == "miss"
    assert first.content != second.content


def test_admin_pages_are_never_cached(client, page_cache):
    first, second = get_twice(client, "/admin/counter/")

    assert "X-Cache" not in second
    assert first.content != second.content


def test_a_small_stream_is_stored_once_it_has_been_read(client, page_cache):
    first = client.get("/stream/?size=10")
    body = b"".join(first.streaming_content)

    second = client.get("/stream/?size=10")

    assert second["X-Cache"] == "hit"
    assert second.content == body


def test_a_stream_larger_than_the_limit_is_not_stored(client, page_cache):
    first = client.get("/stream/?size=200000")
    b"".join(first.streaming_content)

    second = client.get("/stream/?size=200000")

    assert second["X-Cache"] == "miss"


def test_the_query_string_the_host_and_the_accept_header_are_part_of_the_key(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example.org"]
    client.get("/counter/?page=1")

    assert client.get("/counter/?page=1")["X-Cache"] == "hit"
    assert client.get("/counter/?page=2")["X-Cache"] == "miss"
    assert client.get("/counter/?page=1", HTTP_HOST="other.example.org")["X-Cache"] == "miss"
    assert client.get("/counter/?page=1", HTTP_ACCEPT="text/csv")["X-Cache"] == "miss"


def test_tracking_parameters_are_answered_with_the_page_stored_without_them(client, page_cache):
    clean = client.get("/counter/?page=2")

    tracked = client.get("/counter/?utm_source=newsletter&page=2&fbclid=abc&utm_medium=email")

    assert tracked["X-Cache"] == "hit"
    assert tracked.content == clean.content
    assert client.get("/counter/?page=3&utm_source=newsletter")["X-Cache"] == "miss"  # other parameters still count


def test_requests_with_tracking_parameters_store_nothing(client, page_cache):
    from django.core.cache import cache

    for n in range(5):
        assert client.get(f"/counter/?utm_source={n}")["X-Cache"] == "miss"

    assert not [key for key in cache._cache if "tracker:response:" in key]
    assert client.get("/counter/")["X-Cache"] == "miss"  # nor under the clean address


def test_parameters_that_only_look_like_tracking_ones_keep_their_own_entry(client, page_cache):
    client.get("/counter/")

    assert client.get("/counter/?utmost=1")["X-Cache"] == "miss"
    assert client.get("/counter/?fbclid2=1")["X-Cache"] == "miss"


def test_tracking_parameters_never_get_a_stored_answer_other_than_html(client, page_cache):
    client.get("/json/")

    assert client.get("/json/")["X-Cache"] == "hit"
    assert client.get("/json/?utm_source=x")["X-Cache"] == "miss"


def test_an_api_answer_is_never_given_to_a_request_with_tracking_parameters(client, page_cache):
    client.get("/api/v1/themes/")
    assert client.get("/api/v1/themes/")["X-Cache"] == "hit"

    assert client.get("/api/v1/themes/?utm_source=x")["X-Cache"] == "miss"


def test_the_ignored_parameters_are_a_setting(client, page_cache, settings):
    settings.PAGE_CACHE_IGNORED_PARAMETERS = ["ref"]
    client.get("/counter/")

    assert client.get("/counter/?ref=x")["X-Cache"] == "hit"
    assert client.get("/counter/?utm_source=x")["X-Cache"] == "miss"


def test_a_cached_response_with_an_etag_answers_304_to_a_matching_request(client, page_cache):
    client.get("/tagged/")

    response = client.get("/tagged/", HTTP_IF_NONE_MATCH='"v1"')

    assert response.status_code == 304
    assert client.get("/tagged/", HTTP_IF_NONE_MATCH='"v0"').status_code == 200


def test_a_lost_version_key_never_revives_old_entries(client, page_cache):
    from django.core.cache import cache

    get_twice(client, "/counter/")
    cache.delete(VERSION_KEY)  # as if Redis evicted it

    assert client.get("/counter/")["X-Cache"] == "miss"


def test_the_cache_is_off_when_page_cache_seconds_is_zero(client, page_cache, settings):
    settings.PAGE_CACHE_SECONDS = 0

    first, second = get_twice(client, "/counter/")

    assert "X-Cache" not in second
    assert first.content != second.content


def test_pages_still_answer_when_the_cache_is_down(client, page_cache, settings):
    # Port 1 on the loopback refuses connections at once.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    commitment = CommitmentFactory(title="Still served")

    response = client.get(commitment.get_absolute_url())
    bump_data_version()  # must not raise either

    assert response.status_code == 200
    assert b"Still served" in response.content


def _redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache(settings):
    url = "redis://127.0.0.1:6379/0"
    if not _redis_reachable(url):
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"REQUIRE_REDIS is set but Redis at {url} does not answer.")
        pytest.skip(f"Redis at {url} does not answer (set REQUIRE_REDIS=1 to make this a failure).")
    prefix = f"tracker-test-{uuid.uuid4().hex}"
    settings.PAGE_CACHE_SECONDS = 300
    settings.ROOT_URLCONF = __name__
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix}
    }
    yield
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)


def test_with_redis_a_published_change_shows_at_once(client, redis_cache):
    from django.core.cache import caches

    assert type(caches["default"]).__name__ == "RedisCache"
    commitment = CommitmentFactory(title="Strengthen cyber resilience")
    url = commitment.get_absolute_url()
    first, second = get_twice(client, url)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")

    commitment.title = "Strengthen cyber resilience of hospitals"
    commitment.save()
    after = client.get(url)

    assert after["X-Cache"] == "miss"
    assert b"of hospitals" in after.content
    assert client.get(url)["X-Cache"] == "hit"


# --- Pagination counts (cached_count) ------------------------------------------------------------


# count_cache: tests/infra/conftest.py


def test_a_list_counts_once_until_the_data_changes(client, count_cache, django_assert_num_queries):
    theme = ThemeFactory()
    for _ in range(3):
        CommitmentFactory(themes=[theme])

    # The count; the page; its themes; its actors; its parties' statuses; its verdicts in force
    # (none, so no evidence to read); its lineages.
    with django_assert_num_queries(7):
        assert client.get("/api/v1/commitments/").json()["count"] == 3
    # Another page size, the same list: the count comes from the cache.
    with django_assert_num_queries(6):
        body = client.get("/api/v1/commitments/", {"page_size": 1}).json()
    assert body["count"] == 3 and len(body["results"]) == 1

    CommitmentFactory(themes=[theme])  # a save bumps the data version

    with django_assert_num_queries(7):
        assert client.get("/api/v1/commitments/").json()["count"] == 4


def test_each_filter_has_its_own_count(client, count_cache):
    theme = ThemeFactory()
    CommitmentFactory(themes=[theme])
    CommitmentFactory()

    assert client.get("/api/v1/commitments/").json()["count"] == 2
    assert client.get("/api/v1/commitments/", {"theme": theme.slug}).json()["count"] == 1
    assert client.get("/api/v1/commitments/", {"status": "met"}).json()["count"] == 0


def test_a_status_update_changes_the_cached_count_of_a_status(client, count_cache):
    commitment = CommitmentFactory()
    assert client.get("/api/v1/commitments/", {"status": "met"}).json()["count"] == 0

    verdict(commitment=commitment, status=Status.MET, as_of=commitment.statement.made_on, rationale="r")

    assert client.get("/api/v1/commitments/", {"status": "met"}).json()["count"] == 1


def test_the_list_page_shares_the_cached_count(client, count_cache, django_assert_num_queries):
    CommitmentFactory()
    client.get("/commitments/")
    # As pinned in tests/site/test_queries.py, minus the count: version; choices x3; rows; themes; actors.
    with django_assert_num_queries(7):
        assert client.get("/commitments/").status_code == 200


def test_dashboard_aggregates_are_kept_until_the_data_changes(settings, django_assert_num_queries, seeded):
    from commitments.domain.stats import dashboard_stats

    settings.COUNT_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "stats"}}
    first = dashboard_stats()
    with django_assert_num_queries(0):
        assert dashboard_stats() == first

    Commitment.objects.published().filter(slug="space-safe-and-secure").get().themes.clear()
    after = dashboard_stats()
    space = next(card for card in first["themes"] if card["slug"] == "space")
    assert space["total"] == 1
    assert "space" not in {card["slug"] for card in after["themes"]}


# --- Aggregates computed once per data version (shared_by_version) ---------------------------


def test_a_reader_arriving_during_the_recomputation_gets_the_previous_value(count_cache):
    from commitments.infra.cache import served_stale, shared_by_version

    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()

    def recompute():
        # Another reader asks while this computation holds the lock.
        seen_meanwhile.append(shared_by_version("figures", lambda: pytest.fail("computed a second time")))
        return "after"

    seen_meanwhile: list[str] = []
    assert shared_by_version("figures", recompute) == "after"
    assert seen_meanwhile == ["before"]
    assert served_stale()
    assert shared_by_version("figures", lambda: pytest.fail("not kept")) == "after"


def test_without_an_earlier_value_a_reader_waits_then_computes_itself(count_cache):
    from commitments.infra.cache import served_stale, shared_by_version

    def first():
        seen_meanwhile.append(shared_by_version("figures", lambda: "second", wait_seconds=0.05))
        return "first"

    seen_meanwhile: list[str] = []
    assert shared_by_version("figures", first) == "first"
    assert seen_meanwhile == ["second"]
    assert not served_stale()


def test_a_reader_waiting_gets_the_value_the_other_request_stores(count_cache, monkeypatch):
    from django.core.cache import cache

    from commitments.infra import cache as cache_module
    from commitments.infra.cache import cached_by_version, shared_by_version, shared_lock_key

    cache.add(shared_lock_key("figures"), True)  # another request computes

    def the_other_request_finishes(seconds):
        cached_by_version("figures", lambda: "theirs")  # stores under the same key

    monkeypatch.setattr(cache_module.time, "sleep", the_other_request_finishes)
    assert shared_by_version("figures", lambda: pytest.fail("computed while waiting"), wait_seconds=5) == "theirs"


def test_the_dashboard_after_an_edit_serves_the_previous_figures_unstored_while_they_are_recomputed(
    client, page_cache, settings, django_assert_num_queries
):
    from django.core.cache import cache
    from django.utils import timezone

    from commitments.infra.cache import shared_lock_key

    settings.COUNT_CACHE_SECONDS = 300
    CommitmentFactory()
    assert client.get("/").status_code == 200
    bump_data_version()
    lock = shared_lock_key(f"dashboard-stats:{timezone.localdate().isoformat()}")
    cache.add(lock, True)

    # The dashboard's pinned 10 (tests/site/test_queries.py) less its five aggregate queries.
    with django_assert_num_queries(5):
        during = client.get("/")
    assert during["Cache-Control"] == "no-store"
    assert client.get("/")["X-Cache"] == "miss"  # not stored

    cache.delete(lock)
    assert client.get("/")["X-Cache"] == "miss"  # recomputed, and stored
    assert client.get("/")["X-Cache"] == "hit"


def test_outside_a_transaction_the_previous_value_is_served_while_a_thread_recomputes(count_cache, monkeypatch):
    from commitments.infra import cache as cache_module
    from commitments.infra.cache import served_stale, shared_by_version

    started = []

    def submit(job, first=False):  # runs when handed over, so the test sees the end of the recomputation
        started.append(True)
        served_during.append(shared_by_version("figures", lambda: pytest.fail("second computation")))
        job()

    served_during: list[str] = []
    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()
    monkeypatch.setattr(cache_module, "_can_compute_in_background", lambda: True)
    monkeypatch.setattr(recomputations, "_submit", submit)
    monkeypatch.setattr(cache_module.connections, "close_all", lambda: None)

    assert shared_by_version("figures", lambda: "after") == "before"
    assert served_stale()
    assert started == [True] and served_during == ["before"]
    assert shared_by_version("figures", lambda: pytest.fail("not kept")) == "after"


def test_a_recomputation_asked_for_during_a_request_starts_once_it_is_answered(
    client, count_cache, monkeypatch, settings, request
):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from commitments.infra import cache as cache_module
    from commitments.infra.cache import shared_by_version

    started: list[str] = []
    monkeypatch.setattr(cache_module, "_can_compute_in_background", lambda: True)
    monkeypatch.setattr(recomputations, "_submit", lambda job, first=False: started.append(job()))
    monkeypatch.setattr(cache_module.connections, "close_all", lambda: None)
    # As the test client sends them: without closing the test's connection.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))
    assert shared_by_version("figures", lambda: "first") == "first"

    bump_data_version()
    request_started.send(sender=None)
    assert shared_by_version("figures", lambda: "second") == "first"
    assert started == []  # not while the request is being answered
    request_finished.send(sender=None)
    assert len(started) == 1 and shared_by_version("figures", lambda: pytest.fail("recomputed")) == "second"

    # A request never finished: the next one starts what it left.
    bump_data_version()
    request_started.send(sender=None)
    shared_by_version("figures", lambda: "third")
    request_started.send(sender=None)
    assert len(started) == 2
    request_finished.send(sender=None)

    # Through a whole request: the list's recount has started when the client has the answer.
    settings.COUNT_STALE_FROM = 1
    CommitmentFactory()
    assert client.get("/api/v1/commitments/").json()["count"] == 1
    CommitmentFactory()
    assert client.get("/api/v1/commitments/").json()["count"] == 1  # the count before the edit
    assert len(started) == 3
    assert client.get("/api/v1/commitments/").json()["count"] == 2


def test_recomputations_run_one_after_another_on_one_thread_that_outlives_a_failure():
    ran: list[tuple[str, str]] = []
    gate = threading.Event()

    def job(name: str, fail: bool = False):
        def run():
            gate.wait(5)
            ran.append((name, threading.current_thread().name))
            if fail:
                raise RuntimeError("a recomputation that fails")

        return run

    for name, fail in (("first", True), ("second", False), ("third", False)):
        recomputations._submit(job(name, fail))
    assert not recomputations.recomputations_done(0.05)  # queued behind the gate
    gate.set()
    assert recomputations.recomputations_done(5)
    assert [name for name, _ in ran] == ["first", "second", "third"]
    assert {thread for _, thread in ran} == {"tracker-shared-value"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel workers are PostgreSQL's")
def test_a_recomputation_in_the_background_scans_on_one_core(count_cache, monkeypatch):
    from commitments.infra import cache as cache_module
    from commitments.infra.cache import shared_by_version

    def setting() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_parallel_workers_per_gather")
            return cursor.fetchone()[0]

    assert shared_by_version("figures", lambda: "before") == "before"
    bump_data_version()
    monkeypatch.setattr(cache_module, "_can_compute_in_background", lambda: True)
    # Run at once, on the test's connection (its transaction undoes the setting).
    monkeypatch.setattr(recomputations, "_submit", lambda job, first=False: job())
    monkeypatch.setattr(cache_module.connections, "close_all", lambda: None)
    assert setting() != "0"  # the server's default for requests

    seen = []
    shared_by_version("figures", lambda: seen.append(setting()) or "after")

    assert seen == ["0"]


@pytest.mark.parametrize(("stale_from", "served"), [(2, 3), (4, 4), (None, 4)])
def test_a_long_lists_count_may_be_the_one_before_an_edit_while_it_is_recounted(
    client, count_cache, monkeypatch, settings, stale_from, served
):
    """From COUNT_STALE_FROM rows, the count before the edit is served while a thread recounts;
    below it (or with None) the count is made again at once. The rows are current either way."""
    from commitments.infra import cache as cache_module

    settings.COUNT_STALE_FROM = stale_from
    recounts = []

    for _ in range(3):
        CommitmentFactory()
    assert client.get("/api/v1/commitments/").json()["count"] == 3
    monkeypatch.setattr(cache_module, "_can_compute_in_background", lambda: True)
    monkeypatch.setattr(recomputations, "_submit", lambda job, first=False: recounts.append(job))  # recorded, not run
    CommitmentFactory()  # bumps the data version

    body = client.get("/api/v1/commitments/").json()
    assert body["count"] == served and len(body["results"]) == 4
    assert len(recounts) == (1 if served == 3 else 0)


def test_a_short_lists_count_is_made_again_in_place_without_the_lock(client, count_cache, monkeypatch, settings):
    """Below COUNT_STALE_FROM the count after an edit is cheap: recounted at once, exact, without
    taking the lock that keeps long recounts to one at a time."""
    from django.core.cache import caches

    from commitments.infra.cache import LOCK_PREFIX

    settings.COUNT_STALE_FROM = 10
    CommitmentFactory()
    assert client.get("/api/v1/commitments/").json()["count"] == 1
    locks = []
    cache = caches["default"]
    real_add = cache.add
    monkeypatch.setattr(cache, "add", lambda key, *args, **kwargs: locks.append(key) or real_add(key, *args, **kwargs))
    CommitmentFactory()  # bumps the data version

    assert client.get("/api/v1/commitments/").json()["count"] == 2
    assert not [key for key in locks if key.startswith(LOCK_PREFIX)]
    # With no previous count at all, the first one still takes the lock.
    assert client.get("/api/v1/commitments/", {"status": "met"}).json()["count"] == 0
    assert [key for key in locks if key.startswith(LOCK_PREFIX)]


# --- Readers arriving together share one rendering ---------------------------------------------


@pytest.fixture
def held_view(monkeypatch):
    """`waiting`: the readers that found a rendering in progress and wait for it."""
    from commitments.infra import cache as cache_module

    waiting: list[object] = []
    answer = cache_module._Flight.answer

    def counted_answer(flight, wait_seconds):
        waiting.append(flight)
        return answer(flight, wait_seconds)

    monkeypatch.setattr(cache_module._Flight, "answer", counted_answer)
    _renders.clear()
    _let_go.clear()
    yield waiting
    _let_go.set()
    assert not cache_module._flights  # every rendering landed


def until(condition) -> None:
    for _ in range(500):
        if condition():
            return
        threading.Event().wait(0.01)
    pytest.fail("timed out")


def readers(url: str, others: int, *, before_others=None, others_wait=True, waiting=None):
    """One reader of `url` whose view is held while `others` more ask for it; then the view goes on.
    Returns the first answer and the others'."""
    from django.test import Client

    answers: dict[int, object] = {}

    def ask(n: int) -> None:
        answers[n] = Client(raise_request_exception=False).get(url)

    first = threading.Thread(target=ask, args=(0,))
    first.start()
    until(lambda: len(_renders) == 1)
    if before_others:
        before_others()
    threads = [threading.Thread(target=ask, args=(n,)) for n in range(1, others + 1)]
    for thread in threads:
        thread.start()
    if others_wait:
        until(lambda: len(waiting) == others)
    else:
        until(lambda: len(_renders) == 1 + others)
    _let_go.set()
    for thread in [first, *threads]:
        thread.join(5)
    return answers[0], [answers[n] for n in range(1, others + 1)]


def test_readers_arriving_during_a_rendering_wait_for_it_and_get_its_answer(page_cache, held_view):
    first, others = readers("/held/", 3, waiting=held_view)

    assert _renders == ["/held/"]  # rendered once
    assert first["X-Cache"] == "miss"
    assert [response["X-Cache"] for response in others] == ["shared"] * 3
    assert {response.content for response in others} == {first.content}
    assert {response.status_code for response in others} == {200}


def test_a_reader_after_an_edit_never_gets_a_rendering_begun_before_it(page_cache, held_view):
    first, others = readers("/held/", 1, before_others=bump_data_version, others_wait=False, waiting=held_view)

    assert _renders == ["/held/", "/held/"]  # the second reader rendered under the new version
    assert not held_view
    assert others[0]["X-Cache"] == "miss"
    assert others[0].content != first.content


def test_an_answer_that_could_not_be_stored_is_not_shared(page_cache, held_view):
    first, others = readers("/held/?cookie=1", 2, waiting=held_view)

    assert len(_renders) == 3  # the waiting readers rendered their own
    assert [response["X-Cache"] for response in others] == ["miss", "miss"]
    assert len({first.content, *(response.content for response in others)}) == 3


def test_a_failed_rendering_lets_the_waiting_readers_render_their_own(page_cache, held_view):
    first, others = readers("/held/?fail=1", 2, waiting=held_view)

    assert first.status_code == 500
    assert len(_renders) == 3
    assert {response.status_code for response in others} == {500}


def test_readers_of_different_addresses_do_not_wait_for_each_other(page_cache, held_view):
    from django.test import Client

    thread = threading.Thread(target=lambda: Client().get("/held/"))
    thread.start()
    until(lambda: len(_renders) == 1)

    assert Client().get("/counter/")["X-Cache"] == "miss"  # answered while /held/ renders
    assert not held_view
    _let_go.set()
    thread.join(5)

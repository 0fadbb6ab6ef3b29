"""Pages of a search and pagination counts: the same rows, fewer rows read.

A ranked search's page is taken by ids first (commitments.domain.search.RankedPaginator) and counts are run
on the SQL compiled for their cache key (commitments.infra.counts.cached_count). Both must give exactly
what slicing and counting the queryset directly gives.
"""

import uuid

import pytest
from django.db import connection
from django.db.models import Count, Window
from django.test.utils import CaptureQueriesContext

from commitments.domain.search import RANK, RankedPaginator, ranked_ids_with_count, ranked_page, search_commitments
from commitments.infra.counts import cached_count
from commitments.models import Commitment, PublicationState
from tests.factories import CommitmentFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matches(settings):
    """Fourteen published commitments that mention sanctions more or less often, one draft that
    does too, and one that does not."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    statements = [StatementFactory(made_on=f"2021-06-{day:02}") for day in (10, 11, 12)]
    for n in range(14):
        CommitmentFactory(
            statement=statements[n % 3],
            title=f"Sanctions package {n}" if n % 4 == 0 else f"Package {n}",
            summary="Sanctions on sanctions evaders." if n % 3 == 0 else "",
            wording=f"Both nations will coordinate sanctions, step {n}.",
        )
    CommitmentFactory(wording="Sanctions, not yet published.", state=PublicationState.DRAFT)
    CommitmentFactory(wording="Nothing to do with it.")


def search(q="sanctions"):
    return search_commitments(Commitment.objects.published(), q)


def test_every_page_of_a_search_holds_the_rows_of_the_plain_slice(matches):
    queryset = search()
    expected = list(queryset.values_list("slug", flat=True))
    assert len(expected) == 14

    paginator = RankedPaginator(queryset, 5)
    pages = [list(paginator.page(number).object_list.values_list("slug", flat=True)) for number in (1, 2, 3)]

    assert paginator.count == 14
    assert pages == [expected[0:5], expected[5:10], expected[10:14]]


def test_a_search_ranks_and_cuts_on_ids_before_reading_rows(matches, settings):
    settings.COUNT_CACHE_SECONDS = 300
    queryset = search()
    assert RankedPaginator(queryset, 5).count == 14  # counted and cached: the page below is cut by the database
    page = RankedPaginator(queryset, 5).page(2)
    with CaptureQueriesContext(connection) as captured:
        rows = list(page.object_list.values_list("slug", flat=True))
    sql = captured.captured_queries[0]["sql"]
    # Ranked on both databases. The outer query has no LIMIT of its own; the ids subquery carries
    # the page's slice.
    assert RANK in queryset.query.annotations
    assert "IN (SELECT" in sql and "LIMIT 5 OFFSET 5" in sql
    assert not sql.rstrip().endswith("OFFSET 5")
    assert rows == list(queryset.values_list("slug", flat=True)[5:10])


def test_an_uncounted_search_reads_its_count_and_its_page_ids_in_one_query(matches, settings):
    settings.COUNT_CACHE_SECONDS = 300
    queryset = search()
    expected = list(queryset.values_list("slug", flat=True))
    paginator = RankedPaginator(queryset, 5)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(2)
    assert paginator.count == 14
    # The page's ids and the number of matches, ranked and cut in one query: no other count.
    (ranked,) = captured.captured_queries
    assert "OVER ()" in ranked["sql"] and "LIMIT 5 OFFSET 5" in ranked["sql"]
    with CaptureQueriesContext(connection) as captured:
        rows = list(page.object_list.values_list("slug", flat=True))
    assert "LIMIT" not in captured.captured_queries[0]["sql"]  # read by those ids
    assert rows == expected[5:10]
    # Counted once for every page and paginator of this search.
    with CaptureQueriesContext(connection) as captured:
        assert RankedPaginator(search(), 5).count == 14
    assert captured.captured_queries == []


def test_ranked_ids_with_their_count_are_those_of_the_plain_window(matches):
    # The ids and count read with the rank beneath the window (on PostgreSQL) are those the
    # plain form, the window over the ranked queryset itself, gives: every page, and past the end.
    queryset = search()
    plain = queryset.annotate(n=Window(Count("pk"))).values_list("pk", "n")
    for offset in (0, 5, 10, 13, 14):
        assert ranked_ids_with_count(queryset, offset, 5) == list(plain[offset : offset + 5])
    with CaptureQueriesContext(connection) as captured:
        ranked_ids_with_count(queryset, 0, 5)
    (sql,) = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        # The window counts narrow rows: the rank is taken in the subquery, kept apart by OFFSET 0.
        inner = sql[sql.index("FROM (SELECT") : sql.index("OFFSET 0) AS ranked")]
        assert "ts_rank(" in inner and "OVER" not in inner and "ORDER BY ranked.score DESC" in sql
    # Another order is read the plain way, in that order.
    by_id = queryset.order_by("id")
    assert ranked_ids_with_count(by_id, 0, 20) == list(
        by_id.annotate(n=Window(Count("pk"))).values_list("pk", "n")[0:20]
    )


def test_an_uncounted_search_page_past_the_end_is_counted_and_refused(matches):
    from django.core.paginator import EmptyPage

    paginator = RankedPaginator(search(), 5)
    with pytest.raises(EmptyPage):
        paginator.page(4)
    assert paginator.count == 14
    # Nothing found on the first page: no match at all, counted without another query.
    nothing = RankedPaginator(search("zeppelin"), 5)
    with CaptureQueriesContext(connection) as captured:
        assert list(nothing.page(1).object_list) == []
    assert nothing.count == 0 and len(captured.captured_queries) == 1


def test_pages_of_unranked_lists_are_left_as_they_are(matches):
    queryset = Commitment.objects.published().order_by("-statement__made_on", "pk")
    page = queryset[5:10]
    assert ranked_page(queryset, page) is page
    # A search re-sorted by another key has no rank to cut on either, on both databases.
    resorted = search().order_by("title")
    assert ranked_page(resorted, resorted[0:5]).query.is_sliced == (RANK not in resorted.query.annotations)


def test_the_api_and_the_list_page_show_the_ranked_order(matches, client):
    expected = list(search().values_list("slug", flat=True))

    api = client.get("/api/v1/commitments/", {"search": "sanctions", "page_size": 5, "page": 2}).json()
    assert api["count"] == 14
    assert [row["slug"] for row in api["results"]] == expected[5:10]

    page = client.get("/commitments/", {"search": "sanctions"})
    assert page.context["page_obj"].paginator.count == 14
    assert [row["slug"] for row in page.context["commitments"]] == expected[:14]


def test_cached_count_agrees_with_count(matches):
    theme = ThemeFactory()
    tagged = Commitment.objects.published().filter(title__startswith="Sanctions")
    for commitment in tagged:
        commitment.themes.add(theme)
    querysets = [
        Commitment.objects.published(),
        search(),
        Commitment.objects.published().filter(themes=theme).distinct(),
        Commitment.objects.published().filter(status__in=["met", "not_rated"]),
        Commitment.objects.published()[2:6],
    ]
    for queryset in querysets:
        assert cached_count(queryset) == queryset.count()


def test_cached_count_of_nothing_is_zero_without_a_query(matches, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cached_count(Commitment.objects.none()) == 0
        assert cached_count(Commitment.objects.filter(pk__in=[])) == 0

"""Keyset pagination (`?cursor=`) beside page numbers: the same rows in the same order, pages
that cost the same however deep, and a 400 for a cursor the list cannot follow."""

import pytest

from tests.api.test_queries import CASES, build_commitments, build_status_updates
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

# Lists whose default order is on fields that are never empty (articles may lack a date).
KEYSET_CASES = [case for case in CASES if case[0] != "articles"]


def walk(client, endpoint: str, params: dict) -> list[int]:
    ids, url, query = [], f"/api/v1/{endpoint}/", params
    while url:
        response = client.get(url, query)
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()["results"]]
        url, query = response.json()["next"], None
    return ids


@pytest.mark.parametrize(("endpoint", "build", "queries"), KEYSET_CASES)
def test_a_cursor_walks_the_same_rows_as_the_page_numbers(client, endpoint, build, queries):
    build()
    by_page = walk(client, endpoint, {"page_size": 40})

    assert walk(client, endpoint, {"page_size": 40, "cursor": "start"}) == by_page
    assert len(by_page) == len(set(by_page)) >= 100


# Every list's page is read as plain rows holding its order's fields (representations.py): the
# next page's key is taken from the last row, with no query of its own.


@pytest.mark.parametrize(("endpoint", "build", "queries"), KEYSET_CASES)
def test_a_cursor_page_costs_the_page_numbers_queries_with_the_next_key_instead_of_the_count(
    client, django_assert_num_queries, endpoint, build, queries
):
    build()
    first = client.get(f"/api/v1/{endpoint}/", {"page_size": 30, "cursor": "start"}).json()
    assert first["count"] is None

    # No count, and the next page's key is in the last row.
    for size in (1, 50):
        with django_assert_num_queries(queries - 1):
            response = client.get(first["next"].replace("page_size=30", f"page_size={size}"))
        assert len(response.json()["results"]) == size
        assert response.json()["next"]


def test_a_next_key_taken_from_the_row_is_the_one_the_database_gives(client):
    """Dates, times and ids read from the page's last row make the same cursor as the key looked
    up for it: a CSV page, whose rows are written out, still looks it up."""
    from urllib.parse import parse_qs, urlsplit

    from commitments.api.pagination import _encode
    from commitments.models import StatusUpdate

    def cursor(url: str) -> str:
        return parse_qs(urlsplit(url).query)["cursor"][0]

    build_status_updates()
    body = client.get("/api/v1/status-updates/", {"page_size": 7, "cursor": "start"}).json()
    last = StatusUpdate.objects.get(pk=body["results"][-1]["id"])
    assert cursor(body["next"]) == _encode([last.as_of, last.created_at, last.pk])

    build_commitments()
    for ordering in ("-made_on", "-updated_at", "title"):
        params = {"page_size": 9, "cursor": "start", "ordering": ordering}
        from_row = client.get("/api/v1/commitments/", params).json()["next"]
        looked_up = client.get("/api/v1/commitments/", {**params, "format": "csv"})["Link"]
        assert cursor(from_row) == cursor(looked_up.split(">")[0].lstrip("<"))


def test_a_cursor_follows_the_ordering_asked_for(client):
    build_commitments()
    for ordering in ("title", "-updated_at", "-made_on,title"):
        params = {"page_size": 25, "ordering": ordering}
        assert walk(client, "commitments", {**params, "cursor": "start"}) == walk(client, "commitments", params)


def test_the_last_cursor_page_has_no_next_and_counts_nothing(client, django_assert_num_queries):
    build_status_updates()
    second = client.get("/api/v1/status-updates/", {"page_size": 100, "cursor": "start"}).json()["next"]
    # the page with commitment, party, correction; evidence (no count, no next key)
    with django_assert_num_queries(2):
        response = client.get(second)
    assert response.json()["results"]
    assert response.json()["next"] is None and response.json()["previous"] is None


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "WzFd"},  # a list of the wrong length
        {"cursor": "start", "page": "2"},
        {"cursor": "start", "ordering": "target_date"},  # may be empty
        {"cursor": "start", "ordering": "status"},  # computed: the status list's order
    ],
)
def test_a_cursor_the_list_cannot_follow_answers_400(client, params):
    build_commitments()
    response = client.get("/api/v1/commitments/", params)

    assert response.status_code == 400
    assert "cursor" in response.json()


def test_articles_ordered_by_a_date_that_may_be_missing_refuse_a_cursor(client):
    ArticleFactory()
    response = client.get("/api/v1/articles/", {"cursor": "start"})

    assert response.status_code == 400
    assert "published_on" in response.json()["cursor"][0]
    assert client.get("/api/v1/articles/").status_code == 200  # page numbers as ever

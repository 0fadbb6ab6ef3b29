"""Lists read through SQL compiled once per address (commitments/api/compiled_lists.py): the same
answers as a list built for every request, the data read afresh each time, and nothing kept
that depends on more than the address, the day and the database."""

import datetime

import pytest
from django.utils import timezone

from commitments.api import compiled_lists
from commitments.infra import prepared
from commitments.models import Article, Status, Theme
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
    verdict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_memo():
    compiled_lists.forget()
    yield
    compiled_lists.forget()


@pytest.fixture
def records():
    themes = [ThemeFactory(name=f"Theme {n}") for n in range(3)]
    actor = ActorFactory(name="G7")
    for n in range(5):
        statement = StatementFactory(title=f"Statement {n}", made_on=datetime.date(2020, 1, 1 + n))
        article = ArticleFactory(title=f"Article {n}", published_on=datetime.date(2021, 1, 1 + n))
        statement.articles.set([article])
        commitment = CommitmentFactory(
            statement=statement,
            themes=themes[: 1 + n % 3],
            actors=[actor],
            target_date=datetime.date(2030, 1, 1) if n % 2 else None,
        )
        status = Status.IN_PROGRESS if n % 2 else Status.MET
        verdict(commitment=commitment, status=status, as_of=statement.made_on + datetime.timedelta(days=30))
        ArticleLinkFactory(commitment=commitment, article=article)
        QuoteFactory(speaker=actor, statement=statement, article=article)
    return themes


def _built_every_time(monkeypatch):
    monkeypatch.setattr(compiled_lists, "lookup", lambda view, request, build, rows: (None, build()))


ADDRESSES = [
    "/api/v1/commitments/",
    "/api/v1/commitments/?page=2&page_size=2",
    "/api/v1/commitments/?page=3&page_size=2",  # the last page, cut at the count
    "/api/v1/commitments/?status=in_progress&ordering=-made_on",
    "/api/v1/commitments/?overdue=false",
    "/api/v1/status-updates/?page_size=3",
    "/api/v1/themes/",
    "/api/v1/actors/",
    "/api/v1/statements/?page_size=2&page=2",
    "/api/v1/articles/",
    "/api/v1/articles/?kind=news",
    "/api/v1/article-links/",
    "/api/v1/quotes/?page_size=4",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_kept_list_answers_as_a_list_built_for_the_request(client, records, monkeypatch, address):
    compiled_first = client.get(address)
    compiled_again = client.get(address)
    kept = [entry for entry in compiled_lists._memo.values() if isinstance(entry, compiled_lists.CompiledList)]
    _built_every_time(monkeypatch)
    built = client.get(address)

    assert built.status_code == 200
    assert kept, "the list was kept"
    assert compiled_first.json() == compiled_again.json() == built.json()
    assert compiled_again.content == built.content
    assert compiled_again.get("Link") == built.get("Link")


def test_a_kept_list_is_neither_built_nor_compiled_again(client, records, monkeypatch, django_assert_num_queries):
    with monkeypatch.context() as building:
        _built_every_time(building)
        expected = client.get("/api/v1/articles/?page_size=2&page=2").json()
    client.get("/api/v1/articles/")
    compiled = []
    monkeypatch.setattr(prepared.Compiled, "__init__", lambda *args: compiled.append(args))
    monkeypatch.setattr("commitments.api.views.ArticleViewSet.public_queryset", lambda self: pytest.fail("built again"))

    with django_assert_num_queries(2):  # the count and the page (the tests' settings cache nothing)
        response = client.get("/api/v1/articles/?page_size=2&page=2")

    assert response.status_code == 200
    assert response.json() == expected and len(expected["results"]) == 2
    assert compiled == []


def test_the_count_and_rows_are_read_afresh(client, records):
    before = client.get("/api/v1/articles/").json()
    statement = StatementFactory(title="New statement")
    statement.articles.set([ArticleFactory(title="Just reported", published_on=datetime.date(2022, 1, 1))])

    after = client.get("/api/v1/articles/").json()

    assert after["count"] == before["count"] + 1
    assert after["results"][0]["title"] == "Just reported"


def test_a_list_whose_filters_look_records_up_is_built_every_time(client, records):
    theme = records[0]
    address = f"/api/v1/commitments/?theme={theme.slug}"
    first = client.get(address)
    assert first.status_code == 200 and first.json()["count"] == 5
    assert list(compiled_lists._memo.values()) == [compiled_lists._NOT_KEPT]

    # Its SQL held the theme's id: kept, it would still answer for a slug that no longer exists.
    Theme.objects.filter(pk=theme.pk).update(slug="renamed")
    assert client.get(address).status_code == 400
    assert client.get("/api/v1/commitments/?theme=renamed").json()["count"] == 5


def test_the_day_is_part_of_the_address(client, records, monkeypatch):
    overdue = "/api/v1/commitments/?overdue=true"
    assert client.get(overdue).json()["count"] == 0

    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2031, 1, 1))
    # The targets of 2030 have passed for the commitments still in progress.
    assert client.get(overdue).json()["count"] == 2
    assert len(compiled_lists._memo) == 2


def test_a_ranked_search_and_a_cursor_page_are_not_kept(client, records):
    assert client.get("/api/v1/commitments/?search=commitment").status_code == 200
    assert client.get("/api/v1/commitments/?cursor=start").status_code == 200
    assert all(entry is compiled_lists._NOT_KEPT for entry in compiled_lists._memo.values())
    assert len(compiled_lists._memo) == 1  # the search; a cursor page has no key


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("page=9", 404, "Page 9 does not exist; the last page is 1."),
        ("page=0", 400, "page must be a whole number of at least 1, not '0'."),
        ("page_size=x", 400, "page_size must be a whole number of at least 1, not 'x'."),
    ],
)
def test_a_kept_list_refuses_a_bad_page_as_before(client, records, monkeypatch, query, status, message):
    client.get("/api/v1/themes/")  # kept
    kept = client.get(f"/api/v1/themes/?{query}")
    _built_every_time(monkeypatch)
    built = client.get(f"/api/v1/themes/?{query}")

    assert kept.status_code == built.status_code == status
    assert kept.json() == built.json()
    assert message in kept.content.decode()


def test_an_empty_list_is_kept_and_answers_its_first_page(client):
    assert Article.objects.count() == 0
    first = client.get("/api/v1/articles/").json()
    assert first == client.get("/api/v1/articles/").json()
    assert first == {"count": 0, "next": None, "previous": None, "results": []}
    assert client.get("/api/v1/articles/?page=2").status_code == 404


def test_the_memo_is_bounded(client, records, monkeypatch):
    monkeypatch.setattr(compiled_lists, "MEMO_SIZE", 3)
    for term in ("a", "b", "c", "d", "e"):
        assert client.get(f"/api/v1/articles/?search={term}").status_code == 200
    assert len(compiled_lists._memo) == 3
    assert [key[3] for key in compiled_lists._memo] == [(("search", (term,)),) for term in ("c", "d", "e")]


def test_the_database_read_is_part_of_the_address(rf, monkeypatch):
    # An anonymous reader's list may be read from the replica (tracker/routers.py): its SQL is
    # kept apart from the primary's.
    from django.db import router
    from rest_framework.request import Request

    from commitments.api.pagination import PageNumberPagination
    from commitments.api.serializers import ThemeSerializer

    class View:
        paginator, serializer_class = PageNumberPagination(), ThemeSerializer

    request = Request(rf.get("/api/v1/themes/", {"page": "2", "search": "cyber"}))
    primary = compiled_lists._key(View(), request)
    monkeypatch.setattr(router, "db_for_read", lambda model, **hints: "replica")
    replica = compiled_lists._key(View(), request)

    assert primary == (View, "default", timezone.localdate(), (("search", ("cyber",)),))
    assert replica == (View, "replica", *primary[2:])

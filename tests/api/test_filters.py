"""Every query parameter, both ways (matches / does not match), and every way to get it wrong."""

import datetime

import pytest
from django.utils import timezone

from commitments.models import Actor, Article, ArticleLink, Commitment, Quote, Statement, StatusUpdate, Theme
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

OLD, NEW = "2022-01-01T00:00:00Z", "2024-01-01T00:00:00Z"


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture
def pair():
    """Two of everything, A and B, differing on every filtered property. A changed last."""
    nato = ThemeFactory(slug="nato", name="NATO alliance", description="Collective defence")
    cyber = ThemeFactory(slug="cyber", name="Cyber", description="Networks", parent=nato)
    uk = ActorFactory(slug="uk", name="United Kingdom", kind=Actor.Kind.COUNTRY, aliases="Britain")
    home_office = ActorFactory(slug="home-office", name="Home Office", kind=Actor.Kind.GOVERNMENT_BODY, parent=uk)
    s_a = StatementFactory(
        slug="statement-a", title="Carbis Bay statement", made_on=datetime.date(2021, 6, 10), kind="joint_statement"
    )
    s_b = StatementFactory(
        slug="statement-b", title="Madrid communique", made_on=datetime.date(2022, 6, 29), kind="communique"
    )
    s_a.parties.set([uk])
    s_b.parties.set([home_office])
    a = CommitmentFactory(
        slug="a", title="A: raise NATO funding", wording="Increase common funding for turbines.", statement=s_a,
        themes=[nato], actors=[uk], target_date=datetime.date(2020, 1, 1),
    )  # fmt: skip
    b = CommitmentFactory(
        slug="b", title="B: protect networks", wording="Defend against ransomware.", statement=s_b,
        themes=[cyber], actors=[home_office], target_date=datetime.date(2020, 6, 1),
    )  # fmt: skip
    art_a = ArticleFactory(title="A article", publisher="Gazette", kind="news", published_on=datetime.date(2021, 6, 11))
    art_b = ArticleFactory(
        title="B article", publisher="Courier", kind="report", published_on=datetime.date(2022, 7, 1)
    )
    s_a.articles.set([art_a])
    s_b.articles.set([art_b])
    ArticleLinkFactory(commitment=a, article=art_a, relation="progress", note="A link")
    ArticleLinkFactory(commitment=b, article=art_b, relation="setback", note="B link")
    # Each verdict rests on its commitment's own article, so the article filters see no third one.
    verdict(commitment=a, status="met", as_of=datetime.date(2021, 7, 1), rationale="A update", articles=[art_a])
    verdict(commitment=b, status="stalled", as_of=datetime.date(2023, 1, 1), rationale="B update", articles=[art_b])
    q_a = QuoteFactory(text="A quote about funding", speaker=uk, statement=s_a)
    q_b = QuoteFactory(text="B quote about ransomware", speaker=home_office, statement=s_b)
    q_a.commitments.set([a])
    q_b.commitments.set([b])
    for model, a_filter in [
        (Theme, {"slug": "nato"}),
        (Actor, {"slug": "uk"}),
        (Article, {"title": "A article"}),
        (Statement, {"slug": "statement-a"}),
        (Commitment, {"slug": "a"}),
        (StatusUpdate, {"rationale": "A update"}),
        (Quote, {"text__startswith": "A quote"}),
        (ArticleLink, {"note": "A link"}),
    ]:
        model.objects.update(updated_at=moment(OLD))
        model.objects.filter(**a_filter).update(updated_at=moment(NEW))
    return {"art_a": art_a, "art_b": art_b}


LABEL = {
    "themes": lambda r: r["slug"],
    "actors": lambda r: r["slug"],
    "articles": lambda r: r["title"][0],
    "statements": lambda r: r["slug"][-1],
    "commitments": lambda r: r["slug"],
    "status-updates": lambda r: r["rationale"][0],
    "quotes": lambda r: r["text"][0],
    "article-links": lambda r: r["note"][0],
}
SINCE = "2023-01-01T00:00:00Z"

CASES = [
    # endpoint, parameters, labels expected (in order when ordering is given)
    ("themes", {"search": "alliance"}, ["nato"]),
    ("themes", {"search": "networks"}, ["cyber"]),
    ("themes", {"search": "nothing-like-it"}, []),
    ("themes", {"parent": "nato"}, ["cyber"]),
    ("themes", {"parent": "cyber"}, []),
    ("themes", {"changed_since": SINCE}, ["nato"]),
    ("themes", {"changed_since": "2025-01-01T00:00:00Z"}, []),
    ("actors", {"search": "britain"}, ["uk"]),
    ("actors", {"search": "office"}, ["home-office"]),
    ("actors", {"kind": "country"}, ["uk"]),
    ("actors", {"kind": "person"}, []),
    ("actors", {"parent": "uk"}, ["home-office"]),
    ("actors", {"parent": "home-office"}, []),
    ("actors", {"changed_since": SINCE}, ["uk"]),
    ("articles", {"search": "gazette"}, ["A"]),
    ("articles", {"search": "nothing-like-it"}, []),
    ("articles", {"kind": "report"}, ["B"]),
    ("articles", {"kind": "transcript"}, []),
    ("articles", {"commitment": "a"}, ["A"]),
    ("articles", {"commitment": "b"}, ["B"]),
    ("articles", {"statement": "statement-b"}, ["B"]),
    ("articles", {"published_after": "2022-01-01"}, ["B"]),
    ("articles", {"published_before": "2022-01-01"}, ["A"]),
    ("articles", {"published_before": "2020-01-01"}, []),
    ("articles", {"changed_since": SINCE}, ["A"]),
    ("statements", {"search": "madrid"}, ["b"]),
    ("statements", {"search": "nothing-like-it"}, []),
    ("statements", {"kind": "joint_statement"}, ["a"]),
    ("statements", {"kind": "speech"}, []),
    ("statements", {"party": "uk"}, ["a"]),
    ("statements", {"party": "home-office"}, ["b"]),
    ("statements", {"made_after": "2022-01-01"}, ["b"]),
    ("statements", {"made_before": "2022-01-01"}, ["a"]),
    ("statements", {"changed_since": SINCE}, ["a"]),
    ("statements", {"ordering": "title"}, ["a", "b"]),
    ("statements", {"ordering": "-title"}, ["b", "a"]),
    ("statements", {"ordering": "made_on"}, ["a", "b"]),
    ("commitments", {"theme": "nato"}, ["a"]),
    ("commitments", {"theme": "cyber"}, ["b"]),
    ("commitments", {"theme": ["nato", "cyber"], "ordering": "title"}, ["a", "b"]),  # any of them
    ("commitments", {"actor": "uk"}, ["a"]),
    ("commitments", {"actor": "home-office"}, ["b"]),
    ("commitments", {"status": "met"}, ["a"]),
    ("commitments", {"status": "broken"}, []),
    ("commitments", {"status": ["met", "stalled"], "ordering": "title"}, ["a", "b"]),
    ("commitments", {"statement": "statement-b"}, ["b"]),
    ("commitments", {"overdue": "true"}, ["b"]),
    ("commitments", {"overdue": "false"}, ["a"]),
    ("commitments", {"target_before": "2020-03-01"}, ["a"]),
    ("commitments", {"target_before": "2019-12-31"}, []),
    ("commitments", {"target_after": "2020-03-01"}, ["b"]),
    ("commitments", {"target_after": "2020-06-01"}, ["b"]),  # inclusive
    ("commitments", {"changed_since": SINCE}, ["a"]),
    ("commitments", {"changed_since": "2023-01-01T00:00:00"}, ["a"]),  # no offset: UTC
    ("commitments", {"changed_since": "2025-01-01T00:00:00+02:00"}, []),
    ("commitments", {"search": "turbines"}, ["a"]),
    ("commitments", {"search": "Cyber"}, ["b"]),  # theme names count
    ("commitments", {"search": "nothing-like-it"}, []),
    ("commitments", {"ordering": "title"}, ["a", "b"]),
    ("commitments", {"ordering": "-title"}, ["b", "a"]),
    ("commitments", {"ordering": "-target_date,title"}, ["b", "a"]),
    ("commitments", {"ordering": "status"}, ["b", "a"]),  # the vocabulary's order: stalled before met
    ("commitments", {"ordering": "-made_on"}, ["b", "a"]),
    ("status-updates", {"commitment": "a"}, ["A"]),
    ("status-updates", {"commitment": "b"}, ["B"]),
    ("status-updates", {"status": "stalled"}, ["B"]),
    ("status-updates", {"status": "broken"}, []),
    ("status-updates", {"as_of_after": "2022-01-01"}, ["B"]),
    ("status-updates", {"as_of_before": "2022-01-01"}, ["A"]),
    ("status-updates", {"as_of_before": "2020-01-01"}, []),
    ("status-updates", {"changed_since": SINCE}, ["A"]),
    ("status-updates", {"ordering": "as_of"}, ["A", "B"]),
    ("status-updates", {"ordering": "-as_of"}, ["B", "A"]),
    ("quotes", {"search": "ransomware"}, ["B"]),
    ("quotes", {"search": "nothing-like-it"}, []),
    ("quotes", {"speaker": "uk"}, ["A"]),
    ("quotes", {"statement": "statement-b"}, ["B"]),
    ("quotes", {"commitment": "a"}, ["A"]),
    ("quotes", {"changed_since": SINCE}, ["A"]),
    ("article-links", {"commitment": "b"}, ["B"]),
    ("article-links", {"relation": "progress"}, ["A"]),
    ("article-links", {"relation": "context"}, []),
    ("article-links", {"changed_since": SINCE}, ["A"]),
]


@pytest.mark.parametrize(("endpoint", "params", "expected"), CASES)
def test_filter(client, pair, endpoint, params, expected):
    response = client.get(f"/api/v1/{endpoint}/", params)
    assert response.status_code == 200, response.content
    labels = [LABEL[endpoint](row) for row in response.json()["results"]]
    if "ordering" in params:
        assert labels == expected
    else:
        assert sorted(labels) == sorted(expected)


def test_article_filter_by_id(client, pair):
    response = client.get("/api/v1/article-links/", {"article": pair["art_a"].pk})
    assert [row["note"] for row in response.json()["results"]] == ["A link"]
    response = client.get("/api/v1/quotes/", {"speaker": "home-office"})
    assert [row["text"][0] for row in response.json()["results"]] == ["B"]


def test_overdue_follows_today(client, pair, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: datetime.date(2020, 3, 1))
    results = client.get("/api/v1/commitments/", {"overdue": "true"}).json()["results"]
    assert results == []  # a's deadline passed, but it is met; b's is still ahead


@pytest.mark.parametrize(
    "url, name",
    [
        ("/api/v1/commitments/?colour=blue", "colour"),
        ("/api/v1/commitments/?q=cyber", "q"),  # the site's former name for search
        ("/api/v1/commitments/?utm_source=newsletter", "utm_source"),
        ("/api/v1/statements/?theme=nato", "theme"),
        ("/api/v1/commitments/a/?status=met", "status"),  # a detail takes no filter
        ("/api/v1/stats/?page=2", "page"),
    ],
)
def test_unknown_parameters_answer_400_naming_them(client, pair, url, name):
    response = client.get(url)
    assert response.status_code == 400
    assert list(response.json()) == [name]
    assert f"Unknown parameter '{name}'" in response.json()[name][0]


def test_known_parameters_are_not_refused(client, pair):
    response = client.get("/api/v1/commitments/", {"page": 1, "page_size": 1, "format": "json", "search": "a"})
    assert response.status_code == 200


BAD = [
    ("commitments", "status=done", "status"),
    ("commitments", "status=met&status=done", "status"),
    ("commitments", "status=", "status"),
    ("commitments", "theme=no-such-theme", "theme"),
    ("commitments", "actor=nobody", "actor"),
    ("commitments", "statement=nowhere", "statement"),
    ("commitments", "target_before=2021-13-01", "target_before"),
    ("commitments", "target_after=01/02/2021", "target_after"),
    ("commitments", "target_after=", "target_after"),
    ("commitments", "changed_since=yesterday", "changed_since"),
    ("commitments", "changed_since=0001-01-01T00:00:00%2B14:00", "changed_since"),
    ("commitments", "overdue=yes", "overdue"),
    ("commitments", "overdue=1", "overdue"),
    ("commitments", "overdue=", "overdue"),
    ("commitments", "ordering=score", "ordering"),
    ("commitments", "ordering=title,,status", "ordering"),
    ("commitments", "search=a%00b", "search"),
    ("commitments", "utm_source=%00", "utm_source"),
    ("commitments", "page=0", "page"),
    ("commitments", "page=two", "page"),
    ("commitments", "page=%2B2", "page"),
    ("commitments", "page_size=ten", "page_size"),
    ("commitments", "page_size=0", "page_size"),
    ("commitments", "page_size=-5", "page_size"),
    ("commitments", "format=xml", "format"),
    ("commitments", "format=csv&status=done", "status"),
    ("commitments/a", "format=csv", "format"),
    ("commitments/a", "x=%00", "x"),
    ("stats", "format=%00", "format"),
    ("status-updates", "status=done", "status"),
    ("status-updates", "commitment=nowhere", "commitment"),
    ("status-updates", "as_of_after=2023-02-30", "as_of_after"),
    ("status-updates", "as_of_before=soon", "as_of_before"),
    ("status-updates", "ordering=rationale", "ordering"),
    ("themes", "parent=nowhere", "parent"),
    ("actors", "kind=robot", "kind"),
    ("articles", "kind=blog", "kind"),
    ("articles", "published_after=June", "published_after"),
    ("statements", "kind=tweet", "kind"),
    ("statements", "made_before=2021", "made_before"),
    ("statements", "party=nobody", "party"),
    ("quotes", "speaker=nobody", "speaker"),
    ("article-links", "article=abc", "article"),
    ("article-links", "relation=cites", "relation"),
]


@pytest.mark.parametrize(("endpoint", "query", "parameter"), BAD)
def test_a_bad_parameter_answers_400_naming_it(client, pair, endpoint, query, parameter):
    response = client.get(f"/api/v1/{endpoint}/?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert list(body) == [parameter]
    assert all(isinstance(message, str) and message for message in body[parameter])


def test_a_nul_byte_in_a_parameter_name_is_refused(client, pair):
    response = client.get("/api/v1/themes/?na%00me=1")
    assert response.status_code == 400
    assert list(response.json()) == ["na\x00me"]


def test_filters_on_unpublished_records_answer_as_unknown(client, pair):
    Statement.objects.filter(slug="statement-b").update(state="draft")
    response = client.get("/api/v1/commitments/", {"statement": "statement-b"})
    assert response.status_code == 400
    assert "statement-b" in response.json()["statement"][0]


def test_messages_say_what_to_use(client, pair):
    body = client.get("/api/v1/commitments/", {"status": "done"}).json()
    assert body["status"] == [
        "Unknown status 'done'; use not_rated, not_started, in_progress, stalled, partially_met, met, broken."
    ]
    body = client.get("/api/v1/commitments/", {"ordering": "score"}).json()
    assert "Cannot order by 'score'" in body["ordering"][0]


# --- Pagination --------------------------------------------------------------------------------


@pytest.fixture
def many_themes():
    Theme.objects.bulk_create([Theme(name=f"Theme {n:03}", slug=f"theme-{n:03}") for n in range(120)])


def test_pages_default_to_fifty_with_links(client, many_themes):
    body = client.get("/api/v1/themes/").json()
    assert body["count"] == 120
    assert len(body["results"]) == 50
    assert body["previous"] is None
    assert body["next"] == "http://testserver/api/v1/themes/?page=2"


def test_the_last_page_links_back(client, many_themes):
    body = client.get("/api/v1/themes/", {"page": 3}).json()
    assert [r["slug"] for r in body["results"]][:1] == ["theme-100"]
    assert body["next"] is None
    assert body["previous"] == "http://testserver/api/v1/themes/?page=2"


def test_page_size_above_one_hundred_is_capped(client, many_themes):
    body = client.get("/api/v1/themes/", {"page_size": 500}).json()
    assert len(body["results"]) == 100
    assert body["next"] == "http://testserver/api/v1/themes/?page=2&page_size=500"


def test_page_size_below_the_cap_is_honoured(client, many_themes):
    assert len(client.get("/api/v1/themes/", {"page_size": 7}).json()["results"]) == 7


def test_a_page_after_the_last_is_not_found(client, many_themes):
    response = client.get("/api/v1/themes/", {"page": 4})
    assert response.status_code == 404
    assert response.json() == {"detail": "Page 4 does not exist; the last page is 3."}


def test_an_empty_list_still_has_a_first_page(client, db):
    body = client.get("/api/v1/quotes/").json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "viewset",
    [
        "ThemeViewSet",
        "ActorViewSet",
        "ArticleViewSet",
        "StatementViewSet",
        "CommitmentViewSet",
        "StatusUpdateViewSet",
        "QuoteViewSet",
        "ArticleLinkViewSet",
    ],
)
def test_a_filterset_given_no_parameters_leaves_the_list_as_it_is(rf, db, viewset):
    # The list endpoints skip their FilterSet when asked with no parameter at all
    # (ApiViewSet.filter_queryset); that is only right while no filter has a default.
    from django.http import QueryDict

    from commitments.api import views

    view = getattr(views, viewset)(request=rf.get("/"), action="list", format_kwarg=None)
    queryset = view.public_queryset()
    filterset = view.filterset_class(QueryDict(), queryset=queryset)
    assert filterset.is_valid()
    assert str(filterset.qs.query) == str(queryset.query)


@pytest.mark.parametrize("endpoint", ["commitments", "statements", "status-updates"])
def test_an_empty_ordering_is_refused_like_any_typed_parameter_left_empty(client, db, endpoint):
    response = client.get(f"/api/v1/{endpoint}/", {"ordering": ""})

    assert response.status_code == 400
    assert "ordering" in response.json()
    assert client.get(f"/api/v1/{endpoint}/", {"ordering": "created_at"}).status_code == 200

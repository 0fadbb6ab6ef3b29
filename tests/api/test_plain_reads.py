"""Themes, actors, statements, articles, article links and quotes are written from plain rows
(representations.py, views.PlainReads): exactly what their documented serializers give, lists
and details, with the records the public does not see left out as before."""

import datetime
import json

import pytest
from django.db.models import Prefetch
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from commitments.api import serializers, views
from commitments.api.renderers import ORJSONRenderer
from commitments.models import Actor, Article, ArticleLink, Commitment, PublicationState, Quote, Statement, Theme
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    """Every optional value set and unset: parents, aliases, kinds, articles without an address
    or a date, statements with and without parties and articles, drafts the public never sees,
    and quotes pointing at some of them."""
    broad = ThemeFactory(name="Security", description="Defence and more")
    narrow = ThemeFactory(name="Cyber", parent=broad)
    empty = ThemeFactory(name="Nothing yet")
    bloc = ActorFactory(name="G7", kind=Actor.Kind.INTERNATIONAL_ORGANISATION)
    member = ActorFactory(name="France", parent=bloc, aliases="French Republic\nParis", role="Host")
    person = ActorFactory(name="A Minister", kind=Actor.Kind.PERSON)
    no_address = ArticleFactory(url="", published_on=None, author="Desk", summary="Short")
    dated = ArticleFactory(published_on=datetime.date(2021, 6, 12), retrieved_on=datetime.date(2021, 6, 13))
    draft_only = ArticleFactory(title="Reports only a draft")
    summit = StatementFactory(title="Summit communiqué", place="Carbis Bay", event="G7 2021", summary="What was agreed")
    summit.parties.set([member, bloc])
    summit.articles.set([dated, no_address])
    draft_statement = StatementFactory(title="Not yet public", state=PublicationState.DRAFT)
    draft_statement.articles.set([draft_only])
    quiet = StatementFactory(title="A statement alone")
    first = CommitmentFactory(statement=summit, themes=[narrow, broad], actors=[member])
    second = CommitmentFactory(statement=summit, themes=[narrow], actors=[member, bloc], status="in_progress")
    CommitmentFactory(statement=summit, state=PublicationState.DRAFT, themes=[empty], title="Draft commitment")
    hidden = CommitmentFactory(statement=draft_statement, themes=[broad])
    ArticleLinkFactory(commitment=first, article=dated, relation=ArticleLink.Relation.SETBACK, excerpt="A", note="N")
    ArticleLinkFactory(commitment=second, article=no_address)
    QuoteFactory(speaker=person, statement=summit, article=dated, text='He said "yes" \u2028 twice')
    both = QuoteFactory(speaker=person, statement=draft_statement, article=draft_only)
    both.commitments.set([second, hidden, first])
    QuoteFactory(speaker=member, statement=None, article=None).commitments.set([first])
    return {"theme": narrow, "actor": member, "statement": summit, "quiet": quiet, "quote": both}


def drf_json(serializer_class, instance, path: str, many: bool = False):
    request = Request(APIRequestFactory().get(path))
    data = serializer_class(instance, many=many, context={"request": request}).data
    return json.loads(ORJSONRenderer().render(data))


def as_the_public_sees_them(quotes):
    """Quotes for QuoteSerializer, which follows a quote's relations as they are: only the public
    ones, as the API has always shown them (representations.quotes reads them so)."""
    return quotes.select_related("speaker").prefetch_related(
        Prefetch("article", Article.objects.public()),
        Prefetch("statement", Statement.objects.published()),
        Prefetch("commitments", Commitment.objects.published().order_by("pk")),
    )


# The queryset each serializer is given: the viewset's own, or what gives it the public's view.
SERIALIZED = {views.QuoteViewSet: as_the_public_sees_them}

# (address, viewset, model): each list is compared with its serializer over the viewset's
# queryset, and each of its records' details likewise.
RESOURCES = [
    ("themes", views.ThemeViewSet, Theme, "slug"),
    ("actors", views.ActorViewSet, Actor, "slug"),
    ("statements", views.StatementViewSet, Statement, "slug"),
    ("articles", views.ArticleViewSet, Article, "pk"),
    ("article-links", views.ArticleLinkViewSet, ArticleLink, "pk"),
    ("quotes", views.QuoteViewSet, Quote, "pk"),
]


@pytest.mark.parametrize(("address", "viewset", "model", "lookup"), RESOURCES)
def test_each_list_and_detail_matches_its_serializer(client, records, address, viewset, model, lookup):
    view = viewset()
    path = f"/api/v1/{address}/"
    response = client.get(path)
    assert response.status_code == 200
    results = response.json()["results"]
    # Compared as text: the keys' order too, since a write's If-Match is checked against the
    # ETag of the serializer's JSON (views.ConditionalWrites) and a GET gives this one's.
    serialized = SERIALIZED.get(viewset, lambda queryset: queryset)
    expected = drf_json(view.serializer_class, serialized(view.public_queryset()), path, many=True)
    assert json.dumps(results) == json.dumps(expected)
    assert len(results) >= 2

    detail_serializer = view.detail_serializer_class or view.serializer_class
    for instance in view.detail_queryset():
        key = getattr(instance, lookup)
        detail_path = f"{path}{key}/"
        response = client.get(detail_path)
        expected = drf_json(detail_serializer, serialized(view.detail_queryset()).get(pk=instance.pk), detail_path)
        assert json.dumps(response.json()) == json.dumps(expected)
        if hasattr(view, "record_etag"):
            view.request = Request(APIRequestFactory().get(detail_path))
            view.format_kwarg = None
            assert response["ETag"] == view.record_etag(instance.pk)


def test_what_the_public_does_not_see_stays_out(client, records):
    titles = [row["title"] for row in client.get("/api/v1/articles/").json()["results"]]
    assert "Reports only a draft" not in titles
    quote = client.get(f"/api/v1/quotes/{records['quote'].pk}/").json()
    assert quote["statement"] is None and quote["article"] is None  # a draft statement, its article
    assert [commitment["id"] for commitment in quote["commitments"]] == sorted(
        commitment["id"] for commitment in quote["commitments"]
    )
    assert len(quote["commitments"]) == 2  # the one of the draft statement is left out
    statement = client.get(f"/api/v1/statements/{records['statement'].slug}/").json()
    assert statement["commitment_count"] == len(statement["commitments"]) == 2
    assert [party["name"] for party in statement["parties"]] == ["France", "G7"]
    # (Where the undated one goes depends on the database's order for nulls, as it did before.)
    assert {article["published_on"] for article in statement["articles"]} == {"2021-06-12", None}
    assert client.get("/api/v1/statements/not-yet-public/").status_code == 404


def test_a_detail_not_found_answers_as_before(client, records):
    assert client.get("/api/v1/themes/no-such-theme/").json() == {"detail": "No Theme matches the given query."}
    assert client.get("/api/v1/quotes/999999/").json() == {"detail": "No Quote matches the given query."}
    draft = Statement.objects.get(state=PublicationState.DRAFT)
    assert client.get(f"/api/v1/statements/{draft.slug}/").json() == {"detail": "No Statement matches the given query."}


def test_a_filtered_list_and_its_csv_are_those_of_the_serializer(client, records):
    path = f"/api/v1/themes/?parent={records['theme'].parent.slug}"
    results = client.get(path).json()["results"]
    assert [row["slug"] for row in results] == [records["theme"].slug]
    expected = drf_json(serializers.ThemeSerializer, Theme.objects.filter(pk=records["theme"].pk), path, many=True)
    assert results == expected
    csv = client.get("/api/v1/actors/?format=csv")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "French Republic" in csv.content.decode()

import pytest

from commitments.models import Article, Commitment, PublicationState, Quote, Statement, StatusUpdate
from tests.factories import (
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    verdict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mix():
    live = StatementFactory()
    hidden = StatementFactory(state=PublicationState.REVIEW)
    return {
        "live_statement": live,
        "hidden_statement": hidden,
        "published": CommitmentFactory(statement=live),
        "draft": CommitmentFactory(statement=live, state=PublicationState.DRAFT),
        "review": CommitmentFactory(statement=live, state=PublicationState.REVIEW),
        "orphan": CommitmentFactory(statement=hidden),  # published, but its statement is not
    }


def test_published_commitments_need_a_published_statement(mix):
    assert list(Commitment.objects.published()) == [mix["published"]]


def test_published_statements_hide_drafts_and_reviews(mix):
    StatementFactory(state=PublicationState.DRAFT)
    assert list(Statement.objects.published()) == [mix["live_statement"]]


def test_status_updates_follow_their_commitment(mix):
    import datetime

    for key in ("published", "draft", "orphan"):
        verdict(commitment=mix[key], status="met", as_of=datetime.date(2022, 1, 1), rationale="x")
    assert [u.commitment for u in StatusUpdate.objects.published()] == [mix["published"]]


def test_articles_are_public_only_through_published_records(mix):
    shown = ArticleLinkFactory(commitment=mix["published"]).article
    ArticleLinkFactory(commitment=mix["draft"])
    ArticleFactory()  # linked to nothing
    assert list(Article.objects.public()) == [shown]


def test_quotes_are_public_only_through_published_records(mix):
    shown = QuoteFactory(statement=mix["live_statement"])
    QuoteFactory(statement=mix["hidden_statement"])
    assert list(Quote.objects.published()) == [shown]


def test_an_article_cited_many_times_is_listed_once(mix, client):
    import datetime

    article = ArticleLinkFactory(commitment=mix["published"]).article
    mix["live_statement"].articles.add(article)
    for day in (1, 2):
        verdict(
            commitment=mix["published"],
            status="in_progress",
            as_of=datetime.date(2022, 1, day),
            rationale="x",
            articles=[article],
        )
    evidence_only = ArticleFactory()
    verdict(
        commitment=mix["orphan"], status="met", as_of=datetime.date(2022, 2, 1), rationale="x", articles=[evidence_only]
    )
    reported_only = ArticleFactory()
    mix["live_statement"].articles.add(reported_only)

    assert sorted(a.pk for a in Article.objects.public()) == sorted([article.pk, reported_only.pk])
    listed = client.get("/api/v1/articles/").json()
    assert listed["count"] == 2 and sorted(a["id"] for a in listed["results"]) == sorted([article.pk, reported_only.pk])
    by_commitment = client.get("/api/v1/articles/", {"commitment": mix["published"].slug}).json()
    assert [a["id"] for a in by_commitment["results"]] == [article.pk]


def test_a_quote_on_several_published_commitments_is_listed_once(mix, client):
    second = CommitmentFactory(statement=mix["live_statement"])
    quote = QuoteFactory(statement=None)
    quote.commitments.add(mix["published"], second, mix["draft"])
    QuoteFactory(statement=None).commitments.add(mix["draft"])

    assert list(Quote.objects.published()) == [quote]
    assert client.get("/api/v1/quotes/").json()["count"] == 1


def test_public_articles_and_quotes_test_each_row_for_what_makes_them_public(mix):
    """The EXISTS tests stay tests of each row read (models.EachRowExists): on PostgreSQL a page
    then reads fifty rows instead of hashing every article linked to something published first."""
    articles = str(Article.objects.public().order_by("-published_on")[:50].query)
    quotes = str(Quote.objects.published()[:50].query)
    assert articles.count("EXISTS(") == 3 and articles.count("LIMIT 1 OFFSET 0)") == 3
    assert quotes.count("EXISTS(") == 1 and quotes.count("LIMIT 1 OFFSET 0)") == 1

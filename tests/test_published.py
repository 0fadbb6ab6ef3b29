import pytest

from commitments.models import Article, Commitment, PublicationState, Quote, Statement, StatusUpdate
from commitments.services import record_status_update

from .factories import ArticleFactory, ArticleLinkFactory, CommitmentFactory, QuoteFactory, StatementFactory

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
        record_status_update(commitment=mix[key], status="met", as_of=datetime.date(2022, 1, 1), rationale="x")
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

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from commitments.models import (
    STATUS_DEFINITIONS,
    STATUS_SCORES,
    Article,
    Commitment,
    Status,
    Theme,
    content_hash,
)
from tests.factories import ArticleFactory, ArticleLinkFactory, CommitmentFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_status_values_are_the_published_vocabulary():
    assert Status.values == ["not_rated", "not_started", "in_progress", "stalled", "partially_met", "met", "broken"]


def test_every_status_has_a_definition_and_the_g7_score():
    assert set(STATUS_DEFINITIONS) == set(Status.values)
    assert Status.MET.score == 1
    assert Status.IN_PROGRESS.score == 0 and Status.PARTIALLY_MET.score == 0
    assert Status.NOT_STARTED.score == Status.STALLED.score == Status.BROKEN.score == -1
    assert Status.NOT_RATED.score is None
    assert all(Status(value).definition for value in STATUS_SCORES)


def test_a_link_is_unique_per_commitment_and_article():
    link = ArticleLinkFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleLinkFactory(commitment=link.commitment, article=link.article)


def test_an_amount_needs_a_currency():
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentFactory(amount=Decimal("24000000000"), currency="")
    assert CommitmentFactory(amount=Decimal("5"), currency="GBP").amount_display == "GBP 5"


def test_article_urls_are_unique_when_present():
    ArticleFactory(url="https://example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://example.org/a")
    # Two articles without a URL are fine.
    ArticleFactory(url="", body="one")
    ArticleFactory(url="", body="two")
    assert Article.objects.filter(url="").count() == 2


def test_the_same_text_cannot_be_stored_twice():
    ArticleFactory(body="The leaders agreed.  Both will act.")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(body="The leaders agreed.\nBoth will act.")


def test_content_hash_ignores_whitespace_only():
    assert content_hash("a  b\nc") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


def test_slugs_are_filled_from_titles_and_kept_unique():
    statement = StatementFactory(slug="")
    first = CommitmentFactory(statement=statement, title="Increase NATO funding", slug="")
    second = CommitmentFactory(statement=statement, title="Increase NATO funding", slug="")
    assert first.slug == "increase-nato-funding"
    assert second.slug == "increase-nato-funding-2"
    first.title = "Something else"
    first.save()
    first.refresh_from_db()
    assert first.slug == "increase-nato-funding"


def test_keywords_accept_lines_or_commas():
    theme = ThemeFactory(keywords="NATO, the Alliance\ncollective defence\n")
    assert theme.keyword_list == ["NATO", "the Alliance", "collective defence"]


def test_overdue_means_past_target_and_not_settled():
    past = datetime.date(2020, 1, 1)
    open_one = CommitmentFactory(target_date=past)
    met = CommitmentFactory(target_date=past, status=Status.MET)
    future = CommitmentFactory(target_date=datetime.date(2999, 1, 1))
    undated = CommitmentFactory()
    assert list(Commitment.objects.overdue()) == [open_one]
    assert set(Commitment.objects.not_overdue()) == {met, future, undated}
    assert open_one.is_overdue and not met.is_overdue and not future.is_overdue and not undated.is_overdue


def test_every_change_is_in_the_history():
    theme = ThemeFactory(name="Cyber")
    theme.description = "Malicious cyber activity."
    theme.save()
    assert theme.history.count() == 2
    assert [h.history_type for h in theme.history.all()] == ["~", "+"]
    assert Theme.history.first().description == "Malicious cyber activity."

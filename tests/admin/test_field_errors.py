"""A broken model rule reaches the analyst in words, at its field; a duplicate names the record
that already has the value, with a link to it."""

import pytest

from commitments.models import Article, ArticleLink, Commitment
from tests.admin.conftest import admin_url
from tests.admin.test_form_moves import form_of
from tests.factories import ArticleFactory, ArticleLinkFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


def errors_at(response, field):
    return [str(e) for e in response.context["adminform"].form.errors.get(field, [])]


def test_an_amount_without_currency_is_refused_at_the_currency_field(client, editor):
    commitment = CommitmentFactory(state=Commitment.State.DRAFT)
    client.force_login(editor)
    response = client.post(admin_url(Commitment, "change", commitment.pk), form_of(commitment, amount="24000000000"))
    assert response.status_code == 200
    assert "An amount needs its currency" in errors_at(response, "currency")[0]
    assert not response.context["adminform"].form.non_field_errors()
    assert "is violated" not in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).amount is None


def test_a_currency_that_is_not_a_code_is_refused_at_its_field(client, editor):
    commitment = CommitmentFactory(state=Commitment.State.DRAFT)
    client.force_login(editor)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk), form_of(commitment, amount="10", currency="gbp")
    )
    assert "three capital letters" in errors_at(response, "currency")[0]


def test_a_taken_slug_names_and_links_the_record_that_has_it(client, editor):
    taken = CommitmentFactory(slug="fund-cyber", title="Fund cyber defence")
    commitment = CommitmentFactory(state=Commitment.State.DRAFT)
    client.force_login(editor)
    response = client.post(admin_url(Commitment, "change", commitment.pk), form_of(commitment, slug="fund-cyber"))
    (message,) = errors_at(response, "slug")
    assert "fund-cyber" in message and "Fund cyber defence" in message
    assert f'href="{admin_url(Commitment, "change", taken.pk)}"' in message


def test_a_duplicate_article_address_links_the_existing_article(client, publisher):
    existing = ArticleFactory(url="https://news.example.org/pledge", title="The pledge")
    client.force_login(publisher)
    response = client.post(
        admin_url(Article, "add"),
        {"title": "Again", "url": "https://news.example.org/pledge", "kind": "news", "published_on_source": "unknown"},
    )
    assert response.status_code == 200
    (message,) = errors_at(response, "url")
    assert "already recorded" in message and f'href="{admin_url(Article, "change", existing.pk)}"' in message
    assert Article.objects.count() == 1


def test_a_second_link_of_the_same_article_points_to_the_first(client, publisher):
    link = ArticleLinkFactory()
    client.force_login(publisher)
    response = client.post(
        admin_url(ArticleLink, "add"),
        {"commitment": link.commitment_id, "article": link.article_id, "relation": "reports"},
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    message = " ".join(str(e) for e in form.errors.get("article", []) + list(form.non_field_errors()))
    assert "already linked" in message
    assert ArticleLink.objects.count() == 1

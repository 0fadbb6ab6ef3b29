"""What the API shows: published data only, for everyone, with stable ids, slugs and addresses."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from commitments.models import Article, PublicationState, Theme
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StatementFactory,
    ThemeFactory,
    UserFactory,
    verdict,
)

pytestmark = pytest.mark.django_db

LIST_ENDPOINTS = [
    "themes",
    "actors",
    "articles",
    "statements",
    "commitments",
    "status-updates",
    "quotes",
    "article-links",
    "stats",
]
DAY = datetime.date(2023, 3, 1)


@pytest.fixture
def world():
    """Published records next to unpublished ones; everything unpublished says HIDDEN somewhere."""
    theme, actor = ThemeFactory(slug="cyber", name="Cyber"), ActorFactory(slug="united-kingdom")
    live = StatementFactory(slug="live-statement")
    hidden = StatementFactory(slug="hidden-statement", title="HIDDEN statement", state=PublicationState.DRAFT)
    published = CommitmentFactory(statement=live, slug="published", themes=[theme], actors=[actor])
    draft = CommitmentFactory(statement=live, slug="hidden-draft", title="HIDDEN draft", state=PublicationState.DRAFT)
    review = CommitmentFactory(
        statement=live, slug="hidden-review", title="HIDDEN review", state=PublicationState.REVIEW
    )
    orphan = CommitmentFactory(statement=hidden, slug="hidden-orphan", title="HIDDEN orphan", themes=[theme])
    shown_article = ArticleFactory(title="Shown article")
    hidden_article = ArticleFactory(title="HIDDEN article")
    ArticleLinkFactory(commitment=published, article=shown_article, note="shown link")
    hidden_links = [
        ArticleLinkFactory(commitment=c, article=hidden_article, note="HIDDEN link") for c in (draft, review, orphan)
    ]
    shown_update = verdict(
        commitment=published, status="in_progress", as_of=DAY, rationale="Shown verdict", articles=[shown_article]
    )
    hidden_updates = [
        verdict(commitment=c, status="met", as_of=DAY, rationale="HIDDEN verdict", articles=[hidden_article])
        for c in (draft, review, orphan)
    ]
    hidden_quote = QuoteFactory(statement=hidden, text="HIDDEN quote", article=hidden_article)
    mixed_quote = QuoteFactory(statement=live, text="Shown quote", article=hidden_article)
    mixed_quote.commitments.set([published, draft])
    other_quote = QuoteFactory(statement=hidden, text="Shown through its commitment")
    other_quote.commitments.set([published])
    return {
        "published": published,
        "draft": draft,
        "orphan": orphan,
        "hidden": hidden,
        "hidden_article": hidden_article,
        "hidden_links": hidden_links,
        "shown_update": shown_update,
        "hidden_updates": hidden_updates,
        "hidden_quote": hidden_quote,
        "mixed_quote": mixed_quote,
        "other_quote": other_quote,
    }


@pytest.fixture
def editor_client(client):
    editor = UserFactory(username="editor")
    editor.user_permissions.set(Permission.objects.filter(codename__in=["change_commitment", "change_statement"]))
    client.force_login(editor)
    return client


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS)
def test_lists_never_show_unpublished_records(client, world, endpoint):
    response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert b"HIDDEN" not in response.content


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS[:-1])
def test_csv_lists_never_show_unpublished_records(client, world, endpoint):
    response = client.get(f"/api/v1/{endpoint}/", {"format": "csv"})
    assert response.status_code == 200
    assert b"HIDDEN" not in response.content


def hidden_detail_paths(world) -> list[str]:
    return [
        *(f"/api/v1/commitments/{world[k].slug}/" for k in ("draft", "orphan")),
        f"/api/v1/statements/{world['hidden'].slug}/",
        f"/api/v1/articles/{world['hidden_article'].pk}/",
        f"/api/v1/quotes/{world['hidden_quote'].pk}/",
        *(f"/api/v1/status-updates/{u.pk}/" for u in world["hidden_updates"]),
        *(f"/api/v1/article-links/{link.pk}/" for link in world["hidden_links"]),
    ]


def test_unpublished_records_are_not_found(client, world):
    for path in hidden_detail_paths(world):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"detail"}


def test_editors_read_only_published_data_too(editor_client, world):
    # Reads are the public view for everyone; editors see drafts in the admin.
    for path in hidden_detail_paths(world):
        assert editor_client.get(path).status_code == 404, path
    assert b"HIDDEN" not in editor_client.get("/api/v1/commitments/").content


def test_published_details_never_embed_unpublished_relations(client, world):
    statement = client.get("/api/v1/statements/live-statement/").json()
    assert [c["slug"] for c in statement["commitments"]] == ["published"]
    quote = client.get(f"/api/v1/quotes/{world['mixed_quote'].pk}/").json()
    assert [c["slug"] for c in quote["commitments"]] == ["published"]
    assert quote["article"] is None  # the article is evidence for drafts only
    other = client.get(f"/api/v1/quotes/{world['other_quote'].pk}/").json()
    assert other["statement"] is None  # its statement is a draft
    for path in ("/api/v1/commitments/published/", "/api/v1/stats/", "/api/v1/themes/cyber/"):
        assert b"HIDDEN" not in client.get(path).content


def test_counts_on_themes_include_only_published_commitments(client, world):
    assert client.get("/api/v1/themes/cyber/").json()["commitment_count"] == 1


def test_theme_and_actor_counts_are_kept_until_the_data_changes(client, world, settings, django_assert_num_queries):
    """One lookup of every theme's (or actor's) published count for a page, the same numbers in
    the list and the detail, counted again after an edit, and 0 for one that has none."""
    import uuid

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    settings.PAGE_CACHE_SECONDS, settings.COUNT_CACHE_SECONDS = 0, 300
    ThemeFactory(slug="empty-theme")
    listed = {row["slug"]: row["commitment_count"] for row in client.get("/api/v1/themes/").json()["results"]}
    assert listed == {"cyber": 1, "empty-theme": 0}
    actors = client.get("/api/v1/actors/").json()["results"]
    assert {row["slug"]: row["commitment_count"] for row in actors}["united-kingdom"] == 1
    with django_assert_num_queries(1):  # the theme; its count is the one kept
        assert client.get("/api/v1/themes/cyber/").json()["commitment_count"] == 1

    CommitmentFactory(statement=world["published"].statement, themes=[Theme.objects.get(slug="cyber")])
    assert client.get("/api/v1/themes/cyber/").json()["commitment_count"] == 2
    assert client.get("/api/v1/themes/").json()["results"][0]["commitment_count"] == 2


def test_a_commitment_carries_its_status_score_relations_and_addresses(client, world):
    item = client.get("/api/v1/commitments/", {"theme": "cyber"}).json()["results"][0]
    assert item["id"] == world["published"].pk
    assert item["slug"] == "published"
    assert (item["status"], item["status_label"], item["score"]) == ("in_progress", "In progress", 0)
    assert item["themes"] == [{"slug": "cyber", "name": "Cyber"}]
    assert item["actors"][0]["slug"] == "united-kingdom"
    assert item["statement"]["slug"] == "live-statement"
    assert item["url"] == "http://testserver/commitments/published/"
    assert item["api_url"] == "http://testserver/api/v1/commitments/published/"
    assert {"created_at", "updated_at", "is_overdue", "target_date", "amount"} <= item.keys()
    assert "timeline" not in item


def test_a_commitment_detail_adds_its_timeline_and_article_links(client, world):
    detail = client.get("/api/v1/commitments/published/").json()
    assert [(u["status"], u["rationale"]) for u in detail["timeline"]] == [("in_progress", "Shown verdict")]
    assert detail["timeline"][0]["evidence"][0]["title"] == "Shown article"
    assert [(link["note"], link["article"]["title"]) for link in detail["links"]] == [("shown link", "Shown article")]


def test_status_updates_name_their_commitment(client, world):
    item = client.get(f"/api/v1/status-updates/{world['shown_update'].pk}/").json()
    assert item["commitment"]["slug"] == "published"
    assert item["api_url"] == f"http://testserver/api/v1/status-updates/{world['shown_update'].pk}/"


def test_addresses_keep_no_format_parameter(client, world):
    item = client.get("/api/v1/commitments/", {"format": "json"}).json()["results"][0]
    assert "format" not in item["api_url"]


def test_the_seed_statement_is_readable(client, seeded):
    statement = client.get("/api/v1/statements/us-uk-security-cooperation-2021/").json()
    assert statement["commitment_count"] == 13
    assert len(statement["commitments"]) == 13
    met = client.get("/api/v1/commitments/lawful-access-data-access-agreement/").json()
    assert met["status"] == "met"
    assert met["timeline"][0]["as_of"] == "2022-10-03"


def test_an_article_without_an_address_has_a_null_url(client, world):
    Article.objects.filter(title="Shown article").update(url="")
    article = client.get("/api/v1/articles/").json()["results"][0]
    assert (article["title"], article["url"]) == ("Shown article", None)
    link = client.get("/api/v1/commitments/published/").json()["links"][0]
    assert link["article"]["url"] is None


@pytest.mark.parametrize("secure", [False, True])
def test_addresses_in_answers_are_those_build_absolute_uri_gives(rf, settings, secure):
    from commitments.api.serializers import absolute

    settings.ALLOWED_HOSTS = ["tracker.example.org"]
    request = rf.get("/api/v1/themes/", HTTP_HOST="tracker.example.org:8443", secure=secure)
    context = {"request": request}
    for path in ("/api/v1/themes/cyber/", "/commitments/a-b_c-1/", "/api/v1/articles/12/"):
        assert absolute(context, path) == request.build_absolute_uri(path)

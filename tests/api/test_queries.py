"""Each list endpoint costs the same number of queries for one row as for a hundred."""

import datetime

import pytest

from commitments.models import Actor, Article, ArticleLink, Commitment, PublicationState, Quote, StatusUpdate, Theme
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db

ROWS = 105


def build_themes():
    root = ThemeFactory()
    Theme.objects.bulk_create([Theme(name=f"Sub-theme {n}", slug=f"sub-theme-{n}", parent=root) for n in range(ROWS)])


def build_actors():
    root = ActorFactory()
    Actor.objects.bulk_create(
        [Actor(name=f"Body {n}", slug=f"body-{n}", kind="government_body", parent=root) for n in range(ROWS)]
    )


def linked_articles(commitment: Commitment) -> list[Article]:
    articles = Article.objects.bulk_create(
        [
            Article(title=f"Report {n}", url=f"https://example.org/{n}", published_on=datetime.date(2022, 1, 1))
            for n in range(ROWS)
        ]
    )
    ArticleLink.objects.bulk_create([ArticleLink(commitment=commitment, article=article) for article in articles])
    return articles


def build_articles():
    linked_articles(CommitmentFactory())


def build_statements():
    parties = [ActorFactory(), ActorFactory()]
    for _ in range(ROWS):
        statement = StatementFactory()
        statement.parties.set(parties)
        CommitmentFactory(statement=statement)


def build_commitments():
    themes, actors = [ThemeFactory(), ThemeFactory()], [ActorFactory(), ActorFactory()]
    statement = StatementFactory()
    commitments = [CommitmentFactory(statement=statement, themes=themes, actors=actors) for _ in range(ROWS)]
    # Each party's verdict in force on every commitment (bulk_create: rows as the status service
    # leaves them), so the party statuses are read for every row.
    StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                commitment=commitment, party=party, status="met", as_of=datetime.date(2022, 1, 1), rationale="r",
                state=PublicationState.PUBLISHED, is_current=True,
            )
            for commitment in commitments
            for party in actors
        ]
    )  # fmt: skip
    # And two overall verdicts on each, the one in force with evidence, so that the status's date,
    # rationale and evidence are read for every row.
    evidence = Article.objects.create(title="Evidence", url="https://example.org/evidence")
    overall = StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                commitment=commitment, status="in_progress", as_of=datetime.date(2021 + n, 1, 1), rationale="r",
                state=PublicationState.PUBLISHED, is_current=bool(n),
            )
            for commitment in commitments
            for n in range(2)
        ]
    )  # fmt: skip
    StatusUpdate.evidence.through.objects.bulk_create(
        [
            StatusUpdate.evidence.through(statusupdate=update, article=evidence)
            for update in overall
            if update.is_current
        ]
    )


def build_status_updates():
    commitment = CommitmentFactory()
    articles = linked_articles(commitment)
    updates = StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                commitment=commitment,
                status="in_progress",
                as_of=datetime.date(2022, 1, 1),
                rationale="r",
                state=PublicationState.PUBLISHED,
            )
            for _ in range(ROWS)
        ]
    )
    StatusUpdate.evidence.through.objects.bulk_create(
        [StatusUpdate.evidence.through(statusupdate=u, article=a) for u, a in zip(updates, articles, strict=True)]
    )


def build_quotes():
    commitment = CommitmentFactory()
    articles = linked_articles(commitment)
    speaker = ActorFactory()
    quotes = Quote.objects.bulk_create(
        [Quote(speaker=speaker, text="t", article=a, statement=commitment.statement) for a in articles]
    )
    Quote.commitments.through.objects.bulk_create(
        [Quote.commitments.through(quote=q, commitment=commitment) for q in quotes]
    )


def build_article_links():
    linked_articles(CommitmentFactory())


# (endpoint, builder, queries): the comment on each line lists the queries.
CASES = [
    ("themes", build_themes, 3),  # count; page with parent; the published counts of every theme
    ("actors", build_actors, 3),  # count; page with parent; the published counts of every actor
    ("articles", build_articles, 2),  # count; page
    ("statements", build_statements, 3),  # count; page with commitment count; parties
    # count; page with statement; themes; actors; party statuses; verdicts in force; their evidence; lineage
    ("commitments", build_commitments, 8),
    ("status-updates", build_status_updates, 3),  # count; page with commitment, party, correction; evidence
    (
        "quotes",
        build_quotes,
        5,
    ),  # count; page with speaker; public articles; published statements; published commitments
    ("article-links", build_article_links, 2),  # count; page with commitment and article
]


@pytest.mark.parametrize(("endpoint", "build", "queries"), CASES)
def test_list_queries_do_not_grow_with_the_page(client, django_assert_num_queries, endpoint, build, queries):
    build()
    for page_size in (1, 100):
        with django_assert_num_queries(queries):
            response = client.get(f"/api/v1/{endpoint}/", {"page_size": page_size})
        assert response.status_code == 200
        assert response.json()["count"] >= 100
        assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize(("endpoint", "build", "queries"), CASES)
def test_csv_costs_the_same_queries_as_json(client, django_assert_num_queries, endpoint, build, queries):
    build()
    # The commitments' CSV carries the predecessor's columns, read with the rows, not the whole
    # lineage: one query fewer than the JSON.
    with django_assert_num_queries(queries - (endpoint == "commitments")):
        response = client.get(f"/api/v1/{endpoint}/", {"page_size": 100, "format": "csv"})
    assert response.content.count(b"\r\n") == 101  # the header and a hundred rows


def test_stats_take_five_queries_whatever_the_data(client, django_assert_num_queries, seeded):
    # The dashboard's own aggregates: overall totals; counts per (theme, status); themes;
    # counts per (actor, status); actors.
    with django_assert_num_queries(5):
        assert client.get("/api/v1/stats/").status_code == 200
    build_commitments()
    with django_assert_num_queries(5):
        assert client.get("/api/v1/stats/").status_code == 200


def test_a_commitment_detail_is_a_fixed_number_of_queries(client, django_assert_num_queries, seeded):
    # Commitment with statement; themes; actors; party statuses; the verdict in force and its
    # evidence; published updates with their party and correction; their evidence; links with
    # articles; lineage (none: one step).
    with django_assert_num_queries(10):
        assert client.get("/api/v1/commitments/lawful-access-data-access-agreement/").status_code == 200


def test_a_commitment_detail_costs_the_same_with_many_updates_and_parties(client, django_assert_num_queries):
    build_commitments()
    commitment = Commitment.objects.first()
    parties = list(commitment.actors.all())
    StatusUpdate.objects.bulk_create(
        [
            StatusUpdate(
                commitment=commitment, party=parties[n % 2], status="in_progress", as_of=datetime.date(2022, 1, 1),
                rationale="r", state=PublicationState.PUBLISHED,
            )
            for n in range(ROWS)
        ]
    )  # fmt: skip
    with django_assert_num_queries(10):
        body = client.get(f"/api/v1/commitments/{commitment.slug}/").json()
    # The new updates, the two party verdicts and the two overall ones of build_commitments.
    assert len(body["timeline"]) == ROWS + 4 and len(body["party_statuses"]) == 2


@pytest.mark.parametrize("rows", [1, 40])
def test_a_statement_detail_is_a_fixed_number_of_queries(client, django_assert_num_queries, rows):
    # The statement with its commitment count; parties; articles; commitments (their reference's
    # columns only, the statement's key among them: nothing is read row by row).
    statement = StatementFactory()
    statement.parties.set([ActorFactory(), ActorFactory()])
    for n in range(rows):
        CommitmentFactory(statement=statement)
        statement.articles.add(Article.objects.create(title=f"Report {n}", url=f"https://example.org/{n}"))
    with django_assert_num_queries(4):
        body = client.get(f"/api/v1/statements/{statement.slug}/").json()
    assert len(body["commitments"]) == len(body["articles"]) == rows


def test_a_quote_page_reads_its_references_in_fixed_queries(client, django_assert_num_queries):
    build_quotes()
    with django_assert_num_queries(5):  # count; page with speaker; articles; statements; commitments
        body = client.get("/api/v1/quotes/", {"page_size": 100}).json()
    assert body["results"] and all(
        set(q["commitments"][0]) >= {"slug", "title", "status"} for q in body["results"] if q["commitments"]
    )


def test_a_status_update_detail_is_a_fixed_number_of_queries(client, django_assert_num_queries):
    build_status_updates()
    update = StatusUpdate.objects.first()
    # The update with its commitment, party and correction; its evidence.
    with django_assert_num_queries(2):
        assert client.get(f"/api/v1/status-updates/{update.pk}/").status_code == 200


def test_a_search_costs_the_queries_of_the_plain_list(client, django_assert_num_queries):
    # the page's ranked ids with the count of all matches (one lookup in the full-text index);
    # the page's rows by those ids, with statement; themes; actors; party statuses; verdicts in force; their evidence;
    # lineages. No lookup of theme, actor or alias names: they are in the stored documents.
    build_commitments()
    for page_size in (1, 100):
        with django_assert_num_queries(8):
            response = client.get("/api/v1/commitments/", {"search": "commitment work", "page_size": page_size})
        assert response.json()["count"] == ROWS
        assert len(response.json()["results"]) == page_size

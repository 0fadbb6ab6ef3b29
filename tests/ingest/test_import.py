"""The import service: what one import writes, what it refuses, and that nothing imported is public."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import override_settings

from commitments.domain.services import change_state, refusal
from commitments.ingest import ImportRefused, import_article, writing
from commitments.ingest.related import link_related_commitment, related_commitments
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)
from tests.factories import StaffFactory, StatementFactory

pytestmark = pytest.mark.django_db

SEED_ARTICLE = settings.BASE_DIR / "seeds" / "000_a468fed3cf8681fa.txt"
MODELS = [Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote]

ARTICLE = """Canada and Mexico sign border health accord

OTTAWA, May 4, 2023 — Canada and Mexico signed an accord on Thursday to share hospital capacity along \
their shared air routes, officials said yesterday.

The two countries will also fund a joint vaccine laboratory in Monterrey, the agreement says.

Trade between them grew last year."""

DATA_ACCESS_NEWS = """Britain–America data access agreement enters into force

WASHINGTON, October 3, 2022 — The bilateral Data Access Agreement between the United States and the \
United Kingdom entered into force on Monday, giving law enforcement lawful access to communications content \
held by providers in the other country for the investigation and prosecution of serious crime."""

FISHING_NEWS = """Norway and Iceland settle mackerel dispute

REYKJAVIK, March 1, 2023 — Norway and Iceland settled their quarrel over mackerel on Tuesday, ending \
a long dispute between trawler fleets. Each country will land no more than its agreed share of the catch."""


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS} | {
        f"{m.__name__}.history": m.history.count() for m in MODELS
    }


@pytest.fixture
def seed_vocabulary(seeded):
    """The seed's themes and actors, without its statement, commitments, quotes and articles."""
    Quote.objects.all().delete()
    Commitment.objects.all().delete()
    Statement.objects.all().delete()
    Article.objects.all().delete()


# --- The seed article


def test_the_seed_article_in_an_empty_database_yields_draft_commitments():
    raw = SEED_ARTICLE.read_bytes()
    result = import_article(data=raw, filename=SEED_ARTICLE.name)

    article = Article.objects.get()
    assert article.raw_text == raw.decode("utf-8")
    assert article.body.startswith("Steps agreed yesterday") and article.body.endswith("strong privacy standards.")
    assert (
        article.content_hash and article.title == "U.S. and U.K. Strengthen Security Cooperation Over Emerging Threats"
    )
    # The page header's date is the day the page was viewed, not the publication date.
    assert (article.published_on, article.published_on_source) == (None, Article.DateSource.UNKNOWN)
    assert article.retrieved_on == datetime.date(2024, 4, 18)
    assert article.publisher == "Homeland Security Today"

    assert len(result.candidates) == 12
    statement = Statement.objects.get()
    assert statement.state == PublicationState.DRAFT
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}
    assert Commitment.objects.filter(statement=statement).count() == 12
    assert ArticleLink.objects.filter(article=article, relation=ArticleLink.Relation.REPORTS).count() == 12
    # With no actors in the database the speakers cannot be stored, so the quotes are reported, not saved.
    assert [q["speaker"] for q in result.quotes] == ["U.K. Defence Secretary Ben Wallace", "Home Secretary Priti Patel"]
    assert Quote.objects.count() == 0
    assert any("not saved" in note for note in result.notes)


def test_with_the_seed_themes_and_actors_it_suggests_themes_actors_and_quotes(seed_vocabulary):
    result = import_article(data=SEED_ARTICLE.read_bytes(), filename=SEED_ARTICLE.name)

    nato = Commitment.objects.get(wording__contains="strengthen and modernise NATO")
    assert set(nato.themes.values_list("slug", flat=True)) >= {"nato", "cyber"}
    assert set(nato.actors.values_list("slug", flat=True)) >= {"united-kingdom", "united-states", "nato"}
    space = Commitment.objects.get(wording__contains="Space is a safe")
    assert "space" in space.themes.values_list("slug", flat=True)

    quotes = {q.speaker.slug: q for q in Quote.objects.select_related("speaker")}
    assert set(quotes) == {"ben-wallace", "priti-patel"}
    assert quotes["ben-wallace"].text.startswith("It’s no secret that the U.S. is our closest friend")
    assert quotes["ben-wallace"].text.endswith("tackle the threats of the future together.")
    # Each quote is tied to the draft commitment it contains.
    assert [c.wording[:21] for c in quotes["ben-wallace"].commitments.all()] == ["The extra £24 billion"]
    assert quotes["priti-patel"].commitments.get().wording.startswith("Through bolstering our security cooperation")
    spending = Commitment.objects.get(wording__startswith="The extra £24 billion")
    assert (spending.amount, spending.currency, spending.target_wording) == (
        24_000_000_000,
        "GBP",
        "over the next four years",
    )
    assert set(Statement.objects.get().parties.values_list("slug", flat=True)) == {"united-kingdom", "united-states"}
    assert all(row["commitment_id"] for row in result.candidates)


def test_importing_the_seed_file_after_load_seed_is_refused_as_a_duplicate(seeded):
    existing = Article.objects.get(title__startswith="U.S. and U.K. Strengthen")
    before = counts()
    with pytest.raises(ImportRefused) as refusal:
        import_article(data=SEED_ARTICLE.read_bytes(), filename=SEED_ARTICLE.name)
    message = str(refusal.value)
    assert f"article {existing.pk}" in message and existing.title in message
    assert f"/admin/commitments/article/{existing.pk}/change/" in message
    assert "\n" not in message
    assert counts() == before


# --- Idempotence, dry run, refusals


def test_a_second_import_of_the_same_text_is_refused_and_changes_nothing():
    import_article(data=ARTICLE)
    before = counts()
    with pytest.raises(ImportRefused, match="Already imported"):
        import_article(data=ARTICLE.replace("\n\n", "\n\n\n"))  # whitespace does not make it new
    assert counts() == before


def test_a_second_import_of_the_same_url_is_refused():
    import_article(data=ARTICLE, url="https://news.example.org/accord")
    before = counts()
    with pytest.raises(ImportRefused, match="Already imported"):
        import_article(data=FISHING_NEWS, url="https://news.example.org/accord")
    assert counts() == before


def test_a_dry_run_writes_nothing_but_shows_the_result():
    before = counts()
    result = import_article(data=ARTICLE, dry_run=True)
    assert counts() == before
    assert result.dry_run and result.article["id"] is None
    assert [row["commitment_id"] for row in result.candidates] == [None, None]
    assert result.candidates[0]["text"].startswith("Canada and Mexico signed an accord")
    # The same article can then be imported for real.
    assert import_article(data=ARTICLE).article["id"]


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"\n  \n", "empty"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00", "binary"),
        ("Une déclaration commune des deux pays.".encode("utf-16"), "binary"),
        ("Déclaration commune".encode("latin-1"), "not UTF-8"),
        (b"Advertisement\n\nRelated Articles\n", "Nothing is left"),
        (b"63.8 F\nWashington D.C.\nShort line here\n", "no sentences"),
    ],
)
def test_bad_input_is_refused_with_one_line_and_changes_nothing(data, message):
    before = counts()
    with pytest.raises(ImportRefused, match=message) as refusal:
        import_article(data=data)
    assert "\n" not in str(refusal.value)
    assert counts() == before


@override_settings(IMPORT_MAX_BYTES=200)
def test_input_over_the_size_limit_is_refused():
    with pytest.raises(ImportRefused, match="limit is 200 bytes"):
        import_article(data=ARTICLE)
    assert Article.objects.count() == 0


def test_an_unknown_statement_or_a_bad_url_is_refused():
    with pytest.raises(ImportRefused, match="No statement has the slug 'nope'"):
        import_article(data=ARTICLE, statement_slug="nope")
    with pytest.raises(ImportRefused, match="not a web address"):
        import_article(data=ARTICLE, url="news.example.org/accord")
    assert Article.objects.count() == 0


def test_a_failure_half_way_writes_nothing(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("search is down")

    monkeypatch.setattr(writing, "related_matches", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        import_article(data=ARTICLE)
    assert counts() == before


# --- Nothing imported is public


def test_nothing_imported_is_public(seed_vocabulary):
    import_article(data=SEED_ARTICLE.read_bytes(), filename=SEED_ARTICLE.name)
    assert Commitment.objects.count() == 12
    assert not Commitment.objects.published().exists()
    assert not Statement.objects.published().exists()
    assert not Quote.objects.published().exists()
    assert not Article.objects.public().exists()


def test_candidates_attached_to_a_published_statement_stay_private(seeded):
    statement = Statement.objects.get(slug="us-uk-security-cooperation-2021")
    published_before = set(Commitment.objects.published().values_list("pk", flat=True))
    result = import_article(data=ARTICLE, statement_slug=statement.slug)

    assert result.statement["id"] == statement.pk and not result.statement["created"]
    new = Commitment.objects.filter(pk__in=[row["commitment_id"] for row in result.candidates])
    assert new.count() == 2 and set(new.values_list("statement", flat=True)) == {statement.pk}
    assert set(Commitment.objects.published().values_list("pk", flat=True)) == published_before
    article = Article.objects.get(pk=result.article["id"])
    assert article not in Article.objects.public()
    assert not statement.articles.filter(pk=article.pk).exists()


def test_candidates_attached_to_a_draft_statement_join_it_with_the_article():
    statement = StatementFactory(state=PublicationState.DRAFT)
    result = import_article(data=ARTICLE, statement_slug=statement.slug)
    assert Commitment.objects.filter(statement=statement).count() == len(result.candidates) == 2
    assert statement.articles.filter(pk=result.article["id"]).exists()
    assert Statement.objects.count() == 1


def test_the_draft_statement_is_dated_the_day_before_when_the_article_says_yesterday():
    import_article(data=ARTICLE)
    statement = Statement.objects.get()
    assert statement.made_on == datetime.date(2023, 5, 3)
    assert statement.kind == Statement.Kind.AGREEMENT
    assert Article.objects.get().published_on_source == Article.DateSource.DOCUMENT


def test_a_given_date_is_marked_as_entered_by_an_analyst():
    import_article(data=ARTICLE, published_on=datetime.date(2023, 5, 5))
    article = Article.objects.get()
    assert (article.published_on, article.published_on_source) == (datetime.date(2023, 5, 5), Article.DateSource.EDITOR)


def test_an_article_without_commitments_is_kept_without_a_statement():
    result = import_article(
        data="Trade between Canada and Mexico grew last year, officials in both capitals said on Monday."
    )
    assert result.candidates == [] and result.statement is None
    assert Article.objects.count() == 1 and Statement.objects.count() == 0


# --- Related commitments and the one-step link


def test_an_article_reporting_progress_is_related_to_the_commitment_it_reports_on(seeded):
    result = import_article(data=DATA_ACCESS_NEWS)
    slugs = [row["slug"] for row in result.related_commitments]
    assert slugs[0] == "lawful-access-data-access-agreement"
    assert all(row["score"] > 0 for row in result.related_commitments)


def test_an_unrelated_article_is_related_to_nothing(seeded):
    assert import_article(data=FISHING_NEWS).related_commitments == []


def test_related_commitments_are_only_published_ones(seeded):
    Commitment.objects.filter(slug="lawful-access-data-access-agreement").update(state=PublicationState.DRAFT)
    slugs = [c.slug for c, _ in related_commitments(DATA_ACCESS_NEWS)]
    assert "lawful-access-data-access-agreement" not in slugs


def test_a_suggestion_becomes_a_link_and_a_status_update_in_one_step(seeded, superuser):
    article = Article.objects.get(pk=import_article(data=DATA_ACCESS_NEWS).article["id"])
    commitment = Commitment.objects.get(slug="technology-companies-privacy")
    link = link_related_commitment(
        article=article,
        commitment=commitment,
        relation=ArticleLink.Relation.PROGRESS,
        status=Status.IN_PROGRESS,
        as_of=datetime.date(2022, 10, 3),
        rationale="Work with providers has started.",
        user=superuser,
    )
    assert (link.relation, link.added_by) == (ArticleLink.Relation.PROGRESS, superuser)
    update = commitment.updates.get()
    assert list(update.evidence.all()) == [article]
    # The verdict waits for review like any other: recorded as a draft, the status unchanged.
    assert update.state == PublicationState.DRAFT and update.author == superuser
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED
    reviewer = StaffFactory(groups=["Publishers"])
    change_state(obj=update, state=PublicationState.REVIEW, user=superuser)
    change_state(obj=update, state=PublicationState.PUBLISHED, user=reviewer)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_the_importing_analyst_is_the_author_of_the_drafts_and_cannot_publish_them(db, superuser):
    result = import_article(data=SEED_ARTICLE.read_bytes(), filename=SEED_ARTICLE.name, user=superuser)
    statement = Statement.objects.get(pk=result.statement["id"])
    commitments = list(statement.commitments.all())
    assert commitments and statement.created_by == superuser
    assert {c.created_by for c in commitments} == {superuser}
    assert {c.state for c in commitments} == {PublicationState.DRAFT}
    assert refusal(superuser, statement, PublicationState.REVIEW) is None
    change_state(obj=statement, state=PublicationState.REVIEW, user=superuser)
    assert "four eyes" in refusal(superuser, statement, PublicationState.PUBLISHED)


def test_a_bad_status_update_leaves_no_link_behind(seeded):
    article = Article.objects.get(pk=import_article(data=DATA_ACCESS_NEWS).article["id"])
    commitment = Commitment.objects.get(slug="technology-companies-privacy")
    with pytest.raises(ValidationError):
        link_related_commitment(
            article=article, commitment=commitment, status=Status.MET, as_of=datetime.date(2022, 10, 3), rationale=""
        )
    assert not ArticleLink.objects.filter(article=article, commitment=commitment).exists()
    assert not commitment.updates.exists()


def test_linking_twice_is_refused_naming_the_link(seeded):
    article = Article.objects.get(pk=import_article(data=DATA_ACCESS_NEWS).article["id"])
    commitment = Commitment.objects.get(slug="technology-companies-privacy")
    link = link_related_commitment(article=article, commitment=commitment)
    with pytest.raises(ValidationError, match=f"link {link.pk}"):
        link_related_commitment(article=article, commitment=commitment)


def test_the_result_lists_every_line_the_cleaning_removed_with_its_reason():
    raw = ARTICLE.replace("Trade between them grew last year.", "Advertisement\n\nTrade between them grew last year.")
    result = import_article(data=raw, dry_run=True)
    assert {"reason": "furniture", "text": "Advertisement"} in result.removed
    assert result.as_dict()["removed"] == result.removed


# --- The drafts of one import, together


NEWS = (
    "Allies agree joint cyber defence fund\n\n"
    "LONDON, March 6, 2025 — Canada and Mexico agreed on Thursday to create a joint cyber defence fund.\n\n"
    "The two countries will also train 500 cyber specialists within two years.\n"
)


def test_submit_all_is_all_or_nothing_when_one_move_is_refused(monkeypatch, superuser):
    result = import_article(data=NEWS, user=superuser)
    article = Article.objects.get(pk=result.article["id"])
    Statement.objects.update(title="Canada–Mexico statement, Ottawa")
    moved = []

    def refuse_the_last(*, obj, **kwargs):
        if isinstance(obj, Commitment) and obj.pk == result.candidates[-1]["commitment_id"]:
            raise ValidationError({"state": "refused for the test"})
        moved.append(obj)
        return change_state(obj=obj, **kwargs)

    monkeypatch.setattr(writing, "change_state", refuse_the_last)
    with pytest.raises(writing.DraftsRefused, match="refused for the test"):
        writing.submit_import_for_review(article=article, user=superuser)
    assert len(moved) == 2  # the statement and the first commitment moved, then were rolled back
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}
    assert Statement.objects.get().state == PublicationState.DRAFT


def test_submit_all_moves_through_the_workflow_service(monkeypatch, superuser):
    result = import_article(data=NEWS, user=superuser)
    Statement.objects.update(title="Canada–Mexico statement, Ottawa")
    calls = []
    monkeypatch.setattr(writing, "change_state", lambda **kwargs: calls.append(kwargs["state"]))
    writing.submit_import_for_review(article=Article.objects.get(pk=result.article["id"]), user=superuser)
    assert calls == [PublicationState.REVIEW] * 3  # statement and two commitments, nothing written around it
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}


def test_the_placeholder_statement_is_named_after_the_article_and_its_date():
    result = import_article(data=NEWS)
    assert result.statement["title"] == "Allies agree joint cyber defence fund (statement of 2025-03-06)"
    assert writing.has_placeholder_title(Statement.objects.get(), Article.objects.get())
    assert any("Rename it" in note for note in result.notes)


def test_a_target_date_is_written_with_the_draft():
    import_article(data=NEWS)
    specialists = Commitment.objects.get(target_wording="within two years")
    assert specialists.target_date == datetime.date(2027, 3, 6)

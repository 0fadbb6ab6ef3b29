import datetime
import shutil
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command

from commitments.data.seed import SEED_FILE, SeedError, SeedLoader
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

pytestmark = pytest.mark.django_db

MODELS = [Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS} | {
        f"{m.__name__}.history": m.history.count() for m in MODELS
    }


def test_loading_twice_changes_nothing(capsys):
    call_command("load_seed")
    first = counts()
    out = capsys.readouterr().out
    assert "commitments: 13 created" in out
    call_command("load_seed")
    assert counts() == first
    assert "0 records created or updated" in capsys.readouterr().out


def test_a_changed_seed_record_is_updated_not_duplicated(seeded):
    Theme.objects.filter(slug="space").update(description="edited by hand")
    call_command("load_seed")
    assert Theme.objects.get(slug="space").description == "Keeping space a safe and secure environment."
    assert Theme.objects.filter(slug="space").count() == 1


def test_the_statement_has_the_right_date_place_and_parties(seeded):
    statement = Statement.objects.get()
    assert statement.made_on == datetime.date(2021, 6, 10)
    assert "Carbis Bay" in statement.place
    assert statement.state == PublicationState.PUBLISHED
    assert set(statement.parties.values_list("slug", flat=True)) == {
        "united-states",
        "united-kingdom",
        "joe-biden",
        "boris-johnson",
    }


def test_the_page_header_date_is_not_the_publication_date(seeded):
    article = Article.objects.get(publisher="Homeland Security Today")
    assert article.published_on == datetime.date(2021, 6, 11)
    assert article.retrieved_on == datetime.date(2024, 4, 18)
    assert article.published_on_source == Article.DateSource.INFERRED
    assert article.body.startswith("Steps agreed yesterday")
    assert article.body.endswith("strong privacy standards.")
    for furniture in ("63.8 F", "April 18, 2024", "Read more at", "Related Articles", "Advertisement", "author avatar"):
        assert furniture not in article.body
    assert article.raw_text.startswith("63.8 F")


def test_themes_and_actors_have_the_agreed_slugs(seeded):
    assert set(Theme.objects.values_list("slug", flat=True)) == {
        "nato",
        "cyber",
        "defence",
        "space",
        "illicit-finance",
        "terrorism",
        "organised-crime",
        "child-protection",
        "data-access",
        "technology-privacy",
    }
    assert all(theme.keyword_list for theme in Theme.objects.all())
    patel = Actor.objects.get(slug="priti-patel")
    assert patel.kind == Actor.Kind.PERSON and patel.parent.slug == "uk-home-office"
    assert patel.parent.parent.slug == "united-kingdom"
    assert "U.S." in Actor.objects.get(slug="united-states").alias_list
    for slug in ("nato", "joe-biden", "boris-johnson", "ben-wallace"):
        assert Actor.objects.filter(slug=slug).exists()


def test_at_least_ten_published_commitments_with_exact_wording(seeded):
    body = Article.objects.get(publisher="Homeland Security Today").body
    commitments = Commitment.objects.published()
    assert commitments.count() >= 10
    for commitment in commitments:
        assert " ".join(commitment.wording.split()) in " ".join(body.split()), commitment.slug
        assert commitment.themes.exists() and commitment.actors.exists(), commitment.slug


def test_the_defence_spending_pledge_records_its_amount(seeded):
    pledge = Commitment.objects.get(slug="uk-extra-defence-spending-24bn")
    assert pledge.amount == Decimal("24000000000") and pledge.currency == "GBP"
    assert pledge.target_wording == "over the next four years"


def test_only_the_data_access_pledge_is_met_with_evidence(seeded):
    met = Commitment.objects.get(status=Status.MET)
    assert met.slug == "lawful-access-data-access-agreement"
    update = met.updates.get()
    assert update.as_of == datetime.date(2022, 10, 3)
    evidence = update.evidence.get()
    assert evidence.published_on == datetime.date(2022, 10, 3)
    assert evidence.url.startswith("https://www.justice.gov/")
    assert evidence.summary
    assert Commitment.objects.exclude(pk=met.pk).exclude(status=Status.NOT_RATED).count() == 0


def test_the_two_ministers_are_quoted(seeded):
    assert set(Quote.objects.values_list("speaker__slug", flat=True)) == {"ben-wallace", "priti-patel"}
    assert "£24 billion" in Quote.objects.get(speaker__slug="ben-wallace").text


# --- The seed goes through the workflow ------------------------------------------------------------


def edited_seed(tmp_path, change):
    data = yaml.safe_load(SEED_FILE.read_text(encoding="utf-8"))
    change(data)
    for raw in SEED_FILE.parent.glob("*.txt"):
        shutil.copy(raw, tmp_path / raw.name)
    path = tmp_path / "seed.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_seed_publishes_through_the_workflow_with_no_reviewer_named(seeded):
    update = StatusUpdate.objects.get()
    assert update.state == PublicationState.PUBLISHED and update.is_current
    assert update.state_changed_by is None and update.history.filter(history_change_reason="curated seed").exists()
    assert Statement.objects.get().history.filter(history_change_reason="curated seed").exists()


def test_a_seed_verdict_without_evidence_is_refused_and_nothing_is_written(tmp_path, db):
    path = edited_seed(tmp_path, lambda d: d["status_updates"][0].pop("evidence"))
    with pytest.raises(SeedError, match="needs at least one evidence article"):
        SeedLoader(path).load()
    assert not Commitment.objects.exists() and not StatusUpdate.objects.exists()


def test_a_seed_commitment_without_a_theme_cannot_be_published(tmp_path, db):
    path = edited_seed(tmp_path, lambda d: d["commitments"][0].update(themes=[]))
    with pytest.raises(SeedError, match="it has no theme"):
        SeedLoader(path).load()
    assert not Statement.objects.exists()

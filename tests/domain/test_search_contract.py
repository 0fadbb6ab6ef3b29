"""One search contract on both databases: the same queries find the same commitments.

Run under each DATABASE_URL (SQLite by default, PostgreSQL in CI): the expected sets are the
same on both, written as the fixture's keys, so a database that finds more or less fails.
"""

import pytest
from django.db import connection

from commitments.data.demo import DemoGenerator
from commitments.domain.search import parse_query, search_commitments
from commitments.domain.search_index import actor_names, refresh_search_documents
from commitments.models import Commitment, PublicationState
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> dict[str, Commitment]:
    nato, defence, cyber = (ThemeFactory(name=name) for name in ("NATO", "Defence", "Cyber"))
    uk = ActorFactory(name="United Kingdom", aliases="UK, U.K.\nBritain")
    us = ActorFactory(name="United States", aliases="U.S., US, America")
    statement = StatementFactory()

    def commitment(key: str, wording: str, title: str = "", **kwargs) -> Commitment:
        return CommitmentFactory(
            statement=statement, slug=key, title=title or key.replace("-", " "), wording=wording, **kwargs
        )

    return {
        c.slug: c
        for c in [
            commitment("allies-pay-more", "The allies will increase common funding for the alliance.", themes=[nato]),
            commitment(
                "raise-spending", "The U.K. will raise defence spending to 2.5% of GDP.", title="Spending rises"
            ),
            commitment("spends-on-defense", "The United Kingdom spends more on defense.", title="Ships"),
            commitment("ships", "Spending on ships will rise.", themes=[defence], actors=[uk]),
            commitment(
                "cyber-research", "Funded research into resilience.", title="Resilience", themes=[cyber], actors=[us]
            ),
            commitment("trade-rules", "Common rules so that both fund trade.", title="Trade"),
            commitment(
                "draft-nato-funding",
                "NATO common funding will increase; the U.K. defence spending too.",
                state=PublicationState.DRAFT,
                themes=[nato],
                actors=[uk],
            ),
        ]
    }


# Query → the commitments it finds, by slug. Every one is answered from the index alone.
CONTRACT = {
    "NATO funding": {"allies-pay-more"},  # a theme name and a stemmed word of the wording
    "increase common funding": {"allies-pay-more"},
    "funding common increase": {"allies-pay-more"},  # any order
    "UK defence spending": {"raise-spending", "ships"},  # "U.K." in the text; the actor and theme on "ships"
    "United Kingdom": {"raise-spending", "spends-on-defense", "ships"},
    "Britain": {"raise-spending", "spends-on-defense", "ships"},
    "u.k.": {"raise-spending", "spends-on-defense", "ships"},
    "America": {"cyber-research"},
    "cyber funding": {"cyber-research"},  # "Funded"
    "fund": {"allies-pay-more", "cyber-research", "trade-rules"},
    '"common funding"': {"allies-pay-more"},
    '"funding common"': set(),
    "nato or cyber": {"allies-pay-more", "cyber-research"},
    "fund -nato": {"cyber-research", "trade-rules"},
    "the of and": set(),  # stop words only: nothing to search for
    "-nato": set(),
    "zzqqx": set(),
    'spending "': {"raise-spending", "spends-on-defense", "ships"},  # "spends"; a stray quote is no error
    "AND OR NOT ( ) * ^ : col:x": set(),  # FTS5's operators are plain words here
}


@pytest.mark.parametrize(("q", "expected"), CONTRACT.items())
def test_the_same_query_finds_the_same_commitments_on_either_database(world, q, expected):
    found = search_commitments(Commitment.objects.published(), q)
    assert {c.slug for c in found} == expected, connection.vendor


def test_drafts_are_never_found(world):
    for q in ("NATO common funding", "draft", "U.K. defence spending too"):
        assert "draft-nato-funding" not in {c.slug for c in search_commitments(Commitment.objects.published(), q)}
    assert "draft-nato-funding" in {c.slug for c in search_commitments(Commitment.objects.all(), "draft")}


def test_the_title_ranks_above_the_wording(world):
    CommitmentFactory(slug="second", title="Trade", wording="Nothing else.")
    ranked = [c.slug for c in search_commitments(Commitment.objects.published(), "spending")]
    assert ranked[0] == "raise-spending"  # "Spending" in its title, the others in their wording
    assert set(ranked) == {"raise-spending", "spends-on-defense", "ships"}


def test_an_actor_is_mentioned_by_any_of_its_names_acronyms_with_their_case(world):
    actors = actor_names()
    assert "United Kingdom" in actors.mentioned("The U.S.-U.K. pact")
    assert "United States" in actors.mentioned("The U.S.-U.K. pact")
    assert "United Kingdom" in actors.mentioned("Great britain and the united kingdom")
    assert actors.mentioned("Join us; uk is not an acronym in lower case") == ""


def test_a_query_is_groups_of_terms(db):
    groups = parse_query('nato or "common fund" -draft the')
    assert [([t.text for t in g.terms], g.excluded) for g in groups] == [
        (["nato", "common fund"], False),
        (["draft"], True),
    ]


# --- The index follows every change ---------------------------------------------------------------


def slugs(q: str) -> set[str]:
    return {c.slug for c in search_commitments(Commitment.objects.published(), q)}


def test_it_follows_edits_of_the_text(world):
    commitment = world["trade-rules"]
    commitment.wording = "Both will cut tariffs."
    commitment.save()
    assert "trade-rules" in slugs("tariff")
    assert "trade-rules" not in slugs("fund")


def test_it_follows_themes_and_actors_added_and_removed(world):
    ships = world["ships"]
    ships.actors.clear()
    assert "ships" not in slugs("Britain")
    ships.themes.add(world["allies-pay-more"].themes.get())
    assert "ships" in slugs("NATO")
    world["allies-pay-more"].themes.get().commitments.remove(ships)  # from the theme's side
    assert "ships" not in slugs("NATO")


def test_it_follows_renamed_themes_and_new_aliases(world):
    theme = world["allies-pay-more"].themes.get()
    theme.name = "North Atlantic alliance"
    theme.save()
    assert slugs("Atlantic") == {"allies-pay-more"}
    actor = world["ships"].actors.get()
    actor.aliases += ", Albion"
    actor.save()
    assert slugs("Albion") == {"raise-spending", "spends-on-defense", "ships"}


def test_it_forgets_deleted_themes_and_commitments(world):
    world["cyber-research"].themes.get().delete()
    assert slugs("cyber") == set()
    world["allies-pay-more"].delete()
    assert slugs("increase common funding") == set()


def test_rows_written_without_signals_are_found_after_a_refresh(db):
    DemoGenerator(commitments=5, seed=1).run()  # bulk inserts (COPY on PostgreSQL), then the refresh
    some = Commitment.objects.published().first()
    assert some in search_commitments(Commitment.objects.published(), some.title)
    Commitment.objects.filter(pk=some.pk).update(title="Zanzibar")  # no signal: stale until refreshed
    assert not search_commitments(Commitment.objects.published(), "Zanzibar").exists()
    refresh_search_documents([some.pk])
    assert list(search_commitments(Commitment.objects.published(), "Zanzibar")) == [some]

"""Step 6: keyword growth, the article's own theme, and who "we" are.

Made-up sentences; the themes and actors are defined here, as an analyst would in the admin.
"""

import pytest

from commitments.ingest import analyse
from commitments.ingest.detection import detect_commitment
from commitments.ingest.vocabulary import Vocabulary, suggest_actors


@pytest.fixture
def vocabulary():
    return Vocabulary.from_terms(
        themes={
            "cyber": ["Cyber", "cyber"],
            "finance": ["illicit finance", "money laundering"],
            "fisheries": ["fish stocks", "fishing quotas", "trawlers"],
            "ports": ["harbours", "ports"],
        },
        actors={
            "norway": {"name": "Norway", "aliases": ["Norwegian"], "kind": "country"},
            "iceland": {"name": "Iceland", "aliases": [], "kind": "country"},
        },
    )


def test_a_keyword_grows_to_its_obvious_synonyms(vocabulary):
    assert vocabulary.themes_in("We will fight ransomware and cybercrime together.") == ["cyber"]
    assert vocabulary.themes_in("We will fight smuggling together.") == []


def test_a_long_keyword_matches_its_other_forms(vocabulary):
    assert vocabulary.themes_in("They will close the illicit financing networks.") == ["finance"]
    assert vocabulary.themes_in("They will close the illicit financial markets.") == []


def test_the_theme_of_the_article_goes_to_pledges_that_do_not_name_one(vocabulary):
    raw = (
        "Coastal states agree on fish stocks\n\n"
        "Norway and Iceland met on Tuesday to talk about fish stocks, fishing quotas and the trawlers of both.\n\n"
        "The fish stocks of the north have fallen for ten years, and the trawlers have moved south.\n\n"
        "The two countries will review how the agreement operates every year.\n\n"
        "Both countries will also repair the harbours of the north.\n"
    )
    analysis = analyse(raw, vocabulary=vocabulary)
    themes = {c.wording: c.themes for c in analysis.candidates}
    assert themes["The two countries will review how the agreement operates every year."] == ["fisheries"]
    # A pledge that names its own theme keeps it alone.
    assert themes["Both countries will also repair the harbours of the north."] == ["ports"]


def test_an_article_without_a_main_theme_gives_none(vocabulary):
    raw = (
        "Coastal states meet\n\nNorway and Iceland met on Tuesday in Reykjavik to talk about many things.\n\n"
        "The two countries will review how the agreement operates every year.\n"
    )
    assert analyse(raw, vocabulary=vocabulary).candidates[0].themes == []


def test_we_in_a_statement_are_the_parties_it_names(vocabulary):
    parties = [("norway", 3), ("iceland", 2)]
    candidate = detect_commitment("We will protect the fish stocks.", vocabulary=vocabulary)
    assert suggest_actors(candidate, vocabulary, parties=parties) == ["norway", "iceland"]
    named = detect_commitment("Norway will protect the fish stocks.", vocabulary=vocabulary)
    assert suggest_actors(named, vocabulary, parties=parties) == ["norway"]

"""Steps 3 and 4 of the article import: sentences, commitment candidates, and suggestions.

The example sentences are made up for these tests, in the style of reports on joint statements;
none is taken from the gold articles, so each rule is shown to work beyond the text it was measured on.
"""

from decimal import Decimal

import pytest

from commitments.ingest.cleaning import clean_text
from commitments.ingest.detection import commitment_title, detect_commitment, parse_amount
from commitments.ingest.quotes import find_quotes
from commitments.ingest.sentences import split_sentences
from commitments.ingest.vocabulary import Vocabulary, article_parties, suggest_actors


def sentences(text: str) -> list[str]:
    return [s.text for s in split_sentences([text])]


@pytest.fixture
def vocabulary():
    return Vocabulary.from_terms(
        themes={"trade": ["Trade", "tariffs", "exports"], "health": ["Health", "vaccine", "hospitals"]},
        actors={
            "canada": {"name": "Canada", "aliases": ["Canadian", "Ottawa"], "kind": "country"},
            "mexico": {"name": "Mexico", "aliases": ["Mexican"], "kind": "country"},
            "united-states": {"name": "United States", "aliases": ["U.S.", "US", "America"], "kind": "country"},
            "foreign-ministry": {
                "name": "Foreign Ministry",
                "aliases": ["Mexican Foreign Ministry"],
                "kind": "government_body",
                "parent": "mexico",
            },
            "ana-ruiz": {
                "name": "Ana Ruiz",
                "aliases": ["Foreign Minister Ana Ruiz", "Ruiz"],
                "kind": "person",
                "parent": "foreign-ministry",
            },
        },
    )


# --- Sentences


def test_it_does_not_split_after_initialisms_inside_names():
    assert sentences("The U.S. Armed Forces and the U.K. Home Office will cooperate. Talks resume today.") == [
        "The U.S. Armed Forces and the U.K. Home Office will cooperate.",
        "Talks resume today.",
    ]


def test_it_splits_after_an_initialism_that_ends_a_sentence():
    assert sentences("The deal was signed with the U.S. The ministers left for Ottawa.") == [
        "The deal was signed with the U.S.",
        "The ministers left for Ottawa.",
    ]


def test_it_does_not_split_after_titles_and_initials():
    assert len(sentences("Mr. Smith and Dr. Jones met John F. Kennedy's grandson in the capital on Monday.")) == 1


def test_it_keeps_closing_quotation_marks_with_their_sentence():
    assert sentences("He said: “We will act. Now is the time.” Then he left the room quietly.") == [
        "He said: “We will act.",
        "Now is the time.”",
        "Then he left the room quietly.",
    ]


def test_fragments_of_fewer_than_three_words_are_not_sentences():
    assert sentences("Advertisement. Canada and Mexico signed the accord.") == ["Canada and Mexico signed the accord."]


# --- Candidates: each trigger, with an actor subject and without


@pytest.mark.parametrize(
    "sentence",
    [
        "Canada and Mexico will remove tariffs on steel by 2026.",
        "The two countries shall exchange customs data every month.",
        "Ottawa has pledged to double its support for regional hospitals.",
        "The leaders agreed to open a joint office in Monterrey.",
        "Both governments committed to publishing a progress report each year.",
        "Mexico intends to ratify the convention before the end of the year.",
        "The ministers plan to meet again in the autumn.",
        "We are going to finish the railway on time, the minister said.",
        "The partners reaffirmed their commitment to open markets.",
        "Canada pledged C$15 million for vaccine research.",
        "The Foreign Ministry said it would open three new consulates next year.",
        "The three nations signed an accord to share wildfire-fighting aircraft.",
        "The statement shows a clear intention to deepen cooperation on border health checks.",
        "The prime minister is to visit Mexico City in March.",
        "Half of the fund is to be spent on rural clinics.",
        "The new grants of $3 billion over the next five years go to rural roads.",
    ],
)
def test_it_finds_commitments(sentence):
    assert detect_commitment(sentence, reference_year=2024) is not None


@pytest.mark.parametrize(
    "sentence, why",
    [
        ("Will the two countries remove tariffs on steel by 2026?", "a question"),
        ("It will be an important tool against smuggling.", "a prediction about a thing"),
        ("The agreement will enter into force in January.", "a document, not an actor"),
        ("Analysts said the two countries will struggle to meet the target.", "commentary"),
        ("Critics warned that Canada will miss the deadline.", "commentary"),
        ("The countries first pledged to cut tariffs in 2015.", "reported history"),
        ("In 2016, the leaders agreed to open a joint office.", "a pledge dated in the past"),
        ("Last year the ministers had promised to publish a strategy.", "past perfect"),
        ("At the previous summit, leaders vowed to end the dispute.", "an earlier meeting"),
        ("Mexico failed to ratify the convention.", "a broken pledge, reported"),
        ("Trade between the two reached $800 billion in 2023.", "money without a future period"),
        ("The agreement would strengthen both economies, economists said.", "conditional"),
        ("Both leaders signed a joint statement that sets out the partnership.", "a signing, with no undertaking"),
        ("This is to be welcomed, the opposition said.", "a judgement"),
        (
            "Steps agreed yesterday between the two leaders intend to help both countries.",
            "the subject is not an actor",
        ),
    ],
)
def test_it_leaves_out_non_commitments(sentence, why):
    assert detect_commitment(sentence, reference_year=2024) is None, why


def test_a_pledge_dated_after_the_article_year_rule_needs_the_year_to_be_past():
    sentence = "In 2026, the leaders agreed to open a joint office."
    assert detect_commitment(sentence, reference_year=2027) is None
    assert detect_commitment(sentence, reference_year=2026) is not None


def test_a_relative_clause_about_the_past_does_not_make_a_pledge_history():
    sentence = "The ministers agreed to restart the talks, which were suspended in 2019."
    assert detect_commitment(sentence, reference_year=2024) is not None


def test_a_known_actor_name_is_an_agent_even_in_lower_case(vocabulary):
    sentence = "As agreed, ottawa will host the secretariat."
    assert detect_commitment(sentence, vocabulary=vocabulary) is not None
    assert detect_commitment(sentence) is None


def test_the_title_is_the_pledge_cut_at_a_clause_break():
    sentence = "Canada will open five new trade offices in Asia, according to the statement."
    assert commitment_title(sentence, sentence.index("will") + 4) == "Open five new trade offices in Asia"


def test_it_reads_amounts_and_currencies():
    assert parse_amount("an extra £24 billion over four years") == (Decimal("24000000000"), "GBP")
    assert parse_amount("A$2.5 million for research") == (Decimal("2500000.0"), "AUD")
    assert parse_amount("450 million vaccine doses") == (None, "")
    assert parse_amount("$99999999999999 trillion") == (None, "")


def test_target_wording_is_kept():
    candidate = detect_commitment("Mexico will plant a million trees over the next four years.")
    assert candidate.target_wording == "over the next four years"


# --- Suggestions


def test_themes_come_from_keywords_as_whole_words(vocabulary):
    assert vocabulary.themes_in("They will cut tariffs and expand vaccine supply.") == ["trade", "health"]
    assert vocabulary.themes_in("The tradesman's hospitality was noted.") == []


def test_short_capital_aliases_do_not_match_ordinary_words(vocabulary):
    assert vocabulary.actors_in("Let us work with the US and America.") == ["united-states"]
    assert vocabulary.actors_in("Let us work together.") == []


def test_the_longest_actor_name_wins(vocabulary):
    assert vocabulary.actors_in("The Mexican Foreign Ministry said so.") == ["foreign-ministry"]


def test_a_collective_subject_becomes_the_parties_the_article_names(vocabulary):
    body = "Canada and Mexico met. Canada spoke first, then Mexico. The U.S. sent an observer."
    parties = article_parties(body, vocabulary)
    assert [slug for slug, _ in parties][:2] == ["canada", "mexico"]
    candidate = detect_commitment("Both nations will cut tariffs.", vocabulary=vocabulary)
    assert suggest_actors(candidate, vocabulary, parties=parties) == ["canada", "mexico"]
    named = detect_commitment("Canada will cut tariffs.", vocabulary=vocabulary)
    assert suggest_actors(named, vocabulary, parties=parties) == ["canada"]


def test_a_quoted_pledge_is_owed_by_the_speaker_and_their_bodies(vocabulary):
    candidate = detect_commitment("We will cut tariffs.", vocabulary=vocabulary)
    assert suggest_actors(candidate, vocabulary, parties=[], speaker="ana-ruiz") == [
        "ana-ruiz",
        "foreign-ministry",
        "mexico",
    ]


def test_it_finds_a_quote_that_runs_over_two_paragraphs(vocabulary):
    paragraphs = [
        "Foreign Minister Ana Ruiz said: “Our two countries share a border and a future.",
        "“We will open the new crossing before the summer, and we will keep it open.”",
        "The crossing was closed in 2020 after a flood.",
    ]
    [quote] = find_quotes(paragraphs, vocabulary)
    assert quote.speaker == "ana-ruiz"
    assert quote.text == (
        "Our two countries share a border and a future. We will open the new crossing before the summer, "
        "and we will keep it open."
    )
    sentence = split_sentences(paragraphs)[1]
    assert quote.contains(sentence)
    assert not quote.contains(split_sentences(paragraphs)[2])


def test_it_finds_quotes_with_the_speaker_after_and_resolves_he_and_she(vocabulary):
    paragraphs = [
        "“Trade is the engine of our partnership,” Ruiz told reporters.",
        "“We will not let it stall,” she said.",
        "“This is a good day for exporters,” said a Canadian official.",
    ]
    quotes = find_quotes(paragraphs, vocabulary)
    assert [(q.speaker_name, q.speaker) for q in quotes] == [
        ("Ruiz", "ana-ruiz"),
        ("Ruiz", "ana-ruiz"),
        ("a Canadian official", "canada"),
    ]


def test_phrases_in_quotation_marks_are_not_quotes(vocabulary):
    assert find_quotes(["The minister called it a “world leading” agreement, officials said."], vocabulary) == []


def test_a_quote_without_a_speaker_is_not_kept(vocabulary):
    assert find_quotes(["“We will never give up on this,” the banner read in large letters."], vocabulary) == []


def test_seed_article_quotes_have_their_speakers():
    from django.conf import settings

    raw = (settings.BASE_DIR / "seeds" / "000_a468fed3cf8681fa.txt").read_text(encoding="utf-8")
    quotes = find_quotes(clean_text(raw).paragraphs)
    assert [q.speaker_name for q in quotes] == ["U.K. Defence Secretary Ben Wallace", "Home Secretary Priti Patel"]
    assert quotes[0].text.startswith("It’s no secret") and quotes[0].text.endswith("threats of the future together.")

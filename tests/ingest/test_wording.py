"""What a draft is called and worded: the pledge's verb phrase as title, no attribution, no stray quotation mark."""

import datetime

import pytest

from commitments.ingest import analyse
from commitments.ingest.detection import commitment_title, detect_commitment, without_attribution
from commitments.ingest.quotes import find_quotes
from commitments.ingest.vocabulary import Vocabulary

VOCABULARY = Vocabulary.from_terms(
    {"cyber": ["Cyber", "cyber defence", "ransomware"]},
    {
        "united-kingdom": {"name": "United Kingdom", "aliases": ["U.K.", "Britain"], "kind": "country"},
        "france": {"name": "France", "aliases": [], "kind": "country"},
        "jane-rowe": {"name": "Jane Rowe", "aliases": ["Rowe"], "kind": "person", "parent": "united-kingdom"},
    },
)


@pytest.mark.parametrize(
    "sentence, title",
    [
        (
            "Britain and France agreed on Thursday to create a joint cyber defence fund.",
            "Create a joint cyber defence fund",
        ),
        ("Britain and France pledged at the summit in Paris to share threat data.", "Share threat data"),
        ("Britain and France pledged, after two days of talks, to share threat data.", "Share threat data"),
        ("Britain and France pledged in principle to share threat data.", "Share threat data"),
        ("Britain and France agreed on a plan to share threat data.", "A plan to share threat data"),
    ],
)
def test_the_title_is_the_verb_phrase_of_what_is_pledged(sentence, title):
    assert detect_commitment(sentence, vocabulary=VOCABULARY).title == title


def test_a_title_without_a_circumstance_keeps_its_words():
    # "on" opening what is agreed is not a day: "agreed on closer ties" stays as it is.
    assert commitment_title("They agreed on closer ties between the two fleets.", 11) == (
        "Closer ties between the two fleets"
    )


@pytest.mark.parametrize(
    "text, wording",
    [
        ("Britain will train 500 specialists, officials said.", "Britain will train 500 specialists."),
        ("Britain will train 500 specialists, the Home Office said on Friday.", "Britain will train 500 specialists."),
        ("Britain will train 500 specialists, said Jane Rowe.", "Britain will train 500 specialists."),
        ("Britain will train 500 specialists, according to the ministry.", "Britain will train 500 specialists."),
        ("We will train 500 specialists,” said Jane Rowe.", "We will train 500 specialists."),
        ("We will train 500 specialists.”", "We will train 500 specialists."),
    ],
)
def test_a_trailing_attribution_and_a_stray_closing_mark_are_not_the_wording(text, wording):
    assert without_attribution(text) == wording


@pytest.mark.parametrize(
    "text",
    [
        "Britain will train 500 specialists, officials said it would confirm.",  # a clause of its own
        "Britain will train 500 specialists, working with the United States.",  # no verb of saying
        "Britain will train “500 specialists” in Leeds.",  # balanced marks
    ],
)
def test_other_endings_stay_in_the_wording(text):
    assert without_attribution(text) == text


def test_an_imported_candidate_is_worded_without_its_attribution_and_carries_its_deadline():
    text = (
        "Allies agree joint cyber defence fund\n\n"
        "LONDON, March 6, 2025 — Britain and France agreed on Thursday to create a joint cyber defence fund "
        "by the end of 2025, officials said.\n\n"
        "The two countries will also train 500 cyber specialists within two years, the ministry said.\n"
    )
    fund, specialists = analyse(text, vocabulary=VOCABULARY).candidates
    assert fund.wording.endswith("a joint cyber defence fund by the end of 2025.")
    assert fund.title == "Create a joint cyber defence fund by the end of 2025"
    assert (fund.target_wording, fund.target_date) == ("by the end of 2025", datetime.date(2025, 12, 31))
    assert specialists.wording == "The two countries will also train 500 cyber specialists within two years."
    assert specialists.target_date == datetime.date(2027, 3, 6)  # two years from the article's date


def test_a_quote_attributed_with_a_place_and_a_day_has_its_speaker_suggested_as_actor():
    text = (
        "Cyber fund agreed\n\n"
        "LONDON, March 6, 2025 — Officials met in London.\n\n"
        "“We will put real money into protecting hospitals from ransomware,” Rowe told reporters in London on "
        "Thursday.\n"
    )
    analysis = analyse(text, vocabulary=VOCABULARY)
    [quote] = analysis.quotes
    assert (quote.speaker_name, quote.speaker) == ("Rowe", "jane-rowe")
    [candidate] = analysis.candidates
    assert candidate.wording == "We will put real money into protecting hospitals from ransomware"
    assert "jane-rowe" in candidate.actors


@pytest.mark.parametrize(
    "paragraph",
    [
        "Rowe said in a statement: “We will put real money into protecting hospitals.”",
        "“We will put real money into protecting hospitals,” according to Rowe.",
        "“We will put real money into protecting hospitals,” Rowe said on Thursday.",
    ],
)
def test_the_speaker_is_found_around_when_and_where_they_spoke(paragraph):
    [quote] = find_quotes([paragraph], VOCABULARY)
    assert quote.speaker == "jane-rowe"


def test_a_quote_without_a_verb_of_saying_has_no_speaker():
    paragraphs = ["“We will put real money into protecting hospitals,” the leaflet reads on page two."]
    assert find_quotes(paragraphs, VOCABULARY) == []

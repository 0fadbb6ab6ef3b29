"""Step 5 on real-world wording: communiqué verbs, subjects, lists, and the traps around "will".

Every sentence is made up for these tests, in the styles of joint statements, fact sheets, UN
declarations and news reports. Each rule is shown both ways: a sentence it must find, and one it
must leave out.
"""

import pytest

from commitments.ingest.cleaning import clean_text
from commitments.ingest.detection import detect_commitment, find_candidates
from commitments.ingest.sentences import split_sentences
from commitments.ingest.vocabulary import Vocabulary


@pytest.fixture
def vocabulary():
    return Vocabulary.from_terms(
        themes={"fisheries": ["fish stocks", "fishing"]},
        actors={
            "canada": {"name": "Canada", "aliases": ["Ottawa"], "kind": "country"},
            "mexico": {"name": "Mexico", "aliases": [], "kind": "country"},
            "united-states": {"name": "United States", "aliases": ["U.S."], "kind": "country"},
        },
    )


def found(sentence: str, vocabulary=None) -> bool:
    return detect_commitment(sentence, reference_year=2031, vocabulary=vocabulary) is not None


# --- The pledge lexicon of communiqués: found, and the near misses left out


@pytest.mark.parametrize(
    "sentence",
    [
        "We commit to protect the spawning grounds of the northern waters.",
        "We commit ourselves to publish the catch figures every month.",
        "We are dedicated to the recovery of the cod stocks.",
        "We resolve to close the fishing grounds in spring.",
        "We reaffirm our commitment to sustainable fishing in the region.",
        "We recall and reaffirm our commitments to the coastal fisheries charter.",
        "We reiterate our determination to end illegal fishing.",
        "We affirm our joint effort to fight illegal fishing in the north.",
        "We endorse the plan for the recovery of the cod stocks.",
        "The coastal states shall exchange their catch figures every month.",
        "The two governments are to report every catch within a day.",
        "We stand ready to share the costs of the inspection service.",
        "We are prepared to fund the research vessel.",
        "At the meeting, it was agreed to continue the joint inspections.",
        "We express our strong political will to end illegal fishing.",
    ],
)
def test_communique_pledges_are_found(sentence):
    assert found(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We reaffirm the importance of the coastal fisheries charter.",
        "We reaffirmed the need for reliable catch figures.",
        "We reiterate our strong condemnation of illegal fishing.",
        "We also reaffirm our recognition of the rights of coastal communities.",
        "We welcome the plan for the recovery of the cod stocks.",
        "We discussed the state of the fish stocks in the north.",
    ],
)
def test_affirming_what_is_not_an_undertaking_is_left_out(sentence):
    assert not found(sentence)


# --- Subjects


@pytest.mark.parametrize(
    "sentence",
    [
        "Member States will report their catch figures every month.",
        "The United States will fund the research vessel.",
        "The States Parties shall exchange their inspection reports.",
        "More than two dozen nations resolved to close the fishing grounds.",
        "The alliance consists of 30 countries who have committed themselves to protect the cod.",
        "As part of this effort we are committed to funding two research vessels.",
        "The ministers announced that they’re accelerating plans to build a patrol fleet.",
        "We, the ministers of the coastal states, welcome the report, and agree to establish a fund.",
    ],
)
def test_subjects_that_clause_rules_used_to_lose_are_found(sentence):
    assert found(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "The report states that the fish stocks will recover by 2040.",
        "The fleet is a bulwark against those that aim to empty the seas.",
        "The number of vessels allowed to fish will be reduced.",
        "The summit opened on Monday, and agreed to a timetable for the talks.",
        "As part of this effort the funds are committed to new vessels.",
        "Construction will begin in the early 2030s.",
        "The Strategic Concept will guide the work of the fleets.",
        "The Fisheries Bill would require every vessel to carry a tracker.",
    ],
)
def test_things_events_and_laws_are_not_subjects(sentence):
    assert not found(sentence)


def test_a_known_actor_opening_the_clause_is_the_subject(vocabulary):
    assert detect_commitment("Canada and Mexico will close the fishing grounds.", vocabulary=vocabulary).subject == (
        "Canada and Mexico"
    )


def test_actor_names_inside_another_noun_phrase_are_not_the_subject(vocabulary):
    assert not found("The agreement between Canada and Mexico will close the fishing grounds.", vocabulary)


# --- Traps: refusal, schedule, consequence, calls on others, predictions


@pytest.mark.parametrize(
    "sentence",
    [
        "Norway refused to commit to the new quotas.",
        "The ministers declined to agree on a timetable.",
        "Iceland has not committed to the inspection service.",
        "Norway will not commit to the new quotas.",
        "The minister will announce a fisheries strategy on Friday.",
        "The ministers will hear directly from the fishing communities.",
        "The leaders of the three states will participate in the summit.",
        "The ministers will join the summit’s discussions and the official dinner.",
        "The ministers will receive a progress report on the inspections.",
        "The Fisheries Bill will be debated in parliament.",
        "The nation will be able to sell its fish in the south.",
        "We urge all coastal states to commit to the new quotas.",
        "We call upon the fleets to agree to the inspections.",
        "Norway will be a strong partner in the north.",
        "The allies will have spent an extra $3 billion on patrols by 2032.",
        "The allies met their commitment under the Bergen Pledge to raise patrol spending.",
    ],
)
def test_traps_around_a_pledge_word_are_left_out(sentence):
    assert not found(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Norway agreed to commit to the new quotas.",
        "We will not tolerate illegal fishing in our waters.",
        "The minister will announce new patrol vessels for the northern waters.",
        "Canada will join the fisheries coalition.",
        "Together we will be able to end illegal fishing.",
        "We urge all coastal states to join us, and we will fund the inspection service.",
        "The allies will spend an extra $3 billion on patrols by 2032.",
        "The allies pledge to raise patrol spending.",
    ],
)
def test_the_pledges_next_to_those_traps_are_found(sentence):
    assert found(sentence)


# --- Lists: each item under a committing lead-in is a commitment of its own


def candidates(raw: str) -> list[str]:
    cleaned = clean_text(raw)
    found_ = find_candidates(split_sentences(cleaned.paragraphs), reference_year=2031, lead_ins=cleaned.lead_ins)
    return [c.wording for c in found_]


FACT_SHEET = """\
Coastal fisheries: fact sheet

The ministers of the three coastal states met in Bergen on Tuesday to agree on the fish stocks.

The ministers committed to:
- close the spawning grounds every spring
- fund research
  - on the migration of cod
  - on warmer water
- Two new patrol vessels for the northern waters.

Key outcomes:
- a new harbour office in Bergen
- two inspection boats
"""


def test_each_item_under_a_committing_lead_in_is_a_candidate_with_the_lead_ins_words():
    wordings = candidates(FACT_SHEET)
    assert "The ministers committed to close the spawning grounds every spring" in wordings
    assert "The ministers committed to fund research" in wordings
    assert "The ministers committed to fund research on the migration of cod" in wordings
    assert "The ministers committed to Two new patrol vessels for the northern waters." in wordings


def test_items_under_a_lead_in_that_commits_no_one_are_not_candidates():
    wordings = candidates(FACT_SHEET)
    assert not [w for w in wordings if "harbour office" in w or "inspection boats" in w]


def test_numbered_items_under_a_pledge_keep_their_own_words():
    raw = (
        "The ministers met in Bergen on Tuesday and agreed on a plan for the fish.\n\n"
        "Specifically, we commit to undertake the following measures:\n\n"
        "1. publish the catch figures of every fleet each month;\n2. close the spawning grounds in spring.\n"
    )
    wordings = candidates(raw)
    assert "We commit to undertake the following measures publish the catch figures of every fleet each month;" in (
        wordings
    )
    assert "We commit to undertake the following measures close the spawning grounds in spring." in wordings


def test_a_pledge_in_single_quotation_marks_keeps_its_subject():
    assert found("'We - as coastal states - have resolved to close the grounds,' the minister added.")
    assert not found("'It - as a coastal state - has resolved nothing,' the minister added.")


def test_a_fact_sheet_announcing_actions_commits_its_subject():
    assert found("Today, the President is announcing the following new actions to protect the fish stocks:")
    assert not found("Today, the museum is announcing the following new exhibitions about fish:")


def test_a_known_actor_named_in_full_is_a_subject_even_with_a_thing_noun_in_its_name():
    vocabulary = Vocabulary.from_terms(themes={}, actors={"fund": {"name": "Northern Fisheries Fund", "kind": "other"}})
    assert found("Separately, the Northern Fisheries Fund will pay for two research vessels.", vocabulary)
    assert not found("Separately, the fund will pay for two research vessels.", vocabulary)


def test_delivering_is_a_pledge_and_speaking_is_a_schedule():
    assert found("The allies will deliver two patrol vessels to the coast guard.")
    assert not found("The ministers will speak to the fishing communities.")


def test_a_forecast_attributed_at_the_end_is_commentary():
    assert not found("Catches will fall further next year, the fisheries institute warned.")
    assert found("Norway will cut its catches next year, the fisheries minister said.")


def test_donors_and_participants_are_actors():
    assert found("The donors pledged a further $500 million for the research vessels.")
    assert found("The participants will meet every year to review the fish stocks.")
    assert not found("The vessels will meet every year in the harbour.")

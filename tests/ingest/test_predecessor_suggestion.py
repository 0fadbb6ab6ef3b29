"""The import suggests the predecessor of a pledge that restates one."""

import datetime

import pytest

from commitments.ingest.lineage import suggest_predecessor
from commitments.models import PublicationState
from tests.factories import CommitmentFactory, StatementFactory

pytestmark = pytest.mark.django_db

WALES = datetime.date(2014, 9, 5)
LATER = datetime.date(2023, 7, 11)
PLEDGE = "Allies will move towards spending two per cent of gross domestic product on defence within a decade."
RESTATED = (
    "We reaffirm our commitment to spending at least two per cent of our gross domestic product on defence "
    "within a decade."
)


@pytest.fixture
def wales():
    return CommitmentFactory(
        statement=StatementFactory(made_on=WALES), title="Spend two per cent of GDP on defence", wording=PLEDGE
    )


def test_a_restating_pledge_gets_the_earlier_commitment_it_matches(wales):
    suggestion = suggest_predecessor(RESTATED, before=LATER)
    assert suggestion["slug"] == wales.slug and suggestion["made_on"] == "2014-09-05"
    assert suggestion["score"] >= 0.6


def test_a_pledge_that_does_not_restate_gets_no_suggestion(wales):
    assert suggest_predecessor(RESTATED.replace("reaffirm our commitment to", "will start"), before=LATER) is None


def test_only_earlier_published_commitments_are_suggested(wales):
    assert suggest_predecessor(RESTATED, before=WALES) is None  # the same day is not earlier
    wales.state = PublicationState.DRAFT
    wales._workflow_move = True
    wales.save()
    assert suggest_predecessor(RESTATED, before=LATER) is None


def test_a_loose_match_on_the_topic_is_not_enough(wales):
    other = "We reaffirm our commitment to cooperation on cyber defence and the protection of critical infrastructure."
    assert suggest_predecessor(other, before=LATER) is None


def test_the_import_shows_the_suggestion_beside_the_draft(wales):
    from commitments.ingest import import_article

    text = (
        "Leaders met in Vilnius on 11 July 2023.\n\n"
        "In their communiqué the allies said: " + RESTATED.replace("We reaffirm", "we reaffirm") + "\n\n"
        "The meeting ended with a press conference."
    )
    result = import_article(data=text, published_on=LATER, dry_run=True).as_dict()
    suggestions = [row["predecessor"] for row in result["candidates"] if row["predecessor"]]
    assert [s["slug"] for s in suggestions] == [wales.slug]

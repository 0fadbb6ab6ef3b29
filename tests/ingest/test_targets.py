"""Deadlines read from a pledge's target wording: absolute ones always, relative ones from the article's date."""

import datetime

import pytest

from commitments.ingest.detection import TARGET_WORDING
from commitments.ingest.targets import target_date

ARTICLE_DATE = datetime.date(2025, 3, 6)


@pytest.mark.parametrize(
    "wording, expected",
    [
        ("by the end of 2025", datetime.date(2025, 12, 31)),
        ("by 2030", datetime.date(2030, 12, 31)),
        ("by March 2027", datetime.date(2027, 3, 31)),
        ("by the end of February 2028", datetime.date(2028, 2, 29)),
        ("by 1 March 2027", datetime.date(2027, 3, 1)),
        ("by March 15, 2027", datetime.date(2027, 3, 15)),
        ("by mid-2026", datetime.date(2026, 6, 30)),
        ("by early 2026", datetime.date(2026, 3, 31)),
        ("by late 2026", datetime.date(2026, 12, 31)),
        ("within two years", datetime.date(2027, 3, 6)),
        ("within 18 months", datetime.date(2026, 9, 6)),
        ("within a year", datetime.date(2026, 3, 6)),
        ("over the next four years", datetime.date(2029, 3, 6)),
        ("next year", datetime.date(2026, 12, 31)),
        ("by the end of the year", datetime.date(2025, 12, 31)),
    ],
)
def test_a_deadline_is_the_last_day_its_wording_allows(wording, expected):
    assert target_date(wording, reference=ARTICLE_DATE) == expected


@pytest.mark.parametrize("wording", ["from 2025", "", "over the years", "by 31 February 2027"])
def test_wordings_that_name_no_deadline_give_none(wording):
    assert target_date(wording, reference=ARTICLE_DATE) is None


@pytest.mark.parametrize("wording", ["within two years", "over the next four years", "next year"])
def test_a_relative_deadline_needs_the_article_date(wording):
    # Counted from the day of the import it would be a guess.
    assert target_date(wording, reference=None) is None
    assert target_date(wording, reference=ARTICLE_DATE) is not None


def test_an_absolute_deadline_needs_no_article_date():
    assert target_date("by the end of 2025", reference=None) == datetime.date(2025, 12, 31)


@pytest.mark.parametrize(
    "sentence, wording",
    [
        ("The fund will open by 1 March 2027 in Leeds.", "by 1 March 2027"),
        ("They will report by the end of the year.", "by the end of the year"),
        ("They will report by March 15, 2027.", "by March 15, 2027"),
        ("They will train 500 specialists within two years.", "within two years"),
    ],
)
def test_the_target_wording_is_found_in_the_sentence(sentence, wording):
    assert TARGET_WORDING.search(sentence).group() == wording


def test_a_sentence_without_a_deadline_has_no_target_wording():
    assert TARGET_WORDING.search("They will train 500 specialists in Leeds.") is None

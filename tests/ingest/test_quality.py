"""Precision and recall of the import against the hand-labelled gold files.

Run with `-s` to see the figures (or `python bench/ingest_quality.py`). The floors are the
issue's targets for commitment sentences, and a little under today's figures for suggestions,
so a change that makes the import worse fails here.
"""

import pytest

from bench.ingest_quality import GOLD_FILES, measure, measure_all, same_sentence

SEED_GOLD = GOLD_FILES[0]


def test_every_gold_file_is_measured():
    names = [path.name for path in GOLD_FILES]
    assert names[0] == "000_a468fed3cf8681fa.gold.yaml"
    assert len(names) >= 4


def test_commitment_detection_meets_its_targets_overall():
    reports, total = measure_all()
    print()
    for report in [*reports, total]:
        print("\n".join(report.lines()))
    assert total.candidates.recall >= 0.9
    assert total.candidates.precision >= 0.8
    assert total.themes.recall >= 0.85
    assert total.themes.precision >= 0.8
    assert total.actors.recall >= 0.7
    assert total.actors.precision >= 0.75


def test_the_seed_article_meets_the_targets_on_its_own():
    report = measure(SEED_GOLD)
    assert report.candidates.recall >= 0.9
    assert report.candidates.precision >= 0.8
    assert report.themes.recall >= 0.9


@pytest.mark.parametrize("path", GOLD_FILES[1:], ids=lambda p: p.name)
def test_each_test_article_keeps_recall_and_precision_of_commitments(path):
    report = measure(path)
    assert report.candidates.recall >= 0.8, report.missed
    assert report.candidates.precision >= 0.8, report.extra


def test_sentences_match_despite_quotation_marks_and_spacing():
    assert same_sentence("“We will act,” he said.", "We will act,")
    assert not same_sentence("We will act on trade.", "They will act on health.")

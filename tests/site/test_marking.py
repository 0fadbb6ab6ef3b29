"""Finding commitment wordings in a statement's text, and marking them safely."""

from types import SimpleNamespace

from commitments.site.marking import mark_passages, passage_pattern


def commitment(pk, wording, slug=None):
    slug = slug or f"c{pk}"
    return SimpleNamespace(
        pk=pk, wording=wording, slug=slug, title=f"Title {pk}", get_absolute_url=lambda: f"/commitments/{slug}/"
    )


def test_it_ignores_case_spacing_and_quote_styles():
    pattern = passage_pattern("The U.K.'s  partnership with the US is key.")
    assert pattern.search("the U.K.’s partnership\nwith the US is key")
    assert not pattern.search("the U.K. partnership with the US is key")


def test_short_wordings_are_not_placed():
    assert passage_pattern("We agree.") is None


def test_each_found_commitment_is_marked_once_with_a_link():
    text = "First we will build the bridge now. Later we will build the bridge now again.\n\nOther words here."
    result = mark_passages(text, [commitment(1, "we will build the bridge now")])
    html = "".join(result["paragraphs"])
    assert html.count("<mark") == 1
    assert '<mark id="passage-c1"><a href="/commitments/c1/" title="Commitment: Title 1">we will build' in html
    assert len(result["paragraphs"]) == 2
    assert [c.pk for c in result["marked"]] == [1]


def test_overlapping_passages_keep_the_first_and_report_the_other_unmarked():
    text = "They will cut taxes and raise pensions for everyone this year."
    first = commitment(1, "will cut taxes and raise pensions")
    second = commitment(2, "raise pensions for everyone this year")
    result = mark_passages(text, [second, first])
    assert [c.pk for c in result["marked"]] == [1]


def test_text_around_and_inside_marks_is_escaped():
    text = "<b>Bold</b> claim: we will stop <i>all</i> the bad things."
    result = mark_passages(text, [commitment(1, "we will stop <i>all</i> the bad things")])
    html = str(result["paragraphs"][0])
    assert html.startswith("&lt;b&gt;Bold&lt;/b&gt; claim: <mark")
    assert "we will stop &lt;i&gt;all&lt;/i&gt; the bad things" in html
    assert "<i>" not in html and "<b>" not in html


def test_a_wording_not_in_the_text_is_not_marked():
    result = mark_passages("Nothing to see here at all.", [commitment(1, "we will plant a million trees")])
    assert result["marked"] == [] and "<mark" not in str(result["paragraphs"][0])

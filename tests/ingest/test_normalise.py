"""Step 2a of the article import: wrapped lines, page furniture, control characters, lists, capitals.

The texts are made up for these tests, in the styles real texts arrive in: e-mail wrapped at
72 columns, text taken out of a paginated PDF, fact sheets with bullets, pages with lists.
"""

from commitments.ingest.cleaning import clean_text, extract_html
from commitments.ingest.normalising import lead_ins, normalise_lines, sentence_case

WRAPPED = """\
The ministers of the three coastal states met in Bergen on Tuesday and
agreed on a common approach to the protection of fish stocks in the
northern waters, which have declined for a decade. They will set up a
joint inspection service before the end of the year and will share the
catch figures of their fleets every month.

The ministers also discussed the state of the harbours and the cost of
dredging the shipping lanes, without reaching a conclusion on the
sharing of that cost among the ports of the three countries.
"""

PAGINATED = """\
1.
We, the ministers of the coastal states, commit to protect the spawning
grounds of the northern waters and to publish the catch figures of our
fleets every month.1
2.
We will establish a joint inspection service, financed by the three
states in equal shares, and review its work after three years.
_______________

1 Catch figures as defined in annex II.

Coastal Fisheries Declaration
BR/2031/4
2/5

3.
We will fund research on the migra-
tion of cod and on the effect of warmer water on the young fish of
the region.
Coastal Fisheries Declaration
BR/2031/4
3/5
4.
We will meet again in two years to review the progress made under this
declaration and to agree on any further measures that may be needed.
Coastal Fisheries Declaration
BR/2031/4
4/5
"""


def lines(raw: str) -> tuple[list[str], list]:
    removed: list = []
    return [line for line in normalise_lines(raw, removed) if line], removed


def test_hard_wrapped_lines_are_joined_into_paragraphs():
    paragraphs, _ = lines(WRAPPED)
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The ministers of the three coastal states met in Bergen on Tuesday and agreed")
    assert paragraphs[0].endswith("every month.")


def test_lines_that_are_paragraphs_stay_apart():
    text = "Coastal states agree fish deal\nThe ministers met in Bergen on Tuesday.\nThey will share catch data.\n"
    assert lines(text)[0] == [
        "Coastal states agree fish deal",
        "The ministers met in Bergen on Tuesday.",
        "They will share catch data.",
    ]


def test_page_numbers_running_headers_and_footnotes_are_dropped_and_listed():
    paragraphs, removed = lines(PAGINATED)
    body = "\n".join(paragraphs)
    for furniture in ("2/5", "3/5", "BR/2031/4", "Coastal Fisheries Declaration", "Catch figures as defined"):
        assert furniture not in body
    reasons = {reason for reason, _ in removed}
    assert {"page number", "running header", "footnote"} <= reasons
    assert ("footnote", "1 Catch figures as defined in annex II.") in removed


def test_numbered_paragraphs_keep_their_number_and_run_on_across_pages():
    paragraphs, _ = lines(PAGINATED)
    assert paragraphs[0].startswith("1. We, the ministers of the coastal states, commit to protect")
    assert [p.split()[0] for p in paragraphs] == ["1.", "2.", "3.", "4."]


def test_a_word_hyphenated_across_lines_is_joined():
    paragraphs, _ = lines(PAGINATED)
    assert "research on the migration of cod" in paragraphs[2]


def test_a_hyphen_before_and_stays():
    text = (
        "The ministers will fund small- and medium-sized fleets, short-\n"
        "and long-range patrols, and the training of young crews in the\n"
        "ports of the region, which have lost many of their skilled hands to\n"
        "the oil industry in the last ten years, the ministers said on Friday.\n"
    )
    assert "short- and long-range patrols" in lines(text)[0][0]


def test_form_feeds_and_control_characters_are_removed():
    raw = "The ministers met on Tuesday.\x0cThey will share\x01 the catch\x0b data every month.\x7f"
    assert lines(raw)[0] == ["The ministers met on Tuesday.", "They will share the catch", "data every month."]


def test_plain_text_bullets_become_items_under_their_lead_in():
    paragraphs = [
        "The ministers committed to:",
        "- close the spawning grounds in spring",
        "* publish the catch figures",
        "• fund research on cod",
        "They will meet again in June.",
        "1. a numbered paragraph",
    ]
    assert lead_ins(paragraphs) == {1: [0], 2: [0], 3: [0]}


def test_numbered_and_lettered_items_count_as_items():
    paragraphs = ["The states agreed to:", "1. close the grounds", "(a) in spring", "(b) in autumn", "ii) share data"]
    assert set(lead_ins(paragraphs)) == {1, 2, 3, 4}


def test_items_under_a_line_without_a_colon_have_no_lead_in():
    assert lead_ins(["Key outcomes", "- a new harbour", "- two ships"]) == {}


def test_a_nested_item_follows_its_parent_item():
    paragraphs = ["The ministers committed to:", "- fund research", "  - on cod", "  - on herring", "- share data"]
    assert lead_ins(paragraphs) == {1: [0], 2: [0, 1], 3: [0, 1], 4: [0]}


def test_an_html_list_keeps_its_items_and_their_nesting():
    html = (
        "<html><body><article><h1>Coastal states agree</h1>"
        "<p>The ministers of the coastal states met in Bergen on Tuesday to agree on fish stocks.</p>"
        "<p>The ministers committed to:</p><ul><li>close the spawning grounds every spring</li>"
        "<li>fund research<ul><li>on the migration of cod</li></ul></li></ul>"
        "<p>They will meet again next year to review the progress made on all of it.</p></article></body></html>"
    )
    cleaned, _ = extract_html(html)
    items = {cleaned.paragraphs[i].strip(): chain for i, chain in cleaned.lead_ins.items()}
    lead = cleaned.paragraphs.index("The ministers committed to:")
    assert items["- close the spawning grounds every spring"] == [lead]
    assert items["- on the migration of cod"] == [lead, lead + 2]


def test_a_list_at_the_end_of_the_text_is_kept():
    raw = (
        "Coastal states agree\n\nThe ministers of the coastal states met in Bergen on Tuesday and agreed a plan.\n\n"
        "The ministers committed to:\n- close the spawning grounds every spring\n- publish the catch figures monthly\n"
    )
    cleaned = clean_text(raw)
    assert cleaned.paragraphs[-1] == "- publish the catch figures monthly"
    assert not [text for reason, text in cleaned.removed if reason == "trailing fragment"]


def test_a_bulleted_byline_stays_in_the_header():
    raw = "Coastal News\n\nStates agree fish deal\n\n- By ANNA BERG\n\nThe ministers met in Bergen on Tuesday and agreed a plan.\n"
    cleaned = clean_text(raw)
    assert cleaned.author == "ANNA BERG"
    assert cleaned.paragraphs == ["The ministers met in Bergen on Tuesday and agreed a plan."]


def test_all_capital_text_is_written_in_sentence_case():
    assert sentence_case("LET US WORK WITH NATO AND THE EU ON FISH STOCKS.", frozenset({"NATO", "EU"})) == (
        "Let us work with NATO and the EU on fish stocks."
    )
    paragraphs, _ = lines("THE MINISTERS WILL HELP US AND NATO PROTECT THE FISH.\nThe ministers met NATO in Bergen.")
    assert paragraphs == ["The ministers will help us and NATO protect the fish.", "The ministers met NATO in Bergen."]


def test_mixed_case_text_is_left_alone():
    paragraphs, _ = lines("The US and NATO will protect FISH stocks in the North.")
    assert paragraphs == ["The US and NATO will protect FISH stocks in the North."]


def test_an_embedded_post_signature_and_picture_link_are_dropped():
    raw = (
        "The ministers met in Bergen on Tuesday and agreed a plan for fish.\n"
        "A good day for the fish! pic.twitter.com/AbC123xyz\n"
        "— Anna Berg (@annaberg) May 4, 2031\n"
    )
    paragraphs, removed = lines(raw)
    assert paragraphs == [
        "The ministers met in Bergen on Tuesday and agreed a plan for fish.",
        "A good day for the fish!",
    ]
    assert [reason for reason, _ in removed] == ["embedded post", "embedded post"]


def test_capitalised_words_of_a_newspaper_opening_are_not_initialisms():
    raw = "THE MINISTER IS THE KEY TO THE PLAN FOR THE NORTH.\nTHE good thing about the plan is the NATO money.\n"
    paragraphs, _ = lines(raw)
    assert paragraphs[0] == "The minister is the key to the plan for the north."


def test_control_characters_in_an_html_title_are_removed():
    html = (
        "<html><head><title>Coastal\x01 states\x0b agree</title></head><body><article>"
        "<p>The ministers of the coastal states met in Bergen on Tuesday and agreed on a plan for the fish.</p>"
        "</article></body></html>"
    )
    cleaned, meta = extract_html(html)
    assert meta.title == cleaned.title == "Coastal states agree"


def test_lettered_items_under_a_numbered_lead_in_are_siblings():
    paragraphs = [
        "The ministers met.",
        "2. The ministers commit to:",
        "    (a) close the grounds",
        "    (b) share data",
    ]
    assert lead_ins(paragraphs) == {2: [1], 3: [1]}


def test_a_header_line_carrying_the_page_number_is_dropped_but_a_justified_line_is_not():
    raw = PAGINATED.replace("Coastal Fisheries Declaration\nBR/2031/4\n3/5", "COASTAL FISHERIES      Page 3 of 5")
    raw = raw.replace("the region.", "the region, to be finished before   2040.")
    paragraphs, removed = lines(raw)
    assert ("running header", "COASTAL FISHERIES Page 3 of 5") in removed
    assert any(p.endswith("to be finished before 2040.") for p in paragraphs)

"""Step 1 and 2 of the article import: input checks, cleaning rules, and metadata."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from commitments.data.seed import SEED_FILE
from commitments.ingest import ImportRefused, analyse
from commitments.ingest.cleaning import clean_text, extract_html, find_date
from commitments.ingest.metadata import extract_metadata
from commitments.ingest.reading import looks_like_html, read_input
from commitments.ingest.vocabulary import Vocabulary
from commitments.models import content_hash

SEED_ARTICLE = Path(settings.BASE_DIR) / "seeds" / "000_a468fed3cf8681fa.txt"
DATA = Path(__file__).parent / "fixtures"

PROSE = "The two governments agreed on Tuesday to build a new bridge across the river by 2027."
PROSE_2 = "Officials from both countries said the first works would begin in the spring of next year."


def body_of(text: str) -> str:
    return clean_text(text).body


# --- Input


def test_it_refuses_empty_input():
    with pytest.raises(ImportRefused, match="is empty"):
        read_input(b"   \n\n ")


def test_it_refuses_binary_input():
    with pytest.raises(ImportRefused, match="binary file"):
        read_input(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", filename="photo.txt")


def test_it_refuses_text_that_is_not_utf8():
    with pytest.raises(ImportRefused, match="not UTF-8"):
        read_input("Les ministres se sont engagés à coopérer.".encode("latin-1"))


@override_settings(IMPORT_MAX_BYTES=100)
def test_it_refuses_input_over_the_size_limit():
    with pytest.raises(ImportRefused, match="limit is 100 bytes"):
        read_input(b"word " * 30)
    assert read_input(b"word " * 20) == "word " * 20


def test_it_refuses_other_file_types():
    with pytest.raises(ImportRefused, match=r"only \.txt, \.html and \.htm"):
        read_input(b"text", filename="report.pdf")


def test_it_accepts_utf8_with_a_byte_order_mark():
    assert read_input("\ufeffTexte accentué.".encode()) == "Texte accentué."


# --- Cleaning rules, each shown removing its furniture and keeping the text


def test_it_removes_weather_and_dateline_lines_above_the_headline():
    cleaned = clean_text(f"63.8 F\nWashington D.C.\n\nLeaders Agree Bridge Plan\n\n{PROSE}\n")
    assert cleaned.body == PROSE
    assert ("weather", "63.8 F") in cleaned.removed
    assert ("dateline", "Washington D.C.") in cleaned.removed


def test_a_header_date_is_removed_and_kept_apart_not_taken_as_publication_date():
    cleaned = clean_text(f"Thursday, April 18, 2024\nLeaders Agree Bridge Plan\n\n{PROSE}")
    assert cleaned.header_dates == [datetime.date(2024, 4, 18)]
    assert "2024" not in cleaned.body
    metadata = extract_metadata(cleaned)
    assert metadata.published_on.value is None
    assert "not taken as the publication date" in metadata.published_on.reason
    assert metadata.retrieved_on.value == datetime.date(2024, 4, 18)


def test_the_headline_becomes_the_title_and_leaves_the_body():
    cleaned = clean_text(f"World\nLeaders Agree Bridge Plan\n\n{PROSE}")
    assert cleaned.title == "Leaders Agree Bridge Plan"
    assert cleaned.body == PROSE


def test_a_date_labelled_published_is_the_publication_date():
    cleaned = clean_text(f"Leaders Agree Bridge Plan\nPublished: 5 May 2023\n\n{PROSE}")
    metadata = extract_metadata(cleaned)
    assert metadata.published_on.value == datetime.date(2023, 5, 5)
    assert metadata.published_on.source == "found"


def test_a_byline_gives_the_author_and_its_date():
    cleaned = clean_text(f"Leaders Agree Bridge Plan\nBy Jane Roe | 19 February 2022\n\n{PROSE}")
    metadata = extract_metadata(cleaned)
    assert metadata.author.value == "Jane Roe"
    assert metadata.published_on.value == datetime.date(2022, 2, 19)
    assert "Jane Roe" not in cleaned.body


def test_a_dated_dateline_in_the_first_paragraph_is_the_publication_date():
    cleaned = clean_text(f"LONDON, June 10, 2021 — {PROSE}")
    assert extract_metadata(cleaned).published_on.value == datetime.date(2021, 6, 10)


def test_a_given_date_wins_and_is_marked_given():
    cleaned = clean_text(f"Published: 5 May 2023\nLeaders Agree Bridge Plan\n\n{PROSE}")
    metadata = extract_metadata(cleaned, published_on=datetime.date(2023, 5, 4))
    assert (metadata.published_on.value, metadata.published_on.source) == (datetime.date(2023, 5, 4), "given")


def test_without_a_headline_the_title_is_guessed_from_the_first_sentence():
    metadata = extract_metadata(clean_text(PROSE))
    assert metadata.title.source == "guessed"
    assert metadata.title.value.startswith("The two governments agreed")
    assert extract_metadata(clean_text(f"LONDON, June 10, 2021 — {PROSE}")).title.value.startswith("The two")


@pytest.mark.parametrize(
    "line",
    ["Read more at the U.K. Home Office", "Related Articles", "Latest Articles", "- Advertisement -", "Advertisement"],
)
def test_it_removes_furniture_lines(line):
    cleaned = clean_text(f"{PROSE}\n\n{line}\n\n{PROSE_2}")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"
    assert ("furniture", line) in cleaned.removed


def test_it_keeps_a_sentence_that_merely_mentions_an_advertisement():
    line = "The ministry will ban advertisement of tobacco products on national television from next year."
    assert line in body_of(f"{PROSE}\n\n{line}")


def test_it_removes_an_author_box_to_the_next_blank_line():
    box = "author avatar\nJane Roe\nJane Roe covers European politics and writes a weekly column on trade policy.\n"
    cleaned = clean_text(f"{PROSE}\n\n{box}\n{PROSE_2}")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"
    assert cleaned.author_box_name == "Jane Roe"


def test_it_removes_a_blurb_printed_more_than_once():
    blurb = "Example News is the leading source of independent reporting on bridges and rivers since 1990."
    cleaned = clean_text(f"{PROSE}\n\n{blurb}\n\n{PROSE_2}\n\n{blurb}")
    assert blurb not in cleaned.body
    assert PROSE_2 in cleaned.body


def test_it_removes_short_lines_after_the_last_paragraph():
    cleaned = clean_text(f"{PROSE}\n\n{PROSE_2}\n\nOther story headline\nExample News")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"


def test_the_seed_article_cleans_to_the_curated_body():
    """Same hash as the seed loader's hand-cut body, which is what stops a second import."""
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    cleaned = clean_text(raw)
    assert cleaned.paragraphs[0].startswith("Steps agreed yesterday")
    assert cleaned.paragraphs[-1].endswith("strong privacy standards.")
    curated = raw[raw.index("Steps agreed yesterday") : raw.index("strong privacy standards.") + 25]
    assert content_hash(cleaned.body) == content_hash(curated)
    assert cleaned.title == "U.S. and U.K. Strengthen Security Cooperation Over Emerging Threats"
    assert SEED_FILE.exists()


def test_cleaning_is_idempotent():
    once = clean_text(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert clean_text(once.body).body == once.body


# --- HTML


def test_html_main_text_is_extracted_without_navigation_or_footer():
    cleaned, meta = extract_html((DATA / "arctic-ministers.html").read_text(encoding="utf-8"))
    assert cleaned.paragraphs[0].startswith("Foreign ministers of Canada")
    assert "Observers expect the council will struggle to agree a budget." in cleaned.body
    for furniture in ("Subscribe", "Icebreaker orders rise", "All rights reserved", "Sign up"):
        assert furniture not in cleaned.body
    assert (meta.title, meta.sitename, meta.date) == (
        "Arctic ministers agree to restart scientific work",
        "Polar Desk",
        datetime.date(2023, 3, 15),
    )
    metadata = extract_metadata(cleaned, html=meta)
    assert (metadata.published_on.source, metadata.publisher.value) == ("found", "Polar Desk")


def test_an_html_page_without_a_date_in_its_metadata_gets_none():
    html = f"<html><head><title>Bridge</title></head><body><p>© 2019 Example</p><article><p>{PROSE}</p><p>{PROSE_2}</p></article></body></html>"
    cleaned, meta = extract_html(html)
    assert meta.date is None
    assert PROSE in cleaned.body


def test_an_html_page_without_text_is_refused():
    with pytest.raises(ImportRefused, match="no sentences"):
        analyse("<html><body><nav><a href='/'>Home</a></nav></body></html>", vocabulary=Vocabulary(), filename="a.html")
    with pytest.raises(ImportRefused, match="No article text"):
        extract_html("<html><body></body></html>")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thursday, April 18, 2024", datetime.date(2024, 4, 18)),
        ("18 April 2024", datetime.date(2024, 4, 18)),
        ("Sept. 5, 2023", datetime.date(2023, 9, 5)),
        ("2022-02-19", datetime.date(2022, 2, 19)),
        ("April 31, 2024", None),
        ("Washington D.C.", None),
    ],
)
def test_find_date_reads_written_dates(text, expected):
    assert find_date(text, whole=True) == expected


def test_pasted_html_is_recognised_without_a_file_name():
    assert looks_like_html("<!DOCTYPE html><html><body><p>Text</p></body></html>")
    assert looks_like_html("<div><body><p>Copied from a page</p></body></div>")
    assert not looks_like_html("The ministers agreed to use <b> tags sparingly.")
    assert not looks_like_html("<!DOCTYPE html>", filename="notes.txt")


def test_an_author_line_under_the_text_is_removed():
    cleaned = clean_text(f"{PROSE}\n\n{PROSE_2}\n\nJANE ROE IS THE NORTHERN NEWS POLITICAL EDITOR")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"


def test_a_sentence_about_a_writer_is_kept():
    line = "The harbour master is a keen writer of letters to the council, and he will keep writing every week."
    assert line in body_of(f"{PROSE}\n\n{line}")


def test_the_list_of_other_articles_under_a_heading_is_removed_to_the_end():
    teasers = (
        "Other Opinion Columns\n\nBridges at night\n\nJOHN DOE Nobody asked for the new lights, and the council knows it.\n\n"
        "River of grief Why the ferry must stay\n\nANNA BERG The ferry has carried us across for a century.\n"
    )
    cleaned = clean_text(f"{PROSE}\n\n{PROSE_2}\n\n{teasers}")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"
    assert ("other articles", "Other Opinion Columns") in cleaned.removed


def test_a_more_stories_line_inside_the_text_removes_only_itself():
    cleaned = clean_text(f"{PROSE}\n\nMore Stories\n\n{PROSE_2}")
    assert cleaned.body == f"{PROSE}\n\n{PROSE_2}"

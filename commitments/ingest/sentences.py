"""Step 4: paragraphs into sentences, without splitting after "Mr." or inside "U.S. Armed Forces"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalising import is_item


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


ABBREVIATIONS = word_set(
    """mr mrs ms dr prof st no gen lt col capt sen rep gov rev jan feb mar apr jun jul aug sep sept oct nov dec
    inc ltd co corp vs etc approx fig"""
)
# After an initialism such as "U.S.", these words start a new sentence; other capitalised words
# ("U.S. Armed Forces", "U.K. Home Office") continue the name.
SENTENCE_STARTERS = word_set(
    "The A An It Its He She They We I This That These Those In On At But And However Both Their Our His Her "
    "As After Before While When There Under With For By From If Since Although Meanwhile Earlier Later"
)
BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9£$€])")


@dataclass
class Sentence:
    text: str
    paragraph: int
    start: int
    end: int
    quote: int | None = None  # index into the article's quotes when the sentence is quoted speech


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a paragraph, not splitting after "Mr." or inside "U.S. Armed Forces"."""
    spans, start = [], 0
    for match in BOUNDARY.finditer(paragraph):
        # Only the words on either side of the boundary: a long paragraph is not copied per full stop.
        before = paragraph[max(start, match.start() - 60) : match.start()].rstrip("\"'”’)]")
        last_word = before.split()[-1] if before.split() else ""
        rest = paragraph[match.end() : match.end() + 60].split(maxsplit=1)
        next_word = rest[0].strip('"“‘([') if rest else ""
        if last_word.rstrip(".").lower() in ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", last_word):
            continue
        if re.fullmatch(r"(?:[A-Za-z]\.){2,}", last_word) and next_word not in SENTENCE_STARTERS:
            continue
        end = match.start() + len(match.group().rstrip())
        spans.append((start, end))
        start = match.end()
    if paragraph[start:].strip():
        spans.append((start, len(paragraph)))
    return spans


def split_sentences(paragraphs: list[str]) -> list[Sentence]:
    sentences = [
        Sentence(paragraph[start:end].strip(), index, start, end)
        for index, paragraph in enumerate(paragraphs)
        for start, end in sentence_spans(paragraph)
    ]
    # Fewer than three words is a label or a fragment, not a sentence; a list item may be shorter.
    return [s for s in sentences if len(re.findall(r"[A-Za-z]{2,}", s.text)) >= (1 if is_item(s.text) else 3)]


def strip_quote_marks(text: str) -> str:
    return text.strip().strip('“”"').strip()

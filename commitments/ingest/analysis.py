"""Steps 2 to 6 on one decoded article, without the database: what an import would write."""

from __future__ import annotations

import bisect
import datetime
from dataclasses import dataclass

from django.utils import timezone

from .cleaning import SENTENCE_END, Cleaned, clean_text, extract_html
from .detection import Candidate, find_candidates
from .metadata import Metadata, extract_metadata
from .quotes import FoundQuote, find_quotes
from .reading import Budget, ImportRefused, looks_like_html
from .sentences import Sentence, split_sentences
from .targets import target_date
from .vocabulary import Vocabulary, article_parties, suggest_actors


@dataclass
class Analysis:
    """Everything the pipeline reads from one article, before anything is written."""

    raw: str
    cleaned: Cleaned
    metadata: Metadata
    sentences: list[Sentence]
    candidates: list[Candidate]
    quotes: list[FoundQuote]
    parties: list[tuple[str, int]]


class QuoteIndex:
    """The quote a sentence lies in, found by bisection: a page of thousands of quotes stays linear."""

    def __init__(self, quotes: list[FoundQuote]) -> None:
        spans: dict[int, list[tuple[int, int, FoundQuote]]] = {}
        for quote in quotes:
            for paragraph, start, end in quote.spans:
                spans.setdefault(paragraph, []).append((end, start, quote))
        # Quotes do not overlap, so sorted by end they are sorted by start too.
        self.spans = {p: sorted(rows, key=lambda row: row[0]) for p, rows in spans.items()}
        self.ends = {p: [row[0] for row in rows] for p, rows in self.spans.items()}

    def sentence(self, sentence: Sentence) -> FoundQuote | None:
        rows = self.spans.get(sentence.paragraph)
        if not rows:
            return None
        index = bisect.bisect_right(self.ends[sentence.paragraph], sentence.start)
        if index < len(rows) and rows[index][1] < sentence.end:
            return rows[index][2]
        return None


def analyse(
    raw: str,
    *,
    vocabulary: Vocabulary,
    filename: str = "",
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    budget: Budget | None = None,
) -> Analysis:
    """Run steps 2 to 6 on decoded text: no database access, so it can be measured and tested alone."""
    html_meta = None
    if looks_like_html(raw, filename):
        cleaned, html_meta = extract_html(raw)
    else:
        cleaned = clean_text(raw)
    if not cleaned.body.strip():
        raise ImportRefused("Nothing is left of the input once page furniture is removed.")
    sentences = split_sentences(cleaned.paragraphs)
    # Labels, names and headings have no full stop; an article has at least one sentence that ends,
    # or a list under a lead-in.
    if not any(SENTENCE_END.search(s.text) for s in sentences) and not cleaned.lead_ins:
        raise ImportRefused("The input has no sentences to read; is it an article?")
    vocabulary = vocabulary.within(cleaned.body)
    metadata = extract_metadata(cleaned, html=html_meta, url=url, publisher=publisher, published_on=published_on)
    # Pledges dated before this year are history. A date above the headline bounds it when no publication date is known.
    known = metadata.published_on.value or (cleaned.header_dates or [timezone.localdate()])[0]
    candidates = find_candidates(
        sentences, reference_year=known.year, vocabulary=vocabulary, lead_ins=cleaned.lead_ins, budget=budget
    )
    quotes = find_quotes(cleaned.paragraphs, vocabulary)
    parties = article_parties(cleaned.body, vocabulary)
    quote_at = QuoteIndex(quotes)
    # A pledge whose sentence does not name its topic is about what the article is about.
    dominant = vocabulary.dominant_themes(cleaned.body)
    for candidate in candidates:
        candidate.quote = quote_at.sentence(candidate.sentence)
        if candidate.quote:
            candidate.quoted = candidate.quote.part_of(candidate.sentence, cleaned.paragraphs)
        candidate.themes = vocabulary.themes_in(candidate.wording) or list(dominant)
        speaker = candidate.quote.speaker if candidate.quote else ""
        candidate.actors = suggest_actors(candidate, vocabulary, parties=parties, speaker=speaker)
        # "Within two years" counts from the article's own date, never from the day of the import.
        candidate.target_date = target_date(candidate.target_wording, reference=metadata.published_on.value)
    return Analysis(raw, cleaned, metadata, sentences, candidates, quotes, parties)

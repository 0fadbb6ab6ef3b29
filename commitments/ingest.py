"""Article import: from a pasted or uploaded article to draft commitments, quotes and evidence links.

The pipeline is a row of plain functions, each testable alone:

1. `read_input` and `clean_text` / `extract_html`: decode, refuse bad input, strip page furniture.
2. `extract_metadata`: title, publisher and dates, each marked given, found, guessed or missing.
3. `split_sentences` and `find_candidates`: the sentences in which an actor pledges, agrees,
   commits, intends or says it will do something.
4. `Vocabulary.themes_in`, `suggest_actors`, `find_quotes`: themes, actors and quotes to suggest.
5. `related_commitments`: published commitments the article probably reports on.

`import_article` runs them in one transaction and writes the article, a draft statement, draft
commitments with their article links, and the quotes. Nothing it creates is published: the
analyst reviews the drafts in the admin. `link_related_commitment` turns a related-commitment
suggestion into an article link and a status update in one step.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from commitments.domain.services import record_status_update
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    Theme,
    content_hash,
)


class ImportRefused(Exception):
    """An expected refusal: the message is one line for the analyst, never a traceback."""


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- 1. Input and cleaning ---------------------------------------------------------------------

HTML_SUFFIXES = (".html", ".htm")
ACCEPTED_SUFFIXES = (".txt", *HTML_SUFFIXES)


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def read_input(data: bytes | str, *, filename: str = "") -> str:
    """Decode the upload or paste, refusing what cannot be an article."""
    if filename and not filename.lower().endswith(ACCEPTED_SUFFIXES):
        raise ImportRefused(f"{filename}: only .txt, .html and .htm files can be imported.")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    name = filename or "The input"
    if len(raw) > max_bytes():
        raise ImportRefused(f"{name} is {_size(len(raw))}; the import limit is {_size(max_bytes())}.")
    if not raw.strip():
        raise ImportRefused(f"{name} is empty.")
    # Text files never hold NUL bytes; images, PDFs and word-processor files almost always do.
    if b"\x00" in raw[:8192]:
        raise ImportRefused(f"{name} is a binary file, not text; save the article as .txt or .html first.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            f"{name} is not UTF-8 text (undecodable byte at position {exc.start}); save it as UTF-8 first."
        ) from None
    controls = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 8:
        raise ImportRefused(f"{name} looks like a binary file, not text.")
    return text


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB" if n >= 1024 * 1024 else f"{n} bytes"


def looks_like_html(text: str, filename: str = "") -> bool:
    if filename:
        return filename.lower().endswith(HTML_SUFFIXES)
    head = text.lstrip()[:2000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<body" in head and "</" in head)


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
DATE_PATTERNS = [
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})", re.I),
    re.compile(rf"{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}})", re.I),
    re.compile(r"(?P<year>\d{4})-(?P<monthnum>\d{2})-(?P<day>\d{2})"),
]


def find_date(text: str, *, whole: bool = False) -> datetime.date | None:
    """The first date written out in `text`; with `whole`, only if the date is all the text says."""
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(text.strip(" .")) if whole else pattern.search(text)
        if match:
            month = int(match["monthnum"]) if "monthnum" in match.groupdict() else MONTHS[match["month"].lower()]
            try:
                return datetime.date(int(match["year"]), month, int(match["day"]))
            except ValueError:
                continue
    return None


# Page furniture, one line each. Matched against a whole line, case-insensitively.
FURNITURE_LINES = [
    re.compile(p, re.I)
    for p in [
        r"-*\s*advertisement\s*-*",
        r"(?:related|latest|recent|popular|trending|more|top) (?:articles|stories|news|posts)",
        r"read more(?: at| on| from|:)?\b.*",
        r"(?:share|print|email|tweet) (?:this|the) (?:article|story|page)",
        r"(?:sign up|subscribe)\b.{0,80}",
        r"click here\b.*",
        r"(?:©|\(c\)|copyright)\s.*",
        r"all rights reserved\.?",
        r"(?:tags|topics|filed under)\s*:.*",
        r"skip to (?:main )?content",
    ]
]
WEATHER_LINE = re.compile(r"-?\d{1,3}(?:\.\d)?\s*°?\s*[FC]\b.{0,30}", re.I)
AUTHOR_BOX_START = re.compile(r"(?:author avatar|about the author|author bio(?:graphy)?)\s*:?", re.I)
BYLINE = re.compile(r"by\s+(?P<author>[^|,–—]+?)\s*(?:[|,–—]\s*(?P<rest>.*))?", re.I)
LABELLED_DATE = re.compile(r"(?:published|posted|first published|date)(?:\s+on)?\s*:?\s*(?P<date>.+)", re.I)
# "LONDON, June 10, 2021 —" or "BRUSSELS —" at the start of the first paragraph.
DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .'’-]{2,40})(?:,\s*(?P<date>[^—–-]{6,40}?))?\s+[—–-]{1,2}\s+")
SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def is_prose(line: str) -> bool:
    """A paragraph of article text, as opposed to a headline, label or widget."""
    return len(line.split()) >= 8 and bool(SENTENCE_END.search(line.strip()))


@dataclass
class Cleaned:
    paragraphs: list[str]
    title: str = ""
    header_dates: list[datetime.date] = field(default_factory=list)
    labelled_date: datetime.date | None = None
    labelled_date_reason: str = ""
    author: str = ""
    author_box_name: str = ""
    removed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return [line.strip() for line in text.split("\n")]


def drop_furniture_lines(lines: list[str], removed: list) -> list[str]:
    kept = []
    for line in lines:
        if line and any(p.fullmatch(line) for p in FURNITURE_LINES):
            removed.append(("furniture", line))
        else:
            kept.append(line)
    return kept


def drop_author_boxes(lines: list[str], removed: list) -> tuple[list[str], str]:
    """Drop author boxes: from their marker line to the next blank line. Returns the box's name line."""
    kept, in_box, name = [], False, ""
    for line in lines:
        if AUTHOR_BOX_START.fullmatch(line):
            in_box = True
        elif in_box and not line:
            in_box = False
        if in_box:
            removed.append(("author box", line))
            if not name and line and not AUTHOR_BOX_START.fullmatch(line) and len(line.split()) <= 6:
                name = line
        else:
            kept.append(line)
    return kept, name


def drop_repeated_blurbs(lines: list[str], removed: list) -> list[str]:
    """A long line printed more than once is a publisher or author blurb, not article text."""
    counts = Counter(" ".join(line.split()) for line in lines if len(line.split()) >= 8)
    kept = []
    for line in lines:
        if counts.get(" ".join(line.split()), 0) > 1:
            removed.append(("repeated blurb", line))
        else:
            kept.append(line)
    return kept


def split_header(lines: list[str], cleaned: Cleaned) -> list[str]:
    """Take the lines before the first prose paragraph apart: headline, byline, dates, widgets."""
    first = next((i for i, line in enumerate(lines) if is_prose(line)), None)
    if first is None:
        return lines
    titles = []
    for line in lines[:first]:
        if not line:
            continue
        byline = BYLINE.fullmatch(line)
        labelled = LABELLED_DATE.fullmatch(line)
        if WEATHER_LINE.fullmatch(line):
            cleaned.removed.append(("weather", line))
        elif find_date(line, whole=True):
            # A bare date above the headline is usually the day the page was viewed.
            cleaned.header_dates.append(find_date(line, whole=True))
            cleaned.removed.append(("header date", line))
        elif labelled and find_date(labelled["date"]):
            cleaned.labelled_date = find_date(labelled["date"])
            cleaned.labelled_date_reason = f"labelled in the header: {line!r}"
            cleaned.removed.append(("publication date", line))
        elif byline and len(line.split()) <= 12:
            cleaned.author = byline["author"].strip()
            if byline["rest"] and find_date(byline["rest"]):
                cleaned.labelled_date = find_date(byline["rest"])
                cleaned.labelled_date_reason = f"in the byline: {line!r}"
            cleaned.removed.append(("byline", line))
        elif len(line.split()) >= 3 and not SENTENCE_END.search(line):
            titles.append(line)
        else:
            cleaned.removed.append(("dateline", line))
    if titles:
        # The headline is the last title-like line above the text; kickers and section names come first.
        cleaned.title = titles[-1]
        for line in titles[:-1]:
            cleaned.removed.append(("header", line))
    return lines[first:]


def drop_trailing_fragments(lines: list[str], removed: list) -> list[str]:
    """After the last paragraph of text, short lines are links, tags and names, not article text."""
    last = max((i for i, line in enumerate(lines) if is_prose(line)), default=len(lines) - 1)
    for line in lines[last + 1 :]:
        if line:
            removed.append(("trailing fragment", line))
    return lines[: last + 1]


def clean_text(raw: str) -> Cleaned:
    """Strip page furniture from plain text and keep the article's own paragraphs."""
    cleaned = Cleaned(paragraphs=[])
    lines = _lines(raw)
    lines = drop_furniture_lines(lines, cleaned.removed)
    lines, cleaned.author_box_name = drop_author_boxes(lines, cleaned.removed)
    lines = drop_repeated_blurbs(lines, cleaned.removed)
    lines = split_header(lines, cleaned)
    lines = drop_trailing_fragments(lines, cleaned.removed)
    cleaned.paragraphs = [" ".join(line.split()) for line in lines if line.strip()]
    return cleaned


@dataclass
class HtmlMetadata:
    title: str = ""
    sitename: str = ""
    author: str = ""
    date: datetime.date | None = None


def extract_html(html: str) -> tuple[Cleaned, HtmlMetadata]:
    """Main text and metadata of an HTML page, then the plain-text cleaning on top."""
    import trafilatura  # imported here: it is slow to load and only HTML needs it

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        # Only dates the page states in its metadata, never guesses from copyright lines.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None or not (document.text or "").strip():
        raise ImportRefused("No article text could be found in the HTML page.")
    meta = HtmlMetadata(
        title=(document.title or "").strip(),
        sitename=(document.sitename or "").strip(),
        author=(document.author or "").strip(),
    )
    if document.date:
        try:
            meta.date = datetime.date.fromisoformat(document.date[:10])
        except ValueError:
            meta.date = None
    text = document.text
    cleaned = clean_text(text)
    if meta.title and cleaned.paragraphs and cleaned.paragraphs[0] == meta.title:
        cleaned.paragraphs.pop(0)
    cleaned.title = meta.title or cleaned.title
    cleaned.author = cleaned.author or meta.author
    return cleaned, meta


# --- 2. Metadata -------------------------------------------------------------------------------


@dataclass
class Fact:
    """One piece of metadata and where it came from: given, found, guessed or missing."""

    value: object
    source: str
    reason: str = ""

    def as_dict(self) -> dict:
        value = self.value.isoformat() if isinstance(self.value, datetime.date) else self.value
        return {"value": value, "source": self.source, "reason": self.reason}


@dataclass
class Metadata:
    title: Fact
    publisher: Fact
    author: Fact
    published_on: Fact
    retrieved_on: Fact

    def as_dict(self) -> dict:
        return {name: getattr(self, name).as_dict() for name in self.__dataclass_fields__}


def short_text(text: str, words: int = 12) -> str:
    parts = text.split()
    short = " ".join(parts[:words]).rstrip(",;:")
    return short + "…" if len(parts) > words else short


def extract_metadata(
    cleaned: Cleaned,
    *,
    html: HtmlMetadata | None = None,
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
) -> Metadata:
    """Title, publisher, author and dates. A date printed above the headline is never the publication date."""
    if cleaned.title:
        title = Fact(
            cleaned.title[:400], "found", "page metadata" if html and html.title else "headline above the text"
        )
    else:
        first_text = DATELINE.sub("", cleaned.paragraphs[0], count=1) if cleaned.paragraphs else ""
        title = Fact(short_text(first_text), "guessed", "first sentence")

    if publisher:
        publisher_fact = Fact(publisher, "given")
    elif html and html.sitename:
        publisher_fact = Fact(html.sitename, "found", "page metadata")
    elif cleaned.author_box_name:
        publisher_fact = Fact(cleaned.author_box_name, "guessed", "name in the author box")
    elif url:
        host = re.sub(r"^www\.", "", re.sub(r"^https?://", "", url).split("/")[0])
        publisher_fact = Fact(host, "guessed", "the URL's host")
    else:
        publisher_fact = Fact("", "missing")

    author = Fact(cleaned.author, "found", "byline") if cleaned.author else Fact("", "missing")

    first = cleaned.paragraphs[0] if cleaned.paragraphs else ""
    dateline = DATELINE.match(first)
    if published_on:
        date = Fact(published_on, "given")
    elif html and html.date:
        date = Fact(html.date, "found", "page metadata")
    elif cleaned.labelled_date:
        date = Fact(cleaned.labelled_date, "found", cleaned.labelled_date_reason)
    elif dateline and dateline["date"] and find_date(dateline["date"]):
        date = Fact(find_date(dateline["date"]), "found", "dateline of the first paragraph")
    else:
        reason = ""
        if cleaned.header_dates:
            reason = (
                f"the page header shows {cleaned.header_dates[0]:%d %B %Y}, which is not taken as the "
                "publication date: it is usually the day the page was viewed"
            )
        date = Fact(None, "missing", reason)

    if cleaned.header_dates:
        retrieved = Fact(cleaned.header_dates[0], "guessed", "date printed above the headline")
    else:
        retrieved = Fact(timezone.localdate(), "guessed", "the day of the import")
    return Metadata(title=title, publisher=publisher_fact, author=author, published_on=date, retrieved_on=retrieved)


# --- 3. Sentences and candidates ---------------------------------------------------------------

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
        before = paragraph[start : match.start()].rstrip("\"'”’)]")
        last_word = before.split()[-1] if before.split() else ""
        rest = paragraph[match.end() :].split(maxsplit=1)
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
    # Fewer than three words is a label or a fragment, not a sentence.
    return [s for s in sentences if len(re.findall(r"[A-Za-z]{2,}", s.text)) >= 3]


# Triggers. A verb or modal counts only when its subject is an actor; the noun phrases and money
# pledged for a future period carry their own agent.
PLEDGE_VERB = (
    r"(?:pledg(?:e|es|ed)|promis(?:e|es|ed)|vow(?:s|ed)?|commit(?:s|ted)?|undert(?:ake|akes|ook)|"
    r"resolv(?:e|es|ed)|reaffirm(?:s|ed)?|reiterat(?:e|es|ed)|intend(?:s|ed)?|plan(?:s|ned)?|aim(?:s|ed)?|"
    r"decid(?:e|es|ed)|agree(?:s|d)?)"
)
# "is to be welcomed" judges; it does not oblige anyone.
EVALUATIVE = r"(?:welcomed|applauded|commended|praised|regretted|expected|seen|noted|feared|hoped)\b"
TRIGGERS = [
    ("modal", re.compile(r"\b(?:will|shall|won[’']t)\b|[’']ll\b", re.I)),
    ("modal", re.compile(r"\b(?:is|are|am)\s+(?:going|determined|set)\s+to\b", re.I)),
    (
        "verb",
        re.compile(
            rf"\b{PLEDGE_VERB}(?=\s+(?:to|on|upon|a|an|new|that|their|its|the)\b|\s+(?:[£$€¥]|[A-Z]{{1,3}}\$|\d))", re.I
        ),
    ),
    ("verb", re.compile(r"\b(?:signed up to|set out plans? to|announced (?:plans?|a plan) to)\b", re.I)),
    # Past forms are verbs whatever follows ("pledged support"); "pledge" and "promise" alone may be nouns.
    ("verb", re.compile(r"\b(?:pledged|promised|vowed|committed|undertook)\b", re.I)),
    ("modal", re.compile(r"\b(?:is|are)\s+(?:due\s+)?to\s+(?!be\b)[a-z]+", re.I)),
    # An agreement signed or endorsed "to do X", or "that commits them to X", carries the pledge.
    (
        "verb",
        re.compile(
            r"\b(?:[Ss]igned|[Rr]eached|[Ss]truck|[Cc]oncluded|[Aa]dopted|[Ee]ndorsed|[Aa]greed|[Aa]pproved)\s+"
            r"(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?(?:agreement|deal|pact|accord|declaration|treaty|memorandum|"
            r"plan|roadmap|communiqué|communique|statement|charter|framework)\b"
            r"(?=[^.;]{0,80}?\b(?:to\s+(?!the\b|a\b|an\b)[a-z]+|that\s+commits?|committing))"
        ),
    ),
    # Passive obligation: the agent is the one paying or acting, often named in the sentence before.
    ("noun", re.compile(r"\b(?:is|are)\s+(?:due\s+)?to\s+be\s+(?!" + EVALUATIVE + r")\w+(?:ed|en|t)\b", re.I)),
    # Reported future: "X said it would …", "announced that the government would …".
    (
        "reported",
        re.compile(
            r"\b(?:said|says|announced|confirmed|promised|pledged|told \w+|added|stated)\s+(?:that\s+)?"
            r"(?P<subject>[^,.;“”\"]{1,60}?)\s+would\b",
            re.I,
        ),
    ),
    ("noun", re.compile(r"\b(?:intent|intention|determination)\s+to\b", re.I)),
]
MONEY = re.compile(
    r"(?:(?<![A-Za-z])(?:[A-Z]{1,3})?[£$€¥]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?"
    r"|\b\d[\d,.]*\s*(?:million|billion|trillion)\s+(?:pounds|dollars|euros|yen)\b"
    r"|\b(?:GBP|USD|EUR|JPY|CAD|AUD)\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?)"
)
FUTURE_PERIOD = re.compile(
    r"\b(?:over|in|during) the (?:next|coming) (?:\w+ )?(?:years?|months?|decades?)\b|\bgoing forward\b|"
    r"\bwithin (?:the next )?\w+ (?:years?|months?)\b|\bnext (?:year|month|decade)\b",
    re.I,
)
TARGET_WORDING = re.compile(
    r"\b(?:(?:over|in|during) the (?:next|coming) (?:\w+ )?(?:years?|months?|decades?)|"
    r"over (?:\w+ )?(?:years?|months?)|within (?:the next )?\w+ (?:years?|months?)|"
    r"by (?:the end of |mid-|early |late )?(?:\w+ )?(?:19|20)\d\d|from (?:19|20)\d\d|next (?:year|month))\b",
    re.I,
)

PRONOUN_AGENTS = {"we", "they", "he", "she", "i", "both", "each", "all"}
# In reported speech ("Australia said it would host …") "it" is the speaker's own body or country.
REPORTED_PRONOUNS = PRONOUN_AGENTS | {"it"}
# Capitalised at the start of a sentence, but they stand for things, not for who acts.
NOT_AGENTS = {"it", "this", "that", "these", "those", "there", "which", "what", "such", "its"}
NUMBER_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|twelve|\d+)"
AGENT_NOUNS = word_set(
    """nation nations country countries government governments leader leaders minister ministers
    president presidents prime chancellor secretary secretaries official officials ally allies partner partners
    party parties member members state states side sides administration department ministry office agency
    council commission parliament congress bloc blocs alliance coalition authority authorities delegation
    delegations negotiator negotiators signatory signatories heads king queen premier mayor governor
    senator ambassador envoy company companies firm firms"""
)
AUXILIARIES = word_set("have has had is are was were be been remain remains also both jointly now")
NAME_GLUE = {"and", "of", "the", "for", "de", "von", "der", "du", "la", "&", "’s", "'s"}
CLAUSE_BREAK = re.compile(
    r"[,;:“\"]|\b(?:that|said|says|say|stated|states|continued|added|announced|told \w+|according to|"
    r"because|so|while|when|where|which|who|whom|whose|if|unless|although|but|expect|expects|expected|believe|"
    r"believes|think|thinks)\b",
    re.I,
)
PARENTHETICAL = re.compile(r"\([^)]*\)|\s[–—]\s[^–—]*\s[–—]\s|,\s*(?:which|who|whose|where)\b[^,]*,", re.I)
RELATIVE_CLAUSE = re.compile(r",?\s*\b(?:which|who|whose|where|when)\b[^,;]*", re.I)
COMMENTARY = re.compile(
    r"\b(?:analysts?|critics?|experts?|observers?|commentators?|economists?|sceptics?|skeptics?|opponents?)\b"
    r"[^.;]{0,60}?\b(?:say|says|said|expect|expects|expected|believe|believes|warn|warns|warned|predict|"
    r"predicts|argue|argues|argued|doubt|doubts|question|questioned|suggest|suggests)\b",
    re.I,
)
HISTORY = re.compile(
    r"\bhad\s+(?:\w+\s+)?(?:pledged|agreed|promised|committed|vowed|undertaken|intended|planned|aimed|resolved|decided)\b|"
    r"\b(?:first|previously|originally|earlier|once|already|formerly)\s+(?:\w+\s+)?"
    r"(?:pledged|agreed|promised|committed|vowed|undertook|announced)\b|"
    r"\blast (?:year|month|week|summer|autumn|winter|spring|decade)\b|"
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many) (?:years?|months?|decades?) ago\b|"
    r"\bin the past\b|\bat the time\b|\b(?:previous|prior|earlier|last) (?:summit|meeting|statement|agreement|"
    r"declaration|review|government|administration|communiqué|communique)\b|"
    r"\b(?:failed to|did not|didn[’']t)\b",
    re.I,
)
PAST_YEAR = re.compile(
    r"\b(?:in|during)\s+(?:(?:early|late|mid)[- ]?)?(?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
PAST_TENSE_TRIGGER = re.compile(r"ed$|^(?:undertook|sought)$", re.I)


@dataclass
class Candidate:
    sentence: Sentence
    trigger: str
    kind: str
    subject: str = ""
    title: str = ""
    target_wording: str = ""
    amount: Decimal | None = None
    currency: str = ""

    quoted: str = ""  # the quoted words, when the sentence runs on past the quote ("…,” he said.)
    themes: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    quote: FoundQuote | None = None

    @property
    def wording(self) -> str:
        # A dateline ("OTTAWA, May 4, 2023 —") belongs to the article, not to the pledge.
        return self.quoted or DATELINE.sub("", strip_quote_marks(self.sentence.text), count=1)


def strip_quote_marks(text: str) -> str:
    return text.strip().strip('“”"').strip()


def subject_before(text: str) -> str:
    """The words before a trigger that belong to its own clause: its subject, as far as rules can tell."""
    text = PARENTHETICAL.sub(" ", text)
    pieces = CLAUSE_BREAK.split(text)
    return " ".join(pieces[-1].split()) if pieces else ""


def is_agent(subject: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether a subject names who acts: a pronoun, a party ("the two countries"), a body, a name."""
    words = [w.strip(".,") for w in subject.split()]
    while words and words[0].lower() in {"the", "together", "also", "now", "today", "then", "and", "however"}:
        words.pop(0)
    if not words:
        return False
    lowered = [re.sub(r"[’']s$", "", w.lower()) for w in words]
    if lowered[0] in NOT_AGENTS:
        return False
    if lowered[0] in PRONOUN_AGENTS or re.fullmatch(NUMBER_WORDS, lowered[0]):
        return True
    if any(w in AGENT_NOUNS for w in lowered[:4]):
        return True
    if vocabulary and vocabulary.actors_in(" ".join(words[:4])):
        return True
    # A proper name: every word capitalised or an initialism, apart from glue words and auxiliaries.
    content = [w for w in words if w.lower() not in NAME_GLUE | AUXILIARIES]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


def _strip_relative_clauses(text: str) -> str:
    return RELATIVE_CLAUSE.sub("", text)


def detect_commitment(
    text: str, *, reference_year: int | None = None, vocabulary: Vocabulary | None = None
) -> Candidate | None:
    """Whether one sentence states a commitment; the Candidate says which words made it one."""
    plain = strip_quote_marks(text)
    if plain.rstrip('”"’ ').endswith("?"):
        return None
    main = _strip_relative_clauses(plain)
    if COMMENTARY.search(main):
        return None
    found = None
    for kind, pattern in TRIGGERS:
        for match in pattern.finditer(plain):
            if kind == "reported":
                subject = match["subject"]
                accepted = subject.lower() in REPORTED_PRONOUNS or is_agent(subject, vocabulary)
            else:
                subject = subject_before(plain[: match.start()])
                accepted = kind == "noun" or is_agent(subject, vocabulary)
            if accepted:
                if found is None or match.start() < found[1].start():
                    found = (kind, match, subject)
                break
    if found is None and MONEY.search(plain) and FUTURE_PERIOD.search(plain):
        found = ("money", MONEY.search(plain), "")
    if found is None:
        return None
    kind, match, subject = found
    trigger = match.group()
    if HISTORY.search(main):
        return None
    if kind in ("verb", "money") and reference_year:
        past_tense = kind == "money" or PAST_TENSE_TRIGGER.search(trigger.split()[0])
        if past_tense and any(int(m["year"]) < reference_year for m in PAST_YEAR.finditer(main)):
            return None
    candidate = Candidate(sentence=Sentence(text, 0, 0, len(text)), trigger=trigger, kind=kind, subject=subject)
    candidate.title = commitment_title(plain, match.end() if kind != "money" else 0)
    target = TARGET_WORDING.search(plain)
    candidate.target_wording = target.group() if target else ""
    candidate.amount, candidate.currency = parse_amount(plain)
    return candidate


TITLE_LEAD = re.compile(r"^(?:also|further|jointly|both|now|together|to|on|upon|that|be able to)\s+", re.I)


def commitment_title(sentence: str, start: int) -> str:
    """A short headline: what is pledged, from the trigger on, cut at the first clause break."""
    rest = sentence[start:].strip()
    while TITLE_LEAD.match(rest):
        rest = TITLE_LEAD.sub("", rest, count=1)
    if len(rest.split()) < 3:
        rest = sentence
    for stop in ("”", '"', ";", ", so ", ", with ", ", including ", ", according to", ", which", ", in "):
        head = rest.split(stop, 1)[0]
        if stop in rest and len(head.split()) >= 5:
            rest = head
            break
    title = short_text(rest.rstrip(' .”"'), 14)
    return (title[:1].upper() + title[1:])[:300]


CURRENCIES = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "A$": "AUD", "C$": "CAD", "US$": "USD", "NZ$": "NZD"}
SCALES = {"million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12}
AMOUNT = re.compile(
    r"(?P<symbol>A\$|C\$|US\$|NZ\$|[£$€¥])\s?(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|billion|trillion|bn|m)?\b"
)


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    match = AMOUNT.search(text)
    if not match:
        return None, ""
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        return None, ""
    amount = number * SCALES.get((match["scale"] or "").lower(), 1)
    # Commitment.amount holds 18 digits before the point; anything larger is a misreading.
    if amount >= Decimal(10) ** 18:
        return None, ""
    return amount, CURRENCIES[match["symbol"]]


def find_candidates(
    sentences: list[Sentence], *, reference_year: int | None = None, vocabulary: Vocabulary | None = None
) -> list[Candidate]:
    candidates = []
    for sentence in sentences:
        candidate = detect_commitment(sentence.text, reference_year=reference_year, vocabulary=vocabulary)
        if candidate:
            candidate.sentence = sentence
            candidates.append(candidate)
    return candidates


# --- 4. Suggestions: themes, actors, quotes -----------------------------------------------------


def _term_pattern(term: str) -> re.Pattern:
    # Short all-capital terms ("US", "NATO", "EU") only match in capitals, so "us" is not America.
    flags = 0 if term.isupper() and len(term) <= 5 else re.I
    body = re.escape(term)
    return re.compile(rf"(?<![\w.]){body}(?:s|es)?(?![\w])" if term[-1].isalnum() else rf"(?<![\w.]){body}", flags)


@dataclass
class Term:
    slug: str
    pattern: re.Pattern
    length: int


@dataclass
class Vocabulary:
    """Theme keywords and actor aliases, compiled once per import."""

    themes: list[Term] = field(default_factory=list)
    actors: list[Term] = field(default_factory=list)
    actor_kind: dict[str, str] = field(default_factory=dict)
    actor_parent: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_terms(cls, themes: dict[str, Iterable[str]], actors: dict[str, dict]) -> Vocabulary:
        vocabulary = cls()
        for slug, terms in themes.items():
            vocabulary.themes += [Term(slug, _term_pattern(t), len(t)) for t in terms if t]
        for slug, info in actors.items():
            names = {info.get("name", ""), *info.get("aliases", [])}
            vocabulary.actors += [Term(slug, _term_pattern(t), len(t)) for t in names if t]
            vocabulary.actor_kind[slug] = info.get("kind", "")
            if info.get("parent"):
                vocabulary.actor_parent[slug] = info["parent"]
        vocabulary.actors.sort(key=lambda t: -t.length)
        return vocabulary

    @classmethod
    def from_db(cls) -> Vocabulary:
        themes = {t.slug: [t.name, *t.keyword_list] for t in Theme.objects.only("slug", "name", "keywords")}
        actors = {
            a.slug: {
                "name": a.name,
                "aliases": a.alias_list,
                "kind": a.kind,
                "parent": a.parent.slug if a.parent else "",
            }
            for a in Actor.objects.select_related("parent")
        }
        return cls.from_terms(themes, actors)

    def themes_in(self, text: str) -> list[str]:
        found = []
        for term in self.themes:
            if term.slug not in found and term.pattern.search(text):
                found.append(term.slug)
        return found

    def actor_mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, slug) of each actor named, longest names first so "U.K. Home Office" is not just "U.K."."""
        taken: list[tuple[int, int]] = []
        mentions = []
        for term in self.actors:
            for match in term.pattern.finditer(text):
                if any(match.start() < end and start < match.end() for start, end in taken):
                    continue
                taken.append((match.start(), match.end()))
                mentions.append((match.start(), term.slug))
        return sorted(mentions)

    def actors_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(slug for _, slug in self.actor_mentions(text)))

    def ancestors(self, slug: str) -> list[str]:
        chain, seen = [], {slug}
        while (slug := self.actor_parent.get(slug, "")) and slug not in seen:
            chain.append(slug)
            seen.add(slug)
        return chain


COLLECTIVE = re.compile(
    rf"^(?:the\s+)?(?:both|{NUMBER_WORDS}|all)\b|\b(?:leaders|nations|countries|governments|sides|ministers|allies|partners)\b",
    re.I,
)
WORD_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def article_parties(body: str, vocabulary: Vocabulary) -> list[tuple[str, int]]:
    """The countries (or, failing those, organisations) an article names, most named first, with counts."""
    counts = Counter(slug for _, slug in vocabulary.actor_mentions(body))
    for kind in (Actor.Kind.COUNTRY, Actor.Kind.INTERNATIONAL_ORGANISATION):
        ranked = [(slug, n) for slug, n in counts.most_common() if vocabulary.actor_kind.get(slug) == kind]
        if ranked:
            return ranked
    return []


def parties_for(subject: str, parties: list[tuple[str, int]]) -> list[str]:
    """Who "both nations", "the six countries" or "the leaders" are, from the parties the article names."""
    number = re.search(rf"\b(both|{NUMBER_WORDS})\b", subject, re.I)
    if number:
        word = number.group(1).lower()
        n = int(word) if word.isdigit() else WORD_NUMBERS.get(word, 2)
        return [slug for slug, _ in parties[:n]]
    # Without a number, the parties are those the article names more than once.
    return [slug for slug, count in parties if count >= 2] or [slug for slug, _ in parties]


def suggest_actors(
    candidate: Candidate, vocabulary: Vocabulary, *, parties: list[tuple[str, int]], speaker: str = ""
) -> list[str]:
    """Actors named in the sentence, the parties behind a collective subject, and a quote's speaker."""
    actors = vocabulary.actors_in(candidate.wording)
    subject = candidate.subject.strip()
    if subject and COLLECTIVE.search(subject) and not vocabulary.actors_in(subject):
        actors += parties_for(subject, parties)
    if speaker:
        actors += [speaker, *vocabulary.ancestors(speaker)]
    return list(dict.fromkeys(actors))


@dataclass
class FoundQuote:
    text: str
    speaker_name: str
    speaker: str = ""  # actor slug, when the speaker is a known actor
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (paragraph, start, end)

    def contains(self, sentence: Sentence) -> bool:
        return any(p == sentence.paragraph and s < sentence.end and sentence.start < e for p, s, e in self.spans)

    def part_of(self, sentence: Sentence, paragraphs: list[str]) -> str:
        """The words of `sentence` that lie inside this quote."""
        for p, s, e in self.spans:
            if p == sentence.paragraph and s < sentence.end and sentence.start < e:
                part = paragraphs[p][max(s, sentence.start) : min(e, sentence.end)]
                return re.sub(r"[,\s]+$", "", strip_quote_marks(part))
        return ""


SAYS = r"(?:said|says|added|stated|declared|wrote|continued|told\s+(?:\w+\s+)?(?:reporters|journalists|the \w+|\w+))"
# Searched within one sentence only, so the name may hold the full stops of "U.K.".
SPEAKER_BEFORE = re.compile(rf"(?P<name>[^!?“”\"]+?)\s+{SAYS}\s*[:,]?\s*$")
SPEAKER_AFTER = re.compile(
    rf"^[,\s]*(?:(?P<name>[^.!?“”\"]+?)\s+{SAYS}|(?:said|says|added)\s+(?P<name2>[^.!?“”\"]+?))\s*[.,;]",
)
PRONOUN_SPEAKER = re.compile(r"^(?:he|she|they)$", re.I)


def find_quotes(paragraphs: list[str], vocabulary: Vocabulary | None = None) -> list[FoundQuote]:
    """Quoted speech with its speaker: `X said: “…”` (across paragraphs) and `“…,” X said.`"""
    quotes: list[FoundQuote] = []
    open_spans: list[tuple[int, int, int]] = []
    open_before = ""
    last_speaker = ("", "")
    for p, paragraph in enumerate(paragraphs):
        continuing = bool(open_spans) and paragraph.startswith(("“", '"'))
        if open_spans and not continuing:
            open_spans = []  # an unclosed quote that does not continue: not a quote we can use
        position = 1 if continuing else 0
        if continuing:
            open_spans.append((p, 1, len(paragraph)))
        for match in re.finditer(r"[“”\"]", paragraph[position:]):
            index = match.start() + position
            mark = match.group()
            if not open_spans and mark in '“"':
                open_spans = [(p, index + 1, len(paragraph))]
                open_before = paragraph[:index]
            elif open_spans and mark in '”"':
                last_p, start, _ = open_spans[-1]
                open_spans[-1] = (last_p, start, index)
                after = paragraph[index + 1 :]
                quote = _close_quote(paragraphs, open_spans, open_before, after, last_speaker, vocabulary)
                if quote:
                    quotes.append(quote)
                    last_speaker = (quote.speaker_name, quote.speaker)
                open_spans = []
    return quotes


def _close_quote(paragraphs, spans, before, after, last_speaker, vocabulary) -> FoundQuote | None:
    text = " ".join(paragraphs[p][s:e].strip() for p, s, e in spans).strip()
    text = re.sub(r"[,\s]+$", "", text)
    if len(text.split()) < 4:
        return None  # a phrase in quotation marks, not speech
    name = ""
    # The speaker is named in the same sentence as the opening mark ("U.K. Defence Secretary X said:").
    in_before = sentence_spans(before)
    sentence_before = before[in_before[-1][0] :] if in_before else before
    if match := SPEAKER_BEFORE.search(sentence_before):
        name = match["name"]
    elif match := SPEAKER_AFTER.match(after):
        name = match["name"] or match["name2"]
    if not name:
        return None
    name = " ".join(name.split())
    if PRONOUN_SPEAKER.match(name):
        if not last_speaker[0]:
            return None
        name, slug = last_speaker
    else:
        slug = speaker_actor(name, vocabulary) if vocabulary else ""
    return FoundQuote(text=text, speaker_name=name, speaker=slug, spans=list(spans))


def speaker_actor(name: str, vocabulary: Vocabulary) -> str:
    """The actor a speaker phrase names, preferring a person ("Defence Secretary Ben Wallace", not "U.K.")."""
    slugs = vocabulary.actors_in(name)
    people = [s for s in slugs if vocabulary.actor_kind.get(s) == Actor.Kind.PERSON]
    return (people or slugs or [""])[0]


# --- 5. Related commitments ---------------------------------------------------------------------

STOPWORDS = word_set(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
    or other our ours out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while who whom why will
    with would you your said says say year years new one two also including across like well way make made
    within both us u.s u.k uk"""
)
RELATED_LIMIT = 5
# A related commitment must share this many distinct words with the article, so one common word
# ("cooperation") does not make every commitment related.
RELATED_MIN_SHARED = 3


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z'’-]+", text.lower())
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) >= 3]


def key_terms(body: str, limit: int = 40) -> list[str]:
    """The article's most frequent content words, for the related-commitment search."""
    counts = Counter(re.findall(r"[a-z][a-z-]{2,}", body.lower()))
    return [w for w, _ in counts.most_common() if w not in STOPWORDS][:limit]


def related_commitments(body: str, *, exclude: Iterable[int] = (), limit: int = RELATED_LIMIT) -> list[tuple]:
    """Published commitments the article probably reports on, best first, as (commitment, score).

    PostgreSQL ranks with its full-text search over the article's key terms; SQLite scores the
    share of each commitment's words found in the article. Both drop chance matches on a word or two.
    """
    article_words = set(content_words(body))
    if not article_words:
        return []
    published = Commitment.objects.published().exclude(pk__in=list(exclude))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        from commitments.domain.search import SEARCH_CONFIG, SearchDocument

        terms = key_terms(body)
        if not terms:
            return []
        query = reduce(or_, (SearchQuery(t, config=SEARCH_CONFIG) for t in terms))
        ranked = (
            published.annotate(rank=SearchRank(SearchDocument(), query, normalization=32))
            .filter(rank__gt=0)
            .order_by("-rank", "id")[: limit * 4]
        )
        scored = [(c, float(c.rank)) for c in ranked]
    else:
        scored = []
        for commitment in published.only("id", "slug", "title", "wording", "summary"):
            words = set(content_words(f"{commitment.title} {commitment.wording} {commitment.summary}"))
            if words:
                scored.append((commitment, len(words & article_words) / len(words)))
        scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    related = []
    for commitment, score in scored:
        shared = set(content_words(f"{commitment.title} {commitment.wording}")) & article_words
        if len(shared) >= RELATED_MIN_SHARED and score > 0:
            related.append((commitment, round(score, 4)))
    return related[:limit]


@transaction.atomic
def link_related_commitment(
    *,
    article: Article,
    commitment: Commitment,
    relation: str = ArticleLink.Relation.PROGRESS,
    excerpt: str = "",
    status: str = "",
    as_of: datetime.date | None = None,
    rationale: str = "",
    user=None,
) -> ArticleLink:
    """Link an imported article to an existing commitment and, if a status is given, record it with the article as evidence."""
    if relation not in ArticleLink.Relation.values:
        raise ValidationError({"relation": f"Unknown relation {relation!r}."})
    existing = ArticleLink.objects.filter(article=article, commitment=commitment).first()
    if existing:
        raise ValidationError(f"“{article}” is already linked to “{commitment}” (link {existing.pk}).")
    link = ArticleLink.objects.create(
        article=article, commitment=commitment, relation=relation, excerpt=excerpt, added_by=user
    )
    if status:
        record_status_update(
            commitment=commitment, status=status, as_of=as_of, rationale=rationale, articles=[article], author=user
        )
    return link


# --- The service ------------------------------------------------------------------------------


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


def analyse(
    raw: str,
    *,
    vocabulary: Vocabulary,
    filename: str = "",
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
) -> Analysis:
    """Run steps 1 to 4 on decoded text: no database access, so it can be measured and tested alone."""
    html_meta = None
    if looks_like_html(raw, filename):
        cleaned, html_meta = extract_html(raw)
    else:
        cleaned = clean_text(raw)
    if not cleaned.body.strip():
        raise ImportRefused("Nothing is left of the input once page furniture is removed.")
    sentences = split_sentences(cleaned.paragraphs)
    # Labels, names and headings have no full stop; an article has at least one sentence that ends.
    if not any(SENTENCE_END.search(s.text) for s in sentences):
        raise ImportRefused("The input has no sentences to read; is it an article?")
    metadata = extract_metadata(cleaned, html=html_meta, url=url, publisher=publisher, published_on=published_on)
    # Pledges dated before this year are history. A date above the headline bounds it when no publication date is known.
    known = metadata.published_on.value or (cleaned.header_dates or [timezone.localdate()])[0]
    candidates = find_candidates(sentences, reference_year=known.year, vocabulary=vocabulary)
    quotes = find_quotes(cleaned.paragraphs, vocabulary)
    parties = article_parties(cleaned.body, vocabulary)
    for candidate in candidates:
        candidate.quote = next((q for q in quotes if q.contains(candidate.sentence)), None)
        if candidate.quote:
            candidate.quoted = candidate.quote.part_of(candidate.sentence, cleaned.paragraphs)
        candidate.themes = vocabulary.themes_in(candidate.wording)
        speaker = candidate.quote.speaker if candidate.quote else ""
        candidate.actors = suggest_actors(candidate, vocabulary, parties=parties, speaker=speaker)
    return Analysis(raw, cleaned, metadata, sentences, candidates, quotes, parties)


@dataclass
class ImportResult:
    article: dict
    metadata: dict
    statement: dict | None
    candidates: list[dict]
    quotes: list[dict]
    related_commitments: list[dict]
    notes: list[str]
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "article": self.article,
            "metadata": self.metadata,
            "statement": self.statement,
            "candidates": self.candidates,
            "quotes": self.quotes,
            "related_commitments": self.related_commitments,
            "notes": self.notes,
        }


def find_duplicate(*, body_hash: str, url: str) -> Article | None:
    lookup = Q(content_hash=body_hash)
    if url:
        lookup |= Q(url=url)
    return Article.objects.filter(lookup).order_by("pk").first()


def duplicate_message(existing: Article) -> str:
    admin_url = reverse("admin:commitments_article_change", args=[existing.pk])
    return f"Already imported: article {existing.pk}, “{existing.title}” ({admin_url})."


def statement_kind(body: str) -> str:
    lowered = body.lower()
    for phrase, kind in [
        ("joint statement", Statement.Kind.JOINT_STATEMENT),
        ("communiqué", Statement.Kind.COMMUNIQUE),
        ("communique", Statement.Kind.COMMUNIQUE),
        ("declaration", Statement.Kind.DECLARATION),
        ("speech", Statement.Kind.SPEECH),
        ("agreement", Statement.Kind.AGREEMENT),
    ]:
        if phrase in lowered:
            return kind
    return Statement.Kind.PRESS_RELEASE


def import_article(
    *,
    data: bytes | str,
    filename: str = "",
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    statement_slug: str = "",
    user=None,
    dry_run: bool = False,
) -> ImportResult:
    """Import one article as drafts for review, in one transaction. Raises ImportRefused, writing nothing.

    With `dry_run` everything is written and then rolled back, so the result shows exactly what
    an import would create, without ids.
    """
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ImportRefused(f"{url!r} is not a web address (http:// or https://).") from None
    raw = read_input(data, filename=filename)
    statement = None
    if statement_slug:
        statement = Statement.objects.filter(slug=statement_slug).first()
        if statement is None:
            raise ImportRefused(f"No statement has the slug {statement_slug!r}.")
    analysis = analyse(
        raw,
        vocabulary=Vocabulary.from_db(),
        filename=filename,
        url=url,
        publisher=publisher,
        published_on=published_on,
    )
    with transaction.atomic():
        existing = find_duplicate(body_hash=content_hash(analysis.cleaned.body), url=url)
        if existing:
            raise ImportRefused(duplicate_message(existing))
        result = _write(analysis, url=url, statement=statement, user=user)
        if dry_run:
            transaction.set_rollback(True)
            result.dry_run = True
            _forget_ids(result)
    return result


def _dates_notes(metadata: Metadata) -> list[str]:
    notes = []
    if metadata.published_on.source == "missing":
        notes.append(
            f"Publication date unknown: {metadata.published_on.reason}."
            if metadata.published_on.reason
            else "Publication date unknown: the article states none; enter it on the article."
        )
    if metadata.title.source == "guessed":
        notes.append("No headline found; the title is the start of the first sentence.")
    return notes


def _write(analysis: Analysis, *, url: str, statement: Statement | None, user) -> ImportResult:
    cleaned, metadata = analysis.cleaned, analysis.metadata
    notes = _dates_notes(metadata)
    published_on = metadata.published_on.value
    date_source = {"given": Article.DateSource.EDITOR, "found": Article.DateSource.DOCUMENT}.get(
        metadata.published_on.source, Article.DateSource.UNKNOWN
    )
    article = Article(
        title=metadata.title.value or "Untitled article",
        url=url,
        publisher=metadata.publisher.value[:200],
        author=metadata.author.value[:200],
        published_on=published_on,
        published_on_source=date_source,
        retrieved_on=metadata.retrieved_on.value,
        body=cleaned.body,
        raw_text=analysis.raw,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another import of the same article won the race between our check and this save.
        existing = find_duplicate(body_hash=content_hash(cleaned.body), url=url)
        raise ImportRefused(duplicate_message(existing) if existing else "Already imported.") from None

    created_statement = False
    if statement is None and analysis.candidates:
        made_on = published_on or timezone.localdate()
        if published_on and re.search(r"\byesterday\b", cleaned.paragraphs[0], re.I):
            made_on = published_on - datetime.timedelta(days=1)
        statement = Statement.objects.create(
            title=f"Statement reported in: {article.title}"[:300],
            kind=statement_kind(cleaned.body),
            made_on=made_on,
            state=PublicationState.DRAFT,
        )
        statement.parties.set(Actor.objects.filter(slug__in=parties_for("", analysis.parties)))
        created_statement = True
        if not published_on:
            notes.append("The draft statement's date is a placeholder (today): the article gives no date.")
    # Linking the article to a published statement would make it public before anyone reviewed it.
    reviewable = statement is not None and statement.state != PublicationState.PUBLISHED
    if reviewable:
        statement.articles.add(article)

    themes = {t.slug: t for t in Theme.objects.all()}
    actors = {a.slug: a for a in Actor.objects.all()}
    candidate_rows, commitments = [], {}
    for candidate in analysis.candidates:
        commitment = Commitment.objects.create(
            statement=statement,
            title=candidate.title,
            wording=candidate.wording,
            target_wording=candidate.target_wording[:200],
            amount=candidate.amount,
            currency=candidate.currency if candidate.amount is not None else "",
            state=PublicationState.DRAFT,
        )
        commitment.themes.set([themes[s] for s in candidate.themes])
        commitment.actors.set([actors[s] for s in candidate.actors])
        ArticleLink.objects.create(
            commitment=commitment,
            article=article,
            relation=ArticleLink.Relation.REPORTS,
            excerpt=candidate.wording,
            added_by=user,
        )
        commitments[id(candidate)] = commitment
        candidate_rows.append(
            {
                "text": candidate.wording,
                "title": commitment.title,
                "trigger": candidate.trigger,
                "themes": candidate.themes,
                "actors": candidate.actors,
                "target_wording": commitment.target_wording,
                "amount": str(commitment.amount) if commitment.amount is not None else None,
                "currency": commitment.currency,
                "commitment_id": commitment.pk,
                "commitment_slug": commitment.slug,
            }
        )

    quote_rows = []
    for found in analysis.quotes:
        row = {
            "speaker": found.speaker_name,
            "speaker_slug": found.speaker or None,
            "text": found.text,
            "quote_id": None,
        }
        if found.speaker:
            quote = Quote.objects.create(
                speaker=actors[found.speaker],
                text=found.text,
                article=article,
                statement=statement if reviewable else None,
            )
            quote.commitments.set([commitments[id(c)] for c in analysis.candidates if c.quote is found])
            row["quote_id"] = quote.pk
        else:
            notes.append(
                f"Quote by {found.speaker_name} not saved: no actor has that name or alias; add the actor first."
            )
        quote_rows.append(row)

    related = [
        {"slug": c.slug, "title": c.title, "score": score, "commitment_id": c.pk}
        for c, score in related_commitments(cleaned.body)
    ]
    if not analysis.candidates:
        notes.append("No commitment sentences found: the article is kept as a source, and no statement was created.")

    return ImportResult(
        article={
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "author": article.author,
            "published_on": published_on.isoformat() if published_on else None,
            "published_on_source": article.published_on_source,
            "retrieved_on": article.retrieved_on.isoformat() if article.retrieved_on else None,
            "content_hash": article.content_hash,
            "body": article.body,
        },
        metadata=metadata.as_dict(),
        statement=(
            {
                "id": statement.pk,
                "slug": statement.slug,
                "title": statement.title,
                "made_on": statement.made_on.isoformat(),
                "state": statement.state,
                "created": created_statement,
            }
            if statement
            else None
        ),
        candidates=candidate_rows,
        quotes=quote_rows,
        related_commitments=related,
        notes=notes,
    )


def _forget_ids(result: ImportResult) -> None:
    """In a dry run nothing was kept, so no id in the result may point at a record."""
    result.article["id"] = None
    if result.statement and result.statement["created"]:
        result.statement["id"] = None
        result.statement["slug"] = None
    for row in result.candidates:
        row["commitment_id"] = None
        row["commitment_slug"] = None
    for row in result.quotes:
        row["quote_id"] = None

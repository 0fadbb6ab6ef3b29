"""Step 2: strip page furniture from plain text or HTML and keep the article's own paragraphs.

Lines above the first paragraph of prose are taken apart (headline, byline, dates, widgets);
whatever is dropped is listed in `Cleaned.removed` with the reason. Dates are read here, where the
header is taken apart; `metadata` then decides which of them is the publication date.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field

from .normalising import is_item, item_text, lead_ins, normalise_lines, plain_line
from .reading import ImportRefused

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
# "LAURIE OAKES IS THE NINE NETWORK POLITICAL EDITOR": who wrote it, printed under the text.
AUTHOR_BLURB = re.compile(
    r"[\w .'’-]{3,60}\s+is\s+(?:the|a|an|our)\s+[\w\s,'’&-]{0,80}?(?:editor|correspondent|columnist|writer|"
    r"reporter|journalist|contributor|commentator)\.?",
    re.I,
)
# The heading of the page's list of other articles.
RELATED_HEADING = re.compile(
    r"(?:other|more|related|latest|recent|popular|trending|top|further)\s+(?:[\w-]+\s+)?(?:articles|stories|news|"
    r"posts|columns|reads|coverage|opinion|videos)",
    re.I,
)
WEATHER_LINE = re.compile(r"-?\d{1,3}(?:\.\d)?\s*°?\s*[FC]\b.{0,30}", re.I)
AUTHOR_BOX_START = re.compile(r"(?:author avatar|about the author|author bio(?:graphy)?)\s*:?", re.I)
BYLINE = re.compile(r"(?:[-–—]\s*)?by\s+(?P<author>[^|,–—]+?)\s*(?:[|,–—]\s*(?P<rest>.*))?", re.I)
LABELLED_DATE = re.compile(r"(?:published|posted|first published|date)(?:\s+on)?\s*:?\s*(?P<date>.+)", re.I)

SENTENCE_END = re.compile(r"[.!?…][\"'”’)]*$")


def is_prose(line: str) -> bool:
    """A paragraph of article text, as opposed to a headline, label or widget.

    A list item of four words or more is text even without a full stop, and so is the lead-in
    that introduces a list ("The ministers committed to:").
    """
    if is_item(line):
        return len(item_text(line).split()) >= 4
    line = line.strip()
    return len(line.split()) >= 8 and (bool(SENTENCE_END.search(line)) or line.endswith(":"))


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

    @property
    def lead_ins(self) -> dict[int, list[int]]:
        """For each list item under a lead-in ending with a colon, the paragraphs its wording starts with."""
        return lead_ins(self.paragraphs)


def drop_furniture_lines(lines: list[str], removed: list) -> list[str]:
    kept = []
    for line in lines:
        if line and (any(p.fullmatch(line) for p in FURNITURE_LINES) or AUTHOR_BLURB.fullmatch(line)):
            removed.append(("furniture", line))
        else:
            kept.append(line)
    return kept


def drop_related_blocks(lines: list[str], removed: list) -> list[str]:
    """From a heading such as "Other Opinion Columns" followed by headlines, the rest is other articles."""
    for index, line in enumerate(lines):
        if index and line and RELATED_HEADING.fullmatch(line):
            following = [text for text in lines[index + 1 : index + 9] if text]
            headlines = sum(1 for text in following if 2 <= len(text.split()) < 12 and not SENTENCE_END.search(text))
            if headlines >= 2:
                removed += [("other articles", text) for text in lines[index:] if text]
                return lines[:index]
    return lines


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
    # A list does not open an article; a bulleted byline ("- By …") belongs to the header.
    first = next((i for i, line in enumerate(lines) if is_prose(line) and not is_item(line)), None)
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
    lines = normalise_lines(raw, cleaned.removed)
    lines = drop_furniture_lines(lines, cleaned.removed)
    lines = drop_related_blocks(lines, cleaned.removed)
    lines, cleaned.author_box_name = drop_author_boxes(lines, cleaned.removed)
    lines = drop_repeated_blurbs(lines, cleaned.removed)
    lines = split_header(lines, cleaned)
    lines = drop_trailing_fragments(lines, cleaned.removed)
    # List items keep their indentation: it says which item a nested item belongs to.
    cleaned.paragraphs = [line.rstrip() if is_item(line) else line.strip() for line in lines if line.strip()]
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
        title=plain_line(document.title or ""),
        sitename=plain_line(document.sitename or ""),
        author=plain_line(document.author or ""),
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

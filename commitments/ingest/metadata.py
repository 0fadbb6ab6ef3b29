"""Step 3: title, publisher, author and dates, each marked given, found, guessed or missing."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone

from .cleaning import Cleaned, HtmlMetadata, find_date

# "LONDON, June 10, 2021 —" or "BRUSSELS —" at the start of the first paragraph.
DATELINE = re.compile(r"^(?P<place>[A-Z][A-Z .'’-]{2,40})(?:,\s*(?P<date>[^—–-]{6,40}?))?\s+[—–-]{1,2}\s+")

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

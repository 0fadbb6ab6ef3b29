"""Deadlines: the date a pledge's target wording names ("by the end of 2025", "within two years").

A deadline given as a year or a month means its last day: "by 2030" is met on 31 December 2030.
Relative wordings ("within two years", "over the next four years", "next year") count from the
article's date and are read only when that date is known: counted from the day of the import
they would be a guess.
"""

from __future__ import annotations

import calendar
import datetime
import re

from .vocabulary import NUMBER_WORDS

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTH = r"(?P<month>" + "|".join(MONTHS) + r")"
YEAR = r"(?P<year>(?:19|20)\d\d)"
COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
COUNTS |= {"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}

# Each pattern reads one kind of wording; the first that matches decides.
DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}\s*,?\s+{YEAR}\b", re.I)
MONTH_DAY_YEAR = re.compile(rf"\b{MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+{YEAR}\b", re.I)
MONTH_YEAR = re.compile(rf"\b{MONTH}\s+{YEAR}\b", re.I)
PART_YEAR = re.compile(rf"\b(?P<part>mid|early|late|end\s+of|the\s+end\s+of)[- ]\s*(?:the\s+year\s+)?{YEAR}\b", re.I)
PLAIN_YEAR = re.compile(rf"\b(?:by|before|until|in|through|to)\s+(?:the\s+end\s+of\s+)?{YEAR}\b", re.I)
RELATIVE = re.compile(
    rf"\b(?:within|over|in|during)\s+(?:the\s+)?(?P<ahead>next\s+|coming\s+)?(?P<count>\d+|{NUMBER_WORDS}|a|an)?\s*"
    r"(?P<unit>years?|months?|decades?)\b",
    re.I,
)
NEXT = re.compile(r"\b(?:by\s+)?(?:the\s+end\s+of\s+)?next\s+(?P<unit>year|month|decade)\b", re.I)
THIS_YEAR = re.compile(r"\bby\s+the\s+end\s+of\s+(?:this|the)\s+(?P<unit>year|month|decade)\b", re.I)
# A start, not a deadline: "from 2025", "starting in 2026".
STARTS = re.compile(r"^\s*(?:from|starting|beginning|as\s+of)\b", re.I)


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _count(word: str | None) -> int | None:
    if not word:
        return 1
    word = word.lower()
    return int(word) if word.isdigit() else COUNTS.get(word)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return datetime.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def target_date(wording: str, *, reference: datetime.date | None = None) -> datetime.date | None:
    """The last day the wording allows, or None when it names no deadline (or a relative one without a reference)."""
    if not wording or STARTS.match(wording):
        return None
    for pattern in (DAY_MONTH_YEAR, MONTH_DAY_YEAR):
        if match := pattern.search(wording):
            try:
                return datetime.date(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
            except ValueError:
                return None  # "31 February 2027" names no day
    if match := MONTH_YEAR.search(wording):
        return _month_end(int(match["year"]), MONTHS[match["month"].lower()])
    if match := PART_YEAR.search(wording):
        year, part = int(match["year"]), match["part"].lower()
        month = {"early": 3, "mid": 6}.get(part, 12)
        return _month_end(year, month)
    if match := PLAIN_YEAR.search(wording):
        return datetime.date(int(match["year"]), 12, 31)
    if reference is None:
        return None
    if match := THIS_YEAR.search(wording):
        unit = match["unit"].lower()
        if unit == "month":
            return _month_end(reference.year, reference.month)
        if unit == "decade":
            return datetime.date(reference.year // 10 * 10 + 9, 12, 31)
        return datetime.date(reference.year, 12, 31)
    if match := NEXT.search(wording):
        unit = match["unit"].lower()
        if unit == "month":
            following = _add_months(reference.replace(day=1), 1)
            return _month_end(following.year, following.month)
        if unit == "decade":
            return datetime.date(reference.year // 10 * 10 + 19, 12, 31)
        return datetime.date(reference.year + 1, 12, 31)
    if match := RELATIVE.search(wording):
        # "over the years" looks back; "over the next years" and "within a year" look ahead.
        count = _count(match["count"]) if match["count"] or match["ahead"] else None
        if count is None:
            return None
        unit = match["unit"].lower().rstrip("s")
        months = count * {"year": 12, "month": 1, "decade": 120}[unit]
        return _add_months(reference, months)
    return None

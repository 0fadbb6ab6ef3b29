"""Step 1 of the article import: the raw input, refused early when it cannot be an article."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings


class ImportRefused(Exception):
    """An expected refusal: the message is one line for the analyst, never a traceback."""


class OverBudget(ImportRefused):
    """The import would run longer than a web request may; the command line has no such limit."""

    def __init__(self, seconds: float, budget: float) -> None:
        super().__init__(
            f"This article would take about {seconds:.0f} s to import, more than the {budget:g} s allowed "
            "for an import from the browser (IMPORT_WEB_SECONDS). Import it from the command line instead: "
            "python manage.py import_article FILE (add --dry-run to preview)."
        )


# Measured on the project's machine (bench/ingest_scale.py, bench/README.md), with room to spare:
# used to refuse before the work starts what could not finish in time.
ANALYSIS_SECONDS_PER_MB = 3.0
WRITE_SECONDS_PER_CANDIDATE = 0.01


@dataclass
class Budget:
    """Time an import may take, checked before each step and during the long ones."""

    seconds: float
    started: float = field(default_factory=time.monotonic)

    def check(self, still_to_come: float = 0.0) -> None:
        spent = time.monotonic() - self.started
        if spent + still_to_come > self.seconds:
            raise OverBudget(spent + still_to_come, self.seconds)


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

"""Mark commitment passages in a statement's text (or the article reporting it).

The text comes from articles and editors, so it is escaped first and only our own `<mark>` and
`<a>` tags are added around the escaped pieces. A wording is found when its words appear in order
in one paragraph, ignoring case, spacing, and straight versus curly quotes; a wording that cannot
be found is left for the page to list separately rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from commitments.models import Commitment

# Characters that articles and editors use interchangeably.
_EQUIVALENT = {
    "'": "['’‘]",
    "’": "['’‘]",
    "‘": "['’‘]",
    '"': '["“”]',
    "“": '["“”]',
    "”": '["“”]',
    "-": "[-‐–—]",
    "–": "[-‐–—]",
    "—": "[-‐–—]",
}
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Fewer words than this could match anywhere, so such a wording is not marked.
MIN_WORDS = 4


def passage_pattern(wording: str) -> re.Pattern | None:
    words = wording.split()
    if words:
        words[-1] = words[-1].rstrip(".,;:")
    words = [word for word in words if word]
    if len(words) < MIN_WORDS:
        return None
    parts = ["".join(_EQUIVALENT.get(char, re.escape(char)) for char in word) for word in words]
    return re.compile(r"\s+".join(parts), re.IGNORECASE)


def _mark(fragment: str, commitment: Commitment) -> SafeString:
    return format_html(
        '<mark id="passage-{}"><a href="{}" title="{}">{}</a></mark>',
        commitment.slug,
        commitment.get_absolute_url(),
        f"Commitment: {commitment.title}",
        fragment,
    )


def mark_passages(text: str, commitments: Iterable[Commitment]) -> dict:
    """Paragraphs of escaped HTML with each found commitment marked once, and the ones found."""
    pending = [(c, passage_pattern(c.wording)) for c in commitments]
    pending = [(c, pattern) for c, pattern in pending if pattern is not None]
    marked: list[Commitment] = []
    paragraphs: list[SafeString] = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        hits = []
        for commitment, pattern in pending:
            match = pattern.search(paragraph)
            if match:
                hits.append((match.start(), -match.end(), commitment))
        hits.sort(key=lambda hit: (hit[0], hit[1]))
        pieces: list[str] = []
        position = 0
        for start, negative_end, commitment in hits:
            if start < position:
                continue  # overlaps a passage already marked; may still be found in a later paragraph
            end = -negative_end
            pieces.append(conditional_escape(paragraph[position:start]))
            pieces.append(_mark(paragraph[start:end], commitment))
            position = end
            marked.append(commitment)
        pieces.append(conditional_escape(paragraph[position:]))
        found = {c.pk for c in marked}
        pending = [(c, pattern) for c, pattern in pending if c.pk not in found]
        paragraphs.append(mark_safe("".join(pieces)))
    return {"paragraphs": paragraphs, "marked": marked}

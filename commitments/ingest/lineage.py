"""Step 7, continued: the published commitment an imported pledge restates, when it says so.

A pledge that "reaffirms", "reiterates" or "renews" a commitment is usually one already in the
tracker from an earlier statement. When a candidate's wording says so and closely matches a
published commitment of an earlier statement, the import suggests it as the predecessor; the
analyst decides (the admin's Lineage fields). Only such candidates are compared, so importing an
ordinary article costs nothing more.
"""

from __future__ import annotations

import datetime
import re

from ..models import Commitment
from .related import content_words

RESTATING = re.compile(
    r"\b(re-?affirm|reiterat|renew|recommit|re-?commit|restat|reconfirm|remain(?:s|ed)? (?:fully |firmly )?committed)",
    re.IGNORECASE,
)
# Share of the smaller set of content words the two wordings must have in common, and at least
# this many words: "closely matches", not "is about the same topic".
MIN_OVERLAP = 0.6
MIN_SHARED = 4


def suggest_predecessor(wording: str, *, before: datetime.date, exclude_statement: int | None = None) -> dict | None:
    """The published commitment of a statement made before `before` that a restating `wording`
    most closely matches, as {"id", "slug", "title", "made_on", "score"}; None when the wording
    does not restate or nothing matches closely."""
    if not RESTATING.search(wording):
        return None
    words = set(content_words(wording))
    if len(words) < MIN_SHARED:
        return None
    earlier = Commitment.objects.published().filter(statement__made_on__lt=before)
    if exclude_statement is not None:
        earlier = earlier.exclude(statement_id=exclude_statement)
    best, best_score = None, 0.0
    rows = earlier.order_by("-statement__made_on", "id").values_list(
        "id", "slug", "title", "wording", "statement__made_on"
    )
    for pk, slug, title, other, made_on in rows.iterator(chunk_size=2000):
        theirs = set(content_words(f"{title} {other}"))
        shared = words & theirs
        if len(shared) < MIN_SHARED:
            continue
        score = len(shared) / min(len(words), len(theirs))
        if score > best_score:
            best, best_score = (pk, slug, title, made_on), score
    if best is None or best_score < MIN_OVERLAP:
        return None
    pk, slug, title, made_on = best
    return {"id": pk, "slug": slug, "title": title, "made_on": made_on.isoformat(), "score": round(best_score, 3)}

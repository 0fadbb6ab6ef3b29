"""The lineage block of a commitment's page: the same pledge across statements, oldest first."""

from __future__ import annotations

from commitments.domain.lineage import Row, lineages
from commitments.infra.paths import detail_path
from commitments.lineage import RELATION_PAST
from commitments.models import STATUS_LABELS, Commitment


def page_lineage(commitment: Commitment) -> list[Row]:
    """The public lineage of `commitment` for its page (one query per step), each entry with its
    address, status label, whether it is this page's commitment, and the words saying what it did
    to its predecessor ("Restated", "as"). Empty when the commitment stands alone."""
    line = lineages([commitment.pk]).get(commitment.pk, [])
    if len(line) < 2:
        return []
    titles = {row["id"]: row["title"] for row in line}
    entries = []
    for position, row in enumerate(line):
        verb, preposition = RELATION_PAST.get(row["relation"], ("", ""))
        follows = row["predecessor_id"] if row["relation"] else None
        entries.append(
            {
                **row,
                "url": detail_path("commitments:commitment-detail", slug=row["slug"]),
                "statement_url": detail_path("commitments:statement-detail", slug=row["statement__slug"]),
                "status_label": STATUS_LABELS[row["status"]],
                "is_this": row["id"] == commitment.pk,
                "verb": verb,
                "preposition": preposition,
                # Named when it is not simply the entry above (a lineage that branches).
                "follows_title": titles[follows] if follows and line[position - 1]["id"] != follows else "",
            }
        )
    return entries

"""Querysets the API's serializers and row builders share, so both read the same records.

Status updates carry `corrected_by` (the published update correcting them) as an annotation,
and commitments their parties' verdicts in force, so neither costs a query per row.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from commitments.models import LATEST_FIRST, ArticleLink, Commitment, PublicationState, StatusUpdate


def corrected_by() -> Subquery:
    """SQL for an update row: the id of the published update correcting it, or null."""
    corrections = StatusUpdate.objects.filter(corrects=OuterRef("pk"), state=PublicationState.PUBLISHED)
    return Subquery(corrections.order_by(*LATEST_FIRST).values("pk")[:1])


def with_corrections(updates: QuerySet[StatusUpdate]) -> QuerySet[StatusUpdate]:
    return updates.annotate(corrected_by=corrected_by())


def party_verdicts() -> QuerySet[StatusUpdate]:
    """Each party's verdict in force (StatusUpdate.is_current, kept by the status service), by
    party name: the `party_statuses` of a commitment."""
    return StatusUpdate.objects.party_verdicts().order_by("party__name", "party_id")


# What CommitmentSerializer reads the party statuses from: one query for a whole page.
PARTY_VERDICTS = "party_verdicts"


def prefetch_party_verdicts() -> Prefetch:
    return Prefetch("updates", party_verdicts(), to_attr=PARTY_VERDICTS)


def timeline() -> QuerySet[StatusUpdate]:
    """A commitment's public timeline: its published updates, corrected ones included, newest first."""
    return with_corrections(
        StatusUpdate.objects.filter(state=PublicationState.PUBLISHED)
        .select_related("party")
        .prefetch_related("evidence")
        .order_by(*LATEST_FIRST)
    )


def commitment_list(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Commitments with what a list shows: statement, themes, actors, party verdicts."""
    return (
        commitments.select_related("statement")
        .prefetch_related("themes", "actors", prefetch_party_verdicts())
        .order_by("-statement__made_on", "pk")
    )


def commitment_detail(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Commitments with what a detail shows besides: the timeline and the article links."""
    return commitment_list(commitments).prefetch_related(
        Prefetch("updates", timeline()),
        Prefetch("links", ArticleLink.objects.select_related("article").order_by("-created_at", "-pk")),
    )


def status_update_detail(updates: QuerySet[StatusUpdate]) -> QuerySet[StatusUpdate]:
    """Status updates with their commitment, party, evidence and correction, newest first."""
    return with_corrections(
        updates.select_related("commitment", "party").prefetch_related("evidence").order_by(*LATEST_FIRST)
    )

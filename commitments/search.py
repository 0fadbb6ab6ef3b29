"""Free-text search over commitments, shared by the public list page and the API.

PostgreSQL uses its own full-text search with ranking; SQLite (the laptop demo) falls back to a
case-insensitive match. Both return the same kind of result: matching commitments, best first
when a rank exists. Matches on theme and actor names count too.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Commitment

SEARCH_CONFIG = "english"
# Weighted so title matches outrank matches deep in the wording. Migration
# 0003_commitment_search_index builds a GIN index on exactly this expression: change both together.
SEARCH_VECTOR = (
    SearchVector("title", weight="A", config=SEARCH_CONFIG)
    + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
    + SearchVector("wording", weight="C", config=SEARCH_CONFIG)
)


def _related_name_match(q: str) -> Q:
    through_theme = Commitment.themes.through.objects.filter(commitment=OuterRef("pk"), theme__name__icontains=q)
    through_actor = Commitment.actors.through.objects.filter(commitment=OuterRef("pk"), actor__name__icontains=q)
    return Q(Exists(through_theme)) | Q(Exists(through_actor))


def _postgres_matches(q: str, query: SearchQuery) -> QuerySet:
    """Ids of matching commitments as a UNION, so the text part can use the GIN index.

    A single WHERE with `document @@ query OR EXISTS (...)` forces PostgreSQL to compute the
    vector for every row; each branch of the union is answered by its own index instead.
    """
    by_theme = Commitment.themes.through.objects.filter(theme__name__icontains=q).values("commitment_id").order_by()
    by_actor = Commitment.actors.through.objects.filter(actor__name__icontains=q).values("commitment_id").order_by()
    by_text = Commitment.objects.annotate(document=SEARCH_VECTOR).filter(document=query).values("pk").order_by()
    return by_text.union(by_theme, by_actor)


def search_commitments(queryset: QuerySet[Commitment], q: str) -> QuerySet[Commitment]:
    """Filter `queryset` to commitments matching `q`; on PostgreSQL annotate `rank` and order by it."""
    q = (q or "").strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        return (
            queryset.filter(pk__in=_postgres_matches(q, query))
            .annotate(rank=SearchRank(SEARCH_VECTOR, query))
            .order_by("-rank", "id")
        )
    text_match = Q(title__icontains=q) | Q(summary__icontains=q) | Q(wording__icontains=q)
    return queryset.filter(text_match | _related_name_match(q))

"""The JSON of the busiest read endpoints, built from plain rows instead of model instances.

The commitments list and detail and the status-update list carry most of the API's reads. Built
by DRF's serializers from prefetched model instances, a page of 50 commitments spent more time in
model and field objects than the database spent answering (bench/README.md has the profile).
These functions build exactly the same dicts from `values()` rows, with the same number of
queries. The serializers in serializers.py remain the definition of the shape: the OpenAPI schema
is generated from them, they answer every other endpoint and the editors' writes, and
tests/api/test_representations.py checks that both give the same JSON for the same records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from commitments.api import querysets
from commitments.domain.lineage import api_lineage, lineages
from commitments.domain.rows import NO_VERDICT, party_statuses, verdicts_in_force, with_names
from commitments.infra.paths import detail_path, detail_path_parts, is_plain
from commitments.infra.prepared import PreparedLookup
from commitments.models import STATUS_LABELS, STATUS_SCORES, ArticleLink, Commitment, StatusUpdate, is_overdue

Row = dict[str, Any]


class Output:
    """What one request's JSON is written with: its absolute addresses (each URL pattern's parts
    looked up once) and its time zone (looked up once, not for every timestamp)."""

    def __init__(self, request) -> None:
        self.origin = request.build_absolute_uri("/")[:-1]  # scheme://host, as build_absolute_uri adds
        self._parts: dict[tuple[str, str], tuple[str, str]] = {}
        self.zone = timezone.get_current_timezone()

    def moment(self, value: datetime.datetime | None) -> str | None:
        """As DateTimeField.to_representation: ISO 8601 in the current time zone, UTC as Z."""
        if value is None:
            return None
        if timezone.is_naive(value):
            return _moment(value)
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def _address(self, view_name: str, kwarg: str, value: str) -> str:
        if not is_plain(kwarg, value):
            return self.origin + detail_path(view_name, **{kwarg: value})
        parts = self._parts.get((view_name, kwarg))
        if parts is None:
            parts = self._parts[view_name, kwarg] = detail_path_parts(view_name, kwarg)
        return f"{self.origin}{parts[0]}{value}{parts[1]}"

    def by_slug(self, view_name: str, slug: str) -> str:
        return self._address(view_name, "slug", slug)

    def by_id(self, view_name: str, pk: int) -> str:
        return self._address(view_name, "pk", str(pk))


# Dates and amounts are formatted by the serializers' own fields, so they come out exactly as
# everywhere else in the API; timestamps by Output.moment, the same rule without looking the time
# zone up for each (tests/api/test_representations.py compares them with DateTimeField).
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


@cache
def _amount_field() -> serializers.Field:
    from commitments.api.serializers import CommitmentSerializer

    return CommitmentSerializer().fields["amount"]


def _date(value: datetime.date | None) -> str | None:
    return _DATE.to_representation(value) if value is not None else None


def _moment(value: datetime.datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    return _amount_field().to_representation(value) if value is not None else None


_RELATION_LABELS = {relation.value: str(relation.label) for relation in ArticleLink.Relation}


# --- Columns ----------------------------------------------------------------------------------

COMMITMENT_COLUMNS = (
    "id", "slug", "title", "summary", "wording", "status", "target_date", "target_wording", "amount",
    "currency", "state", "created_at", "updated_at",
    "statement_id", "statement__slug", "statement__title", "statement__made_on",
)  # fmt: skip
ARTICLE_REF_COLUMNS = ("id", "title", "publisher", "published_on", "url")
UPDATE_COLUMNS = (
    "id", "commitment_id", "party__slug", "status", "as_of", "rationale", "corrects_id", "corrected_by", "state",
    "created_at", "updated_at",
)  # fmt: skip


def commitment_rows(queryset: QuerySet[Commitment]) -> QuerySet:
    """The commitments of `queryset` (filters, search rank and order kept) as plain rows."""
    return queryset.prefetch_related(None).values(*COMMITMENT_COLUMNS)


def update_rows(queryset: QuerySet[StatusUpdate]) -> QuerySet:
    """Status updates (annotated with querysets.with_corrections) with the summary of their
    commitment, as plain rows."""
    return queryset.prefetch_related(None).values(
        *UPDATE_COLUMNS, "commitment__slug", "commitment__title", "commitment__status"
    )


# --- Related rows, one query per relation for a whole page -------------------------------------


_EVIDENCE = PreparedLookup(
    lambda of: (
        StatusUpdate.evidence.through.objects.filter(of("statusupdate_id"))
        .order_by("-article__published_on", "-article_id")
        .values_list("statusupdate_id", *(f"article__{column}" for column in ARTICLE_REF_COLUMNS))
    )
)
_TIMELINE = PreparedLookup(
    lambda of: querysets.timeline().filter(of("commitment_id")).prefetch_related(None).values_list(*UPDATE_COLUMNS)
)
LINK_COLUMNS = (
    "id",
    "relation",
    "excerpt",
    "note",
    "created_at",
    *(f"article__{column}" for column in ARTICLE_REF_COLUMNS),
)
_LINKS = PreparedLookup(
    lambda of: ArticleLink.objects.filter(of("commitment_id")).order_by("-created_at", "-pk").values_list(*LINK_COLUMNS)
)


def _evidence_by_update(ids: list[int], out: Output) -> dict[int, list[Row]]:
    grouped: dict[int, list[Row]] = defaultdict(list)
    for update_id, *article in _EVIDENCE.rows(ids):
        grouped[update_id].append(article_ref(dict(zip(ARTICLE_REF_COLUMNS, article, strict=True)), out))
    return grouped


# --- Representations ---------------------------------------------------------------------------


def article_ref(row: Row, out: Output) -> Row:
    return {
        "id": row["id"],
        "title": row["title"],
        "publisher": row["publisher"],
        "published_on": _date(row["published_on"]),
        "url": row["url"] or None,
        "api_url": out.by_id("api:article-detail", row["id"]),
    }


def commitment(row: Row, out: Output, today: datetime.date) -> Row:
    """One commitment row, with its "themes", "actors" (rows.with_names) and "party_statuses", as
    the API shows it."""
    status, slug, target_date = row["status"], row["slug"], row["target_date"]
    return {
        "id": row["id"],
        "slug": slug,
        "title": row["title"],
        "summary": row["summary"],
        "wording": row["wording"],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "score": STATUS_SCORES[status],
        "is_overdue": is_overdue(target_date, status, today),
        "status_as_of": row["status_as_of"],
        "last_assessed": row["last_assessed"],
        "status_rationale": row["status_rationale"],
        "status_evidence": row["status_evidence"],
        "party_statuses": row["party_statuses"],
        "target_date": _date(target_date),
        "target_wording": row["target_wording"],
        "amount": _amount(row["amount"]),
        "currency": row["currency"],
        "themes": row["themes"],
        "actors": row["actors"],
        "statement": {
            "id": row["statement_id"],
            "slug": row["statement__slug"],
            "title": row["statement__title"],
            "made_on": _date(row["statement__made_on"]),
            "url": out.by_slug("commitments:statement-detail", row["statement__slug"]),
            "api_url": out.by_slug("api:statement-detail", row["statement__slug"]),
        },
        "lineage": row["lineage"],
        "state": row["state"],
        "url": out.by_slug("commitments:commitment-detail", slug),
        "api_url": out.by_slug("api:commitment-detail", slug),
        "created_at": out.moment(row["created_at"]),
        "updated_at": out.moment(row["updated_at"]),
    }


def _alone(row: Row) -> list[Row]:
    """The lineage of a commitment the public does not see (an editor's draft): itself alone."""
    return [{"slug": row["slug"], "title": row["title"], "made_on": _date(row["statement__made_on"]), "relation": None}]


def commitments(rows: Iterable[Row], request) -> list[Row]:
    """A page of commitment rows as CommitmentSerializer(many=True) shows them: five more queries
    (themes, actors, party statuses, verdicts in force, their evidence), and one more per step of
    the longest lineage among them."""
    return _commitments(rows, Output(request))


def _commitments(rows: Iterable[Row], out: Output) -> list[Row]:
    today = timezone.localdate()
    rows = with_names(list(rows))
    ids = [row["id"] for row in rows]
    parties = party_statuses(ids) if rows else {}
    verdicts = verdicts_in_force(ids, out.origin) if rows else {}
    lines = lineages(ids) if rows else {}
    for row in rows:
        row["party_statuses"] = parties.get(row["id"], [])
        row.update(verdicts.get(row["id"], NO_VERDICT))
        row["lineage"] = api_lineage(lines[row["id"]]) if row["id"] in lines else _alone(row)
    return [commitment(row, out, today) for row in rows]


def commitment_detail(row: Row, request) -> Row:
    """One commitment row as CommitmentDetailSerializer shows it: eight more queries, and one
    more per step of its lineage."""
    out = Output(request)
    data = _commitments([row], out)[0]
    updates = [dict(zip(UPDATE_COLUMNS, values, strict=True)) for values in _TIMELINE.rows([row["id"]])]
    evidence = _evidence_by_update([update["id"] for update in updates], out) if updates else {}
    data["timeline"] = [
        {
            "id": update["id"],
            "party": update["party__slug"],
            "status": update["status"],
            "status_label": STATUS_LABELS[update["status"]],
            "score": STATUS_SCORES[update["status"]],
            "as_of": _date(update["as_of"]),
            "rationale": update["rationale"],
            "evidence": evidence.get(update["id"], []),
            "corrects": update["corrects_id"],
            "corrected_by": update["corrected_by"],
            "created_at": out.moment(update["created_at"]),
        }
        for update in updates
    ]
    links = [dict(zip(LINK_COLUMNS, values, strict=True)) for values in _LINKS.rows([row["id"]])]
    data["links"] = [
        {
            "id": link["id"],
            "relation": link["relation"],
            "relation_label": _RELATION_LABELS[link["relation"]],
            "excerpt": link["excerpt"],
            "note": link["note"],
            "article": article_ref({column: link[f"article__{column}"] for column in ARTICLE_REF_COLUMNS}, out),
            "created_at": out.moment(link["created_at"]),
        }
        for link in links
    ]
    return data


def status_updates(rows: Iterable[Row], request) -> list[Row]:
    """A page of status-update rows as StatusUpdateSerializer(many=True) shows them: one more query."""
    rows = list(rows)
    out = Output(request)
    evidence = _evidence_by_update([row["id"] for row in rows], out) if rows else {}
    return [
        {
            "id": row["id"],
            "commitment": {
                "id": row["commitment_id"],
                "slug": row["commitment__slug"],
                "title": row["commitment__title"],
                "status": row["commitment__status"],
                "url": out.by_slug("commitments:commitment-detail", row["commitment__slug"]),
                "api_url": out.by_slug("api:commitment-detail", row["commitment__slug"]),
            },
            "party": row["party__slug"],
            "status": row["status"],
            "status_label": STATUS_LABELS[row["status"]],
            "score": STATUS_SCORES[row["status"]],
            "as_of": _date(row["as_of"]),
            "rationale": row["rationale"],
            "evidence": evidence.get(row["id"], []),
            "corrects": row["corrects_id"],
            "corrected_by": row["corrected_by"],
            "state": row["state"],
            "api_url": out.by_id("api:status-update-detail", row["id"]),
            "created_at": out.moment(row["created_at"]),
            "updated_at": out.moment(row["updated_at"]),
        }
        for row in rows
    ]

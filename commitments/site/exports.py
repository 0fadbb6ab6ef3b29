"""Downloads of published commitments as CSV and JSON, streamed row by row.

Both accept the list page's filters (commitments.site.filters), so "download these" gives exactly the
rows the reader is looking at, in the same order. Rows are read in chunks with their themes and
actors prefetched per chunk, and written as they are read: a large export never sits in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from commitments.domain.lineage import download_columns
from commitments.infra.spreadsheet import CellFormat, csv_cell
from commitments.models import Actor, Commitment, StatusUpdate, Theme
from commitments.site.filters import filter_commitments

CHUNK_SIZE = 500

COLUMNS = [
    "slug",
    "title",
    "status",
    "status_label",
    "score",
    "overdue",
    "target_date",
    "target_wording",
    "amount",
    "currency",
    "themes",
    "actors",
    "party_statuses",
    "statement",
    "statement_title",
    "statement_made_on",
    "predecessor",
    "predecessor_relation",
    "wording",
    "summary",
    "url",
    "statement_url",
    "updated_at",
]

# The downloads spell booleans as yes/no and join lists with ";" (the API: true/false and "|").
CELLS = CellFormat(true="yes", false="no", separator=";")


def with_relations(queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Commitments with their statement, themes and actors, in three queries whatever the rows
    (the downloads; the list pages read plain rows, domain.rows.list_items)."""
    return queryset.select_related("statement", "predecessor__statement").prefetch_related(
        Prefetch("themes", queryset=Theme.objects.only("name", "slug")),
        Prefetch("actors", queryset=Actor.objects.only("name", "slug")),
        # Each party's own verdict in force (StatusUpdate.is_current), oldest party first.
        Prefetch(
            "updates",
            queryset=StatusUpdate.objects.party_verdicts()
            .only("commitment_id", "status", "as_of", "party__slug")
            .order_by("party__slug"),
            to_attr="party_verdicts",
        ),
    )


def record(commitment: Commitment, request: HttpRequest) -> dict:
    return {
        "slug": commitment.slug,
        "title": commitment.title,
        "status": commitment.status,
        "status_label": commitment.get_status_display(),
        "score": commitment.score,
        "overdue": commitment.is_overdue,
        "target_date": commitment.target_date.isoformat() if commitment.target_date else None,
        "target_wording": commitment.target_wording,
        "amount": str(commitment.amount) if commitment.amount is not None else None,
        "currency": commitment.currency,
        "themes": [theme.slug for theme in commitment.themes.all()],
        "actors": [actor.slug for actor in commitment.actors.all()],
        # "party:status" in the CSV; {"party", "status", "as_of"} objects in the JSON.
        "party_statuses": [
            {"party": update.party.slug, "status": update.status, "as_of": update.as_of.isoformat()}
            for update in commitment.party_verdicts
        ],
        "statement": commitment.statement.slug,
        "statement_title": commitment.statement.title,
        "statement_made_on": commitment.statement.made_on.isoformat(),
        **download_columns(commitment),  # the predecessor's slug and the relation, when public
        "wording": commitment.wording,
        "summary": commitment.summary,
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
        "statement_url": request.build_absolute_uri(commitment.statement.get_absolute_url()),
        "updated_at": commitment.updated_at.isoformat(),
    }


class _Echo:
    """csv.writer wants a file; this one hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def _records(request: HttpRequest, queryset) -> Iterator[dict]:
    for commitment in with_relations(queryset).iterator(chunk_size=CHUNK_SIZE):
        yield record(commitment, request)


def _filtered(request: HttpRequest):
    """The filtered queryset, or a 400 response naming every bad parameter."""
    filterset = filter_commitments(request.GET)
    if not filterset.is_valid():
        lines = [f"{name}: {message}" for name, messages in filterset.form.errors.items() for message in messages]
        body = "The download was not made because of these parameters:\n" + "\n".join(lines) + "\n"
        return None, HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")
    return filterset.qs, None


def _attachment(response: StreamingHttpResponse, filename: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_csv(request: HttpRequest) -> HttpResponse:
    queryset, error = _filtered(request)
    if error:
        return error
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow(COLUMNS)
        for row in _records(request, queryset):
            row["party_statuses"] = [f"{p['party']}:{p['status']}" for p in row["party_statuses"]]
            yield writer.writerow([csv_cell(row[column], CELLS) for column in COLUMNS])

    return _attachment(StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8"), "commitments.csv")


def export_json(request: HttpRequest) -> HttpResponse:
    queryset, error = _filtered(request)
    if error:
        return error
    header = {
        "generated_at": timezone.now().isoformat(),
        "source": request.build_absolute_uri(),
        "columns": COLUMNS,
    }

    def chunks() -> Iterator[str]:
        # The object is written by hand around the streamed array so no row waits for the others.
        yield json.dumps(header, ensure_ascii=False)[:-1] + ', "commitments": ['
        for i, row in enumerate(_records(request, queryset)):
            yield ("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False)
        yield "\n]}\n"

    return _attachment(
        StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8"), "commitments.json"
    )

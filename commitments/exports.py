"""Downloads of published commitments as CSV and JSON, streamed row by row.

Both accept the list page's filters (commitments.filters), so "download these" gives exactly the
rows the reader is looking at, in the same order. Rows are read in chunks with their themes and
actors prefetched per chunk, and written as they are read: a large export never sits in memory.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from .filters import filter_commitments
from .models import Commitment
from .views import commitment_rows

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
    "statement",
    "statement_title",
    "statement_made_on",
    "wording",
    "summary",
    "url",
    "statement_url",
    "updated_at",
]

# Spreadsheets run a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_TEXT_COLUMNS = {"title", "target_wording", "wording", "summary", "statement_title"}


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
        "statement": commitment.statement.slug,
        "statement_title": commitment.statement.title,
        "statement_made_on": commitment.statement.made_on.isoformat(),
        "wording": commitment.wording,
        "summary": commitment.summary,
        "url": request.build_absolute_uri(commitment.get_absolute_url()),
        "statement_url": request.build_absolute_uri(commitment.statement.get_absolute_url()),
        "updated_at": commitment.updated_at.isoformat(),
    }


def csv_cell(column: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(value)
    text = str(value)
    if column in _TEXT_COLUMNS and text.startswith(_FORMULA_START):
        return "'" + text
    return text


class _Echo:
    """csv.writer wants a file; this one hands each written line straight back."""

    def write(self, value: str) -> str:
        return value


def _records(request: HttpRequest, queryset) -> Iterator[dict]:
    for commitment in commitment_rows(queryset).iterator(chunk_size=CHUNK_SIZE):
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
            yield writer.writerow([csv_cell(column, row[column]) for column in COLUMNS])

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

"""Downloads of published commitments: CSV, a JSON array, NDJSON, and a Frictionless data
package that describes the CSV.

Every download takes the list page's parameters (commitments.site.filters, the API's names), so
"download these" gives exactly the rows the reader is looking at, in the same order; a parameter
it does not know, or a value it cannot use, answers 400 naming it. Rows are read as plain rows in
chunks (domain.rows.records) and written as they are read: a large export never sits in memory,
and no model instance is built for it. On PostgreSQL the CSV's lines are written by the database
(domain.record_lines), the same bytes several times faster.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from commitments.domain import record_lines
from commitments.domain.rows import RECORD_COLUMNS, records
from commitments.infra.spreadsheet import csv_lines
from commitments.lineage import Relation
from commitments.models import Status
from commitments.site.filters import filter_commitments, unknown_parameters

CHUNK_SIZE = 500

# The downloads' own parameter, beside the filters: bom=1 starts the CSV with a byte-order mark,
# without which Excel opening the file by double-click reads UTF-8 as another encoding.
OPTIONS = ("bom",)

# Longest part of a file name made from the filters; the date always follows it.
FILENAME_FILTERS_LIMIT = 120

# The licence the data is published under, unless the settings name another (same shape).
DEFAULT_DATA_LICENSE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]  # scheme://host


def _refusal(lines: list[str]) -> HttpResponse:
    body = "The download was not made because of these parameters:\n" + "\n".join(lines) + "\n"
    return HttpResponse(body, status=400, content_type="text/plain; charset=utf-8")


def _filtered(request: HttpRequest, options: tuple[str, ...] = ()) -> tuple[QuerySet | None, HttpResponse | None]:
    """The filtered queryset, or a 400 response naming every parameter at fault."""
    unknown = unknown_parameters(request.GET, allowed=options)
    if unknown:
        return None, _refusal(
            [f"{name}: not a parameter of the downloads (docs/api.md lists them)." for name in unknown]
        )
    bad_options = [
        f"{name}: give {name}=1 or leave it out, not “{value}”."
        for name in options
        for value in request.GET.getlist(name)
        if value not in ("0", "1")
    ]
    filterset = filter_commitments(request.GET)
    if bad_options or not filterset.is_valid():
        errors = [f"{name}: {message}" for name, messages in filterset.form.errors.items() for message in messages]
        return None, _refusal(errors + bad_options)
    return filterset.qs, None


def filename(request: HttpRequest, extension: str) -> str:
    """`commitments_<filters>_<date>.<extension>`: what was filtered (or "all") and the day it
    was made, in letters a file system and the Content-Disposition header take as they are."""
    parts = [
        slugify(f"{key}-{value}")
        for key, values in request.GET.lists()
        if key not in OPTIONS
        for value in values
        if value
    ]
    filters = "_".join(part for part in parts if part)[:FILENAME_FILTERS_LIMIT].strip("-_") or "all"
    return f"commitments_{filters}_{timezone.localdate().isoformat()}.{extension}"


def _attachment(response: StreamingHttpResponse, name: str) -> StreamingHttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _records(request: HttpRequest, queryset: QuerySet) -> Iterator[dict]:
    return records(queryset, _origin(request), chunk_size=CHUNK_SIZE)


def export_csv(request: HttpRequest) -> HttpResponse:
    queryset, error = _filtered(request, OPTIONS)
    if error:
        return error
    bom = request.GET.get("bom") == "1"
    if record_lines.available(queryset):  # PostgreSQL writes the lines itself: the same bytes, at its speed
        lines = record_lines.csv_text(queryset, _origin(request), bom=bom)
    else:
        lines = csv_lines(_records(request, queryset), RECORD_COLUMNS, bom=bom)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    return _attachment(response, filename(request, "csv"))


def _json(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def export_json(request: HttpRequest) -> HttpResponse:
    """A JSON array of records, as pandas.read_json and most tools read it."""
    queryset, error = _filtered(request)
    if error:
        return error

    def chunks() -> Iterator[str]:
        # The array is written by hand around the streamed records so no row waits for the others.
        yield "["
        for i, record in enumerate(_records(request, queryset)):
            yield ("," if i else "") + "\n" + _json(record)
        yield "\n]\n"

    response = StreamingHttpResponse(chunks(), content_type="application/json; charset=utf-8")
    return _attachment(response, filename(request, "json"))


def export_ndjson(request: HttpRequest) -> HttpResponse:
    """The same records, one JSON object a line, for tools that read a stream line by line."""
    queryset, error = _filtered(request)
    if error:
        return error
    lines = (_json(record) + "\n" for record in _records(request, queryset))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    return _attachment(response, filename(request, "ndjson"))


# --- The data package ------------------------------------------------------------------------

_TEXT = {"type": "string"}
_DATE = {"type": "date", "format": "%Y-%m-%d"}
_LIST = "Separated by |."
FIELDS: dict[str, dict] = {
    "id": {"type": "integer", "description": "The commitment's id: stable, the key to store it by."},
    "slug": {**_TEXT, "description": "The commitment's address on the site and in the API."},
    "title": _TEXT,
    "status": {**_TEXT, "constraints": {"enum": list(Status.values)}, "description": "Its overall status."},
    "status_label": _TEXT,
    "score": {"type": "integer", "description": "-1, 0 or +1; empty when not rated."},
    "is_overdue": {
        "type": "boolean",
        "trueValues": ["true"],
        "falseValues": ["false"],
        "description": "Past its target date and neither met nor broken.",
    },
    "status_as_of": {**_DATE, "description": "Since when the status holds: the date of the verdict that gave it."},
    "last_assessed": {**_DATE, "description": "The date of the latest verdict, even one that kept the status."},
    "status_rationale": {**_TEXT, "description": "Why: the rationale of the verdict in force."},
    "status_evidence": {**_TEXT, "description": f"Addresses of the evidence for the verdict in force. {_LIST}"},
    "party_statuses": {**_TEXT, "description": f"Each party's own verdict in force, as party=status. {_LIST}"},
    "target_date": _DATE,
    "target_wording": _TEXT,
    "amount": {"type": "number", "description": "An amount committed, in `currency`."},
    "currency": _TEXT,
    "themes": {**_TEXT, "description": f"Theme slugs. {_LIST}"},
    "actors": {**_TEXT, "description": f"Slugs of the actors who owe it. {_LIST}"},
    "statement_slug": _TEXT,
    "statement_title": _TEXT,
    "statement_made_on": _DATE,
    "predecessor": {**_TEXT, "description": "The slug of the commitment this one follows from (lineage), if public."},
    "predecessor_relation": {
        **_TEXT,
        "constraints": {"enum": ["", *Relation.values]},
        "description": "How it relates to its predecessor; empty without one.",
    },
    "wording": {**_TEXT, "description": "The exact words of the source."},
    "summary": _TEXT,
    "url": {**_TEXT, "format": "uri", "description": "The commitment's page on the site."},
    "statement_url": {**_TEXT, "format": "uri"},
    "api_url": {**_TEXT, "format": "uri", "description": "The commitment in the API."},
    "created_at": {"type": "datetime", "description": "UTC."},
    "updated_at": {"type": "datetime", "description": "Last change, UTC; see changed_since in the API."},
}
REQUIRED = ("id", "slug", "title", "status", "is_overdue", "url", "created_at", "updated_at")


def data_package(request: HttpRequest, csv_address: str) -> dict:
    """The Frictionless (tabular) data package describing the CSV download at `csv_address`."""
    origin = _origin(request)
    fields = []
    for name in RECORD_COLUMNS:
        field = {"name": name, **FIELDS[name]}
        if name in REQUIRED:
            field["constraints"] = {**field.get("constraints", {}), "required": True}
        fields.append(field)
    return {
        "profile": "tabular-data-package",
        "name": "commitment-tracker",
        "title": "Commitments and where they stand",
        "description": "Published commitments with their status, the verdict in force and its evidence.",
        "homepage": origin + reverse("commitments:dashboard"),
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [getattr(settings, "DATA_LICENSE", DEFAULT_DATA_LICENSE)],
        "sources": [
            {"title": "Commitment tracker", "path": origin + reverse("commitments:dashboard")},
            {"title": "How statuses are assessed", "path": origin + reverse("commitments:methodology")},
        ],
        "resources": [
            {
                "name": "commitments",
                "title": "Commitments",
                "profile": "tabular-data-resource",
                "path": csv_address,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "primaryKey": ["id"], "missingValues": [""]},
            }
        ],
    }


def export_datapackage(request: HttpRequest) -> HttpResponse:
    """/export/datapackage.json: the package of the CSV download filtered by the same parameters."""
    _, error = _filtered(request)
    if error:
        return error
    query = request.GET.urlencode()
    csv_address = request.build_absolute_uri(reverse("commitments:export-csv")) + (f"?{query}" if query else "")
    return JsonResponse(data_package(request, csv_address), json_dumps_params={"ensure_ascii": False, "indent": 2})

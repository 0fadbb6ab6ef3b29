"""Output formats of the API: JSON (through orjson), CSV for spreadsheets, and strict `?format=`."""

from __future__ import annotations

import csv
import io
from typing import Any

import orjson
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from commitments.infra.spreadsheet import csv_cell, csv_lines, list_item

_fallback_encoder = JSONEncoder()


class ORJSONRenderer(JSONRenderer):
    """The same JSON as DRF's renderer, produced several times faster for long pages."""

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        if data is None:
            return b""
        options = orjson.OPT_NON_STR_KEYS  # error details of list fields are keyed by index
        if self.get_indent(accepted_media_type, renderer_context or {}):
            options |= orjson.OPT_INDENT_2
        content = orjson.dumps(data, default=_fallback_encoder.default, option=options)
        # Keep the output a strict JavaScript subset, as DRF's own renderer does.
        return content.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")


def csv_columns(serializer: serializers.Serializer) -> list[tuple[str, str | None]]:
    """Flat columns of a serializer: (field, sub-field) pairs; embedded objects get one column per field."""
    columns: list[tuple[str, str | None]] = []
    for name, field in serializer.fields.items():
        if isinstance(field, serializers.Serializer):
            columns += [(name, sub) for sub in field.fields]
        else:
            columns.append((name, None))
    return columns


class CSVRenderer(BaseRenderer):
    """One row per result, flat columns; list fields are joined with `|`. A view with
    `record_columns` hands records in those columns (the commitments: the downloads' columns)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: dict | None = None) -> bytes:
        renderer_context = renderer_context or {}
        view = renderer_context["view"]
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        record_columns = getattr(view, "record_columns", None)
        response = renderer_context.get("response")
        if response is not None:
            response["Content-Disposition"] = f'attachment; filename="{view.basename}s.csv"'
        if record_columns:
            # Records in the downloads' columns (rows.records), by their one writer.
            return "".join(csv_lines(rows, record_columns)).encode(self.charset)
        columns = csv_columns(view.get_serializer())
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([f"{name}.{sub}" if sub else name for name, sub in columns])
        for row in rows:
            writer.writerow(
                [
                    csv_cell((row.get(name) or {}).get(sub) if sub else row.get(name), item=list_item)
                    for name, sub in columns
                ]
            )
        return out.getvalue().encode(self.charset)


class StrictFormatNegotiation(DefaultContentNegotiation):
    """`?format=` must name a format the endpoint offers: a typo answers 400, not a 404 or HTML."""

    def select_renderer(self, request, renderers, format_suffix=None):
        requested = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if requested is not None:
            offered = [r.format for r in renderers if documented_format(r)]
            if requested not in offered:
                raise ValidationError(
                    {"format": [f"Unknown format {requested!r}; this endpoint offers {', '.join(offered)}."]}
                )
        return super().select_renderer(request, renderers, format_suffix)


def documented_format(renderer: BaseRenderer) -> bool:
    # The browsable API answers browsers' Accept header; it is not a data format to request.
    return renderer.media_type != "text/html"

"""Pagination of the API lists, with strict parameters: a bad `page`, `page_size` or `cursor`
answers 400.

Two ways through a list. Page numbers (`?page=3`), with the exact `count` of all results; or a
cursor (`?cursor=start`, then each answer's `next`), which reads the page after the last row
seen through the list's order (keyset pagination: `WHERE (made_on, id) < (…) ORDER BY … LIMIT`).
A cursor page costs the same at the end of a million rows as at the start, and counts nothing:
its `count` is null. It follows the list's order on stored fields; a ranked search has no such
order and refuses a cursor (give `ordering`, or use page numbers).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import re
from collections.abc import Callable

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import InvalidPage
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from commitments.domain.search import RankedPaginator

_DIGITS = re.compile(r"[0-9]{1,18}")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100


def positive_int_param(request, name: str) -> int | None:
    """The query parameter `name` as a whole number of at least 1, or None when absent."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    # Plain digits only: "+2", " 2" or "2.0" are typos worth reporting, not numbers to guess at.
    if not _DIGITS.fullmatch(raw) or int(raw) < 1:
        raise ValidationError({name: [f"{name} must be a whole number of at least 1, not {raw!r}."]})
    return int(raw)


CURSOR_PARAM = "cursor"
CURSOR_START = "start"
CURSOR_DESCRIPTION = (
    f"Keyset pagination instead of page numbers: `{CURSOR_START}` for the first page, then the `next` "
    "address of each answer. Every page costs the same however deep, and `count` is null. Follows "
    "the list's order (`ordering` included); refused with 400 for a ranked search without `ordering`, "
    "with `page`, or when the cursor is not one this list gave."
)


def _order_fields(queryset: QuerySet) -> list[tuple[str, bool]]:
    """The queryset's order as (field path, descending), or 400 when it is not on stored,
    non-null fields (an expression such as a search rank, or a field that may be empty)."""
    order = list(queryset.query.order_by or queryset.model._meta.ordering)
    fields = []
    for term in order:
        if isinstance(term, OrderBy) and isinstance(term.expression, F):
            # A plain field written as an expression (rows.ordering_expressions): the same key.
            term = ("-" if term.descending else "") + term.expression.name
        if not isinstance(term, str):
            raise ValidationError(
                {
                    CURSOR_PARAM: [
                        "This order is computed (a search's rank, or the order of the statuses); give "
                        "another `ordering` or use page numbers for a cursor."
                    ]
                }
            )
        path, descending = term.lstrip("-"), term.startswith("-")
        if _field(queryset.model, path).null:
            raise ValidationError({CURSOR_PARAM: [f"A cursor cannot follow an order on {path}, which may be empty."]})
        fields.append((path, descending))
    if not any(path in ("pk", "id") for path, _ in fields):
        fields.append(("pk", False))  # ties broken by id, so no row is skipped or repeated
    return fields


def _field(model, path: str):
    if path == "pk":
        return model._meta.pk
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ValidationError({CURSOR_PARAM: [f"A cursor cannot follow an order on {path}."]}) from None
        model = field.related_model or model
    return field


def _after(fields: list[tuple[str, bool]], values: list) -> Q:
    """Rows after `values` in the order of `fields`: (a > x) or (a = x and b > y) or …"""
    condition = Q()
    for i, (path, descending) in enumerate(fields):
        step = Q(**{f"{path}__{'lt' if descending else 'gt'}": values[i]})
        for earlier, value in zip(fields[:i], values[:i], strict=False):
            step &= Q(**{earlier[0]: value})
        condition |= step
    return condition


def _key_in_row(row, model, fields: list[tuple[str, bool]]) -> list | None:
    """The order key of a page's last row read from the row itself, when it is a `values()` row
    holding every field of the order as stored; None when it must be looked up (a model
    instance, a field the row lacks, or a value already written out, as in a CSV record)."""
    if not isinstance(row, dict):
        return None
    key = []
    for path, _descending in fields:
        name = model._meta.pk.attname if path == "pk" else path
        value = row.get(name)
        if value is None or type(_field(model, path).to_python(value)) is not type(value):
            return None
        key.append(value)
    return key


def _encode(values: list) -> str:
    plain = [v.isoformat() if isinstance(v, (datetime.date, datetime.datetime)) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(token: str, model, fields: list[tuple[str, bool]]) -> list:
    refused = ValidationError({CURSOR_PARAM: [f"Not a cursor of this list: {token[:40]!r}."]})
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise refused from None
    if not isinstance(values, list) or len(values) != len(fields):
        raise refused
    try:
        return [_field(model, path).to_python(value) for (path, _), value in zip(fields, values, strict=True)]
    except (DjangoValidationError, TypeError):
        raise refused from None


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = RankedPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    cursor_query_param = CURSOR_PARAM  # read by the views' check of known parameters
    max_page_size = MAX_PAGE_SIZE
    last_page_strings = ()
    page_query_description = "Page number, from 1. A page after the last one answers 404; a page that is not a whole number of at least 1 answers 400."
    page_size_query_description = (
        f"Results per page, from 1; default {DEFAULT_PAGE_SIZE}. Larger values than {MAX_PAGE_SIZE} "
        f"are capped at {MAX_PAGE_SIZE}. Anything but a whole number of at least 1 answers 400."
    )

    def get_page_size(self, request) -> int:
        requested = positive_int_param(request, self.page_size_query_param)
        return min(requested, self.max_page_size) if requested else self.page_size

    def paginate_queryset(self, queryset, request, view=None, rows: Callable | None = None):
        """The page's records; with `rows`, the page's slice of the queryset passed through it
        (e.g. to `values()`), while the count stays that of the queryset as given."""
        self.request = request
        self.cursor_next = None
        page_size = self.get_page_size(request)
        if CURSOR_PARAM in request.query_params:
            return self._cursor_page(queryset, request, page_size, rows)
        page_number = positive_int_param(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound(f"Page {page_number} does not exist; the last page is {paginator.num_pages}.") from None
        self.display_page_controls = paginator.num_pages > 1
        return list(rows(self.page.object_list) if rows else self.page)

    def _cursor_page(self, queryset: QuerySet, request, page_size: int, rows: Callable | None) -> list:
        """The rows after the cursor, one more than a page to know whether another follows.
        Queries: the page (and its relations, as for page numbers); with a next page, its key,
        unless the page's rows hold it (_key_in_row)."""
        if self.page_query_param in request.query_params:
            raise ValidationError({CURSOR_PARAM: ["Give a cursor or a page number, not both."]})
        self.page = None
        fields = _order_fields(queryset)
        token = request.query_params[CURSOR_PARAM]
        listed = queryset
        if token != CURSOR_START:
            listed = queryset.filter(_after(fields, _decode(token, queryset.model, fields)))
        sliced = listed[: page_size + 1]
        found = list(rows(sliced) if rows else sliced)
        page = found[:page_size]
        if len(found) > page_size:
            last = page[-1]
            key = _key_in_row(last, queryset.model, fields)
            if key is None:
                pk = last["id"] if isinstance(last, dict) else last.pk
                key = queryset.order_by().filter(pk=pk).values_list(*(path for path, _ in fields)).get()
            self.cursor_next = replace_query_param(request.build_absolute_uri(), CURSOR_PARAM, _encode(list(key)))
        return page

    def get_next_link(self) -> str | None:
        if self.page is None:
            return self.cursor_next
        return super().get_next_link()

    def get_previous_link(self) -> str | None:
        return None if self.page is None else super().get_previous_link()

    def get_paginated_response(self, data) -> Response:
        response = Response(
            {
                "count": None if self.page is None else self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )
        # The same links as a header, for CSV downloads that have no envelope.
        links = [
            f'<{url}>; rel="{rel}"'
            for rel, url in (("next", response.data["next"]), ("prev", response.data["previous"]))
            if url
        ]
        if links:
            response["Link"] = ", ".join(links)
        return response

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        parameters.append(
            {
                "name": CURSOR_PARAM,
                "required": False,
                "in": "query",
                "description": CURSOR_DESCRIPTION,
                "schema": {"type": "string"},
            }
        )
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["count", "next", "previous", "results"]
        result["properties"]["count"]["description"] = (
            "Number of results on all pages together; null on a page reached by `cursor`."
        )
        result["properties"]["count"]["nullable"] = True
        return result

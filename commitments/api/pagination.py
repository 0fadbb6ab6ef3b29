"""Page-number pagination with strict parameters: a bad `page` or `page_size` answers 400."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.paginator import InvalidPage
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

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


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = RankedPaginator
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
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
        page_size = self.get_page_size(request)
        page_number = positive_int_param(request, self.page_query_param) or 1
        paginator = self.django_paginator_class(queryset, page_size)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage:
            raise NotFound(f"Page {page_number} does not exist; the last page is {paginator.num_pages}.") from None
        self.display_page_controls = paginator.num_pages > 1
        return list(rows(self.page.object_list) if rows else self.page)

    def get_paginated_response(self, data) -> Response:
        response = Response(
            {
                "count": self.page.paginator.count,
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
        return parameters

    def get_paginated_response_schema(self, schema: dict) -> dict:
        result = super().get_paginated_response_schema(schema)
        result["required"] = ["count", "next", "previous", "results"]
        result["properties"]["count"]["description"] = "Number of results on all pages together."
        return result

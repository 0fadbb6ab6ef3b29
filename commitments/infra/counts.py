"""Exact counts of the lists' rows, kept under the data version (cache.py).

Every page and page size of a list share one count, keyed by the SQL that counts it; a long
list's count is shared as the dashboard's figures are (cache.shared_by_version): right after an
edit, the count before it while one thread counts again.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

from commitments.infra.cache import cached_by_version, served_stale, shared_by_version

# From this many rows, a list's count may be served from before the latest edit while it is
# counted again (docs/api.md, Pages); None: always exact. Smaller counts are made again in place.
COUNT_STALE_FROM = 10_000


def count_sql(queryset: QuerySet) -> tuple[str, list] | None:
    """The SQL and parameters cached_count counts `queryset` with, or None when it can match
    nothing."""
    if queryset.query.is_empty():
        return None
    # The rows' ids only, and unordered unless a slice depends on the order.
    counted = (queryset if queryset.query.is_sliced else queryset.order_by()).values("pk")
    try:
        sql, params = counted.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing, such as an empty `__in`
        return None
    return sql, list(params)


def cached_count(queryset: QuerySet, compute: Callable[[], int] | None = None) -> int:
    """The number of rows of `queryset`, kept under the data version (shared_by_version).

    Keyed by the query's SQL and parameters, so every filter combination has its own and every
    page and page size of one list shares it. The SQL is compiled once, for the key, and counted
    as it is (`SELECT COUNT(*) FROM (…)`): for a search, building and compiling the query again
    through `queryset.count()` cost as much as a cheap query's round trip. `compute`, when given,
    counts instead (a query that also reads something else, such as a ranked search's page).
    """
    counted = count_sql(queryset)
    if counted is None:
        return 0
    return cached_count_of(queryset.db, *counted, compute=compute)


def cached_count_of(using: str, sql: str, params: list, compute: Callable[[], int] | None = None) -> int:
    """cached_count of a query already compiled by count_sql."""

    def count() -> int:
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) counted", params)
            return cursor.fetchone()[0]

    count = compute or count

    key = f"{using}\n{sql}\n{params!r}"
    stale_from = getattr(settings, "COUNT_STALE_FROM", COUNT_STALE_FROM)
    if stale_from is None:
        return cached_by_version(key, count)
    # A long list's count (a million status updates: a tenth of a second and more) is shared like
    # the dashboard's figures: right after an edit, the count before it while one thread recounts.
    return shared_by_version(key, count, serve_stale=lambda previous: previous >= stale_from)


class CachedCountPaginator(Paginator):
    """Django's paginator, counting a queryset through cached_count.

    `narrow_page(queryset, page)` may replace a page's queryset with a cheaper one that reads the
    same rows (commitments.domain.search.RankedPaginator takes a ranked search's page by ids).
    """

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return cached_count(self.object_list)
        return super().count

    @staticmethod
    def narrow_page(queryset: QuerySet, page: QuerySet) -> QuerySet:
        return page

    def page(self, number):
        # Django's Paginator.page, but after a count served from before an edit (served_stale)
        # the count may be short of the rows (one added by the edit): the last page is then read
        # to its full size, not cut at the count. The object list may also be anything sliced
        # into rows (api/compiled_lists.py); only a queryset's page is narrowed.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not served_stale():
            top = self.count
        rows = self.object_list[bottom:top]
        if isinstance(self.object_list, QuerySet):
            rows = self.narrow_page(self.object_list, rows)
        return self._get_page(rows, number, self)

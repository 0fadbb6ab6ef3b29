"""A list's count and page, read through SQL compiled once per process for each address.

A cold list request built its queryset (the published-only queryset, its filters, the values()
of its rows), compiled it for its count's cache key, compiled it again for its page, and had the
ORM convert the page's rows: at 100,000 commitments 3 to 7 ms of Python around SQL of the same
order (bench/README.md). Yet that SQL depends only on the list, its filter parameters, the day
(the overdue filters compare with today) and the database read, provided that building it read
nothing from the database: a filter naming a record by slug looks the record up and puts its id
in the SQL, which an edit may change. Such a list is built as before, every time.

The others are compiled on their first request and kept in a bounded memo of each process, keyed
by (view, database alias, day, filter parameters): every page and page size of a list share one
entry, cut by a LIMIT and OFFSET added at run time. Only SQL is kept: the count and the rows are
read on every request, the count through counts.cached_count_of as for any other list, so an edit
shows at once. Not kept either: a ranked search (search.RankedPaginator reads its page by ids,
with its count) and a cursor page (the cursor filters the query).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import QuerySet
from django.dispatch import receiver
from django.utils import timezone

from commitments.domain.search import RANK
from commitments.infra.counts import cached_count_of, count_sql
from commitments.infra.prepared import Compiled

MEMO_SIZE = 256
# Longer filter parameters are not kept (such a list is built as before).
MAX_PARAMETERS_LENGTH = 500


@dataclass(frozen=True)
class CompiledList:
    alias: str
    count_sql: str
    count_params: list
    page: Compiled

    # A paginator's object list (counts.CachedCountPaginator): count() and slices, as a queryset.

    def count(self) -> int:
        return cached_count_of(self.alias, self.count_sql, self.count_params)

    def __getitem__(self, cut: slice) -> list[dict]:
        """The rows from `cut.start` to `cut.stop` (excluded) in the list's order, as values()
        gives them."""
        bottom, top = cut.start or 0, cut.stop
        if top <= bottom:
            return []
        limit = connections[self.alias].ops.limit_offset_sql(bottom, top)
        return self.page.dicts(self.page.params, self.alias, f" {limit}")


_NOT_KEPT = object()  # a key whose list is built every time
_memo: OrderedDict[tuple, CompiledList | object] = OrderedDict()
_lock = threading.Lock()


@receiver(setting_changed, dispatch_uid="tracker_compiled_lists_setting_changed")
def forget(**kwargs) -> None:
    """Forget every compiled list (settings may change the SQL; tests change them)."""
    with _lock:
        _memo.clear()


def _key(view, request) -> tuple | None:
    paginator = view.paginator
    if paginator.cursor_query_param in request.query_params:
        return None
    cuts = {paginator.page_query_param, paginator.page_size_query_param, "format"}
    parameters = tuple(
        sorted((name, tuple(values)) for name, values in request.query_params.lists() if name not in cuts)
    )
    if len(repr(parameters)) > MAX_PARAMETERS_LENGTH:
        return None
    alias = router.db_for_read(view.serializer_class.Meta.model)
    return (type(view), alias, timezone.localdate(), parameters)


def _built_reading_nothing(build: Callable[[], QuerySet]) -> tuple[QuerySet, bool]:
    """The queryset `build` gives, and whether building it ran no query."""
    ran: list[str] = []

    def watch(execute, sql, params, many, context):
        ran.append(sql)
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for connection in connections.all():
            stack.enter_context(connection.execute_wrapper(watch))
        queryset = build()
    return queryset, not ran


def _compiled(queryset: QuerySet, alias: str, rows: Callable[[QuerySet], QuerySet]) -> CompiledList | None:
    query = queryset.query
    if queryset.db != alias or query.is_sliced or RANK in query.annotations:
        return None
    counted = count_sql(queryset)
    if counted is None:
        return None
    page = Compiled(rows(queryset), alias)
    # The page is the SQL of the list with a LIMIT added: check it once against the ORM's slice.
    one = Compiled(rows(queryset[:1]), alias)
    if one.sql != page.sql + " " + connections[alias].ops.limit_offset_sql(0, 1) or one.params != page.params:
        return None
    return CompiledList(alias, *counted, page)


def lookup(
    view, request, build: Callable[[], QuerySet], rows: Callable[[QuerySet], QuerySet]
) -> tuple[CompiledList | None, QuerySet | None]:
    """The list's compiled form, or None with the queryset `build` made when it cannot be kept.
    Built and compiled on the list's first request (then both are given)."""
    key = _key(view, request)
    if key is None:
        return None, build()
    with _lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
    if isinstance(found, CompiledList):
        return found, None
    if found is _NOT_KEPT:
        return None, build()
    queryset, pure = _built_reading_nothing(build)
    compiled = _compiled(queryset, key[1], rows) if pure else None
    with _lock:
        _memo[key] = compiled if compiled is not None else _NOT_KEPT
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return compiled, queryset

"""Lookups by a list of ids, compiled once per process and then run as plain SQL.

A page of a list reads its commitments, then one query per relation for the whole page (themes,
actors, verdicts, their evidence, party statuses, lineage steps), each of them "these columns of
the rows whose commitment is one of these ids". Built as a queryset for every page, each one cost
the ORM 2–5 ms (building the filters, compiling, binding fifty parameters, converting rows) on
top of a query the database answers in one or two: most of a cold page (bench/README.md).

Only the ids change from one page to the next, so a PreparedLookup builds its queryset once per
database, with every list of ids as a single parameter (`= ANY(%s::bigint[])` on PostgreSQL, a
JSON array read by `json_each` on SQLite), keeps the SQL and the converters of its columns, and
from then on sends the SQL with the ids bound. The queryset is written as every other one is, on
the published-only querysets; what is kept is only its compiled form.
"""

from __future__ import annotations

import contextvars
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connections, router
from django.db.models import BooleanField, Expression, F, QuerySet


class _Ids:
    """Where a list of ids goes in the compiled SQL's parameters (never sent as it is)."""

    def __repr__(self) -> str:
        return "<ids>"


class AnyOf(Expression):
    """`column` is one of a list of ids (or of texts, with `array="text"`, such as slugs): a
    filter() condition compiled with one parameter."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: _Ids, array: str = "bigint"):
        super().__init__()
        if array not in ("bigint", "text"):
            raise ValueError(f"Lists of {array} are not supported.")
        self.column, self.ids, self.array = F(column), ids, array

    def get_source_expressions(self) -> list:
        return [self.column]

    def set_source_expressions(self, expressions: list) -> None:
        (self.column,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        sql, params = compiler.compile(self.column)
        return f"{sql} = ANY(%s::{self.array}[])", [*params, self.ids]

    def as_sqlite(self, compiler, connection) -> tuple[str, list]:
        sql, params = compiler.compile(self.column)
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, self.ids]


class Compiled:
    """A values() or values_list() queryset as SQL, its parameters, the converters of its
    columns and their names, to run again without building or compiling it (`fetch`)."""

    def __init__(self, queryset: QuerySet, using: str):
        compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        fields = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
        self.converters = list(compiler.get_converters(fields).items())
        # As values() names them (ValuesIterable).
        query = queryset.query
        self.names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
        self.slots: dict[int, int] = {}  # a PreparedLookup's: where each list of ids goes

    def fetch(self, params: Sequence[Any], using: str, suffix: str = "") -> list[tuple]:
        """The rows for `params` (the compiled ones, or others in their places), as the queryset
        gives them; `suffix` is appended to the SQL (such as a LIMIT)."""
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql + suffix, params)
            return self.converted(cursor.fetchall(), connection)

    def converted(self, rows: list[tuple], connection) -> list[tuple]:
        """Rows as the database gave them, converted as the ORM converts its columns."""
        if not self.converters:
            return rows
        return [_convert(row, self.converters, connection) for row in rows]

    def named(self, rows: list[tuple]) -> list[dict[str, Any]]:
        """Rows as dicts by column name, as values() gives them."""
        return [dict(zip(self.names, row, strict=True)) for row in rows]

    def dicts(self, params: Sequence[Any], using: str, suffix: str = "") -> list[dict[str, Any]]:
        return self.named(self.fetch(params, using, suffix))


def _convert(row: tuple, converters: list, connection) -> tuple:
    values = list(row)
    for index, (functions, expression) in converters:
        value = values[index]
        for function in functions:
            value = function(value, expression, connection)
        values[index] = value
    return tuple(values)


class PreparedLookup:
    """A queryset taking lists of ids, compiled once per database alias.

    `build(*conditions)` returns the queryset (a values_list() of the columns wanted), given one
    AnyOf-making function per list of ids: `lambda of: Link.objects.filter(of("commitment_id"))`.
    `rows(ids, …)` then answers what `list(build(…))` would for those ids, as tuples.
    """

    def __init__(self, build: Callable[..., QuerySet], *, lists: int = 1):
        self.build, self.lists = build, lists
        self._compiled: dict[str, Compiled] = {}
        self._lock = threading.Lock()
        self._built: tuple[QuerySet, list[_Ids]] | None = None

    def _queryset(self) -> tuple[QuerySet, list[_Ids]]:
        """The queryset, built once, and the markers standing for its lists of ids."""
        if self._built is not None:
            return self._built
        with self._lock:
            if self._built is None:
                markers = [_Ids() for _ in range(self.lists)]
                conditions = [
                    lambda column, array="bigint", marker=marker: AnyOf(column, marker, array) for marker in markers
                ]
                self._built = (self.build(*conditions), markers)
            return self._built

    def _alias(self, using: str | None) -> str:
        """Where the rows are read: `using`, or where the router sends reads of the queryset's
        model (the replica for an anonymous reader, as for the querysets beside it)."""
        if using is not None:
            return using
        return router.db_for_read(self._queryset()[0].model)

    def _compile(self, using: str) -> Compiled:
        built, markers = self._queryset()
        with self._lock:
            compiled = self._compiled.get(using)
            if compiled is not None:
                return compiled
            compiled = Compiled(built.all(), using)  # a copy: its markers are the same objects
            compiled.slots = {
                index: markers.index(value) for index, value in enumerate(compiled.params) if isinstance(value, _Ids)
            }
            if sorted(compiled.slots.values()) != list(range(self.lists)):
                raise ValueError("Each list of ids must appear exactly once in the query.")
            self._compiled[using] = compiled
            return compiled

    def dicts(self, *ids: Iterable[int | str], using: str | None = None) -> list[dict[str, Any]]:
        """The rows as a values() queryset gives them: dicts by column name."""
        using = self._alias(using)
        compiled = self._compiled.get(using) or self._compile(using)
        return compiled.named(self.rows(*ids, using=using))

    def rows(self, *ids: Iterable[int | str], using: str | None = None) -> list[tuple]:
        using = self._alias(using)
        lists = [list(each) for each in ids]
        if not any(lists):
            return []
        read = _read_together.get()
        if read is not None:
            found = read.get(_asked(self, using, lists))
            if found is not None:
                return found
        compiled, params = self._bound(lists, using)
        return compiled.fetch(params, using)

    def _bound(self, lists: list[list], using: str) -> tuple[Compiled, list]:
        """The compiled query, and its parameters with these lists of ids in their places."""
        compiled = self._compiled.get(using) or self._compile(using)
        vendor = connections[using].vendor
        bound: Sequence[Any] = [json.dumps(each) for each in lists] if vendor == "sqlite" else lists
        params = list(compiled.params)
        for index, which in compiled.slots.items():
            params[index] = bound[which]
        return compiled, params


# Rows read together by `pipelined`, by (lookup, alias, ids), inside its block.
_read_together: contextvars.ContextVar[dict | None] = contextvars.ContextVar("tracker_read_together", default=None)


def _asked(lookup: PreparedLookup, alias: str, lists: list[list]) -> tuple:
    return (id(lookup), alias, tuple(frozenset(each) for each in lists))


@contextmanager
def pipelined(*asked: tuple[PreparedLookup, Sequence[Iterable[int | str]]]) -> Iterator[None]:
    """Read each (lookup, lists of ids) at once; inside the block, `lookup.rows(*lists)` for
    those very ids (in any order) answers with what was read, and any other call reads as usual.

    On PostgreSQL the queries go in one pipeline (sent together, answered in order: one round
    trip); elsewhere one after another, as the calls would have. Each is logged as any query
    (the tests count them). A block inside another reads only what the outer one has not.
    """
    outer = _read_together.get()
    found = dict(outer or {})
    waiting: dict[str, list[tuple[tuple, Compiled, list]]] = defaultdict(list)
    for lookup, ids in asked:
        alias = lookup._alias(None)
        lists = [list(each) for each in ids]
        key = _asked(lookup, alias, lists)
        if any(lists) and key not in found:
            waiting[alias].append((key, *lookup._bound(lists, alias)))
    for alias, statements in waiting.items():
        results = _together(alias, [(compiled, params) for _key, compiled, params in statements])
        found.update((key, rows) for (key, _compiled, _params), rows in zip(statements, results, strict=True))
    token = _read_together.set(found)
    try:
        yield
    finally:
        _read_together.reset(token)


def _together(alias: str, statements: list[tuple[Compiled, list]]) -> list[list[tuple]]:
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(statements) < 2:
        return [compiled.fetch(params, alias) for compiled, params in statements]
    connection.ensure_connection()
    connection.validate_no_broken_transaction()
    started = time.monotonic()
    with connection.wrap_database_errors:
        raw = connection.connection
        cursors, sent = [], []
        with raw.pipeline():
            for compiled, params in statements:
                cursor = raw.cursor()
                cursor.execute(compiled.sql, params)
                cursors.append(cursor)
                sent.append(connection.ops.last_executed_query(cursor, compiled.sql, params))
        fetched = []
        for cursor in cursors:
            fetched.append(cursor.fetchall())
            cursor.close()
    if connection.queries_logged:
        each = f"{(time.monotonic() - started) / len(statements):.3f}"
        connection.queries_log.extend({"sql": sql, "time": each} for sql in sent)
    return [compiled.converted(rows, connection) for (compiled, _params), rows in zip(statements, fetched, strict=True)]

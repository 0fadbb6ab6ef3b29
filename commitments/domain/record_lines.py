"""The CSV lines of the downloads, written by PostgreSQL.

`rows.records` builds each record in Python and `infra.spreadsheet.csv_lines` writes it: at
100,000 commitments that is most of a 20-second download, spent turning values into dicts and
text (bench/README.md). On PostgreSQL the same lines are written by queries instead, a few
thousand commitments each and two at a time, each row one finished line: Python only passes the
text on.

The query is assembled around querysets the rest of the tracker uses, compiled by the ORM, so
the rules stay where they are stated:

- the commitments are the downloads' own queryset (published-only, filtered, in its order);
- the verdict in force and the run that gave the status come from `StatusUpdate.objects.counting()`;
- the party verdicts from `StatusUpdate.objects.party_verdicts()`;
- a predecessor is named only when `Commitment.objects.published()` holds it.

What is written here is the spelling of the cells, the rules of `infra.spreadsheet` in SQL:
empty for null, `true`/`false`, lists joined by `|` with each element defused, a formula start
defused with an apostrophe (numbers left alone), and a cell quoted, its quotes doubled, when it
holds a comma, a quote or a line break. tests/site/test_record_lines.py holds the two writers to
the same bytes.
"""

from __future__ import annotations

import datetime
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from django.conf import settings
from django.db import connections
from django.db.models import F, QuerySet
from django.utils import timezone

from commitments.domain.rows import RECORD_COLUMNS
from commitments.infra.connections import others_see_this_connection
from commitments.infra.paths import detail_path_parts
from commitments.infra.spreadsheet import BOM, FORMULA_STARTS, CellFormat
from commitments.models import SETTLED_STATUSES, STATUS_LABELS, STATUS_SCORES, Commitment, StatusUpdate

# Commitments written by one query (about 1 KB of CSV each), and the connections writing at once.
CHUNK_ROWS = 5000
DOWNLOAD_THREADS = 2

_FORMAT = CellFormat()
_NUMBER = r"^[+-]?[0-9]+([.][0-9]+)?$"  # infra.spreadsheet's _NUMBER, anchored for PostgreSQL
_NEEDS_QUOTES = '[,"\r\n]'  # what makes csv.writer quote a cell (delimiter, quote, line terminator)


def available(queryset: QuerySet) -> bool:
    """Whether the database `queryset` reads writes the lines (PostgreSQL); elsewhere rows.records does."""
    return connections[queryset.db].vendor == "postgresql"


def _literal(text: str) -> str:
    """A constant as an SQL string literal (% doubled: the driver reads placeholders in the text)."""
    return "'" + text.replace("'", "''").replace("%", "%%") + "'"


_STARTS = ", ".join(_literal(start) for start in FORMULA_STARTS)
_APOSTROPHE = _literal("'")
_QUOTE, _QUOTE_TWICE = _literal('"'), _literal('""')


def _defused(text: str) -> str:
    """SQL: infra.spreadsheet.defuse of the text expression `text` (null stays null)."""
    return (
        f"CASE WHEN left({text}, 1) IN ({_STARTS}) AND {text} !~ {_literal(_NUMBER)} "
        f"THEN {_APOSTROPHE} || {text} ELSE {text} END"
    )


def _quoted(text: str) -> str:
    """SQL: the cell as csv.writer writes it (quoted only when it must be), empty for null."""
    return (
        f"coalesce(CASE WHEN {text} ~ {_literal(_NEEDS_QUOTES)} "
        f"THEN {_QUOTE} || replace({text}, {_QUOTE}, {_QUOTE_TWICE}) || {_QUOTE} ELSE {text} END, '')"
    )


def _date(expression: str) -> str:
    return f"to_char({expression}, 'YYYY-MM-DD')"


def _moment(expression: str) -> str:
    """As rows._moment writes it: ISO 8601 in UTC with Z, microseconds only when there are some."""
    utc = f"({expression} AT TIME ZONE 'UTC')"
    return (
        f"to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') "
        f"|| CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END || 'Z'"
    )


def _joined(element: str, order: str) -> str:
    """SQL aggregate: a list cell's elements, each defused, joined by the separator, in `order`."""
    return f"string_agg({_defused(element)}, {_literal(_FORMAT.separator)} ORDER BY {order})"


def _latest_first(alias: str) -> str:
    """models.LATEST_FIRST (-as_of, -created_at, -id) over the rows of `alias`."""
    return f"{alias}.as_of DESC, {alias}.created_at DESC, {alias}.id DESC"


# Cells holding a list, its elements defused already: they are only quoted.
_LISTS = ("status_evidence", "party_statuses", "themes", "actors")


class _Query:
    """A query being assembled, its parameters taken in the order their placeholders appear."""

    def __init__(self) -> None:
        self.params: list = []

    def param(self, value) -> str:
        self.params.append(value)
        return "%s"

    def rows(self, queryset: QuerySet, *fields: str, **aliases: str) -> str:
        """`queryset` as an SQL derived table of `fields` (named by their columns) and `aliases`
        (alias=lookup), in the queryset's order."""
        values = queryset.values(*fields, **{alias: F(lookup) for alias, lookup in aliases.items()})
        sql, params = values.query.sql_with_params()
        self.params.extend(params)
        return f"({sql})"

    def choice(self, column: str, values: dict) -> str:
        """SQL: CASE over the stored value in `column`, giving each one's text (null for None)."""
        whens = " ".join(
            f"WHEN {self.param(stored)} THEN {self.param(str(shown))}"
            for stored, shown in values.items()
            if shown is not None
        )
        return f"CASE {column} {whens} END"

    def address(self, origin: str, view_name: str, slug: str) -> str:
        """SQL: the absolute address of `view_name` for the slug in `slug` (as rows._addresses;
        the tracker's slugs are all of the plain shape that reverse() leaves as it is)."""
        before, after = detail_path_parts(view_name, "slug")
        return f"{self.param(origin + before)} || {slug} || {self.param(after)}"


def _values(query: _Query, origin: str, today: datetime.date) -> dict[str, str]:
    """SQL for each column's value as text (null when empty), in RECORD_COLUMNS order."""

    def overdue() -> str:  # status.is_overdue
        today_param = query.param(today)
        settled = ", ".join(query.param(str(status)) for status in SETTLED_STATUSES)
        true, false = query.param(_FORMAT.true), query.param(_FORMAT.false)
        return (
            f"CASE WHEN q.target_date IS NOT NULL AND q.target_date < {today_param}::date "
            f"AND q.status NOT IN ({settled}) THEN {true} ELSE {false} END"
        )

    values = {
        "id": "q.id::text",
        "slug": "q.slug",
        "title": "q.title",
        "status": "q.status",
        "status_label": query.choice("q.status", STATUS_LABELS),
        "score": query.choice("q.status", STATUS_SCORES),
        "is_overdue": overdue(),
        "status_as_of": _date("run.since"),
        "last_assessed": _date("verdict.as_of"),
        "status_rationale": "verdict.rationale",
        "status_evidence": "evidence.addresses",
        "party_statuses": "parties.verdicts",
        "target_date": _date("q.target_date"),
        "target_wording": "q.target_wording",
        "amount": "q.amount::text",
        "currency": "q.currency",
        "themes": "themes.slugs",
        "actors": "actors.slugs",
        "statement_slug": "q.statement_slug",
        "statement_title": "q.statement_title",
        "statement_made_on": _date("q.statement_made_on"),
        "predecessor": "predecessor.slug",
        "predecessor_relation": "CASE WHEN predecessor.slug IS NOT NULL THEN q.predecessor_relation END",
        "wording": "q.wording",
        "summary": "q.summary",
        "url": query.address(origin, "commitments:commitment-detail", "q.slug"),
        "statement_url": query.address(origin, "commitments:statement-detail", "q.statement_slug"),
        "api_url": query.address(origin, "api:commitment-detail", "q.slug"),
        "created_at": _moment("q.created_at"),
        "updated_at": _moment("q.updated_at"),
    }
    assert tuple(values) == RECORD_COLUMNS, "the SQL writer's columns are the downloads' columns, in order"
    return values


def _sources(query: _Query, queryset: QuerySet, origin: str) -> str:
    """The FROM clause: the commitments in their order, each joined (LATERAL, which keeps that
    order) to its verdict in force and the run that gave its status, the verdict's evidence,
    its party verdicts, themes and actors, and its predecessor if the public sees it."""
    commitments = query.rows(
        queryset.prefetch_related(None),
        "id", "slug", "title", "status", "target_date", "target_wording", "amount", "currency", "wording",
        "summary", "created_at", "updated_at", "predecessor_id", "predecessor_relation",
        statement_slug="statement__slug", statement_title="statement__title", statement_made_on="statement__made_on",
    )  # fmt: skip

    def counting() -> str:
        updates = StatusUpdate.objects.counting().filter(party=None).order_by()
        return query.rows(updates, "id", "commitment_id", "status", "as_of", "created_at", "rationale")

    verdict = f"""
        SELECT u.id, u.status, u.as_of, u.created_at, u.rationale FROM {counting()} AS u
        WHERE u.commitment_id = q.id ORDER BY {_latest_first("u")} LIMIT 1"""
    # The latest counting verdict that gave another status: the run of the status starts after it.
    before_run = f"""
        SELECT u.id, u.as_of, u.created_at FROM {counting()} AS u
        WHERE u.commitment_id = q.id AND u.status <> verdict.status ORDER BY {_latest_first("u")} LIMIT 1"""
    run = f"""
        SELECT min(u.as_of) AS since FROM {counting()} AS u
        WHERE verdict.id IS NOT NULL AND u.commitment_id = q.id AND (before_run.id IS NULL
            OR (u.as_of, u.created_at, u.id) > (before_run.as_of, before_run.created_at, before_run.id))"""
    # By the article's own address, or its address in the API when the tracker holds only a copy.
    before, after = detail_path_parts("api:article-detail", "pk")
    links = query.rows(
        StatusUpdate.evidence.through.objects.order_by(),
        "statusupdate_id", "article_id", address="article__url", published="article__published_on",
    )  # fmt: skip
    evidence = f"""
        SELECT {_joined("e.address", "e.published DESC, e.article_id DESC")} AS addresses FROM (
            SELECT coalesce(nullif(l.address, ''), {query.param(origin + before)} || l.article_id::text
                || {query.param(after)}) AS address, l.published, l.article_id
            FROM {links} AS l WHERE l.statusupdate_id = verdict.id) AS e"""
    parties_rows = query.rows(
        StatusUpdate.objects.party_verdicts().order_by(),
        "commitment_id", "status", "party_id", party_slug="party__slug", party_name="party__name",
    )  # fmt: skip
    parties = f"""
        SELECT {_joined("p.party_slug || '=' || p.status", "p.party_name, p.party_id")} AS verdicts
        FROM {parties_rows} AS p WHERE p.commitment_id = q.id"""

    def names(relation: str) -> str:
        # Each link's theme or actor is looked up by its key (OFFSET 0 keeps that lookup a
        # subquery: joined, the planner hashes all 300 actors again for every commitment).
        target = relation[:-1]  # themes -> theme
        field = Commitment._meta.get_field(relation)
        links = query.rows(field.remote_field.through.objects.order_by(), "commitment_id", f"{target}_id")
        named = query.rows(field.related_model.objects.order_by(), "id", "slug", "name")
        return f"""
            SELECT {_joined("t.slug", "t.name, t.id")} AS slugs
            FROM {links} AS n (commitment_id, target_id)
            CROSS JOIN LATERAL (SELECT x.id, x.slug, x.name FROM {named} AS x WHERE x.id = n.target_id OFFSET 0) AS t
            WHERE n.commitment_id = q.id"""

    themes, actors = names("themes"), names("actors")
    predecessors = query.rows(Commitment.objects.published().order_by(), "id", "slug")
    predecessor = f"SELECT p.slug FROM {predecessors} AS p WHERE p.id = q.predecessor_id LIMIT 1"
    joined = {
        "verdict": verdict, "before_run": before_run, "run": run, "evidence": evidence, "parties": parties,
        "themes": themes, "actors": actors, "predecessor": predecessor,
    }  # fmt: skip
    return f"FROM {commitments} AS q " + " ".join(
        f"LEFT JOIN LATERAL ({sql}) AS {name} ON true" for name, sql in joined.items()
    )


def _query(queryset: QuerySet, origin: str, today: datetime.date) -> tuple[str, list]:
    query = _Query()
    values = _values(query, origin, today)
    sources = _sources(query, queryset, origin)
    columns = ", ".join(f"{sql} AS {name}" for name, sql in values.items())
    # OFFSET 0 keeps the inner query a query of its own: each value is computed once, not once
    # for every time the cell's spelling below refers to it.
    cells = [_quoted(f"r.{name}") if name in _LISTS else _quoted(_defused(f"r.{name}")) for name in values]
    line = " || ',' || ".join(cells) + " || " + _literal("\r\n")
    return f"SELECT {line} FROM (SELECT {columns} {sources} OFFSET 0) AS r", query.params


def _chunk_text(queryset: QuerySet[Commitment], ids: list[int], origin: str, today: datetime.date) -> str:
    """The lines of the commitments of `ids`, a run of `queryset` in its order: the queryset
    (published-only, filtered) asked again for just these, so the order and the rules hold."""
    sql, params = _query(queryset.filter(pk__in=ids), origin, today)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return "".join(row[0] for row in cursor.fetchall())


def _in_a_thread(queryset: QuerySet[Commitment], ids: list[int], origin: str, today: datetime.date) -> str:
    try:
        return _chunk_text(queryset, ids, origin, today)
    finally:
        connections.close_all()  # this thread's own connection


def _threads(alias: str) -> int:
    """How many connections write the runs: DOWNLOAD_THREADS, or one inside a transaction (a
    test runs in one), whose writes other threads' connections would not see."""
    return getattr(settings, "DOWNLOAD_THREADS", DOWNLOAD_THREADS) if others_see_this_connection(alias) else 1


def lines(queryset: QuerySet[Commitment], origin: str) -> Iterator[str]:
    """One CSV line ("…\r\n") per commitment of `queryset`, in its order, written by the
    database CHUNK_ROWS commitments at a time.

    The commitments' ids are read first, in order; then runs of them are written by
    DOWNLOAD_THREADS connections at once (PostgreSQL runs each query on one core) and handed
    on in order, at most two runs per thread waiting, so memory stays a few megabytes.
    """
    today = timezone.localdate()
    ids = list(queryset.values_list("pk", flat=True))
    chunks = [ids[start : start + CHUNK_ROWS] for start in range(0, len(ids), CHUNK_ROWS)]
    threads = _threads(queryset.db)
    if threads < 2 or len(chunks) < 2:
        for chunk in chunks:
            yield _chunk_text(queryset, chunk, origin, today)
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="tracker-download") as pool:
        pending: deque[Future[str]] = deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_in_a_thread, queryset, chunk, origin, today))
                if len(pending) >= 2 * threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:  # a reader who went away: nothing more is written
                future.cancel()


def csv_text(queryset: QuerySet[Commitment], origin: str, *, bom: bool = False) -> Iterator[str]:
    """The header, then the lines: the text infra.spreadsheet.csv_lines writes from rows.records."""
    yield (BOM if bom else "") + ",".join(RECORD_COLUMNS) + "\r\n"
    yield from lines(queryset, origin)

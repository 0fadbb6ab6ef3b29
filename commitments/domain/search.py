"""Free-text search over commitments, shared by the public list page, the downloads and the API.

One contract on both databases, each answering from its own full-text index of the stored
documents (commitments.domain.search_index: title, summary, wording, and the names of the
commitment's themes and actors): PostgreSQL's tsvector with its GIN index, SQLite's FTS5 table.

- Words match in any order, each stemmed ("funding" finds "fund", "funded"); all must match.
- "Quoted words" match as a phrase; `or` between two terms accepts either; `-word` excludes.
- English stop words ("the", "of") are left out, as PostgreSQL's English configuration does.
- A term naming an actor, by its name or an alias, matches all its names: "UK" also finds
  "U.K." and "United Kingdom" (the documents hold every name of the actors they mention).

Results are ranked, best first, in the `rank` annotation; then by id.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, connections
from django.db.models import Count, Expression, FloatField, QuerySet, Window
from django.db.models.expressions import Col, RawSQL
from django.utils.functional import cached_property

from commitments.domain.search_index import FTS_TABLE, WORD
from commitments.infra.counts import CachedCountPaginator, cached_count
from commitments.models import Commitment

SEARCH_CONFIG = "english"
# The annotation holding a commitment's rank in a search: higher is better.
RANK = "rank"
# A search's order: best first, then by id.
BEST_FIRST = (f"-{RANK}", "id")

# PostgreSQL's English stop words (tsearch_data/english.stop): left out of queries on both
# databases, so a word PostgreSQL ignores does not narrow SQLite's results.
_ENGLISH_STOP_LIST = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did doing
    a an the and but if or because as until while of at by for with about against between into
    through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now
"""
STOP_WORDS = frozenset(_ENGLISH_STOP_LIST.split())
# A quoted phrase (optionally excluded), or anything else up to the next space.
_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# FTS5 column weights, in the order of search_index.FTS_COLUMNS, as PostgreSQL's A, B, C, D.
_BM25_WEIGHTS = "10.0, 4.0, 2.0, 1.0"


@dataclass(frozen=True)
class Term:
    text: str
    phrase: bool  # matched as a phrase (quoted, or an actor's name), else as words in any order


@dataclass
class Group:
    """One condition of a query: any of its terms matches (or, excluded, none does)."""

    terms: list[Term]
    excluded: bool = False


def _words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def _is_searchable(term: Term) -> bool:
    return any(word not in STOP_WORDS for word in _words(term.text))


def parse_query(q: str) -> list[Group]:
    """The conditions of a search box's text, stop words and unsearchable terms left out."""
    groups: list[Group] = []
    plain: list[str] = []
    join_next = False

    def flush() -> None:
        groups.extend(Group([Term(word, False)]) for word in plain)
        plain.clear()

    for excluded, quoted, bare in _ITEM.findall(q):
        if bare.lower() == "or" and (groups or plain):
            flush()
            join_next = True
            continue
        if bare.startswith("-") and len(bare) > 1:
            excluded, quoted, bare = "-", bare[1:], ""
        if bare and not join_next:
            plain.append(bare)
            continue
        flush()
        group = Group([Term(quoted, True) if quoted else Term(bare, False)], excluded=bool(excluded))
        if join_next and groups and not group.excluded and not groups[-1].excluded:
            groups[-1].terms.extend(group.terms)
        else:
            groups.append(group)
        join_next = False
    flush()
    for group in groups:
        group.terms = [term for term in group.terms if _is_searchable(term)]
    return [group for group in groups if group.terms]


# --- PostgreSQL -----------------------------------------------------------------------------------


class SearchDocument(Expression):
    """The commitment's stored full-text document, `search_document`, on PostgreSQL.

    Written by commitments.domain.search_index and GIN-indexed (migrations 0005 and 0012). It is
    not a model field, since SQLite has no such column; this expression names it on whichever
    alias the commitments table has in the query, as a field would.
    """

    output_field = SearchVectorField()
    _column = SearchVectorField()
    _column.set_attributes_from_name("search_document")
    _column.model = Commitment

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        return Col(query.get_initial_alias(), self._column, output_field=self.output_field)


def _tsquery(term: Term, *, excluded: bool = False) -> SearchQuery:
    kind = "phrase" if term.phrase else "plain"
    return SearchQuery(term.text, search_type=kind, config=SEARCH_CONFIG, invert=excluded)


def postgres_query(groups: list[Group]) -> SearchQuery:
    combined = None
    for group in groups:
        if group.excluded:  # none of them: each one negated, all required
            parts = [_tsquery(term, excluded=True) for term in group.terms]
            condition = parts[0]
            for part in parts[1:]:
                condition &= part
        else:
            condition = _tsquery(group.terms[0])
            for term in group.terms[1:]:
                condition |= _tsquery(term)
        combined = condition if combined is None else combined & condition
    return combined


# --- SQLite ---------------------------------------------------------------------------------------


def _fts_string(text: str) -> str:
    # An FTS5 string: tokenized like the documents, never read as an operator or a column name.
    return '"' + text.replace('"', '""') + '"'


def fts5_query(groups: list[Group]) -> str:
    wanted = [g for g in groups if not g.excluded]
    parts = ["(" + " AND ".join(f"({' OR '.join(_fts_string(t.text) for t in g.terms)})" for g in wanted) + ")"]
    parts += [f"({' OR '.join(_fts_string(t.text) for t in g.terms)})" for g in groups if g.excluded]
    return " NOT ".join(parts)


class Fts5Rank(Expression):
    """A commitment's relevance to an FTS5 query (negated bm25, so higher is better)."""

    output_field = FloatField()

    def __init__(self, match: str, column: Expression | None = None) -> None:
        super().__init__()
        self.match, self.column = match, column

    def get_source_expressions(self) -> list[Expression]:
        return [self.column] if self.column is not None else []

    def set_source_expressions(self, expressions: list[Expression]) -> None:
        if expressions:
            (self.column,) = expressions

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        resolved = self.copy()
        resolved.column = Col(query.get_initial_alias(), Commitment._meta.pk)
        return resolved

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        sql = (
            f"(SELECT -bm25({FTS_TABLE}, {_BM25_WEIGHTS}) FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {column_sql})"
        )
        return sql, (self.match, *column_params)


# --- Both -----------------------------------------------------------------------------------------


def search_commitments(queryset: QuerySet[Commitment], q: str) -> QuerySet[Commitment]:
    """Filter `queryset` to commitments matching `q`, annotated with `rank` and ordered best first.

    A query with nothing to search for (only stop words or punctuation, or only exclusions)
    matches nothing; an empty one keeps everything.
    """
    q = (q or "").strip()
    if not q:
        return queryset
    groups = parse_query(q)
    if not any(not group.excluded for group in groups):
        return queryset.none()
    if connection.vendor == "postgresql":
        query = postgres_query(groups)
        matched = queryset.alias(search_document=SearchDocument()).filter(search_document=query)  # `@@`
        ranked = matched.annotate(**{RANK: SearchRank(SearchDocument(), query)})
    else:
        match = fts5_query(groups)
        ids = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (match,))
        ranked = queryset.filter(pk__in=ids).annotate(**{RANK: Fts5Rank(match)})
    return ranked.order_by(*BEST_FIRST)


def ranked_page(queryset: QuerySet[Commitment], page: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """`page`, a slice of `queryset`, taken by ids first when `queryset` is a ranked search.

    Ranking every match and keeping the best fifty is cheap on the commitments alone. Asked for
    the page's whole rows with their statements, PostgreSQL sorted every match in full and hashed
    the whole statements table to join them (10 ms for 1,600 matches at 100,000 commitments);
    asked for the page's ids in a subquery, it ranks and cuts on the ids and then reads fifty rows
    by primary key (5 ms). The same rows in the same order; other querysets are left as they are.
    """
    if RANK not in queryset.query.annotations or not page.query.is_sliced:
        return page
    return queryset.filter(pk__in=page.values("pk"))


# The annotation holding, on each row of a ranked page, the number of all the matches.
_MATCHES = "_matches"


def ranked_ids_with_count(queryset: QuerySet[Commitment], offset: int, limit: int) -> list[tuple[int, int]]:
    """The ids of `limit` ranked matches from `offset`, each with the number of all the matches.

    Written plainly (`count(*) OVER ()` on the ranked queryset), PostgreSQL ranked the matches
    only after counting them: the window kept each match's whole row, search document included,
    and at 10,000 matches it no longer fitted in memory and went to disk (38 ms for "cyber" at
    100,000 commitments). Ranked in a subquery first, the window keeps an id and a rank per
    match (27 ms). The same ids in the same order; SQLite's search, ordered otherwise, or any
    other order are read the plain way.
    """
    if connections[queryset.db].vendor != "postgresql" or queryset.query.order_by != BEST_FIRST:
        ranked = queryset.annotate(**{_MATCHES: Window(Count("pk"))}).values_list("pk", _MATCHES)
        return list(ranked[offset : offset + limit])
    inner = queryset.values_list("pk", RANK).order_by()
    sql, params = inner.query.get_compiler(using=queryset.db).as_sql()
    # OFFSET 0 keeps PostgreSQL from merging the subquery back into the plain form.
    paged = (
        f"SELECT ranked.pk, COUNT(*) OVER () FROM ({sql} OFFSET 0) AS ranked (pk, score) "
        f"ORDER BY ranked.score DESC, ranked.pk ASC LIMIT {int(limit)} OFFSET {int(offset)}"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(paged, params)
        return [tuple(row) for row in cursor.fetchall()]


class RankedPaginator(CachedCountPaginator):
    """The paginator of the public lists and the API: counts cached, ranked searches paged by ids.

    A ranked search has to rank every match to find its best fifty, so when its count is not
    cached yet, the page's ids and the count come from that one query (`count(*) OVER ()`, the
    matches counted before the page is cut): at 100,000 commitments a query of 4 ms instead of a
    count and a page of 4 and 5 ms. The count is then cached as any other, and the page's rows
    are read by those ids. A page past the end has no row to carry the count: it is counted.
    """

    _wanted: int | None = None  # the page number about to be built, when it is a whole number
    _ids_of: tuple[int, list[int]] | None = None  # a page number and its ids, read with the count

    def expect(self, number) -> None:
        """The page about to be asked for (page() says so too). Said before anything asks for
        the count, it lets a ranked search not counted yet read that page's ids with it."""
        try:
            self._wanted = int(number) if int(number) >= 1 else None
        except (TypeError, ValueError):
            self._wanted = None

    def page(self, number):
        self.expect(number)
        return super().page(number)

    @cached_property
    def count(self) -> int:
        queryset, wanted = self.object_list, self._wanted
        if not (
            wanted is not None
            and isinstance(queryset, QuerySet)
            and RANK in queryset.query.annotations
            and not queryset.query.distinct
            and not queryset.query.is_sliced
            and self.orphans == 0
        ):
            return CachedCountPaginator.count.func(self)
        caller, bottom = threading.current_thread(), (wanted - 1) * self.per_page

        def count_with_page() -> int:
            found = ranked_ids_with_count(queryset, bottom, self.per_page)
            if threading.current_thread() is caller:  # not a recount in the background
                self._ids_of = (wanted, [pk for pk, _ in found])
            if found:
                return found[0][1]
            return 0 if bottom == 0 else queryset.count()

        return cached_count(queryset, count_with_page)

    def narrow_page(self, queryset: QuerySet[Commitment], page: QuerySet[Commitment]) -> QuerySet[Commitment]:
        if self._ids_of is not None and self._ids_of[0] == self._wanted:
            return queryset.filter(pk__in=self._ids_of[1])
        return ranked_page(queryset, page)

"""The JSON of the public read endpoints, built from plain rows instead of model instances.

Built by DRF's serializers from prefetched model instances, a page of 50 commitments spent more
time in model and field objects than the database spent answering, and the 40 themes four times
their SQL (bench/README.md has the profiles). These functions build exactly the same dicts from
`values()` rows, with the same number of queries, for the commitments, status updates, themes,
actors, statements, articles, article links and quotes. The serializers in serializers.py remain
the definition of the shape: the OpenAPI schema is generated from them, they answer the editors'
writes (and the ETags their If-Match is checked against), and tests/api/test_representations.py
and test_plain_reads.py check that both give the same JSON for the same records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework import serializers

from commitments.api import querysets
from commitments.domain.lineage import api_lineage, lineages
from commitments.domain.rows import NO_VERDICT, first_reads, party_statuses, verdicts_in_force, with_names
from commitments.domain.stats import published_counts
from commitments.infra.paths import detail_path, detail_path_parts, is_plain
from commitments.infra.prepared import PreparedLookup, pipelined
from commitments.models import (
    STATUS_LABELS,
    STATUS_SCORES,
    Actor,
    Article,
    ArticleLink,
    Commitment,
    Quote,
    Statement,
    StatusUpdate,
    is_overdue,
)
from commitments.text import split_terms

Row = dict[str, Any]


class Output:
    """What one request's JSON is written with: its absolute addresses (each URL pattern's parts
    looked up once) and its time zone (looked up once, not for every timestamp)."""

    def __init__(self, request) -> None:
        self.origin = request.build_absolute_uri("/")[:-1]  # scheme://host, as build_absolute_uri adds
        self._parts: dict[tuple[str, str], tuple[str, str]] = {}
        self.zone = timezone.get_current_timezone()

    def moment(self, value: datetime.datetime | None) -> str | None:
        """As DateTimeField.to_representation: ISO 8601 in the current time zone, UTC as Z."""
        if value is None:
            return None
        if timezone.is_naive(value):
            return _moment(value)
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def _address(self, view_name: str, kwarg: str, value: str) -> str:
        if not is_plain(kwarg, value):
            return self.origin + detail_path(view_name, **{kwarg: value})
        parts = self._parts.get((view_name, kwarg))
        if parts is None:
            parts = self._parts[view_name, kwarg] = detail_path_parts(view_name, kwarg)
        return f"{self.origin}{parts[0]}{value}{parts[1]}"

    def by_slug(self, view_name: str, slug: str) -> str:
        return self._address(view_name, "slug", slug)

    def by_id(self, view_name: str, pk: int) -> str:
        return self._address(view_name, "pk", str(pk))


# Dates and amounts are formatted by the serializers' own fields, so they come out exactly as
# everywhere else in the API; timestamps by Output.moment, the same rule without looking the time
# zone up for each (tests/api/test_representations.py compares them with DateTimeField).
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()


@cache
def _amount_field() -> serializers.Field:
    from commitments.api.serializers import CommitmentSerializer

    return CommitmentSerializer().fields["amount"]


def _date(value: datetime.date | None) -> str | None:
    return _DATE.to_representation(value) if value is not None else None


def _moment(value: datetime.datetime | None) -> str | None:
    return _DATETIME.to_representation(value) if value is not None else None


def _amount(value: Decimal | None) -> str | None:
    return _amount_field().to_representation(value) if value is not None else None


_RELATION_LABELS = {relation.value: str(relation.label) for relation in ArticleLink.Relation}


# --- Columns ----------------------------------------------------------------------------------

COMMITMENT_COLUMNS = (
    "id", "slug", "title", "summary", "wording", "status", "target_date", "target_wording", "amount",
    "currency", "state", "created_at", "updated_at",
    "statement_id", "statement__slug", "statement__title", "statement__made_on",
)  # fmt: skip
ARTICLE_REF_COLUMNS = ("id", "title", "publisher", "published_on", "url")
COMMITMENT_REF_COLUMNS = ("id", "slug", "title", "status")
STATEMENT_REF_COLUMNS = ("id", "slug", "title", "made_on")
UPDATE_COLUMNS = (
    "id", "commitment_id", "party__slug", "status", "as_of", "rationale", "corrects_id", "corrected_by", "state",
    "created_at", "updated_at",
)  # fmt: skip


def commitment_rows(queryset: QuerySet[Commitment]) -> QuerySet:
    """The commitments of `queryset` (filters, search rank and order kept) as plain rows."""
    return queryset.prefetch_related(None).values(*COMMITMENT_COLUMNS)


def update_rows(queryset: QuerySet[StatusUpdate]) -> QuerySet:
    """Status updates (annotated with querysets.with_corrections) with the summary of their
    commitment, as plain rows."""
    return queryset.prefetch_related(None).values(
        *UPDATE_COLUMNS, "commitment__slug", "commitment__title", "commitment__status"
    )


# --- Related rows, one query per relation for a whole page -------------------------------------


_EVIDENCE = PreparedLookup(
    lambda of: (
        StatusUpdate.evidence.through.objects.filter(of("statusupdate_id"))
        .order_by("-article__published_on", "-article_id")
        .values_list("statusupdate_id", *(f"article__{column}" for column in ARTICLE_REF_COLUMNS))
    )
)
_TIMELINE = PreparedLookup(
    lambda of: querysets.timeline().filter(of("commitment_id")).prefetch_related(None).values_list(*UPDATE_COLUMNS)
)
LINK_COLUMNS = (
    "id",
    "relation",
    "excerpt",
    "note",
    "created_at",
    *(f"article__{column}" for column in ARTICLE_REF_COLUMNS),
)
_LINKS = PreparedLookup(
    lambda of: ArticleLink.objects.filter(of("commitment_id")).order_by("-created_at", "-pk").values_list(*LINK_COLUMNS)
)


def _evidence_by_update(ids: list[int], out: Output) -> dict[int, list[Row]]:
    return {
        update_id: [article_ref(article, out) for article in articles]
        for update_id, articles in _grouped(_EVIDENCE.rows(ids), ARTICLE_REF_COLUMNS).items()
    }


# --- Representations ---------------------------------------------------------------------------


def _prefixed(row: Row, prefix: str, columns: tuple[str, ...]) -> Row:
    return {column: row[f"{prefix}{column}"] for column in columns}


def _copied(row: Row, *columns: str) -> Row:
    """The columns whose JSON is their value as it is (texts, ids, choices)."""
    return {column: row[column] for column in columns}


def _pages(out: Output, name: str, slug: str) -> Row:
    """ "url" and "api_url" of a record with a public page and an API detail, both by slug."""
    return {"url": out.by_slug(f"commitments:{name}-detail", slug), "api_url": out.by_slug(f"api:{name}-detail", slug)}


def _stamps(row: Row, out: Output) -> Row:
    return {"created_at": out.moment(row["created_at"]), "updated_at": out.moment(row["updated_at"])}


def _grouped(rows: Iterable[tuple], columns: tuple[str, ...]) -> dict[int, list[Row]]:
    """{first value: [the rest as a dict of `columns`]}, in the rows' order."""
    grouped: dict[int, list[Row]] = defaultdict(list)
    for key, *values in rows:
        grouped[key].append(dict(zip(columns, values, strict=True)))
    return grouped


def commitment_ref(row: Row, out: Output) -> Row:
    return {**_copied(row, *COMMITMENT_REF_COLUMNS), **_pages(out, "commitment", row["slug"])}


def statement_ref(row: Row, out: Output) -> Row:
    return {
        **_copied(row, "id", "slug", "title"),
        "made_on": _date(row["made_on"]),
        **_pages(out, "statement", row["slug"]),
    }


def article_ref(row: Row, out: Output) -> Row:
    return {
        "id": row["id"],
        "title": row["title"],
        "publisher": row["publisher"],
        "published_on": _date(row["published_on"]),
        "url": row["url"] or None,
        "api_url": out.by_id("api:article-detail", row["id"]),
    }


def commitment(row: Row, out: Output, today: datetime.date) -> Row:
    """One commitment row, with its "themes", "actors" (rows.with_names) and "party_statuses", as
    the API shows it."""
    status, slug, target_date = row["status"], row["slug"], row["target_date"]
    return {
        "id": row["id"],
        "slug": slug,
        "title": row["title"],
        "summary": row["summary"],
        "wording": row["wording"],
        "status": status,
        "status_label": STATUS_LABELS[status],
        "score": STATUS_SCORES[status],
        "is_overdue": is_overdue(target_date, status, today),
        "status_as_of": row["status_as_of"],
        "last_assessed": row["last_assessed"],
        "status_rationale": row["status_rationale"],
        "status_evidence": row["status_evidence"],
        "party_statuses": row["party_statuses"],
        "target_date": _date(target_date),
        "target_wording": row["target_wording"],
        "amount": _amount(row["amount"]),
        "currency": row["currency"],
        "themes": row["themes"],
        "actors": row["actors"],
        "statement": statement_ref(
            {"id": row["statement_id"], **_prefixed(row, "statement__", STATEMENT_REF_COLUMNS[1:])}, out
        ),
        "lineage": row["lineage"],
        "state": row["state"],
        "url": out.by_slug("commitments:commitment-detail", slug),
        "api_url": out.by_slug("api:commitment-detail", slug),
        "created_at": out.moment(row["created_at"]),
        "updated_at": out.moment(row["updated_at"]),
    }


def _alone(row: Row) -> list[Row]:
    """The lineage of a commitment the public does not see (an editor's draft): itself alone."""
    return [{"slug": row["slug"], "title": row["title"], "made_on": _date(row["statement__made_on"]), "relation": None}]


def commitments(rows: Iterable[Row], request) -> list[Row]:
    """A page of commitment rows as CommitmentSerializer(many=True) shows them: five more queries
    (themes, actors, party statuses, verdicts in force, their evidence), and one more per step of
    the longest lineage among them."""
    return _commitments(rows, Output(request))


def _commitments(rows: Iterable[Row], out: Output) -> list[Row]:
    today = timezone.localdate()
    rows = list(rows)
    ids = [row["id"] for row in rows]
    with pipelined(*first_reads(ids)):  # one round trip for five of the queries
        rows = with_names(rows)
        parties = party_statuses(ids) if rows else {}
        verdicts = verdicts_in_force(ids, out.origin) if rows else {}
        lines = lineages(ids) if rows else {}
    for row in rows:
        row["party_statuses"] = parties.get(row["id"], [])
        row.update(verdicts.get(row["id"], NO_VERDICT))
        row["lineage"] = api_lineage(lines[row["id"]]) if row["id"] in lines else _alone(row)
    return [commitment(row, out, today) for row in rows]


def commitment_detail(row: Row, request) -> Row:
    """One commitment row as CommitmentDetailSerializer shows it: eight more queries, and one
    more per step of its lineage."""
    out = Output(request)
    ids = [row["id"]]
    # Seven of the queries need only the commitment's id: one round trip (prepared.pipelined).
    with pipelined(*first_reads(ids), (_TIMELINE, [ids]), (_LINKS, [ids])):
        data = _commitments([row], out)[0]
        timeline, links = _TIMELINE.rows(ids), _LINKS.rows(ids)
    updates = [dict(zip(UPDATE_COLUMNS, values, strict=True)) for values in timeline]
    evidence = _evidence_by_update([update["id"] for update in updates], out) if updates else {}
    data["timeline"] = [
        {
            "id": update["id"],
            "party": update["party__slug"],
            "status": update["status"],
            "status_label": STATUS_LABELS[update["status"]],
            "score": STATUS_SCORES[update["status"]],
            "as_of": _date(update["as_of"]),
            "rationale": update["rationale"],
            "evidence": evidence.get(update["id"], []),
            "corrects": update["corrects_id"],
            "corrected_by": update["corrected_by"],
            "created_at": out.moment(update["created_at"]),
        }
        for update in updates
    ]
    links = [dict(zip(LINK_COLUMNS, values, strict=True)) for values in links]
    data["links"] = [
        {
            "id": link["id"],
            "relation": link["relation"],
            "relation_label": _RELATION_LABELS[link["relation"]],
            "excerpt": link["excerpt"],
            "note": link["note"],
            "article": article_ref(_prefixed(link, "article__", ARTICLE_REF_COLUMNS), out),
            "created_at": out.moment(link["created_at"]),
        }
        for link in links
    ]
    return data


def status_updates(rows: Iterable[Row], request) -> list[Row]:
    """A page of status-update rows as StatusUpdateSerializer(many=True) shows them: one more query."""
    rows = list(rows)
    out = Output(request)
    evidence = _evidence_by_update([row["id"] for row in rows], out) if rows else {}
    return [
        {
            "id": row["id"],
            "commitment": commitment_ref(
                {"id": row["commitment_id"], **_prefixed(row, "commitment__", COMMITMENT_REF_COLUMNS[1:])}, out
            ),
            "party": row["party__slug"],
            "status": row["status"],
            "status_label": STATUS_LABELS[row["status"]],
            "score": STATUS_SCORES[row["status"]],
            "as_of": _date(row["as_of"]),
            "rationale": row["rationale"],
            "evidence": evidence.get(row["id"], []),
            "corrects": row["corrects_id"],
            "corrected_by": row["corrected_by"],
            "state": row["state"],
            "api_url": out.by_id("api:status-update-detail", row["id"]),
            "created_at": out.moment(row["created_at"]),
            "updated_at": out.moment(row["updated_at"]),
        }
        for row in rows
    ]


# --- Themes, actors, statements, articles, links and quotes -------------------------------------
#
# Built from plain rows like the commitments: for these small records a serializer's field
# objects were most of a request (the API's 40 themes: 16 ms of Python around 3.5 ms of SQL).
# Each `*_rows` takes the viewset's queryset (filters and order kept); each list function
# takes a page of those rows and adds their relations, a query per relation for the whole page.

THEME_COLUMNS = ("id", "slug", "name", "description", "parent__slug", "created_at", "updated_at")
ACTOR_COLUMNS = ("id", "slug", "name", "kind", "parent__slug", "role", "aliases", "created_at", "updated_at")
STATEMENT_COLUMNS = (
    "id", "slug", "title", "kind", "made_on", "place", "event", "summary", "state", "commitment_count",
    "created_at", "updated_at",
)  # fmt: skip
ARTICLE_COLUMNS = (
    "id", "title", "url", "publisher", "author", "kind", "published_on", "published_on_source", "retrieved_on",
    "summary", "created_at", "updated_at",
)  # fmt: skip
ARTICLE_LINK_COLUMNS = (
    "id", "relation", "excerpt", "note", "created_at", "updated_at",
    *(f"commitment__{column}" for column in COMMITMENT_REF_COLUMNS),
    *(f"article__{column}" for column in ARTICLE_REF_COLUMNS),
)  # fmt: skip
QUOTE_COLUMNS = (
    "id",
    "text",
    "speaker__slug",
    "speaker__name",
    "article_id",
    "statement_id",
    "created_at",
    "updated_at",
)

_ACTOR_KINDS = {kind.value: str(kind.label) for kind in Actor.Kind}


def plain_rows(columns: tuple[str, ...]) -> Callable[[QuerySet], QuerySet]:
    """The rows of a queryset as `values(*columns)`, without the instances' joins and prefetches."""
    return lambda queryset: queryset.select_related(None).prefetch_related(None).values(*columns)


theme_rows = plain_rows(THEME_COLUMNS)
actor_rows = plain_rows(ACTOR_COLUMNS)
statement_rows = plain_rows(STATEMENT_COLUMNS)
statement_detail_rows = plain_rows((*STATEMENT_COLUMNS, "source_text"))
article_rows = plain_rows(ARTICLE_COLUMNS)
article_link_rows = plain_rows(ARTICLE_LINK_COLUMNS)
quote_rows = plain_rows(QUOTE_COLUMNS)


def themes(rows: Iterable[Row], request) -> list[Row]:
    """Theme rows as ThemeSerializer shows them: the published counts of every theme (one lookup,
    kept under the data version: domain.stats.published_counts)."""
    out, counts = Output(request), published_counts("themes")
    return [
        {
            **_copied(row, "id", "slug", "name", "description"),
            "parent": row["parent__slug"],
            "commitment_count": counts.get(row["id"], 0),
            **_pages(out, "theme", row["slug"]),
            **_stamps(row, out),
        }
        for row in rows
    ]


def actors(rows: Iterable[Row], request) -> list[Row]:
    """Actor rows as ActorSerializer shows them, with the published counts as for themes."""
    out, counts = Output(request), published_counts("actors")
    return [
        {
            **_copied(row, "id", "slug", "name", "kind"),
            "kind_label": _ACTOR_KINDS.get(row["kind"], row["kind"]),
            "parent": row["parent__slug"],
            "role": row["role"],
            "aliases": split_terms(row["aliases"]),
            "commitment_count": counts.get(row["id"], 0),
            **_pages(out, "actor", row["slug"]),
            **_stamps(row, out),
        }
        for row in rows
    ]


def articles(rows: Iterable[Row], request) -> list[Row]:
    """Article rows as ArticleSerializer shows them: no more queries."""
    out = Output(request)
    return [
        {
            **_copied(row, "id", "title"),
            "url": row["url"] or None,
            **_copied(row, "publisher", "author", "kind"),
            "published_on": _date(row["published_on"]),
            "published_on_source": row["published_on_source"],
            "retrieved_on": _date(row["retrieved_on"]),
            "summary": row["summary"],
            "api_url": out.by_id("api:article-detail", row["id"]),
            **_stamps(row, out),
        }
        for row in rows
    ]


_PARTIES = PreparedLookup(
    lambda of: (
        Statement.parties.through.objects.filter(of("statement_id"))
        .order_by("actor__name", "actor_id")
        .values_list("statement_id", "actor__slug", "actor__name")
    )
)
_STATEMENT_ARTICLES = PreparedLookup(
    lambda of: (
        Statement.articles.through.objects.filter(of("statement_id"))
        .order_by("-article__published_on", "-article_id")
        .values_list("statement_id", *(f"article__{column}" for column in ARTICLE_REF_COLUMNS))
    )
)


def statements(rows: Iterable[Row], request) -> list[Row]:
    """Statement rows (annotated with their published commitment_count) as StatementSerializer
    shows them: one more query, their parties."""
    return _statements(list(rows), Output(request))


def _statements(rows: list[Row], out: Output) -> list[Row]:
    parties = _grouped(_PARTIES.rows([row["id"] for row in rows]), ("slug", "name")) if rows else {}
    return [
        {
            **_copied(row, "id", "slug", "title", "kind"),
            "made_on": _date(row["made_on"]),
            **_copied(row, "place", "event", "summary"),
            "parties": parties.get(row["id"], []),
            **_copied(row, "state", "commitment_count"),
            **_pages(out, "statement", row["slug"]),
            **_stamps(row, out),
        }
        for row in rows
    ]


_STATEMENT_COMMITMENTS = PreparedLookup(
    lambda of: (
        Commitment.objects.published()
        .filter(of("statement_id"))
        .order_by("pk")
        .values_list("statement_id", *COMMITMENT_REF_COLUMNS)
    )
)


def statement_detail(row: Row, request) -> Row:
    """One statement row (statement_detail_rows) as StatementDetailSerializer shows it: three more
    queries (its parties, articles and published commitments)."""
    out, ids = Output(request), [row["id"]]
    with pipelined((_PARTIES, [ids]), (_STATEMENT_ARTICLES, [ids]), (_STATEMENT_COMMITMENTS, [ids])):
        data = _statements([row], out)[0]
        articles, commitments = _STATEMENT_ARTICLES.rows(ids), _STATEMENT_COMMITMENTS.rows(ids)
    data["source_text"] = row["source_text"]
    data["articles"] = [article_ref(article, out) for article in _grouped(articles, ARTICLE_REF_COLUMNS)[row["id"]]]
    data["commitments"] = [
        commitment_ref(commitment, out) for commitment in _grouped(commitments, COMMITMENT_REF_COLUMNS)[row["id"]]
    ]
    return data


def article_links(rows: Iterable[Row], request) -> list[Row]:
    """Article-link rows as ArticleLinkSerializer shows them: no more queries."""
    out = Output(request)
    return [
        {
            "id": row["id"],
            "commitment": commitment_ref(_prefixed(row, "commitment__", COMMITMENT_REF_COLUMNS), out),
            "article": article_ref(_prefixed(row, "article__", ARTICLE_REF_COLUMNS), out),
            "relation": row["relation"],
            "relation_label": _RELATION_LABELS[row["relation"]],
            **_copied(row, "excerpt", "note"),
            "api_url": out.by_id("api:article-link-detail", row["id"]),
            **_stamps(row, out),
        }
        for row in rows
    ]


# A quote may point at records the public does not see: only public articles, published
# statements and published commitments are shown.
_PUBLIC_ARTICLES = PreparedLookup(
    lambda of: Article.objects.public().filter(of("id")).order_by().values(*ARTICLE_REF_COLUMNS)
)
_PUBLISHED_STATEMENTS = PreparedLookup(
    lambda of: Statement.objects.published().filter(of("id")).order_by().values(*STATEMENT_REF_COLUMNS)
)
_QUOTED_COMMITMENTS = PreparedLookup(
    lambda of: (
        Quote.commitments.through.objects.filter(of("quote_id"), commitment__in=Commitment.objects.published())
        .order_by("commitment_id")
        .values_list("quote_id", *(f"commitment__{column}" for column in COMMITMENT_REF_COLUMNS))
    )
)


def _by_id(lookup: PreparedLookup, ids: list[int]) -> dict[int, Row]:
    return {found["id"]: found for found in lookup.dicts(ids)}


def quotes(rows: Iterable[Row], request) -> list[Row]:
    """Quote rows as QuoteSerializer shows them: three more queries, the page's public articles,
    published statements and published commitments."""
    rows, out = list(rows), Output(request)
    if not rows:
        return []
    articles = list({row["article_id"] for row in rows} - {None})
    statements = list({row["statement_id"] for row in rows} - {None})
    ids = [row["id"] for row in rows]
    with pipelined((_PUBLIC_ARTICLES, [articles]), (_PUBLISHED_STATEMENTS, [statements]), (_QUOTED_COMMITMENTS, [ids])):
        found_articles = _by_id(_PUBLIC_ARTICLES, articles)
        found_statements = _by_id(_PUBLISHED_STATEMENTS, statements)
        commitments_of = _grouped(_QUOTED_COMMITMENTS.rows(ids), COMMITMENT_REF_COLUMNS)
    return [
        {
            "id": row["id"],
            "text": row["text"],
            "speaker": {"slug": row["speaker__slug"], "name": row["speaker__name"]},
            "article": article_ref(found_articles[row["article_id"]], out)
            if row["article_id"] in found_articles
            else None,
            "statement": (
                statement_ref(found_statements[row["statement_id"]], out)
                if row["statement_id"] in found_statements
                else None
            ),
            "commitments": [commitment_ref(commitment, out) for commitment in commitments_of.get(row["id"], [])],
            "api_url": out.by_id("api:quote-detail", row["id"]),
            **_stamps(row, out),
        }
        for row in rows
    ]

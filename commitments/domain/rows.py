"""Commitments as plain rows: for the lists read most (the API's and the public list pages'),
for the downloads and the API's CSV (records), and their one order (ordering_expressions).

A page of commitments built as model instances with prefetched themes and actors spends more
time creating instances and related managers than the database spends answering (bench/README.md
has the profiles). These helpers read the same records as `values()` rows, in the same number of
queries: the page, then one query per relation for the whole page.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.utils import timezone

from commitments.domain.lineage import PUBLIC_PREDECESSOR, download_columns, first_step, public_predecessor
from commitments.infra.paths import detail_path, detail_path_parts, is_plain
from commitments.infra.prepared import PreparedLookup
from commitments.models import LATEST_FIRST, STATUS_LABELS, STATUS_SCORES, Commitment, Status, StatusUpdate, is_overdue

Row = dict[str, Any]


def _names(relation: str) -> PreparedLookup:
    through = getattr(Commitment, relation).through
    target = relation[:-1]  # themes -> theme, actors -> actor
    return PreparedLookup(
        lambda of: (
            through.objects.filter(of("commitment_id"))
            .order_by(f"{target}__name", f"{target}_id")
            .values_list("commitment_id", f"{target}__slug", f"{target}__name")
        )
    )


_NAMES = {relation: _names(relation) for relation in ("themes", "actors")}


def names_by_commitment(relation: str, ids: Iterable[int]) -> dict[int, list[Row]]:
    """{commitment id: [{"slug", "name"}, …]} of the commitments' "themes" or "actors".

    Through the link table only, in the related model's order (name), then by id so that equal
    names keep a stable order.
    """
    grouped: dict[int, list[Row]] = defaultdict(list)
    for commitment_id, slug, name in _NAMES[relation].rows(ids):
        grouped[commitment_id].append({"slug": slug, "name": name})
    return grouped


# What an item of the public lists shows (templatetags/tracker.py, commitment_items).
LIST_ITEM_COLUMNS = (
    "id", "slug", "title", "status", "target_date", "statement__slug", "statement__title", "statement__made_on",
)  # fmt: skip


def with_names(rows: list[Row]) -> list[Row]:
    """`rows` (commitment rows with their "id"), each given its "themes" and "actors" as
    {"slug", "name"} lists: two queries for all of them, none when there are no rows."""
    ids = [row["id"] for row in rows]
    themes = names_by_commitment("themes", ids) if ids else {}
    actors = names_by_commitment("actors", ids) if ids else {}
    for row in rows:
        row["themes"], row["actors"] = themes.get(row["id"], []), actors.get(row["id"], [])
    return rows


def list_items(page) -> list[Row]:
    """The commitments of `page` (a queryset, usually a page's slice) as rows for
    commitment_items, each with its "themes" and "actors": three queries."""
    return with_names(list(page.prefetch_related(None).values(*LIST_ITEM_COLUMNS)))


# --- The order of commitments: the `ordering` of the list page, the downloads and the API ------

# The names `ordering` accepts, each optionally prefixed with "-" for descending order.
ORDERING_FIELDS = ("title", "status", "target_date", "made_on", "created_at", "updated_at")


def _status_position() -> Case:
    # The vocabulary's order (not rated … broken), not the alphabet of the stored values.
    return Case(*(When(status=status, then=Value(i)) for i, status in enumerate(Status)), output_field=IntegerField())


def ordering_expressions(names: Iterable[str]) -> list:
    """ORDER BY for `ordering` values such as ["-target_date", "title"], ties broken by id.

    Status sorts in the vocabulary's order; commitments without a target date come last in both
    directions, on both databases (PostgreSQL would put them first when descending, SQLite first
    when ascending)."""
    expressions = []
    for name in names:
        descending, field = name.startswith("-"), name.lstrip("-")
        if field == "status":
            expression = _status_position()
        elif field == "made_on":
            expression = F("statement__made_on")
        else:
            expression = F(field)
        nulls_last = True if field == "target_date" else None
        expressions.append(
            expression.desc(nulls_last=nulls_last) if descending else expression.asc(nulls_last=nulls_last)
        )
    return [*expressions, F("id").asc()]


# --- Records for citing and mirroring: the downloads and the API's CSV --------------------------

# The columns of /export/commitments.csv and of /api/v1/commitments/?format=csv, in order; the
# keys of each record of the JSON downloads. docs/api.md describes each one, and
# site/exports.py's data package gives their types.
RECORD_COLUMNS = (
    "id", "slug", "title", "status", "status_label", "score", "is_overdue",
    "status_as_of", "last_assessed", "status_rationale", "status_evidence", "party_statuses",
    "target_date", "target_wording", "amount", "currency", "themes", "actors",
    "statement_slug", "statement_title", "statement_made_on", "predecessor", "predecessor_relation",
    "wording", "summary", "url", "statement_url", "api_url", "created_at", "updated_at",
)  # fmt: skip

_RECORD_SOURCE = (
    "id", "slug", "title", "status", "target_date", "target_wording", "amount", "currency", "wording", "summary",
    "created_at", "updated_at", "statement__slug", "statement__title", "statement__made_on",
    "predecessor_relation", PUBLIC_PREDECESSOR,
)  # fmt: skip


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime.datetime) -> str:
    # UTC, written with Z as the API writes it.
    text = value.astimezone(datetime.UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


_VERDICTS = PreparedLookup(
    lambda of: (
        StatusUpdate.objects.counting()
        .filter(of("commitment_id"), party=None)
        .order_by("commitment_id", *LATEST_FIRST)
        .values_list("commitment_id", "id", "status", "as_of", "rationale")
    )
)
_VERDICT_EVIDENCE = PreparedLookup(
    lambda of: (
        StatusUpdate.evidence.through.objects.filter(of("statusupdate_id"))
        .order_by("-article__published_on", "-article_id")
        .values_list("statusupdate_id", "article_id", "article__url")
    )
)


def verdicts_in_force(ids: list[int], origin: str) -> dict[int, Row]:
    """{commitment id: {"status_as_of", "last_assessed", "status_rationale", "status_evidence"}}
    for the commitments of `ids` that have a counting whole-commitment verdict: two queries.

    The verdict in force is the latest counting one (the rule of models.latest_status); it may
    repeat the status of the one before, so `status_as_of` is the date of the earliest verdict of
    the unbroken run that gave the status, `last_assessed` the date of the latest. Evidence is
    given by the article's own address, or its address in the API when the tracker holds only a copy.
    """
    found: dict[int, Row] = {}
    current: dict[int, int] = {}  # update id -> commitment id
    run_open: dict[int, bool] = {}
    for commitment_id, update_id, status, as_of, rationale in _VERDICTS.rows(ids):
        entry = found.get(commitment_id)
        if entry is None:
            found[commitment_id] = {
                "status": status,
                "status_as_of": _date(as_of),
                "last_assessed": _date(as_of),
                "status_rationale": rationale,
                "status_evidence": [],
            }
            current[update_id], run_open[commitment_id] = commitment_id, True
        elif run_open[commitment_id]:
            if status == entry["status"]:
                entry["status_as_of"] = _date(as_of)
            else:
                run_open[commitment_id] = False
    if current:
        for update_id, article_id, url in _VERDICT_EVIDENCE.rows(current):
            address = url or origin + detail_path("api:article-detail", pk=article_id)
            found[current[update_id]]["status_evidence"].append(address)
    for entry in found.values():
        del entry["status"]
    return found


_PARTY_VERDICTS = PreparedLookup(
    lambda of: (
        StatusUpdate.objects.party_verdicts()
        .filter(of("commitment_id"))
        .order_by("party__name", "party_id")
        .values_list("commitment_id", "party__slug", "status", "as_of")
    )
)


def party_statuses(ids: list[int]) -> dict[int, list[Row]]:
    """{commitment id: [{"party", "status", "as_of"}, …]}: each party's verdict in force, by
    party name (StatusUpdate.is_current, kept by the status service): one query."""
    grouped: dict[int, list[Row]] = defaultdict(list)
    for commitment_id, party, status, as_of in _PARTY_VERDICTS.rows(ids):
        grouped[commitment_id].append({"party": party, "status": status, "as_of": _date(as_of)})
    return grouped


def first_reads(ids: list[int]) -> list[tuple[PreparedLookup, list[list[int]]]]:
    """What commitment rows read knowing only their ids (themes, actors, party statuses,
    verdicts, the first step of their lineages), to read together (prepared.pipelined)."""
    lists = [ids]
    return [
        (_NAMES["themes"], lists),
        (_NAMES["actors"], lists),
        (_PARTY_VERDICTS, lists),
        (_VERDICTS, lists),
        first_step(ids),
    ]


NO_VERDICT: Row = {"status_as_of": None, "last_assessed": None, "status_rationale": None, "status_evidence": []}


def _addresses(origin: str, view_name: str) -> Callable[[str], str]:
    """slug -> the absolute address of `view_name` for it, its pattern reversed once (paths.py)."""
    before, after = detail_path_parts(view_name, "slug")

    def address(slug: str) -> str:
        if is_plain("slug", slug):
            return f"{origin}{before}{slug}{after}"
        return origin + detail_path(view_name, slug=slug)

    return address


def _records(rows: list[Row], origin: str, today: datetime.date) -> list[Row]:
    if not rows:
        return []
    page = _addresses(origin, "commitments:commitment-detail")
    statement_page = _addresses(origin, "commitments:statement-detail")
    api = _addresses(origin, "api:commitment-detail")
    ids = [row["id"] for row in rows]
    themes, actors = names_by_commitment("themes", ids), names_by_commitment("actors", ids)
    parties, verdicts = party_statuses(ids), verdicts_in_force(ids, origin)
    records = []
    for row in rows:
        pk, slug, status, statement = row["id"], row["slug"], row["status"], row["statement__slug"]
        records.append(
            {
                "id": pk,
                "slug": slug,
                "title": row["title"],
                "status": status,
                "status_label": STATUS_LABELS[status],
                "score": STATUS_SCORES[status],
                "is_overdue": is_overdue(row["target_date"], status, today),
                **verdicts.get(pk, NO_VERDICT),
                "party_statuses": parties.get(pk, []),
                "target_date": _date(row["target_date"]),
                "target_wording": row["target_wording"],
                "amount": str(row["amount"]) if row["amount"] is not None else None,
                "currency": row["currency"],
                "themes": [theme["slug"] for theme in themes.get(pk, ())],
                "actors": [actor["slug"] for actor in actors.get(pk, ())],
                "statement_slug": statement,
                "statement_title": row["statement__title"],
                "statement_made_on": _date(row["statement__made_on"]),
                **download_columns(row),  # the predecessor's slug and the relation, when public
                "wording": row["wording"],
                "summary": row["summary"],
                "url": page(slug),
                "statement_url": statement_page(statement),
                "api_url": api(slug),
                "created_at": _moment(row["created_at"]),
                "updated_at": _moment(row["updated_at"]),
            }
        )
    return records


def records(queryset: QuerySet[Commitment], origin: str, chunk_size: int = 500) -> Iterator[Row]:
    """The commitments of `queryset` (its filters and order kept) as records of RECORD_COLUMNS,
    read as plain rows, `chunk_size` at a time, and yielded as they are read: one query for the
    rows (their statement joined), then five per chunk (themes, actors, party statuses, verdicts
    in force, their evidence). `origin` ("https://host") makes the addresses absolute."""
    today = timezone.localdate()
    rows = (
        queryset.prefetch_related(None)
        .annotate(**{PUBLIC_PREDECESSOR: public_predecessor()})
        .values(*_RECORD_SOURCE)
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(itertools.islice(rows, chunk_size)):
        yield from _records(chunk, origin, today)

"""Lossless export and restore of the tracker's records as one versioned JSON document.

The document holds every theme, actor, article (cleaned and raw text), statement, commitment,
status update (with evidence), article link and quote, with ids, publication states and
timestamps. Sections and records are in id order and keys are sorted, so two exports of the same
data are byte-identical. A checksum over the records catches a damaged or hand-edited file.

People are referenced by username, never with their password hashes. A username the target
database does not know becomes an inactive account without a usable password, so authorship
survives a restore and nobody gains a login by it (`create_editor` can activate it later).

Not in the document: the change history, user accounts, login-lockout records and reader
submissions (the public's messages to the analysts, with their e-mail addresses). A full backup
of those is a `pg_dump` (docs/operations.md).

The full export is private: it holds drafts, articles' full texts and the usernames of staff.
`export_dataset(public=True)` writes only what the public may see (PUBLIC_ROWS): published
statements and commitments, their status updates, article links and quotes, the articles they
cite (without their text), and every theme and actor; no user field at all, and references to
records left out are emptied. Such a document says `"scope": "public"` and cannot be restored.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from commitments.domain.search_index import refresh_search_documents
from commitments.domain.services import sync_status, updates_in_force
from commitments.lineage import lineage_problems
from commitments.models import (
    RATED_STATUSES,
    Actor,
    Article,
    ArticleLink,
    Commitment,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
    content_hash,
    latest_status,
)

FORMAT = "commitment-tracker-dataset"
# 2: status updates carry their publication state, party, the update they correct, who last
# edited them and whether they are in force; statements and commitments who created and last
# edited them. Version 1 files are still read: their updates were all public, so they are
# restored as published, with no party.
VERSION = 2
READABLE_VERSIONS = (1, 2)

# Restore order: each section refers only to earlier sections, to users, or to itself (parents).
SECTIONS: dict[str, type[models.Model]] = {
    "themes": Theme,
    "actors": Actor,
    "articles": Article,
    "statements": Statement,
    "commitments": Commitment,
    "status_updates": StatusUpdate,
    "article_links": ArticleLink,
    "quotes": Quote,
}
SECTION_OF = {model: name for name, model in SECTIONS.items()}
RESTORE_REASON = "Restored from a dataset export"

# What a public export holds of each section: the same rules as the public pages and the API.
PUBLIC_ROWS = {
    "themes": lambda: Theme.objects.all(),
    "actors": lambda: Actor.objects.all(),
    "articles": lambda: Article.objects.public(),
    "statements": lambda: Statement.objects.published(),
    "commitments": lambda: Commitment.objects.published(),
    "status_updates": lambda: StatusUpdate.objects.published(),
    "article_links": lambda: ArticleLink.objects.filter(commitment__in=Commitment.objects.published()),
    "quotes": lambda: Quote.objects.published(),
}
# Article texts are other publishers' work; the public reads them at their address.
PUBLIC_OMITTED_FIELDS = {"articles": {"body", "raw_text"}}


class DatasetError(Exception):
    """The file cannot be restored; the message says why. Nothing has been written."""


@dataclass
class ImportReport:
    created: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    placeholder_users: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{name}: {self.created[name]} restored"
            + (f", {self.skipped[name]} already present" if self.skipped[name] else "")
            for name in SECTIONS
        ]
        if self.placeholder_users:
            out.append(f"inactive accounts created for unknown usernames: {', '.join(sorted(self.placeholder_users))}")
        return out


# --- Fields


def _fields(model: type[models.Model]) -> list[models.Field]:
    """The stored fields of a model, many-to-many included; values computed by the database are left out."""
    concrete = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
    return concrete + list(model._meta.many_to_many)


def _is_user_field(f: models.Field) -> bool:
    return f.is_relation and f.related_model is get_user_model()


def _encode(f: models.Field, value: Any, usernames: dict[int, str]) -> Any:
    if value is None:
        return None
    if _is_user_field(f):
        return usernames[value]
    if isinstance(f, models.DateTimeField):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(f, models.DateField):
        return value.isoformat()
    if isinstance(f, models.DecimalField):
        return format(value.quantize(Decimal(1).scaleb(-f.decimal_places)), "f")
    return value


def _decode(f: models.Field, value: Any) -> Any:
    """A JSON value back to a Python value for `f`; ValueError/TypeError on a value of the wrong kind."""
    if value is None:
        if not f.null:
            raise ValueError("may not be null")
        return None
    if f.many_to_many:
        if not isinstance(value, list) or not all(type(v) is int for v in value):
            raise ValueError("must be a list of ids")
        return value
    if _is_user_field(f):
        if not isinstance(value, str) or not value:
            raise ValueError("must be a username")
        return value
    if f.is_relation or f.primary_key:
        if type(value) is not int:
            raise ValueError("must be an id (a whole number)")
        return value
    if isinstance(f, models.DateTimeField):
        parsed = datetime.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("must include a UTC offset")
        return parsed
    if isinstance(f, models.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(f, models.DecimalField):
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError):
            raise ValueError("must be a decimal number written as a string") from None
    if isinstance(f, (models.CharField, models.TextField)) and not isinstance(value, str):
        raise ValueError("must be text")
    return value


# --- Export


def _checksum(records: dict) -> str:
    canonical = json.dumps(records, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_dataset(*, public: bool = False) -> bytes:
    """Every record as one JSON document; the same data always gives the same bytes.

    With `public`, only what the public may see (see the module's docstring)."""
    User = get_user_model()
    usernames = {} if public else dict(User._default_manager.values_list("pk", User.USERNAME_FIELD))
    records: dict[str, list[dict]] = {}
    fresh_transaction = not connection.in_atomic_block
    with transaction.atomic():
        if fresh_transaction and connection.vendor == "postgresql":
            # Every section read from the same snapshot, even while editors keep working.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for name, model in SECTIONS.items():
            fields = _fields(model)
            if public:
                omitted = PUBLIC_OMITTED_FIELDS.get(name, set())
                fields = [f for f in fields if not _is_user_field(f) and f.name not in omitted]
            plain = [f for f in fields if not f.many_to_many]
            related: dict[str, dict[int, list[int]]] = {}
            for m2m in (f for f in fields if f.many_to_many):
                through = m2m.remote_field.through
                source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
                grouped: dict[int, list[int]] = defaultdict(list)
                for owner, other in through._default_manager.values_list(f"{source}_id", f"{target}_id"):
                    grouped[owner].append(other)
                related[m2m.name] = grouped
            rows = []
            queryset = PUBLIC_ROWS[name]() if public else model._default_manager.all()
            for values in queryset.order_by("pk").values_list(*(f.attname for f in plain)):
                record = {f.name: _encode(f, value, usernames) for f, value in zip(plain, values, strict=True)}
                for m2m_name, grouped in related.items():
                    record[m2m_name] = sorted(grouped.get(record["id"], []))
                rows.append(record)
            records[name] = rows
    if public:
        _drop_references_to_omitted(records)
        for row in records["commitments"]:
            if row.get("predecessor") is None and "predecessor_relation" in row:
                row["predecessor_relation"] = ""  # no relation to a predecessor left out
    document = {
        **({"scope": "public"} if public else {}),
        "format": FORMAT,
        "version": VERSION,
        "counts": {name: len(rows) for name, rows in records.items()},
        "checksum": _checksum(records),
        "records": records,
    }
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _drop_references_to_omitted(records: dict[str, list[dict]]) -> None:
    """Empty each reference to a record a public export left out (a draft predecessor, say)."""
    kept = {name: {row["id"] for row in rows} for name, rows in records.items()}
    for name, model in SECTIONS.items():
        for f in _fields(model):
            if not f.is_relation or _is_user_field(f) or f.name not in (records[name][0] if records[name] else {}):
                continue
            target = kept[SECTION_OF[f.related_model]]
            for row in records[name]:
                if f.many_to_many:
                    row[f.name] = [pk for pk in row[f.name] if pk in target]
                elif row[f.name] is not None and row[f.name] not in target:
                    row[f.name] = None


# --- Import


def read_document(data: bytes) -> dict[str, list[dict]]:
    """Check the document's envelope and return its records; DatasetError when it is not a sound v1 export."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DatasetError(
            f"The file is not UTF-8 text (byte {exc.start}); it is corrupted or not an export."
        ) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"The file is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}): "
            "it is truncated or corrupted."
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DatasetError(f'This is not a commitment tracker dataset (expected "format": "{FORMAT}").')
    if document.get("scope") == "public":
        raise DatasetError(
            "This is a public export (published records only, without staff names or article texts); "
            "it cannot be restored. Restore a full export or a pg_dump backup."
        )
    version = document.get("version")
    if version not in READABLE_VERSIONS:
        raise DatasetError(
            f"Dataset version {version!r} is not supported: this tracker reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}."
        )
    records = document.get("records")
    if not isinstance(records, dict) or set(records) != set(SECTIONS):
        raise DatasetError(f"The dataset must have exactly these sections: {', '.join(SECTIONS)}.")
    counts = document.get("counts") or {}
    for name, rows in records.items():
        if not isinstance(rows, list) or counts.get(name) != len(rows):
            raise DatasetError(
                f"Section {name!r} holds {len(rows) if isinstance(rows, list) else 'no list of'} records "
                f"but the file says {counts.get(name)!r}: the file is damaged."
            )
    if document.get("checksum") != _checksum(records):
        raise DatasetError("The checksum does not match the records: the file was damaged or edited after export.")
    if version == 1:
        for row in records["status_updates"]:
            if isinstance(row, dict):
                row.setdefault("state", "published")
    return records


def document_version(data: bytes) -> int | None:
    try:
        return json.loads(data.decode("utf-8")).get("version")
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return None


def _decode_section(name: str, rows: list) -> list[dict]:
    model = SECTIONS[name]
    by_name = {f.name: f for f in _fields(model)}
    decoded, seen = [], set()
    for index, row in enumerate(rows):
        where = f"{name}[{index}]"
        if not isinstance(row, dict):
            raise DatasetError(f"{where} is not an object.")
        unknown = set(row) - set(by_name)
        if unknown:
            raise DatasetError(f"{where} has fields this tracker does not know: {', '.join(sorted(unknown))}.")
        if "id" not in row:
            raise DatasetError(f"{where} has no id.")
        values = {}
        for key, value in row.items():
            try:
                values[key] = _decode(by_name[key], value)
            except (ValueError, TypeError) as exc:
                raise DatasetError(f"{where} (id {row['id']!r}), field {key!r}: {exc}.") from None
        if values["id"] in seen:
            raise DatasetError(f"{where}: id {values['id']} appears twice.")
        seen.add(values["id"])
        decoded.append(values)
    return decoded


def _natural_key(name: str, obj: models.Model) -> tuple:
    """What identifies a record across databases, for --merge."""
    if name in ("themes", "actors", "statements", "commitments"):
        return (obj.slug,)
    if name == "articles":
        if obj.url:
            return ("url", obj.url)
        if obj.content_hash:
            return ("text", obj.content_hash)
        return ("title", obj.title, obj.published_on)
    if name == "status_updates":
        return (obj.commitment_id, obj.as_of, obj.status)
    if name == "article_links":
        return (obj.commitment_id, obj.article_id)
    return (obj.speaker_id, obj.text)  # quotes


def database_is_empty() -> bool:
    return not any(model._default_manager.exists() for model in SECTIONS.values())


def import_dataset(data: bytes, *, merge: bool = False) -> ImportReport:
    """Restore an export in one transaction; DatasetError (and no change at all) on any problem.

    Into an empty database, ids and timestamps are kept as exported. With `merge`, records whose
    natural key (slug; article URL or text; update's commitment, date and status; link's pair;
    quote's speaker and words) already exists are skipped, the others are added with new ids.
    """
    records = read_document(data)
    sections = {name: _decode_section(name, records[name]) for name in SECTIONS}
    try:
        with transaction.atomic():
            if not merge and not database_is_empty():
                raise DatasetError("The database already holds records: restore into an empty one, or use --merge.")
            report = ImportReport()
            users = _resolve_users(sections, report)
            id_maps: dict[type[models.Model], dict[int, int]] = {}
            created: dict[type[models.Model], set[int]] = {}
            for name, model in SECTIONS.items():
                id_maps[model], created[model] = _restore_section(
                    name, model, sections[name], users, id_maps, merge, report
                )
            _check_invariants(created, recompute_in_force=document_version(data) == 1)
            # Rows and links went in with bulk_create, without signals: write the search documents.
            refresh_search_documents()
            if not merge:
                _reset_sequences()
    except DatasetError:
        raise
    except (DatabaseError, ValidationError) as exc:
        message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc).strip()
        raise DatasetError(f"The database refused the records: {message}") from None
    return report


def _resolve_users(sections: dict[str, list[dict]], report: ImportReport) -> dict[str, int]:
    User = get_user_model()
    wanted = set()
    for name, model in SECTIONS.items():
        user_fields = [f.name for f in _fields(model) if _is_user_field(f)]
        wanted |= {row[f] for row in sections[name] for f in user_fields if row.get(f)}
    known = dict(
        User._default_manager.filter(**{f"{User.USERNAME_FIELD}__in": wanted}).values_list(User.USERNAME_FIELD, "pk")
    )
    for username in sorted(wanted - set(known)):
        user = User(**{User.USERNAME_FIELD: username}, is_active=False)
        user.set_unusable_password()
        user.save()
        known[username] = user.pk
        report.placeholder_users.append(username)
    return known


def _restore_section(name, model, rows, users, id_maps, merge, report) -> tuple[dict[int, int], set[int]]:
    """Insert one section's new records; return old id → new id for all of them, and the new ids."""
    fields = _fields(model)
    plain = [f for f in fields if not f.many_to_many and not f.primary_key]
    self_refs = [f for f in plain if f.is_relation and f.related_model is model]
    auto_times = [f for f in plain if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    existing = {}
    if merge:
        existing = {_natural_key(name, obj): obj.pk for obj in model._default_manager.all()}

    id_map: dict[int, int] = {}
    new_objs, new_rows = [], []
    for row in rows:
        values = {}
        for f in plain:
            if f.name not in row:
                continue  # a field added after the export: the model's default applies
            value = row[f.name]
            if value is not None and f in self_refs:
                value = None  # set below, once every record of the section has its id
            elif value is not None and _is_user_field(f):
                value = users[value]
            elif value is not None and f.is_relation:
                target = id_maps[f.related_model]
                if value not in target:
                    raise DatasetError(f"{name} id {row['id']}: {f.name} refers to a missing record (id {value}).")
                value = target[value]
            values[f.attname] = value
        obj = model(**values)
        if not merge:
            obj.pk = row["id"]
        try:
            # Foreign keys are checked by the database; checking them here costs a query each.
            obj.clean_fields(exclude=[f.name for f in fields if f.is_relation])
        except ValidationError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise DatasetError(f"{name} id {row['id']}: {details}") from None
        key = _natural_key(name, obj) if merge else None
        if key in existing:
            id_map[row["id"]] = existing[key]
            report.skipped[name] += 1
            continue
        if merge:
            existing[key] = None  # a second record with the same key in the file is a duplicate too
        new_objs.append(obj)
        new_rows.append(row)

    model._default_manager.bulk_create(new_objs)
    for obj, row in zip(new_objs, new_rows, strict=True):
        if obj.pk is None:
            raise DatasetError("This database cannot report the ids of inserted rows; use PostgreSQL or SQLite 3.35+.")
        id_map[row["id"]] = obj.pk
    report.created[name] += len(new_objs)

    # bulk_create stamps auto_now fields with the current time: put the exported times back.
    if auto_times and new_objs:
        for obj, row in zip(new_objs, new_rows, strict=True):
            for f in auto_times:
                if f.name in row:
                    setattr(obj, f.attname, row[f.name])
        model._default_manager.bulk_update(new_objs, [f.name for f in auto_times], batch_size=500)
    for f in self_refs:
        changed = []
        for obj, row in zip(new_objs, new_rows, strict=True):
            if row.get(f.name) is not None:
                if row[f.name] not in id_map:
                    raise DatasetError(
                        f"{name} id {row['id']}: {f.name} refers to a missing record (id {row[f.name]})."
                    )
                setattr(obj, f.attname, id_map[row[f.name]])
                changed.append(obj)
        model._default_manager.bulk_update(changed, [f.name], batch_size=500)

    for m2m in (f for f in fields if f.many_to_many):
        through = m2m.remote_field.through
        source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
        target_map = id_maps[m2m.related_model]
        links = []
        for obj, row in zip(new_objs, new_rows, strict=True):
            for other in row.get(m2m.name, []):
                if other not in target_map:
                    raise DatasetError(f"{name} id {row['id']}: {m2m.name} refers to a missing record (id {other}).")
                links.append(through(**{f"{source}_id": obj.pk, f"{target}_id": target_map[other]}))
        through._default_manager.bulk_create(links)

    # Each restored record starts its history here, with the restored values.
    model.history.bulk_history_create(new_objs, default_change_reason=RESTORE_REASON, default_date=timezone.now())
    return id_map, {obj.pk for obj in new_objs}


def _check_invariants(created: dict[type[models.Model], set[int]], *, recompute_in_force: bool = False) -> None:
    """Refuse the restore when a restored record breaks a rule the services keep.

    A restore writes records as they were exported, past the workflow; what the workflow
    guarantees of a published record is checked here instead: evidence and dates of verdicts,
    the content of commitments, four eyes, and the statuses and updates in force.
    """
    # Updates merged into commitments that were already here move their status: the service
    # decides it. A restored commitment must already agree with its restored updates.
    new_updates = StatusUpdate.objects.filter(pk__in=created[StatusUpdate])
    existing_with_new_updates = set(new_updates.values_list("commitment_id", flat=True)) - created[Commitment]
    for pk in sorted(existing_with_new_updates):
        sync_status(Commitment(pk=pk))
    commitment_ids = created[Commitment]
    if recompute_in_force:  # version 1 knew no updates in force: the service decides them
        for pk in sorted(set(new_updates.values_list("commitment_id", flat=True)) & commitment_ids):
            sync_status(Commitment(pk=pk))
    _check_published_rules(created)
    _check_lineage(created)
    for pk in sorted(set(new_updates.values_list("commitment_id", flat=True)) & commitment_ids):
        expected = updates_in_force(pk)
        actual = set(StatusUpdate.objects.filter(commitment_id=pk, is_current=True).values_list("pk", flat=True))
        if expected != actual:
            raise DatasetError(
                f"Commitment id {pk}: the updates marked in force ({sorted(actual)}) are not the ones the rule "
                f"gives ({sorted(expected)})."
            )
    wrong = (
        Commitment.objects.filter(pk__in=commitment_ids)
        .annotate(expected=latest_status())
        .exclude(status=models.F("expected"))
        .values_list("slug", "status", "expected")[:5]
    )
    if wrong:
        listed = "; ".join(
            f"{slug} says {status} but its latest update says {expected}" for slug, status, expected in wrong
        )
        raise DatasetError(f"Commitment status must equal the latest status update: {listed}.")
    for article in Article.objects.filter(pk__in=created[Article]).only("pk", "body", "content_hash"):
        expected = content_hash(article.body) if article.body.strip() else ""
        if article.content_hash != expected:
            raise DatasetError(f"Article id {article.pk}: its content hash does not match its text.")


def _check_published_rules(created: dict[type[models.Model], set[int]]) -> None:
    published = models.Q(state="published")
    updates = StatusUpdate.objects.filter(published, pk__in=created[StatusUpdate])
    bare = updates.filter(status__in=RATED_STATUSES, evidence__isnull=True).values_list("pk", flat=True)[:5]
    if bare:
        raise DatasetError(f"Published rated status updates without evidence: ids {', '.join(map(str, bare))}.")
    today = timezone.localdate()
    out_of_range = updates.filter(
        models.Q(as_of__gt=today) | models.Q(as_of__lt=models.F("commitment__statement__made_on"))
    ).values_list("pk", flat=True)[:5]
    if out_of_range:
        raise DatasetError(
            f"Status updates dated after today or before their statement: ids {', '.join(map(str, out_of_range))}."
        )
    commitments = Commitment.objects.filter(published, pk__in=created[Commitment])
    incomplete = commitments.filter(
        models.Q(wording="") | models.Q(actors__isnull=True) | models.Q(themes__isnull=True)
    ).values_list("slug", flat=True)[:5]
    if incomplete:
        raise DatasetError(f"Published commitments without wording, actor or theme: {', '.join(incomplete)}.")
    orphaned = commitments.exclude(statement__state="published").values_list("slug", flat=True)[:5]
    if orphaned:
        raise DatasetError(f"Published commitments of unpublished statements: {', '.join(orphaned)}.")
    if settings.FOUR_EYES:
        for model, created_field in ((Statement, "created_by"), (Commitment, "created_by"), (StatusUpdate, "author")):
            self_published = (
                model.objects.filter(published, pk__in=created[model], state_changed_by__isnull=False)
                .filter(
                    models.Q(state_changed_by=models.F(created_field))
                    | models.Q(state_changed_by=models.F("last_edited_by"))
                )
                .values_list("pk", flat=True)[:5]
            )
            if self_published:
                raise DatasetError(
                    f"{model._meta.verbose_name_plural.capitalize()} published by their own author (four eyes): "
                    f"ids {', '.join(map(str, self_published))}."
                )


def _check_lineage(created: dict[type[models.Model], set[int]]) -> None:
    """The lineage rules (commitments.lineage) over the restored commitments that name a predecessor:
    the bulk inserts skip the save guard that holds them elsewhere."""
    linked = Commitment.objects.filter(pk__in=created[Commitment]).filter(
        models.Q(predecessor__isnull=False) | ~models.Q(predecessor_relation="")
    )
    for commitment in linked.select_related("statement").order_by("pk"):
        problems = lineage_problems(commitment)
        if problems:
            details = " ".join(message for messages in problems.values() for message in messages)
            raise DatasetError(f"Commitment {commitment.slug}: {details}")


def _reset_sequences() -> None:
    """Explicit ids leave PostgreSQL's sequences behind; move them past the restored ids."""
    restored = list(SECTIONS.values())
    restored += [f.remote_field.through for model in SECTIONS.values() for f in model._meta.many_to_many]
    statements = connection.ops.sequence_reset_sql(no_style(), restored)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

"""Lossless export and restore (export_dataset / import_dataset), on whichever database runs the tests."""

import datetime
import io
import json
import os
import stat
import subprocess
import sys
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from commitments.data.dataset import DatasetError, _checksum, export_dataset, import_dataset
from commitments.domain.roles import EDITORS
from commitments.domain.services import change_state, delete_status_update
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    QuoteFactory,
    StaffFactory,
    StatementFactory,
    ThemeFactory,
    verdict,
)

pytestmark = pytest.mark.django_db
User = get_user_model()
# Commitments before their updates: a published update goes only with its commitment.
MODELS = [Quote, ArticleLink, Commitment, StatusUpdate, Statement, Article, Actor, Theme]


@pytest.fixture
def rich_data(seeded):
    """The seed plus a record of every kind of value: parents, drafts, money, authors, raw text."""
    editor = StaffFactory(username="ed", groups=[EDITORS])
    publisher = StaffFactory(username="pub")
    parent = ThemeFactory(name="Security", slug="security")
    ThemeFactory(name="Border security", slug="border-security", parent=parent)
    home_office = Actor.objects.get(slug="uk-home-office")
    ActorFactory(name="Border Force", slug="border-force", kind=Actor.Kind.GOVERNMENT_BODY, parent=home_office)
    article = ArticleFactory(raw_text="HEADER\nArticle body\nFOOTER", body="Article body", summary="Ünïcode “quotes”")
    statement = StatementFactory(state=PublicationState.DRAFT)
    commitment = CommitmentFactory(
        statement=statement,
        state=PublicationState.DRAFT,
        amount=Decimal("24000000000.50"),
        currency="GBP",
        target_date=datetime.date(2025, 4, 1),
        themes=[parent],
        actors=[home_office],
    )
    change_state(obj=commitment, state=PublicationState.REVIEW, user=editor)
    verdict(
        commitment=commitment,
        status=Status.IN_PROGRESS,
        as_of=datetime.date(2023, 1, 2),
        rationale="Work began.",
        articles=[article],
        author=editor,
    )
    # A party's own verdict, and a corrected one with its correction.
    wrong = verdict(
        commitment=commitment,
        status=Status.MET,
        as_of=datetime.date(2023, 2, 1),
        party=home_office,
        author=editor,
        articles=[article],
    )
    verdict(
        commitment=commitment,
        status=Status.STALLED,
        as_of=datetime.date(2023, 1, 15),
        party=home_office,
        corrects=wrong,
        articles=[article],
    )
    verdict(
        commitment=commitment,
        status=Status.BROKEN,
        as_of=datetime.date(2023, 3, 1),
        articles=[],
        state=PublicationState.DRAFT,
    )
    ArticleLinkFactory(commitment=commitment, article=article, added_by=publisher, excerpt="Article body")
    quote = QuoteFactory(speaker=ActorFactory(kind=Actor.Kind.PERSON), article=article, statement=statement)
    quote.commitments.set([commitment])
    return commitment


def wipe():
    """Empty the tracker's tables and the user table, as in a freshly migrated database."""
    for model in MODELS:
        model.objects.all().delete()
    User.objects.all().delete()


def test_two_exports_of_the_same_data_are_byte_identical(rich_data):
    assert export_dataset() == export_dataset()


def test_the_export_is_versioned_json_with_every_section(rich_data):
    document = json.loads(export_dataset())
    assert (document["format"], document["version"]) == ("commitment-tracker-dataset", 2)
    assert document["counts"] == {
        "themes": 12,
        "actors": 12,
        "articles": 3,
        "statements": 2,
        "commitments": 14,
        "status_updates": 5,
        "article_links": 2,
        "quotes": 3,
    }
    article = next(a for a in document["records"]["articles"] if a["raw_text"])
    assert "raw_text" in article and "body" in article and "content_hash" in article
    commitment = next(c for c in document["records"]["commitments"] if c["id"] == rich_data.pk)
    assert commitment["state_changed_by"] == "ed" and commitment["amount"] == "24000000000.50"
    assert "password" not in export_dataset().decode()


def test_export_then_restore_into_an_empty_database_then_export_gives_the_same_bytes(rich_data):
    first = export_dataset()
    times = {c.pk: (c.created_at, c.updated_at) for c in Commitment.objects.all()}
    wipe()

    report = import_dataset(first)

    assert export_dataset() == first
    assert {c.pk: (c.created_at, c.updated_at) for c in Commitment.objects.all()} == times
    assert report.created["commitments"] == 14 and sum(report.skipped.values()) == 0
    # Authors come back as inactive accounts that cannot log in.
    assert sorted(report.placeholder_users) == ["ed", "pub"]
    ed = User.objects.get(username="ed")
    assert not ed.is_active and not ed.has_usable_password()
    # Sequences moved past the restored ids: new records still get fresh ids.
    assert ThemeFactory().pk > max(t.pk for t in Theme.objects.exclude(slug__startswith="theme-"))
    # Each restored record starts its history with the restore.
    assert Commitment.history.filter(history_change_reason="Restored from a dataset export").count() == 14


def test_a_restore_into_a_freshly_migrated_database_gives_the_same_bytes(tmp_path, rich_data):
    # Through the commands, as an operator would, into an SQLite file migrated from nothing. When
    # the tests run on PostgreSQL this also moves the data from one database engine to the other.
    dump = tmp_path / "dataset.json"
    call_command("export_dataset", str(dump), stderr=io.StringIO())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "-v0"], ["import_dataset", str(dump)]):
        result = subprocess.run(manage + args, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    again = subprocess.run(manage + ["export_dataset", "-"], cwd=settings.BASE_DIR, env=env, capture_output=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout == dump.read_bytes()


# --- Refusals leave the database untouched


def snapshot():
    return export_dataset(), User.objects.count()


@pytest.fixture
def exported(rich_data):
    data = export_dataset()
    wipe()
    return data


def rewrite(data, change):
    """Apply `change` to the document and fix its checksum, as a careful forger would."""
    document = json.loads(data)
    change(document["records"])
    document["checksum"] = _checksum(document["records"])
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d[: len(d) // 2], "not valid JSON .* truncated or corrupted"),
        (lambda d: b"\xff\xfe" + d, "not UTF-8"),
        (
            lambda d: d.replace(b'"version": 2', b'"version": 3'),
            "version 3 is not supported: this tracker reads versions 1, 2",
        ),
        (lambda d: d.replace(b"commitment-tracker-dataset", b"something-else"), "not a commitment tracker dataset"),
        (lambda d: d.replace(b'"met"', b'"broken"'), "checksum does not match"),
        (lambda d: d.replace(b'"commitments": 14', b'"commitments": 13'), "file says 13: the file is damaged"),
    ],
    ids=["truncated", "binary", "wrong-version", "wrong-format", "edited", "miscounted"],
)
def test_a_damaged_file_is_refused_and_nothing_is_written(exported, damage, message):
    before = snapshot()
    with pytest.raises(DatasetError, match=message):
        import_dataset(damage(exported))
    assert snapshot() == before


def test_a_status_that_disagrees_with_the_latest_update_is_refused_after_everything_was_inserted(exported):
    def break_status(records):
        met = next(c for c in records["commitments"] if c["status"] == "met")
        met["status"] = "broken"

    before = snapshot()
    with pytest.raises(DatasetError, match="says broken but its latest update says met"):
        import_dataset(rewrite(exported, break_status))
    assert snapshot() == before
    assert not User.objects.filter(username="ed").exists()  # placeholder accounts rolled back too


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r["commitments"][0].update(state="live"), "state: Value 'live' is not a valid choice"),
        (lambda r: r["commitments"][0].update(surprise=1), "fields this tracker does not know: surprise"),
        (lambda r: r["commitments"][0].update(statement=999999), "statement refers to a missing record"),
        (lambda r: r["themes"].append(dict(r["themes"][0])), "appears twice"),
        (lambda r: r["articles"][0].update(body="Changed text"), "content hash does not match"),
        (lambda r: r["status_updates"][0].update(as_of="2022-13-45"), "field 'as_of'"),
    ],
    ids=["bad-choice", "unknown-field", "dangling-reference", "duplicate-id", "hash-mismatch", "bad-date"],
)
def test_records_that_break_the_model_rules_are_refused(exported, change, message):
    def apply(records):
        change(records)

    document = json.loads(exported)
    apply(document["records"])
    document["counts"] = {k: len(v) for k, v in document["records"].items()}
    document["checksum"] = _checksum(document["records"])
    with pytest.raises(DatasetError, match=message):
        import_dataset(json.dumps(document).encode())
    assert Theme.objects.count() == 0 and Commitment.objects.count() == 0


def test_a_database_that_holds_records_is_refused_without_merge(rich_data):
    data = export_dataset()
    before = snapshot()
    with pytest.raises(DatasetError, match="already holds records: restore into an empty one, or use --merge"):
        import_dataset(data)
    assert snapshot() == before


# --- Merge


def test_the_new_fields_of_status_updates_are_exported(rich_data):
    updates = json.loads(export_dataset())["records"]["status_updates"]
    mine = [u for u in updates if u["commitment"] == rich_data.pk]
    assert {u["state"] for u in mine} == {"published", "draft"}
    correction = next(u for u in mine if u["corrects"])
    assert correction["party"] is not None and correction["is_current"] is True
    assert next(u for u in mine if u["id"] == correction["corrects"])["is_current"] is False
    assert next(u for u in mine if u["status"] == Status.MET)["last_edited_by"] == "ed"


def test_a_version_1_file_is_read_with_its_updates_published(rich_data):
    document = json.loads(export_dataset())
    records = document["records"]
    records["status_updates"] = [
        u for u in records["status_updates"] if u["party"] is None and u["state"] == "published"
    ]
    new_fields = {
        "status_updates": (
            "state",
            "state_changed_at",
            "state_changed_by",
            "party",
            "corrects",
            "last_edited_by",
            "is_current",
        ),
        "statements": ("created_by", "last_edited_by"),
        "commitments": ("created_by", "last_edited_by"),
    }
    for name, fields in new_fields.items():
        for row in records[name]:
            for f in fields:
                row.pop(f)
    document.update(version=1, counts={k: len(v) for k, v in records.items()}, checksum=_checksum(records))
    wipe()
    import_dataset(json.dumps(document).encode())
    assert StatusUpdate.objects.count() == len(records["status_updates"])
    assert set(StatusUpdate.objects.values_list("state", flat=True)) == {PublicationState.PUBLISHED}
    in_force = StatusUpdate.objects.filter(is_current=True)
    assert in_force.count() == Commitment.objects.filter(updates__isnull=False).distinct().count()
    assert Commitment.objects.get(pk=rich_data.pk).status == Status.IN_PROGRESS


def edited_export(change) -> bytes:
    document = json.loads(export_dataset())
    change(document["records"])
    document["checksum"] = _checksum(document["records"])
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda r: [
                u.update(evidence=[]) for u in r["status_updates"] if u["status"] == "met" and u["party"] is None
            ],
            "Published rated status updates without evidence",
        ),
        (
            lambda r: [u.update(as_of="2099-01-01") for u in r["status_updates"] if u["status"] == "met"],
            "dated after today or before their statement",
        ),
        (
            lambda r: [c.update(themes=[]) for c in r["commitments"] if c["state"] == "published"],
            "Published commitments without wording, actor or theme",
        ),
        (
            lambda r: [
                s.update(state="draft") for s in r["statements"] if s["slug"] == "us-uk-security-cooperation-2021"
            ],
            "Published commitments of unpublished statements",
        ),
        (
            lambda r: [
                u.update(state_changed_by="ed")
                for u in r["status_updates"]
                if u["last_edited_by"] == "ed" and u["state"] == "published"
            ],
            r"published by their own author \(four eyes\)",
        ),
        (
            lambda r: [u.update(is_current=not u["is_current"]) for u in r["status_updates"] if u["corrects"]],
            "not the ones the rule gives",
        ),
    ],
    ids=["no-evidence", "future", "no-theme", "draft-statement", "self-published", "in-force"],
)
def test_a_restore_cannot_publish_what_the_workflow_would_refuse(rich_data, change, message):
    data = edited_export(change)
    wipe()
    with pytest.raises(DatasetError, match=message):
        import_dataset(data)
    assert not Commitment.objects.exists() and not StatusUpdate.objects.exists()


def test_merge_adds_only_what_is_missing_and_the_status_service_decides(seeded):
    data = export_dataset()
    met = Commitment.objects.get(status=Status.MET)
    # A database that never had this update (a published one is never deleted: unpublish it first).
    change_state(obj=met.updates.get(), state=PublicationState.DRAFT, user=None, system=True)
    delete_status_update(update=met.updates.get())
    Theme.objects.get(slug="space").delete()
    assert Commitment.objects.get(pk=met.pk).status == Status.NOT_RATED

    report = import_dataset(data, merge=True)

    assert report.created["status_updates"] == 1 and report.skipped["status_updates"] == 0
    assert report.created["themes"] == 1 and report.skipped["themes"] == 9
    assert report.skipped["commitments"] == 13 and report.created["commitments"] == 0
    assert Commitment.objects.get(pk=met.pk).status == Status.MET
    assert Theme.objects.filter(slug="space").exists()
    # Merging the same file again adds nothing.
    again = import_dataset(data, merge=True)
    assert sum(again.created.values()) == 0


# --- Commands


def test_the_commands_write_and_read_files_and_report_counts(tmp_path, rich_data):
    path = tmp_path / "backup.json"
    call_command("export_dataset", str(path), stderr=io.StringIO())
    assert path.read_bytes() == export_dataset()
    assert not list(tmp_path.glob("*.part"))
    wipe()
    out = io.StringIO()
    call_command("import_dataset", str(path), stdout=out)
    assert "commitments: 14 restored" in out.getvalue() and "Dataset restored." in out.getvalue()


def test_the_import_command_says_nothing_changed_on_a_bad_file(tmp_path, db):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "commitment-tracker-dataset", "version": 1, "rec')
    with pytest.raises(CommandError, match="truncated or corrupted.*Nothing was changed"):
        call_command("import_dataset", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_dataset", str(tmp_path / "missing.json"))


def test_export_to_a_missing_folder_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("export_dataset", str(tmp_path / "nowhere" / "x.json"))


# --- export_dataset --public: only what the public may see, without staff names or article texts


def public_records() -> dict:
    document = json.loads(export_dataset(public=True))
    assert document["scope"] == "public"
    return document["records"]


def ids(rows: list[dict]) -> set[int]:
    return {row["id"] for row in rows}


def test_only_published_records_are_in_it(rich_data):
    records = public_records()

    assert ids(records["commitments"]) == set(Commitment.objects.published().values_list("id", flat=True))
    assert rich_data.pk not in ids(records["commitments"])  # the draft of the fixture
    assert rich_data.statement_id not in ids(records["statements"])
    assert ids(records["statements"]) == set(Statement.objects.published().values_list("id", flat=True))
    assert ids(records["status_updates"]) == set(StatusUpdate.objects.published().values_list("id", flat=True))
    assert not {row["commitment"] for row in records["article_links"]} - ids(records["commitments"])
    assert ids(records["quotes"]) == set(Quote.objects.published().values_list("id", flat=True))
    assert ids(records["articles"]) == set(Article.objects.public().values_list("id", flat=True))
    assert records["commitments"] and records["status_updates"]  # the seed's published records are there


def test_the_full_export_holds_the_drafts(rich_data):
    records = json.loads(export_dataset())["records"]
    assert rich_data.pk in ids(records["commitments"])


def test_no_staff_username_and_no_article_text_is_in_it(rich_data):
    text = export_dataset(public=True).decode()
    records = public_records()

    for username in ("ed", "pub"):
        assert f'"{username}"' not in text
    for section in ("statements", "commitments"):
        assert all("state_changed_by" not in row for row in records[section])
    assert all("author" not in row for row in records["status_updates"])
    assert all("added_by" not in row for row in records["article_links"])
    assert all("body" not in row and "raw_text" not in row for row in records["articles"])
    assert "HEADER\\nArticle body" not in text


def test_references_to_records_left_out_are_emptied(rich_data):
    records = public_records()
    kept_commitments = ids(records["commitments"])
    kept_articles = ids(records["articles"])

    for quote in records["quotes"]:
        assert set(quote["commitments"]) <= kept_commitments
        assert quote["statement"] is None or quote["statement"] in ids(records["statements"])
    for statement in records["statements"]:
        assert set(statement["articles"]) <= kept_articles
    for update in records["status_updates"]:
        assert set(update["evidence"]) <= kept_articles


def test_a_public_export_cannot_be_restored(rich_data):
    with pytest.raises(DatasetError, match="public export"):
        import_dataset(export_dataset(public=True))


def test_the_command_writes_a_public_export_readable_by_its_owner_only(tmp_path, rich_data):
    target = tmp_path / "public.json"

    call_command("export_dataset", str(target), "--public", stderr=io.StringIO())

    assert json.loads(target.read_bytes())["scope"] == "public"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600

"""Load the curated seed data (seeds/*.yaml). Loading the same file again changes nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction

from commitments.domain.services import change_state, record_status_update
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
)

SEED_DIR = settings.BASE_DIR / "seeds"
SEED_FILE = SEED_DIR / "us-uk-security-2021.yaml"


class SeedError(Exception):
    pass


def _terms(value) -> str:
    return "\n".join(value) if isinstance(value, list) else (value or "")


def _slice_body(raw: str, start: str, end: str) -> str:
    begin = raw.find(start)
    finish = raw.find(end, begin)
    if begin < 0 or finish < 0:
        raise SeedError(f"The article text does not contain {start!r} … {end!r}.")
    return raw[begin : finish + len(end)]


class SeedLoader:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.counts: Counter[tuple[str, str]] = Counter()

    def upsert(self, model: type[models.Model], lookup: dict, values: dict, m2m: dict | None = None):
        """Create or update one record, saving only when something differs (so history stays quiet)."""
        obj = model._default_manager.filter(**lookup).first()
        outcome = "unchanged"
        if obj is None:
            obj = model(**lookup, **values)
            obj.save()
            outcome = "created"
        else:
            changed = [name for name, value in values.items() if getattr(obj, name) != value]
            if changed:
                for name in changed:
                    setattr(obj, name, values[name])
                obj.save()
                outcome = "updated"
        for name, targets in (m2m or {}).items():
            manager = getattr(obj, name)
            if set(manager.values_list("pk", flat=True)) != {t.pk for t in targets}:
                manager.set(targets)
                outcome = "updated" if outcome == "unchanged" else outcome
        self.counts[(model._meta.verbose_name_plural, outcome)] += 1
        return obj

    @transaction.atomic
    def load(self) -> Counter:
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise SeedError(f"Cannot read {self.path}: {exc}") from None

        themes = {}
        for row in data.get("themes", []):
            themes[row["slug"]] = self.upsert(
                Theme,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "description": row.get("description", ""),
                    "keywords": _terms(row.get("keywords")),
                },
            )

        actors = {}
        for row in data.get("actors", []):
            parent = actors.get(row["parent"]) if row.get("parent") else None
            if row.get("parent") and parent is None:
                raise SeedError(f"Actor {row['slug']!r} names parent {row['parent']!r} before it is defined.")
            actors[row["slug"]] = self.upsert(
                Actor,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "kind": row["kind"],
                    "parent": parent,
                    "role": row.get("role", ""),
                    "aliases": _terms(row.get("aliases")),
                },
            )

        articles = {}
        for row in data.get("articles", []):
            values = {
                "publisher": row.get("publisher", ""),
                "author": row.get("author", ""),
                "kind": row.get("kind", Article.Kind.NEWS),
                "published_on": row.get("published_on"),
                "published_on_source": row.get("published_on_source", Article.DateSource.UNKNOWN),
                "retrieved_on": row.get("retrieved_on"),
                "summary": row.get("summary", "").strip(),
            }
            if row.get("raw_file"):
                raw = (self.path.parent / row["raw_file"]).read_text(encoding="utf-8")
                values["raw_text"] = raw
                values["body"] = _slice_body(raw, row["body_from"], row["body_until"])
            if row.get("url"):
                lookup, values["title"] = {"url": row["url"]}, row["title"]
            else:
                lookup = {"title": row["title"], "url": ""}
            articles[row["key"]] = self.upsert(Article, lookup, values)

        row = data["statement"]
        statement = self.upsert(
            Statement,
            {"slug": row["slug"]},
            {
                "title": row["title"],
                "kind": row["kind"],
                "made_on": row["made_on"],
                "place": row.get("place", ""),
                "event": row.get("event", ""),
                "summary": row.get("summary", "").strip(),
            },
            m2m={
                "parties": [actors[s] for s in row.get("parties", [])],
                "articles": [articles[k] for k in row.get("articles", [])],
            },
        )

        self.reach_state(statement, data["statement"].get("state", PublicationState.PUBLISHED))

        commitments = {}
        for row in data.get("commitments", []):
            commitments[row["slug"]] = self.upsert(
                Commitment,
                {"slug": row["slug"]},
                {
                    "statement": statement,
                    "title": row["title"],
                    "wording": row["wording"].strip(),
                    "summary": row.get("summary", "").strip(),
                    "target_date": row.get("target_date"),
                    "target_wording": row.get("target_wording", ""),
                    "amount": Decimal(row["amount"]) if row.get("amount") else None,
                    "currency": row.get("currency", ""),
                },
                m2m={
                    "actors": [actors[s] for s in row.get("actors", [])],
                    "themes": [themes[s] for s in row.get("themes", [])],
                },
            )

        for row in data.get("commitments", []):
            self.reach_state(commitments[row["slug"]], row.get("state", PublicationState.PUBLISHED))

        for row in data.get("links", []):
            self.upsert(
                ArticleLink,
                {"commitment": commitments[row["commitment"]], "article": articles[row["article"]]},
                {"relation": row["relation"], "excerpt": row.get("excerpt", ""), "note": row.get("note", "")},
            )

        for row in data.get("quotes", []):
            self.upsert(
                Quote,
                {"speaker": actors[row["speaker"]], "text": " ".join(row["text"].split())},
                {"article": articles.get(row.get("article")), "statement": statement},
                m2m={"commitments": [commitments[s] for s in row.get("commitments", [])]},
            )

        for row in data.get("status_updates", []):
            self.load_status_update(row, commitments, articles)
        return self.counts

    def load_status_update(self, row: dict, commitments: dict, articles: dict) -> None:
        commitment = commitments[row["commitment"]]
        as_of = row["as_of"]
        if not isinstance(as_of, datetime.date):
            raise SeedError(f"Status update for {row['commitment']!r} has no valid as_of date.")
        evidence = [articles[k] for k in row.get("evidence", [])]
        existing = StatusUpdate.objects.filter(commitment=commitment, status=row["status"], as_of=as_of).first()
        if existing is None:
            existing = record_status_update(
                commitment=commitment,
                status=row["status"],
                as_of=as_of,
                rationale=" ".join(row["rationale"].split()),
                articles=evidence,
            )
            self.counts[("status updates", "created")] += 1
        else:
            self.counts[("status updates", "unchanged")] += 1
        self.reach_state(existing, row.get("state", PublicationState.PUBLISHED))

    @staticmethod
    def reach_state(obj, state: str) -> None:
        """Move `obj` to the seed's `state` through the workflow, as curated data (no reviewer to
        check: the seed file is reviewed as code). What publishing needs is still checked."""
        if obj.state == state:
            return
        path = {
            PublicationState.PUBLISHED: [PublicationState.REVIEW, PublicationState.PUBLISHED],
            PublicationState.REVIEW: [PublicationState.REVIEW],
            PublicationState.DRAFT: [PublicationState.DRAFT],
        }[state]
        if obj.state == PublicationState.PUBLISHED:
            path = [PublicationState.DRAFT, *[step for step in path if step != PublicationState.DRAFT]]
        for step in path:
            if obj.state != step:
                try:
                    change_state(obj=obj, state=step, user=None, reason="curated seed", system=True)
                except ValidationError as error:
                    raise SeedError(f"{obj._meta.verbose_name} {obj}: {'; '.join(error.messages)}") from None

"""Text of records: terms of a keywords field, unique slugs, and the hash that spots an article
imported twice. The models use them; so do the import, the demo data and the dataset restore."""

from __future__ import annotations

import hashlib
import re

from django.db import models
from django.utils.text import slugify


def split_terms(text: str) -> list[str]:
    """Split a keywords/aliases field (one per line or comma-separated) into clean terms."""
    return [term.strip() for term in re.split(r"[\n,]", text or "") if term.strip()]


def unique_slug(model: type[models.Model], text: str, *, exclude_pk: int | None = None, max_length: int = 80) -> str:
    base = slugify(text)[:max_length].strip("-") or "item"
    slug, n = base, 2
    taken = model._default_manager.filter(slug=slug)
    while taken.exclude(pk=exclude_pk).exists():
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        taken = model._default_manager.filter(slug=slug)
        n += 1
    return slug


def content_hash(text: str) -> str:
    """Hash of an article's cleaned text, ignoring differences in whitespace."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()

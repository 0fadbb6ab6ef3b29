"""Conditional GET for the public pages, feeds, sitemaps and downloads.

A page's ETag and Last-Modified come from one cheap query for the time of the latest change to
any public table (and of the release, and of today's date), so an unchanged page costs a reader
one round trip and the server one query.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from pathlib import Path

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.views.decorators.http import condition

from commitments.models import Actor, Article, ArticleLink, Commitment, Quote, Statement, StatusUpdate, Theme

# Tables whose changes can alter a public page. The history tables record deletions too, which a
# row's own updated_at cannot; updated_at covers rows written in bulk without history.
_VERSIONED_MODELS = (Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote)


def _release_fingerprint() -> str:
    """Changes when the templates or stylesheet change, so a deploy invalidates cached pages."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent.parent  # the app folder, which holds templates/ and static/
    for path in sorted([*root.glob("templates/**/*.html"), *root.glob("static/**/*.css")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


RELEASE = _release_fingerprint()


@functools.cache  # the same tables and database for the life of the process
def _latest_change_sql() -> str:
    quote = connection.ops.quote_name
    columns = []
    for model in _VERSIONED_MODELS:
        columns.append((quote("updated_at"), quote(model._meta.db_table)))
        columns.append((quote("history_date"), quote(model.history.model._meta.db_table)))
    if connection.vendor == "postgresql":
        # GREATEST of sixteen scalar subqueries (it skips NULLs, as MAX does) is planned in a
        # quarter of the time of the MAX over their UNION ALL: 0.8 instead of 2.2-2.8 ms a page
        # at 100,000 commitments, almost all of it planning.
        return "SELECT GREATEST({})".format(", ".join(f"(SELECT MAX({c}) FROM {t})" for c, t in columns))
    # SQLite's many-argument max() is NULL as soon as one argument is (an empty table).
    branches = " UNION ALL ".join(f"SELECT MAX({c}) AS changed FROM {t}" for c, t in columns)
    return f"SELECT MAX(changed) FROM ({branches}) AS latest"


def latest_change(request: HttpRequest) -> datetime.datetime | None:
    """When public data last changed (one query, memoised on the request)."""
    if not hasattr(request, "_tracker_latest_change"):
        with connection.cursor() as cursor:
            cursor.execute(_latest_change_sql())
            value = cursor.fetchone()[0]
        if isinstance(value, str):  # SQLite hands back text
            value = parse_datetime(value)
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        request._tracker_latest_change = value
    return request._tracker_latest_change


def page_last_modified(request: HttpRequest, *args, **kwargs) -> datetime.datetime | None:
    # Overdue and due-soon depend on today's date, so a page is never older than today's midnight.
    changed = latest_change(request)
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    return max(changed, midnight) if changed else midnight


def page_etag(request: HttpRequest, *args, **kwargs) -> str:
    changed = latest_change(request)
    key = f"{RELEASE}|{changed.isoformat() if changed else '-'}|{timezone.localdate().isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


conditional_page = condition(etag_func=page_etag, last_modified_func=page_last_modified)


class ConditionalMixin:
    @method_decorator(conditional_page)
    def dispatch(self, request, *args, **kwargs):
        return super().dispatch(request, *args, **kwargs)

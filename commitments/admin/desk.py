"""The editorial front page: the admin's index, with the work waiting for each analyst.

Four sections, each a list of links with its count: what waits for review, the user's own drafts,
what was published lately, and published commitments nobody has assessed for
`settings.REASSESS_AFTER_MONTHS`. One query a list: the count comes with the rows (a window
count), so the page costs the same with 3 records or 300,000 (pinned in tests/admin/test_desk.py).
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Window
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Commitment, PublicationState, Statement, StatusUpdate

LIST_SIZE = 8
MODELS = {"statement": Statement, "commitment": Commitment, "status update": StatusUpdate}


def listed(queryset: QuerySet, limit: int = LIST_SIZE) -> tuple[list, int]:
    """The first `limit` rows and how many there are in all, in one query."""
    rows = list(queryset.annotate(desk_total=Window(Count("pk")))[:limit])
    return rows, rows[0].desk_total if rows else 0


def change_url(obj) -> str:
    return reverse(f"admin:commitments_{obj._meta.model_name}_change", args=[obj.pk])


def changelist_url(model, **filters) -> str:
    url = reverse(f"admin:commitments_{model._meta.model_name}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def when(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d}" if moment else ""


def group(noun: str, queryset: QuerySet, meta, all_url: str | None, request: HttpRequest) -> dict | None:
    model = queryset.model
    if not request.user.has_perm(f"commitments.view_{model._meta.model_name}"):
        return None
    rows, total = listed(queryset)
    return {
        "noun": noun if total != 1 else noun.removesuffix("s"),
        "rows": [{"label": str(row), "url": change_url(row), "meta": meta(row)} for row in rows],
        "count": total,
        "all_url": all_url if total > len(rows) else None,
    }


def section(key: str, title: str, groups: list, empty: str) -> dict:
    groups = [g for g in groups if g is not None]
    return {"key": key, "title": title, "groups": groups, "count": sum(g["count"] for g in groups), "empty": empty}


def stale_commitments(today: datetime.date) -> tuple[QuerySet, datetime.date]:
    """Published commitments without a published assessment since the cut-off (and made before it)."""
    cutoff = today - relativedelta(months=settings.REASSESS_AFTER_MONTHS)
    recent = StatusUpdate.objects.filter(commitment=OuterRef("pk"), state=PublicationState.PUBLISHED, as_of__gte=cutoff)
    stale = (
        Commitment.objects.published()
        .filter(statement__made_on__lt=cutoff)
        .exclude(Exists(recent))
        .select_related("statement")
        .order_by("statement__made_on", "id")
    )
    return stale, cutoff


def desk_context(request: HttpRequest) -> dict:
    user = request.user
    if not user.is_active or not user.is_staff:
        return {}
    review, draft, published = PublicationState.REVIEW, PublicationState.DRAFT, PublicationState.PUBLISHED
    mine = Q(created_by=user) | Q(last_edited_by=user)
    by_state = {"state__exact": review}

    def changed(row):
        return f"since {when(row.state_changed_at)}" if row.state_changed_at else ""

    def edited(row):
        return f"changed {when(row.updated_at)}"

    waiting = section(
        "review",
        "Waiting for review",
        [
            group(
                "statements",
                Statement.objects.filter(state=review).order_by("state_changed_at", "id"),
                changed,
                changelist_url(Statement, **by_state),
                request,
            ),
            group(
                "commitments",
                Commitment.objects.filter(state=review).order_by("state_changed_at", "id"),
                changed,
                changelist_url(Commitment, **by_state),
                request,
            ),
            group(
                "status updates",
                StatusUpdate.objects.filter(state=review)
                .select_related("commitment", "party")
                .order_by("state_changed_at", "id"),
                changed,
                changelist_url(StatusUpdate, **by_state),
                request,
            ),
        ],
        "Nothing waits for review.",
    )
    drafts = section(
        "drafts",
        "My drafts",
        [
            group(
                "statements",
                Statement.objects.filter(mine, state=draft).order_by("-updated_at", "-id"),
                edited,
                changelist_url(Statement, state__exact=draft),
                request,
            ),
            group(
                "commitments",
                Commitment.objects.filter(mine, state=draft).order_by("-updated_at", "-id"),
                edited,
                changelist_url(Commitment, state__exact=draft),
                request,
            ),
            group(
                "status updates",
                StatusUpdate.objects.filter(Q(author=user) | Q(last_edited_by=user), state=draft)
                .select_related("commitment", "party")
                .order_by("-updated_at", "-id"),
                edited,
                changelist_url(StatusUpdate, state__exact=draft),
                request,
            ),
        ],
        "You have no drafts open.",
    )
    recent = section(
        "published",
        "Recently published",
        [
            group(
                "commitments",
                Commitment.objects.filter(state=published).order_by("-state_changed_at", "-id"),
                changed,
                changelist_url(Commitment, state__exact=published),
                request,
            ),
            group(
                "status updates",
                StatusUpdate.objects.filter(state=published)
                .select_related("commitment", "party")
                .order_by("-state_changed_at", "-id"),
                changed,
                changelist_url(StatusUpdate, state__exact=published),
                request,
            ),
        ],
        "Nothing published yet.",
    )
    stale, cutoff = stale_commitments(timezone.localdate())
    months = settings.REASSESS_AFTER_MONTHS
    not_assessed = section(
        "stale",
        f"Not assessed for {months} month{'s' if months != 1 else ''}",
        [group("commitments", stale, lambda c: f"made {c.statement.made_on:%Y-%m-%d}", None, request)],
        f"Every published commitment has an assessment since {cutoff:%Y-%m-%d}.",
    )
    return {"desk": [waiting, drafts, recent, not_assessed], "reassess_cutoff": cutoff}

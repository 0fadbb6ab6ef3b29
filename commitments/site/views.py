"""Public pages. Every queryset here starts from the published-only querysets.

Each page's queries are fixed in number (pinned in tests/site/test_queries.py), and every page
answers conditional requests: its ETag and Last-Modified come from one cheap query for the time of
the latest change to any public table, so an unchanged page costs a reader one round trip and the
server one query.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, TemplateView

from commitments.domain import stats
from commitments.domain.rows import list_items
from commitments.domain.search import RankedPaginator
from commitments.models import (
    SETTLED_STATUSES,
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
    published_commitment_count,
)
from commitments.site.conditional import ConditionalMixin
from commitments.site.filters import DEFAULT_ORDERING, ORDERING_LABELS, filter_commitments, modern_pairs
from commitments.site.lineage import page_lineage
from commitments.site.marking import mark_passages

PAGE_SIZE = 25
DASHBOARD_LIST_SIZE = 5
# The list form offers the latest statements by name; any other is reached from its own page,
# which links to the list filtered by it. Keeps the form small when there are thousands.
STATEMENT_CHOICES = 100

# --- Shared querysets -------------------------------------------------------------------------------


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int = PAGE_SIZE, count: int | None = None) -> tuple:
    """The requested page, or the nearest real one with a message saying why.

    `count`, when the caller already knows how many rows `queryset` has, spares counting them again.
    """
    paginator = RankedPaginator(queryset, per_page)
    if count is not None:
        paginator.count = count  # in place of the cached property
    raw = request.GET.get("page", "1")
    message = ""
    try:
        number = int(raw)
    except ValueError:
        number = 1
        message = "The page number must be a whole number; showing the first page."
    if number < 1:
        number, message = 1, "Page numbers start at 1; showing the first page."
    paginator.expect(number)
    if number > paginator.num_pages:
        message = f"There is no page {number}; showing the last page, {paginator.num_pages}."
        number = paginator.num_pages
    return paginator.page(number), message


def query_without(request: HttpRequest, name: str, value: str | None = None) -> str:
    """The current query string without one filter value (or the whole filter), and without a page."""
    pairs = [
        (key, item)
        for key, items in request.GET.lists()
        for item in items
        if key != "page" and not (key == name and (value is None or item == value))
    ]
    return "?" + urlencode(pairs) if pairs else "?"


def query_of(request: HttpRequest, names: set[str]) -> str:
    """The current query string restricted to the parameters `names`; empty when none is given."""
    pairs = [(key, item) for key, items in request.GET.lists() if key in names for item in items]
    return "?" + urlencode(pairs) if pairs else ""


# --- Pages ---------------------------------------------------------------------------------------


class DashboardView(ConditionalMixin, TemplateView):
    template_name = "commitments/dashboard.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        unsettled = Commitment.objects.published().exclude(status__in=SETTLED_STATUSES)
        return {
            **super().get_context_data(**kwargs),
            "stats": stats.dashboard_stats(today=today),
            "latest_updates": StatusUpdate.objects.published().select_related("commitment")[:DASHBOARD_LIST_SIZE],
            "latest_statements": Statement.objects.published().annotate(n_commitments=published_commitment_count())[
                :DASHBOARD_LIST_SIZE
            ],
            "due_soon": unsettled.filter(
                target_date__gte=today, target_date__lte=today + datetime.timedelta(days=stats.DUE_SOON_DAYS)
            ).order_by("target_date", "id")[:DASHBOARD_LIST_SIZE],
            "overdue": Commitment.objects.published()
            .overdue(today)
            .order_by("target_date", "id")[:DASHBOARD_LIST_SIZE],
            "due_soon_days": stats.DUE_SOON_DAYS,
            "today": today,
        }


def tidy_query(request: HttpRequest) -> str | None:
    """The query string without empty fields, page 1 or the default order; None when already tidy.

    A GET form submits every field, so without this a shared address would carry a tail of
    `statement=&overdue=&target_after=…`.
    """
    pairs = [(key, item) for key, items in request.GET.lists() for item in items]
    searching = any(key == "search" and item.strip() for key, item in pairs)
    default_orderings = set() if searching else {",".join(DEFAULT_ORDERING)}
    kept = [
        (key, item)
        for key, item in pairs
        if item.strip()
        and not (key == "ordering" and item in default_orderings)
        and not (key == "page" and item == "1")
    ]
    if kept == pairs:
        return None
    return "?" + urlencode(kept) if kept else ""


# --- One vocabulary: addresses in the site's former parameter names ----------------------------


def modern_query(request: HttpRequest) -> str | None:
    """The query string in the current parameter names (filters.modern_pairs); None when it is."""
    pairs = [(key, item) for key, items in request.GET.lists() for item in items]
    modern = modern_pairs(pairs)
    if modern is None:
        return None
    return "?" + urlencode(modern) if modern else ""


def redirect_legacy_names(view):
    """Answers an address written with the former names (q, due_after, overdue=yes, sort…) with
    a permanent redirect to the same address in the current ones, so old links keep working."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        modern = modern_query(request)
        if modern is not None:
            return HttpResponsePermanentRedirect(request.path + modern)
        return view(request, *args, **kwargs)

    return wrapped


class CommitmentListView(ConditionalMixin, TemplateView):
    """The public list. Its parameters are the API's; parameters it does not know (utm_source and
    other tracking tags) are ignored here, where the downloads refuse them."""

    template_name = "commitments/commitment_list.html"

    def get(self, request, *args, **kwargs):
        # Former names were redirected first (redirect_legacy_names, in urls.py).
        tidy = tidy_query(request)
        if tidy is not None:
            return HttpResponseRedirect(request.path + tidy)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        request = self.request
        filterset = filter_commitments(request.GET)
        # Validation runs the lookups of the theme/actor/statement values given (one query each).
        errors = [
            (filterset.form.fields[name].label if name in filterset.form.fields else "", message)
            for name, messages in filterset.form.errors.items()
            for message in messages
        ]
        page, page_message = paginate(request, filterset.qs)
        cleaned = filterset.form.cleaned_data
        # The downloads refuse parameters they do not know: only the filters go along.
        export_query = query_of(request, names=set(filterset.filters))
        return {
            **super().get_context_data(**kwargs),
            "filter": filterset,
            "page_obj": page,
            "commitments": list_items(page.object_list),
            "errors": errors,
            "page_message": page_message,
            "active_filters": self.active_filters(cleaned),
            # The form shows the order the reader chose; unchosen means "best match, else newest".
            "ordering_chosen": ",".join(cleaned.get("ordering") or ()),
            "ordering_labels": ordering_labels(cleaned.get("ordering")),
            "statuses": list(Status),
            # Plain rows for the check_choices and statement_options tags, which write the
            # hundreds of choices out in Python (templatetags/tracker.py says why).
            "themes": Theme.objects.values("name", "slug"),
            "actors": Actor.objects.values("name", "slug"),
            "statements": self.statement_choices(cleaned.get("statement")),
            "selected": {
                "theme": {t.slug for t in cleaned.get("theme") or ()},
                "actor": {a.slug for a in cleaned.get("actor") or ()},
                "status": set(cleaned.get("status") or ()),
                "statement": cleaned["statement"].slug if cleaned.get("statement") else "",
            },
            "export_query": export_query,
            "more_open": any(
                request.GET.get(name) for name in ("statement", "overdue", "target_after", "target_before")
            ),
        }

    def statement_choices(self, chosen: Statement | None) -> list[dict]:
        choices = list(Statement.objects.published().values("title", "slug", "made_on")[:STATEMENT_CHOICES])
        if chosen is not None and all(choice["slug"] != chosen.slug for choice in choices):
            choices.insert(0, {"title": chosen.title, "slug": chosen.slug, "made_on": chosen.made_on})
        return choices

    def active_filters(self, cleaned: dict) -> list[dict]:
        """Chips for the filters in force, each with the address that removes it."""
        request = self.request
        chips = []
        if cleaned.get("search"):
            chips.append({"label": f"Search: {cleaned['search']}", "url": query_without(request, "search")})
        for name, label in (("theme", "Theme"), ("actor", "Actor")):
            for obj in cleaned.get(name) or ():
                chips.append({"label": f"{label}: {obj.name}", "url": query_without(request, name, obj.slug)})
        for value in cleaned.get("status") or ():
            chips.append({"label": f"Status: {Status(value).label}", "url": query_without(request, "status", value)})
        if cleaned.get("statement"):
            chips.append(
                {"label": f"Statement: {cleaned['statement'].title}", "url": query_without(request, "statement")}
            )
        if cleaned.get("overdue"):
            label = "Overdue only" if cleaned["overdue"] == "true" else "Not overdue"
            chips.append({"label": label, "url": query_without(request, "overdue")})
        if cleaned.get("target_after"):
            chips.append(
                {
                    "label": f"Target date on or after {cleaned['target_after']:%-d %b %Y}",
                    "url": query_without(request, "target_after"),
                }
            )
        if cleaned.get("target_before"):
            chips.append(
                {
                    "label": f"Target date on or before {cleaned['target_before']:%-d %b %Y}",
                    "url": query_without(request, "target_before"),
                }
            )
        return chips


def ordering_labels(chosen: list[str] | None) -> dict[str, str]:
    """The form's choices of order, with an order written in the address that it does not offer."""
    value = ",".join(chosen or ())
    if value in ORDERING_LABELS:
        return ORDERING_LABELS
    return {**ORDERING_LABELS, value: f"As in the address ({value})"}


# --- Staff preview of drafts ------------------------------------------------------------------
# Signed-in staff who may view a record in the admin see its page before it is public ("View on
# site" in the admin), under a "Draft: not public" banner. Such a page is never stored by any
# cache: it is private to the one reader, and the anonymous page cache skips signed-in users.


def may_preview(request: HttpRequest, model) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm(f"commitments.view_{model._meta.model_name}")


class PreviewMixin:
    """For detail views built on `page_queryset(base)`: the public base, or every record for staff."""

    def get_queryset(self):
        model = self.model
        if may_preview(self.request, model):
            return self.page_queryset(model.objects.all(), preview=True)
        return self.page_queryset(model.objects.published())

    def is_public(self, obj) -> bool:
        return obj.state == PublicationState.PUBLISHED

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context.get("preview"):
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = not self.is_public(self.object)
        return context


class CommitmentDetailView(PreviewMixin, ConditionalMixin, DetailView):
    template_name = "commitments/commitment_detail.html"
    model = Commitment

    @staticmethod
    def page_queryset(base: QuerySet, preview: bool = False) -> QuerySet:
        return base.select_related("statement").prefetch_related(
            Prefetch("themes", queryset=Theme.objects.only("name", "slug")),
            Prefetch("actors", queryset=Actor.objects.only("name", "slug", "role")),
            Prefetch("statement__articles", queryset=Article.objects.defer("body", "raw_text")),
            # Published updates only (drafts wait for review, a preview included), corrected ones
            # included: the timeline shows them as corrected. Oldest first: it reads forward from
            # the day the commitment was made.
            Prefetch(
                "updates",
                queryset=StatusUpdate.objects.filter(state=PublicationState.PUBLISHED)
                .select_related("party")
                .order_by("as_of", "created_at", "id")
                .prefetch_related(Prefetch("evidence", queryset=Article.objects.defer("body", "raw_text"))),
            ),
            Prefetch(
                "links",
                queryset=ArticleLink.objects.select_related("article").defer("article__body", "article__raw_text"),
            ),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker", "article")),
        )

    def is_public(self, obj) -> bool:
        return obj.state == obj.statement.state == PublicationState.PUBLISHED

    def get_context_data(self, **kwargs):
        updates = list(self.object.updates.all())
        by_pk = {update.pk: update for update in updates}
        for update in updates:
            update.correction, update.corrected_update = None, by_pk.get(update.corrects_id)
        for update in sorted(updates, key=lambda u: (u.state_changed_at or u.created_at, u.pk)):
            corrected = by_pk.get(update.corrects_id)
            if corrected is not None and corrected.correction is None:
                corrected.correction = update  # the first published correction
        current = {update.party_id: update for update in updates if update.is_current}
        own = {actor.pk: current.get(actor.pk) for actor in self.object.actors.all()}
        return {
            **super().get_context_data(**kwargs),
            "updates": updates,
            "latest": current.get(None),
            # Each party beside the overall verdict: its own, or the overall one applying to it.
            "party_verdicts": [(actor, own[actor.pk]) for actor in self.object.actors.all()],
            "has_party_verdicts": any(own.values()),
            # The same pledge in earlier and later statements (site/lineage.py).
            "lineage": page_lineage(self.object),
        }


class StatementListView(ConditionalMixin, TemplateView):
    template_name = "commitments/statement_list.html"

    def get_context_data(self, **kwargs):
        statements = (
            Statement.objects.published()
            .annotate(n_commitments=published_commitment_count())
            .prefetch_related(Prefetch("parties", queryset=Actor.objects.only("name", "slug")))
        )
        page, page_message = paginate(self.request, statements)
        return {**super().get_context_data(**kwargs), "page_obj": page, "page_message": page_message}


class StatementDetailView(PreviewMixin, ConditionalMixin, DetailView):
    template_name = "commitments/statement_detail.html"
    model = Statement

    @staticmethod
    def page_queryset(base: QuerySet, preview: bool = False) -> QuerySet:
        # A preview shows the statement with the commitments it will carry, drafts included.
        commitments = Commitment.objects.all() if preview else Commitment.objects.published()
        return base.prefetch_related(
            Prefetch("parties", queryset=Actor.objects.only("name", "slug", "role")),
            "articles",
            Prefetch("commitments", queryset=commitments.order_by("id"), to_attr="public_commitments"),
            Prefetch("quotes", queryset=Quote.objects.select_related("speaker", "article")),
        )

    def get_context_data(self, **kwargs):
        statement = self.object
        if statement.source_text.strip():
            texts = [{"title": "Text of the statement", "article": None, "text": statement.source_text}]
        else:
            texts = [
                {"title": article.title, "article": article, "text": article.body}
                for article in statement.articles.all()
                if article.body.strip()
            ]
        marked = [{**text, **mark_passages(text["text"], statement.public_commitments)} for text in texts]
        found = {c.pk for text in marked for c in text["marked"]}
        return {
            **super().get_context_data(**kwargs),
            "texts": marked,
            "unmarked": [c for c in statement.public_commitments if c.pk not in found],
            "totals": stats.status_totals(Commitment.objects.published().filter(statement=statement)),
        }


class ScorecardListView(ConditionalMixin, TemplateView):
    scorecards = staticmethod(stats.theme_scorecards)
    kind = "theme"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "cards": self.scorecards(with_empty=True)}


class ThemeListView(ScorecardListView):
    template_name = "commitments/theme_list.html"
    scorecards = staticmethod(stats.theme_scorecards)


class ActorListView(ScorecardListView):
    template_name = "commitments/actor_list.html"
    scorecards = staticmethod(stats.actor_scorecards)


class ScorecardDetailView(ConditionalMixin, DetailView):
    """A theme's or actor's page: its status mix, mean score and commitments."""

    relation = "themes"

    def get_context_data(self, **kwargs):
        commitments = Commitment.objects.published().filter(**{self.relation: self.object})
        # The totals count the same rows as the pages: 50 ms spared for a theme of 20,000.
        totals = stats.status_totals(commitments, party=self.object if self.relation == "actors" else None)
        page, page_message = paginate(
            self.request, commitments.order_by("-statement__made_on", "id"), count=totals["total"]
        )
        return {
            **super().get_context_data(**kwargs),
            "totals": totals,
            "page_obj": page,
            "commitments": list_items(page.object_list),
            "page_message": page_message,
        }


class ThemeDetailView(ScorecardDetailView):
    template_name = "commitments/theme_detail.html"
    queryset = Theme.objects.select_related("parent")
    relation = "themes"


class ActorDetailView(ScorecardDetailView):
    template_name = "commitments/actor_detail.html"
    queryset = Actor.objects.select_related("parent")
    relation = "actors"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statements"] = Statement.objects.published().filter(parties=self.object)[:20]
        return context


class MethodologyView(ConditionalMixin, TemplateView):
    template_name = "commitments/methodology.html"

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "statuses": list(Status),
            "min_rated": settings.SCORE_MIN_RATED,
            "four_eyes": settings.FOUR_EYES,
        }


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri(reverse("commitments:sitemap"))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Exports and filter combinations are for people and scripts, not for crawling.
        "Disallow: /export/",
        "Disallow: /commitments/?",
        f"Sitemap: {sitemap}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")

"""Atom feeds: published status updates (all, per theme, actor or commitment) and newly published
commitments (all, per theme or actor).

An update's entry is dated by its verdict's `as_of`, the date it speaks for, not by when it was
typed in; its `updated` moves to the time a published correction replaced it. A commitment's
entry is dated by when it became public (itself and its statement published). A feed for a slug
that does not exist answers a JSON 404, as machine-readable addresses do, not the site's page.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import DateTimeField, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.feedgenerator import Atom1Feed

from commitments.models import Actor, Commitment, PublicationState, StatusUpdate, Theme

FEED_SIZE = 50
AUTHOR = "Commitment Tracker"


def start_of(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)


class TrackerFeed(Feed):
    feed_type = Atom1Feed
    author_name = AUTHOR
    # Looked up by slug in the subclasses' get_object; (model, noun) for the 404's message.
    scope: tuple[type, str] | None = None

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except Http404 as exc:
            return JsonResponse({"detail": str(exc) or "Not found."}, status=404)

    def author_link(self) -> str:
        return "/methodology/"

    def link(self, obj=None) -> str:
        return obj.get_absolute_url() if obj is not None else "/"

    def get_object(self, request: HttpRequest, slug: str | None = None):
        if self.scope is None:
            return None
        model, noun = self.scope
        queryset = model.objects.published() if model is Commitment else model.objects.all()
        found = queryset.filter(slug=slug).first()
        if found is None:
            raise Http404(f"No {noun} has the slug {slug!r}.")
        return found


# --- Status updates -------------------------------------------------------------------------------


class UpdatesFeed(TrackerFeed):
    title = "Commitment Tracker: status updates"
    subtitle = "Every published verdict on a commitment, newest first."

    def updates(self, obj) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published()

    def items(self, obj=None):
        # When the first published correction of each update went public: its entry's `updated`.
        corrected = (
            StatusUpdate.objects.filter(corrects=OuterRef("pk"), state=PublicationState.PUBLISHED)
            .order_by()
            .values("corrects")
            .annotate(at=Max(Coalesce("state_changed_at", "created_at")))
            .values("at")
        )
        return (
            self.updates(obj)
            .select_related("commitment", "party")
            .annotate(corrected_at=Subquery(corrected, output_field=DateTimeField()))[:FEED_SIZE]
        )

    def item_title(self, item: StatusUpdate) -> str:
        whose = f" ({item.party.name})" if item.party_id else ""
        correction = ", a correction" if item.corrects_id else ""
        corrected = "; since corrected" if item.corrected_at else ""
        return (
            f"{item.commitment.title}{whose}: {item.get_status_display()} "
            f"(as of {item.as_of:%-d %B %Y}{correction}){corrected}"
        )

    def item_description(self, item: StatusUpdate) -> str:
        return item.rationale

    def item_link(self, item: StatusUpdate) -> str:
        return f"{item.commitment.get_absolute_url()}#update-{item.pk}"

    def item_pubdate(self, item: StatusUpdate) -> datetime.datetime:
        return start_of(item.as_of)

    def item_updateddate(self, item: StatusUpdate) -> datetime.datetime:
        return max(item.corrected_at or start_of(item.as_of), start_of(item.as_of))

    def item_categories(self, item: StatusUpdate) -> list[str]:
        return [item.get_status_display()]


class ThemeUpdatesFeed(UpdatesFeed):
    scope = (Theme, "theme")

    def title(self, obj: Theme) -> str:
        return f"Commitment Tracker: {obj.name}"

    def subtitle(self, obj: Theme) -> str:
        return f"Status updates on commitments about {obj.name}, newest first."

    def updates(self, obj: Theme) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published().filter(commitment__themes=obj)


class ActorUpdatesFeed(UpdatesFeed):
    scope = (Actor, "actor")

    def title(self, obj: Actor) -> str:
        return f"Commitment Tracker: {obj.name}"

    def subtitle(self, obj: Actor) -> str:
        return f"Status updates on commitments owed by {obj.name}, newest first."

    def updates(self, obj: Actor) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published().filter(commitment__actors=obj)


class CommitmentUpdatesFeed(UpdatesFeed):
    scope = (Commitment, "published commitment")

    def title(self, obj: Commitment) -> str:
        return f"Commitment Tracker: {obj.title}"

    def subtitle(self, obj: Commitment) -> str:
        return "Status updates on this commitment, newest first."

    def updates(self, obj: Commitment) -> QuerySet[StatusUpdate]:
        return obj.updates.filter(state=PublicationState.PUBLISHED)


# --- Newly published commitments ------------------------------------------------------------------


class NewCommitmentsFeed(TrackerFeed):
    title = "Commitment Tracker: new commitments"
    subtitle = "Commitments as they are published, newest first."

    def commitments(self, obj) -> QuerySet[Commitment]:
        return Commitment.objects.published()

    def items(self, obj=None):
        # Public from the later of its own publication and its statement's.
        published_at = Greatest(
            Coalesce("state_changed_at", "created_at"), Coalesce("statement__state_changed_at", "statement__created_at")
        )
        return (
            self.commitments(obj)
            .select_related("statement")
            .annotate(published_at=published_at)
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item: Commitment) -> str:
        return item.title

    def item_description(self, item: Commitment) -> str:
        return item.summary or item.wording

    def item_link(self, item: Commitment) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Commitment) -> datetime.datetime:
        return item.published_at

    def item_updateddate(self, item: Commitment) -> datetime.datetime:
        return max(item.updated_at, item.published_at)

    def item_categories(self, item: Commitment) -> list[str]:
        return [item.get_status_display()]


class ThemeCommitmentsFeed(NewCommitmentsFeed):
    scope = (Theme, "theme")

    def title(self, obj: Theme) -> str:
        return f"Commitment Tracker: new commitments on {obj.name}"

    def subtitle(self, obj: Theme) -> str:
        return f"Commitments about {obj.name} as they are published, newest first."

    def commitments(self, obj: Theme) -> QuerySet[Commitment]:
        return Commitment.objects.published().filter(themes=obj)


class ActorCommitmentsFeed(NewCommitmentsFeed):
    scope = (Actor, "actor")

    def title(self, obj: Actor) -> str:
        return f"Commitment Tracker: new commitments by {obj.name}"

    def subtitle(self, obj: Actor) -> str:
        return f"Commitments owed by {obj.name} as they are published, newest first."

    def commitments(self, obj: Actor) -> QuerySet[Commitment]:
        return Commitment.objects.published().filter(actors=obj)

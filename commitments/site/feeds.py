"""Atom feeds of published status updates: all of them, and per theme, actor or commitment."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed

from commitments.models import Actor, Commitment, StatusUpdate, Theme

FEED_SIZE = 50


class UpdatesFeed(Feed):
    feed_type = Atom1Feed
    title = "Commitment Tracker: status updates"
    subtitle = "Every published verdict on a commitment, newest first."

    def link(self, obj=None) -> str:
        return obj.get_absolute_url() if obj is not None else "/"

    def updates(self, obj) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published()

    def items(self, obj=None):
        return self.updates(obj).select_related("commitment", "party")[:FEED_SIZE]

    def item_title(self, item: StatusUpdate) -> str:
        whose = f" ({item.party.name})" if item.party_id else ""
        correction = ", a correction" if item.corrects_id else ""
        return f"{item.commitment.title}{whose}: {item.get_status_display()} (as of {item.as_of:%-d %B %Y}{correction})"

    def item_description(self, item: StatusUpdate) -> str:
        return item.rationale

    def item_link(self, item: StatusUpdate) -> str:
        return f"{item.commitment.get_absolute_url()}#update-{item.pk}"

    def item_pubdate(self, item: StatusUpdate) -> datetime.datetime:
        return item.created_at

    def item_updateddate(self, item: StatusUpdate) -> datetime.datetime:
        return item.updated_at

    def item_categories(self, item: StatusUpdate) -> list[str]:
        return [item.get_status_display()]


class ThemeUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug: str) -> Theme:
        return get_object_or_404(Theme, slug=slug)

    def title(self, obj: Theme) -> str:
        return f"Commitment Tracker: {obj.name}"

    def subtitle(self, obj: Theme) -> str:
        return f"Status updates on commitments about {obj.name}, newest first."

    def updates(self, obj: Theme) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published().filter(commitment__themes=obj)


class ActorUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug: str) -> Actor:
        return get_object_or_404(Actor, slug=slug)

    def title(self, obj: Actor) -> str:
        return f"Commitment Tracker: {obj.name}"

    def subtitle(self, obj: Actor) -> str:
        return f"Status updates on commitments owed by {obj.name}, newest first."

    def updates(self, obj: Actor) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.published().filter(commitment__actors=obj)


class CommitmentUpdatesFeed(UpdatesFeed):
    def get_object(self, request, slug: str) -> Commitment:
        return get_object_or_404(Commitment.objects.published(), slug=slug)

    def title(self, obj: Commitment) -> str:
        return f"Commitment Tracker: {obj.title}"

    def subtitle(self, obj: Commitment) -> str:
        return "Status updates on this commitment, newest first."

    def updates(self, obj: Commitment) -> QuerySet[StatusUpdate]:
        return obj.updates.all()

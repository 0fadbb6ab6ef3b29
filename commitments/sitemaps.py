"""sitemap.xml: the public pages only, from the published querysets."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Actor, Commitment, Statement, Theme


class PagesSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return [
            "commitments:dashboard",
            "commitments:commitment-list",
            "commitments:statement-list",
            "commitments:theme-list",
            "commitments:actor-list",
            "commitments:methodology",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class CommitmentSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Commitment.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, obj: Commitment):
        return obj.updated_at


class StatementSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Statement.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, obj: Statement):
        return obj.updated_at


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.only("slug").order_by("id")


class ActorSitemap(Sitemap):
    def items(self):
        return Actor.objects.only("slug").order_by("id")


SITEMAPS = {
    "pages": PagesSitemap,
    "commitments": CommitmentSitemap,
    "statements": StatementSitemap,
    "themes": ThemeSitemap,
    "actors": ActorSitemap,
}

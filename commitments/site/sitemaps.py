"""sitemap.xml: an index of the public pages' sections, each from the published querysets.

Each section is served in pages of SITEMAP_LIMIT addresses (sitemap-commitments.xml?p=2 …):
search engines read at most 50,000 addresses per file, and smaller files are quicker to build.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from commitments.models import Actor, Commitment, Statement, Theme

SITEMAP_LIMIT = 10_000


class TrackerSitemap(Sitemap):
    limit = SITEMAP_LIMIT


class PagesSitemap(TrackerSitemap):
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


class PublishedSitemap(TrackerSitemap):
    """Published records of `model`, each with the time it last changed."""

    model: type[Commitment] | type[Statement]

    def items(self):
        return self.model.objects.published().only("slug", "updated_at").order_by("id")

    def lastmod(self, obj):
        return obj.updated_at

    def get_latest_lastmod(self):
        # For the index: one aggregate, instead of Django's default of reading every row.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CommitmentSitemap(PublishedSitemap):
    model = Commitment
    changefreq = "weekly"


class StatementSitemap(PublishedSitemap):
    model = Statement
    changefreq = "monthly"


class ThemeSitemap(TrackerSitemap):
    def items(self):
        return Theme.objects.only("slug").order_by("id")


class ActorSitemap(TrackerSitemap):
    def items(self):
        return Actor.objects.only("slug").order_by("id")


SITEMAPS = {
    "pages": PagesSitemap,
    "commitments": CommitmentSitemap,
    "statements": StatementSitemap,
    "themes": ThemeSitemap,
    "actors": ActorSitemap,
}

"""sitemap.xml: an index of the public pages' sections, each from the published querysets.

Each section is served in pages of SITEMAP_LIMIT addresses (sitemap-commitments.xml?p=2 …):
search engines read at most 50,000 addresses per file, and smaller files are quicker to build.

A section is written by `section_view` rather than Django's `sitemap` view: the same XML, byte
for byte, but each address is one formatted string instead of a dict run through the template
engine, and the rows are (slug, updated_at) tuples instead of model instances. At 10,000
addresses that is most of the page's time (tests/site/test_sitemaps.py compares the two).
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Callable
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.contrib.sites.shortcuts import get_current_site
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import http_date

from commitments.infra.paths import detail_path, detail_paths
from commitments.models import Actor, Commitment, Statement, Theme

SITEMAP_LIMIT = 10_000

# What Django's sitemap.xml template prints around the addresses, which it joins without spaces.
_URLSET_START = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n'
)
_URLSET_END = "\n</urlset>\n"


class TrackerSitemap(Sitemap):
    limit = SITEMAP_LIMIT

    def locator(self) -> Callable[[Any], str]:
        """item -> its path, as location(item) gives it, for a whole page of items."""
        return self.location


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


class SlugSitemap(TrackerSitemap):
    """Records listed by slug: rows of (slug, …) read with values_list, no model instances."""

    detail_view: str

    def location(self, row: tuple) -> str:
        return detail_path(self.detail_view, slug=row[0])

    def locator(self) -> Callable[[tuple], str]:
        path = detail_paths(self.detail_view)
        return lambda row: path(row[0])


class PublishedSitemap(SlugSitemap):
    """Published records of `model`, each with the time it last changed."""

    model: type[Commitment] | type[Statement]

    def items(self):
        return self.model.objects.published().order_by("id").values_list("slug", "updated_at")

    def lastmod(self, row: tuple) -> datetime.datetime:
        return row[1]

    def get_latest_lastmod(self):
        # For the index: one aggregate, instead of Django's default of reading every row.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class CommitmentSitemap(PublishedSitemap):
    model = Commitment
    detail_view = "commitments:commitment-detail"
    changefreq = "weekly"


class StatementSitemap(PublishedSitemap):
    model = Statement
    detail_view = "commitments:statement-detail"
    changefreq = "monthly"


class ThemeSitemap(SlugSitemap):
    detail_view = "commitments:theme-detail"

    def items(self):
        return Theme.objects.order_by("id").values_list("slug")


class ActorSitemap(SlugSitemap):
    detail_view = "commitments:actor-detail"

    def items(self):
        return Actor.objects.order_by("id").values_list("slug")


SITEMAPS = {
    "pages": PagesSitemap,
    "commitments": CommitmentSitemap,
    "statements": StatementSitemap,
    "themes": ThemeSitemap,
    "actors": ActorSitemap,
}


def _days() -> Callable[[datetime.date | datetime.datetime], str]:
    """As the template's |date:"Y-m-d": an aware time is shown in the current time zone (looked
    up once for a page of addresses, not once for each)."""
    zone = timezone.get_current_timezone()

    def day(value: datetime.date | datetime.datetime) -> str:
        if isinstance(value, datetime.datetime):
            if value.utcoffset() is not None:
                value = value.astimezone(zone)
            value = value.date()
        return value.isoformat()

    return day


def section_view(request: HttpRequest, section: str, sitemaps: dict[str, type[Sitemap]]) -> HttpResponse:
    """One section's page of addresses, as django.contrib.sitemaps.views.sitemap writes it."""
    if section not in sitemaps:
        raise Http404(f"No sitemap available for section: {section!r}")
    site = sitemaps[section]()
    page = request.GET.get("p", 1)
    try:
        rows = site.paginator.page(page).object_list
    except EmptyPage:
        raise Http404(f"Page {page} empty") from None
    except PageNotAnInteger:
        raise Http404(f"No page '{page}'") from None
    origin = f"{site.get_protocol(request.scheme)}://{site.get_domain(get_current_site(request))}"
    changefreq = f"<changefreq>{escape(site.changefreq)}</changefreq>" if getattr(site, "changefreq", None) else ""
    has_lastmod = hasattr(site, "lastmod")
    location, day = site.locator(), _days()
    latest = None
    parts = [_URLSET_START]
    for row in rows:
        lastmod = site.lastmod(row) if has_lastmod else None
        if lastmod is not None and (latest is None or lastmod > latest):
            latest = lastmod
        parts.append(
            f"<url><loc>{html.escape(origin + location(row))}</loc>"
            + (f"<lastmod>{day(lastmod)}</lastmod>" if lastmod else "")
            + f"{changefreq}</url>"
        )
    parts.append(_URLSET_END)
    response = HttpResponse("".join(parts), content_type="application/xml")
    if latest is not None:
        # As Django's view: the newest address's time, for conditional GETs.
        response["Last-Modified"] = http_date(latest.timestamp())
    return response

"""The sitemap sections are written by hand; they must say exactly what Django's view says."""

import datetime

import pytest
from django.contrib.sitemaps.views import sitemap
from django.test import RequestFactory, override_settings
from django.utils import timezone

from commitments.models import Commitment, PublicationState
from commitments.site.sitemaps import SITEMAPS, section_view
from tests.factories import CommitmentFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def both(section: str, query: dict | None = None):
    request = RequestFactory().get(f"/sitemap-{section}.xml", query or {})
    ours = section_view(request, section=section, sitemaps=SITEMAPS)
    django = sitemap(request, sitemaps=SITEMAPS, section=section)
    django.render()
    return ours, django


@pytest.mark.parametrize("section", list(SITEMAPS))
def test_each_section_is_the_same_as_djangos(seeded, section):
    ours, django = both(section)

    assert ours.content == django.content
    assert ours.content.count(b"<url>") > 0
    assert ours.get("Last-Modified") == django.get("Last-Modified")
    assert ours["Content-Type"] == django["Content-Type"] == "application/xml"


def test_addresses_and_days_are_written_as_djangos_template_writes_them(db):
    # A time just before midnight UTC is already the next day in Tokyo: the day printed is the
    # one in the site's time zone, as the template's date filter prints it.
    late = timezone.make_aware(datetime.datetime(2026, 3, 1, 23, 30), datetime.UTC)
    commitment = CommitmentFactory(slug="fund-r-d")
    Commitment.objects.filter(pk=commitment.pk).update(updated_at=late)
    CommitmentFactory(state=PublicationState.DRAFT, slug="draft-hidden")
    ThemeFactory(slug="space")

    for zone in ("UTC", "Asia/Tokyo"):
        with override_settings(TIME_ZONE=zone), timezone.override(zone):
            for section in ("commitments", "themes"):
                ours, django = both(section)
                assert ours.content == django.content
    assert b"draft-hidden" not in ours.content


def test_an_empty_section_and_pages_past_the_end_match_too(db, monkeypatch):
    from django.http import Http404

    ours, django = both("statements")
    assert ours.content == django.content  # no published statement: an empty urlset
    for page in ("2", "x"):
        with pytest.raises(Http404):
            section_view(RequestFactory().get("/", {"p": page}), section="statements", sitemaps=SITEMAPS)
    with pytest.raises(Http404):
        section_view(RequestFactory().get("/"), section="nothing", sitemaps=SITEMAPS)


def test_a_section_reads_rows_not_models(client, db, django_assert_num_queries):
    for _ in range(30):
        CommitmentFactory()
    # version; the count (for the page); the (slug, updated_at) rows
    with django_assert_num_queries(3):
        response = client.get("/sitemap-commitments.xml")
    assert response.content.count(b"<url>") == 30

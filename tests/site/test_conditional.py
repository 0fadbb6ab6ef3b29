"""Unchanged pages answer 304 to a conditional request; any change to public data refreshes them."""

import datetime

import pytest
from django.utils import timezone
from django.utils.http import parse_http_date

from tests.factories import ArticleLinkFactory, CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

PAGES = ["/", "/commitments/?status=met", "/commitments/c/", "/themes/", "/methodology/", "/feeds/updates/"]


@pytest.fixture
def commitment():
    return CommitmentFactory(slug="c", themes=[ThemeFactory()])


@pytest.mark.parametrize("url", PAGES)
def test_an_unchanged_page_answers_304_to_its_etag(client, commitment, url, django_assert_num_queries):
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(1):  # only the latest-change query
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_an_unchanged_page_answers_304_to_if_modified_since(client, commitment):
    first = client.get("/commitments/c/")
    assert client.get("/commitments/c/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_a_status_update_changes_the_etag(client, commitment):
    before = client.get("/commitments/c/")["ETag"]
    verdict(commitment=commitment, status="met", as_of=datetime.date(2023, 1, 1), rationale="Done.")
    response = client.get("/commitments/c/", HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_a_deletion_changes_the_etag(client, commitment):
    link = ArticleLinkFactory(commitment=commitment)
    before = client.get("/commitments/c/")["ETag"]
    # No remaining row's updated_at moves when a link is deleted; the history row of the deletion does.
    link.delete()
    assert client.get("/commitments/c/")["ETag"] != before


def test_the_etag_changes_with_the_day(client, commitment, monkeypatch):
    before = client.get("/")["ETag"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr("commitments.site.conditional.timezone.localdate", lambda: tomorrow)
    assert client.get("/")["ETag"] != before


def test_last_modified_is_never_before_today(client, commitment):
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    assert parse_http_date(client.get("/")["Last-Modified"]) >= midnight.timestamp()


def test_tagging_without_a_save_changes_the_etag_and_the_api_sync(client, commitment):
    theme = ThemeFactory(slug="newly-tagged")
    before = client.get("/commitments/c/")
    since = before["Last-Modified"]
    synced_at = timezone.now()

    commitment.themes.add(theme)  # no save of the commitment or the theme

    response = client.get("/commitments/c/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert response.status_code == 200 and response["ETag"] != before["ETag"]
    assert "/themes/newly-tagged/" in response.content.decode()
    changed = {"changed_since": synced_at.isoformat().replace("+00:00", "Z")}
    assert [c["slug"] for c in client.get("/api/v1/commitments/", changed).json()["results"]] == ["c"]
    assert [t["slug"] for t in client.get("/api/v1/themes/", changed).json()["results"]] == ["newly-tagged"]
    assert parse_http_date(response["Last-Modified"]) >= parse_http_date(since)

    # Removed from the other side: the commitment moves again.
    again = timezone.now()
    theme.commitments.remove(commitment)
    changed = {"changed_since": again.isoformat().replace("+00:00", "Z")}
    assert [c["slug"] for c in client.get("/api/v1/commitments/", changed).json()["results"]] == ["c"]

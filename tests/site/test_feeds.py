"""Atom feeds of published status updates: valid XML, newest first, scoped by theme/actor/commitment."""

import datetime
from xml.etree import ElementTree

import pytest

from tests.factories import ActorFactory, CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # raises if the XML is not well formed
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href")) for e in root.iter(f"{ATOM}entry")]


@pytest.fixture
def updates():
    cyber, us = ThemeFactory(slug="cyber"), ActorFactory(slug="us")
    a = CommitmentFactory(slug="a", title="Alpha", themes=[cyber], actors=[us])
    b = CommitmentFactory(slug="b", title="Bravo")
    verdict(commitment=a, status="in_progress", as_of=datetime.date(2022, 1, 1), rationale="Started.")
    verdict(commitment=b, status="stalled", as_of=datetime.date(2022, 6, 1), rationale="Stopped.")
    verdict(commitment=a, status="met", as_of=datetime.date(2023, 1, 1), rationale="Done.")


def test_the_updates_feed_lists_every_update_newest_first(client, updates):
    assert [title for title, _ in entries(client, "/feeds/updates/")] == [
        "Alpha: Met (as of 1 January 2023)",
        "Bravo: Stalled (as of 1 June 2022)",
        "Alpha: In progress (as of 1 January 2022)",
    ]


def test_each_entry_links_to_its_update_on_the_commitment_page(client, updates):
    links = [link for _, link in entries(client, "/feeds/updates/")]
    assert all(link.startswith("http://testserver/commitments/") and "#update-" in link for link in links)


def test_the_theme_feed_holds_only_that_themes_updates(client, updates):
    assert [t for t, _ in entries(client, "/feeds/themes/cyber/")] == [
        "Alpha: Met (as of 1 January 2023)",
        "Alpha: In progress (as of 1 January 2022)",
    ]


def test_the_actor_feed_holds_only_that_actors_updates(client, updates):
    assert len(entries(client, "/feeds/actors/us/")) == 2


def test_the_commitment_feed_holds_only_its_updates(client, updates):
    assert [t for t, _ in entries(client, "/feeds/commitments/b/")] == ["Bravo: Stalled (as of 1 June 2022)"]


def test_a_feed_with_no_updates_is_still_valid(client, db):
    ThemeFactory(slug="quiet")
    assert entries(client, "/feeds/themes/quiet/") == []


@pytest.mark.parametrize("url", ["/feeds/themes/nope/", "/feeds/actors/nope/", "/feeds/commitments/nope/"])
def test_unknown_feeds_answer_404(client, db, url):
    assert client.get(url).status_code == 404


def test_seed_feed_has_the_data_access_verdict(client, seeded):
    titles = [t for t, _ in entries(client, "/feeds/updates/")]
    assert titles == [
        "Ensure lawful access to communications content by bringing the Data Access Agreement into force: "
        "Met (as of 3 October 2022)"
    ]

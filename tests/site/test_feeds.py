"""Atom feeds of published status updates: valid XML, newest first, scoped by theme/actor/commitment."""

import datetime
from xml.etree import ElementTree

import feedparser
import pytest

from commitments.domain.services import change_state
from commitments.models import Commitment, PublicationState, StatusUpdate
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

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


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/themes/nope/",
        "/feeds/actors/nope/",
        "/feeds/commitments/nope/",
        "/feeds/themes/nope/commitments/",
        "/feeds/actors/nope/commitments/",
    ],
)
def test_unknown_feeds_answer_a_json_404(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "'nope'" in response.json()["detail"]


def test_seed_feed_has_the_data_access_verdict(client, seeded):
    titles = [t for t, _ in entries(client, "/feeds/updates/")]
    assert titles == [
        "Ensure lawful access to communications content by bringing the Data Access Agreement into force: "
        "Met (as of 3 October 2022)"
    ]


# --- Read by a feed reader ------------------------------------------------------------------------

FEEDS = [
    "/feeds/updates/",
    "/feeds/themes/cyber/",
    "/feeds/actors/us/",
    "/feeds/commitments/a/",
    "/feeds/commitments/",
    "/feeds/themes/cyber/commitments/",
    "/feeds/actors/us/commitments/",
]


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_is_valid_atom_with_an_author(client, updates, url):
    feed = parsed(client, url)
    assert feed.feed.author == "Commitment Tracker"
    assert feed.feed.updated_parsed
    assert feed.entries
    for entry in feed.entries:
        assert entry.id and entry.link and entry.title and entry.updated_parsed


def test_update_entries_are_dated_by_their_verdicts_as_of(client, updates):
    entries = parsed(client, "/feeds/updates/").entries
    assert [entry.published[:10] for entry in entries] == ["2023-01-01", "2022-06-01", "2022-01-01"]
    assert [entry.updated[:10] for entry in entries] == ["2023-01-01", "2022-06-01", "2022-01-01"]


def test_a_corrected_entry_is_updated_when_the_correction_is_published(client, updates):
    wrong = StatusUpdate.objects.get(commitment__slug="b")
    verdict(commitment=wrong.commitment, status="in_progress", as_of=datetime.date(2022, 6, 1), corrects=wrong)

    entries = {entry.link.rsplit("#", 1)[1]: entry for entry in parsed(client, "/feeds/updates/").entries}
    corrected = entries[f"update-{wrong.pk}"]
    assert corrected.published[:10] == "2022-06-01"
    assert corrected.updated[:4] == str(datetime.date.today().year)  # moved to the correction's publication
    assert corrected.updated > corrected.published
    assert corrected.title.endswith("; since corrected")


def test_draft_updates_are_in_no_feed(client, updates):
    verdict(commitment=Commitment.objects.get(slug="a"), status="broken", as_of=datetime.date(2023, 6, 1),
            rationale="Secret.", state=PublicationState.DRAFT)  # fmt: skip
    for url in ("/feeds/updates/", "/feeds/commitments/a/", "/feeds/themes/cyber/"):
        assert all("Broken" not in entry.title for entry in parsed(client, url).entries)


def test_the_new_commitments_feed_lists_published_commitments_newest_first(client, updates):
    draft = CommitmentFactory(
        slug="draft", title="Draft", state=PublicationState.DRAFT, themes=[ThemeFactory()], actors=[ActorFactory()]
    )
    hidden = CommitmentFactory(slug="hidden", title="In a draft statement", statement=StatementFactory(state="draft"))
    for step in (PublicationState.REVIEW, PublicationState.PUBLISHED):
        change_state(obj=draft, state=step, user=None, reason="test data", system=True)

    titles = [entry.title for entry in parsed(client, "/feeds/commitments/").entries]

    assert titles[0] == "Draft"  # published just now
    assert set(titles) == {"Draft", "Alpha", "Bravo"}
    assert hidden.title not in titles


def test_the_theme_and_actor_commitment_feeds_hold_only_theirs(client, updates):
    assert [e.title for e in parsed(client, "/feeds/themes/cyber/commitments/").entries] == ["Alpha"]
    assert [e.title for e in parsed(client, "/feeds/actors/us/commitments/").entries] == ["Alpha"]


@pytest.mark.parametrize(("url", "queries"), [
    ("/feeds/commitments/", 2),  # version; commitments with statements
    ("/feeds/themes/cyber/commitments/", 3),  # version; the theme; its commitments
    ("/feeds/updates/", 2),  # version; updates with commitment, party and when they were corrected
])  # fmt: skip
def test_feeds_cost_the_same_queries_for_one_entry_as_for_many(client, django_assert_num_queries, url, queries):
    cyber = ThemeFactory(slug="cyber")
    for _round in range(2):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200
        for _ in range(5):
            commitment = CommitmentFactory(themes=[cyber])
            verdict(commitment=commitment, status="in_progress", as_of=datetime.date(2022, 1, 1))

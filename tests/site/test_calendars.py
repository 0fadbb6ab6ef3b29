"""Deadline calendars: published commitments with a target date, as all-day events, parsed back."""

import datetime

import pytest
from icalendar import Calendar

from commitments.models import PublicationState
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DUE = datetime.date(2025, 6, 30)


def parsed(client, url: str) -> Calendar:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(b"".join(response.streaming_content))


def events(client, url: str) -> dict[str, dict]:
    return {str(event["summary"]): event for event in parsed(client, url).walk("VEVENT")}


@pytest.fixture
def deadlines():
    cyber, us = ThemeFactory(slug="cyber", name="Cyber"), ActorFactory(slug="us", name="United States")
    alpha = CommitmentFactory(
        slug="alpha", title="Alpha", wording="We will defend networks.", target_date=DUE, themes=[cyber], actors=[us]
    )
    verdict(commitment=alpha, status="in_progress", as_of=datetime.date(2022, 1, 1))
    CommitmentFactory(slug="bravo", title="Bravo", target_date=datetime.date(2024, 1, 15))
    return alpha


def test_each_published_commitment_with_a_target_date_is_an_all_day_event(client, deadlines):
    event = events(client, "/calendar/deadlines.ics")["Due: Alpha (In progress)"]
    assert event.decoded("dtstart") == DUE
    assert isinstance(event.decoded("dtstart"), datetime.date)
    assert not isinstance(event.decoded("dtstart"), datetime.datetime)
    assert event["dtstart"].params["VALUE"] == "DATE"
    assert event.decoded("dtend") == DUE + datetime.timedelta(days=1)


def test_an_event_carries_the_wording_the_address_and_when_the_commitment_changed(client, deadlines):
    event = events(client, "/calendar/deadlines.ics")["Due: Alpha (In progress)"]
    assert "We will defend networks." in event["description"]
    assert "http://testserver/commitments/alpha/" in event["description"]
    assert str(event["url"]) == "http://testserver/commitments/alpha/"
    deadlines.refresh_from_db()
    assert event.decoded("last-modified") == deadlines.updated_at.replace(microsecond=0)


def test_the_events_are_in_date_order_and_the_calendar_names_itself(client, deadlines):
    calendar = parsed(client, "/calendar/deadlines.ics")
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["x-wr-calname"]) == "Commitment Tracker: deadlines"
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == [
        "Due: Bravo (Not rated)",
        "Due: Alpha (In progress)",
    ]


def test_an_events_uid_stays_the_same_when_its_status_changes(client, deadlines):
    before = str(events(client, "/calendar/deadlines.ics")["Due: Alpha (In progress)"]["uid"])
    verdict(commitment=deadlines, status="met", as_of=datetime.date(2023, 1, 1))
    after = events(client, "/calendar/deadlines.ics")
    assert str(after["Due: Alpha (Met)"]["uid"]) == before == f"commitment-{deadlines.pk}@testserver"
    assert len({str(e["uid"]) for e in after.values()}) == len(after)


def test_drafts_and_commitments_without_a_target_date_are_left_out(client, deadlines):
    CommitmentFactory(title="Draft", target_date=DUE, state=PublicationState.DRAFT)
    CommitmentFactory(title="Of a draft statement", target_date=DUE, statement=StatementFactory(state="draft"))
    CommitmentFactory(title="Undated")
    assert sorted(events(client, "/calendar/deadlines.ics")) == ["Due: Alpha (In progress)", "Due: Bravo (Not rated)"]


def test_the_theme_calendar_holds_only_that_themes_deadlines(client, deadlines):
    ThemeFactory(slug="space")
    assert list(events(client, "/calendar/themes/cyber.ics")) == ["Due: Alpha (In progress)"]
    assert list(events(client, "/calendar/themes/space.ics")) == []
    assert "Cyber" in str(parsed(client, "/calendar/themes/cyber.ics")["x-wr-calname"])


def test_the_actor_calendar_holds_only_that_actors_deadlines(client, deadlines):
    ActorFactory(slug="uk")
    assert list(events(client, "/calendar/actors/us.ics")) == ["Due: Alpha (In progress)"]
    assert list(events(client, "/calendar/actors/uk.ics")) == []


@pytest.mark.parametrize("url", ["/calendar/themes/no-such-theme.ics", "/calendar/actors/no-such-actor.ics"])
def test_an_unknown_slug_is_not_found(client, deadlines, url):
    assert client.get(url).status_code == 404


def test_a_calendar_runs_a_fixed_number_of_queries(client, deadlines, django_assert_num_queries):
    for _ in range(30):
        CommitmentFactory(target_date=DUE, themes=[deadlines.themes.get()])
    # The latest change (for ETag and Last-Modified), the theme, its commitments.
    with django_assert_num_queries(3):
        response = client.get("/calendar/themes/cyber.ics")
        assert b"".join(response.streaming_content).count(b"BEGIN:VEVENT") == 31


def test_the_pages_listing_deadlines_link_to_their_calendars(client, deadlines):
    for page, calendar in [
        ("/", "/calendar/deadlines.ics"),
        ("/themes/cyber/", "/calendar/themes/cyber.ics"),
        ("/actors/us/", "/calendar/actors/us.ics"),
    ]:
        html = client.get(page).content.decode()
        assert f'href="webcal://testserver{calendar}"' in html, page
        assert f'href="{calendar}"' in html, page


def test_a_calendar_is_cached_until_the_data_changes(client, deadlines, settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ics"}}
    first = b"".join(client.get("/calendar/deadlines.ics").streaming_content)
    again = client.get("/calendar/deadlines.ics")
    assert again["X-Cache"] == "hit"
    assert again["Content-Type"] == "text/calendar; charset=utf-8"
    assert again.content == first
    verdict(commitment=deadlines, status="met", as_of=datetime.date(2023, 1, 1))
    changed = client.get("/calendar/deadlines.ics")
    assert changed["X-Cache"] == "miss"
    assert b"Due: Alpha (Met)" in b"".join(changed.streaming_content)

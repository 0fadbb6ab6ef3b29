"""Deadline calendars: every published commitment with a target date, as an all-day event.

/calendar/deadlines.ics holds them all, /calendar/themes/<slug>.ics and /calendar/actors/<slug>.ics
those of one theme or actor. Calendar applications subscribe to them (webcal:) and fetch them
again now and then, so they are built to be cached: an event's UID is the commitment's id, which
never changes, and its DTSTAMP and LAST-MODIFIED are the time the commitment last changed
(a status update changes it), so an unchanged calendar is the same bytes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from icalendar import Calendar, Event, vDuration

from commitments.infra.paths import detail_path
from commitments.models import Actor, Commitment, Theme
from commitments.site.conditional import conditional_page
from commitments.status import STATUS_LABELS

PRODUCT_ID = "-//Commitment Tracker//Deadlines//EN"
# How often subscribers should fetch a calendar again; target dates change rarely.
REFRESH_INTERVAL = datetime.timedelta(hours=12)
CHUNK_SIZE = 2000


def event_for(commitment: Commitment, *, host: str, address: str) -> Event:
    event = Event()
    event.add("uid", f"commitment-{commitment.pk}@{host}")
    event.add("dtstamp", commitment.updated_at)
    event.add("last-modified", commitment.updated_at)
    # All day: a date without a time, ending (exclusively) the next day.
    event.add("dtstart", commitment.target_date)
    event.add("dtend", commitment.target_date + datetime.timedelta(days=1))
    event.add("summary", f"Due: {commitment.title} ({STATUS_LABELS[commitment.status]})")
    event.add("description", f"{commitment.wording}\n\nStatus: {STATUS_LABELS[commitment.status]}\n{address}")
    event.add("url", address)
    event.add("transp", "TRANSPARENT")  # a deadline, not time taken
    return event


def calendar_response(
    request: HttpRequest, commitments: QuerySet[Commitment], *, name: str, about: str
) -> StreamingHttpResponse:
    """The calendar, streamed event by event: all of them at once may be tens of megabytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)  # the name older applications read
    calendar.add("description", about)
    calendar.add("x-wr-caldesc", about)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL).to_ical().decode())
    head, end = calendar.to_ical().split(b"END:VCALENDAR")
    host = request.get_host().split(":")[0]
    rows = (
        commitments.filter(target_date__isnull=False)
        .only("pk", "slug", "title", "wording", "status", "target_date", "updated_at")
        .order_by("target_date", "id")
    )

    def lines() -> Iterator[bytes]:
        yield head
        for commitment in rows.iterator(chunk_size=CHUNK_SIZE):
            address = request.build_absolute_uri(detail_path("commitments:commitment-detail", slug=commitment.slug))
            yield event_for(commitment, host=host, address=address).to_ical()
        yield b"END:VCALENDAR" + end

    return StreamingHttpResponse(lines(), content_type="text/calendar; charset=utf-8")


@conditional_page
def deadlines(request: HttpRequest) -> StreamingHttpResponse:
    return calendar_response(
        request,
        Commitment.objects.published(),
        name="Commitment Tracker: deadlines",
        about="The target dates of every published commitment, with its current status.",
    )


@conditional_page
def theme_deadlines(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    theme = get_object_or_404(Theme.objects.only("name", "slug"), slug=slug)
    return calendar_response(
        request,
        Commitment.objects.published().filter(themes=theme),
        name=f"Commitment Tracker: {theme.name} deadlines",
        about=f"The target dates of the published commitments about {theme.name}, with their current status.",
    )


@conditional_page
def actor_deadlines(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    actor = get_object_or_404(Actor.objects.only("name", "slug"), slug=slug)
    return calendar_response(
        request,
        Commitment.objects.published().filter(actors=actor),
        name=f"Commitment Tracker: {actor.name} deadlines",
        about=f"The target dates of the published commitments owed by {actor.name}, with their current status.",
    )

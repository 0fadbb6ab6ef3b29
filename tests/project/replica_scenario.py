"""Who reads what while the replica lags: run by test_replicas.py in a process of its own.

DATABASE_URL and DATABASE_REPLICA_URL name a private primary and its streaming replica. The
scenario migrates the primary, publishes a commitment, pauses replay on the replica, unpublishes
the commitment through the services, reads as an anonymous reader and as a signed-in publisher,
resumes replay, and prints what it saw as one JSON object for the test to judge.
"""

from __future__ import annotations

import json
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402

from commitments.domain.services import change_state  # noqa: E402
from commitments.infra.cache import wal_position  # noqa: E402
from commitments.models import Commitment, PublicationState  # noqa: E402
from tests.factories import CommitmentFactory, StaffFactory  # noqa: E402

# Bounds on waiting for the replica, never expectations of speed: the test fails if they pass.
CATCH_UP_SECONDS = 20
POLL_SECONDS = 0.05


def replica(sql: str):
    with connections["replica"].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_replay() -> None:
    target = wal_position("default")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while wal_position("replica") < target:
        if time.monotonic() > deadline:
            sys.exit("the replica did not catch up with the primary")
        time.sleep(POLL_SECONDS)


def read(client: Client, path: str) -> list:
    response = client.get(path)
    return [response.status_code, response.get("X-Cache")]


def read_as_staff(client: Client, path: str) -> list:
    """[status, X-Cache, whether the page is the staff preview of a draft]."""
    response = client.get(path)
    return [response.status_code, response.get("X-Cache"), b"Draft: not public" in response.content]


def read_until_cached(client: Client, path: str) -> list[list]:
    """Reads until one is a cache hit. The replica must first replay the primary's position for
    the data version, which includes the primary's latest writes (sessions, cache rows)."""
    reads = [read(client, path)]
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while reads[-1][1] != "hit" and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        reads.append(read(client, path))
    return reads


def main() -> dict:
    call_command("migrate", verbosity=0)
    commitment = CommitmentFactory(slug="lawful-access")
    page, api = commitment.get_absolute_url(), f"/api/v1/commitments/{commitment.slug}/"
    publisher = StaffFactory(is_superuser=True)
    wait_for_replay()

    seen: dict = {"before": {}, "lagging": {}, "after": {}}
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(publisher)
    for path in (page, api):
        seen["before"][path] = read_until_cached(anonymous, path)

    replica("SELECT pg_wal_replay_pause()::text")
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while replica("SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.monotonic() > deadline:
            sys.exit("replay did not pause")
        time.sleep(POLL_SECONDS)

    change_state(obj=commitment, state=PublicationState.DRAFT, user=publisher, reason="withdrawn")

    seen["state_on_primary"] = Commitment.objects.using("default").get(pk=commitment.pk).state
    seen["state_on_replica"] = Commitment.objects.using("replica").get(pk=commitment.pk).state
    for path in (page, api):
        seen["lagging"][path] = {
            "anonymous": [read(anonymous, path), read(anonymous, path)],
            "signed_in": read_as_staff(signed_in, path),
        }
    seen["lagging"]["health"] = anonymous.get("/health/ready/").json()

    replica("SELECT pg_wal_replay_resume()::text")
    resumed = time.monotonic()
    for path in (page, api):
        reads = []
        while not reads or reads[-1][0] != 404:
            if time.monotonic() - resumed > CATCH_UP_SECONDS:
                break
            reads.append(read(anonymous, path))
            time.sleep(POLL_SECONDS)
        # The first answers after the resume may still come from a replica replaying; none of
        # them may have been stored, and the change shows as soon as replay reaches it.
        seen["after"][path] = {"reads": reads, "then": read(anonymous, path)}
    seen["seconds_to_catch_up"] = round(time.monotonic() - resumed, 3)

    # Caching resumes once the replica has caught up: a second read is a hit.
    seen["after"]["list"] = read_until_cached(anonymous, "/api/v1/commitments/")
    seen["after"]["health"] = anonymous.get("/health/ready/").json()
    return seen


if __name__ == "__main__":
    print(json.dumps(main()))

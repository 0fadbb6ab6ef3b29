"""Read replicas: which database a query goes to when DATABASE_REPLICA_URL is set.

Only anonymous readers' GET and HEAD requests outside the admin read the tracker's own records
from the replica: they see the public data, and a few seconds' lag costs them nothing. Everything
else reads and writes on the primary (the "default" alias):

- writes, always;
- signed-in users and API clients sending credentials, so an editor sees at once what they
  just saved (read-your-writes);
- the admin, and any request that is not a read;
- anything inside a transaction, whose reads must agree with its writes;
- every other app's tables: sessions, users, tokens, the lockout records and the database
  cache, which hold state that was just written (a session made at sign-in, the data version);
- management commands, the shell and anything else outside a request.

Migrations run on the primary only; the replica receives them by streaming.

Pages cached from a lagging replica would outlive the lag; commitments/infra/cache.py stores a
response rendered from the replica only when the replica had applied every change of the data
version it is stored under (docs/operations.md, "Read replicas").
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

REPLICA_ALIAS = "replica"
# The tracker's records; what other apps store is read where it is written.
REPLICA_APPS = {"commitments"}

# Whether the current request may read from the replica. Off outside requests, and reset when a
# response is closed rather than when the middleware returns: a streamed download reads the
# database while it is sent.
replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


class ReplicaRouter:
    """Reads of the tracker's records go to the replica while `replica_reads` allows it."""

    def db_for_read(self, model, **hints) -> str | None:
        if (
            replica_reads.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA_ALIAS
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both aliases hold the same data: a record read from the replica may be linked to one
        # read from the primary.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS


def _may_read_replica(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
        return False
    if request.path.startswith(tuple(getattr(settings, "PAGE_CACHE_EXCLUDE", ("/admin/",)))):
        return False
    # Without a session cookie nobody is signed in, and the session need not be looked up.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    user = getattr(request, "user", None)
    return user is not None and not user.is_authenticated


class ReplicaReadsMiddleware:
    """Decides, once per request, whether its reads may go to the replica.

    After AuthenticationMiddleware (it asks whether the reader is signed in) and before the page
    cache (which asks the router where a page it stores was read from).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        replica_reads.set(_may_read_replica(request))
        return self.get_response(request)


@receiver(request_finished, dispatch_uid="tracker_replica_reads_finished")
def _back_to_the_primary(**kwargs) -> None:
    replica_reads.set(False)

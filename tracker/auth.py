"""Login lockout glue for django-axes.

Two counts of failed logins, both kept by django-axes in the database (shared by every worker):
per username *and* address (AXES_FAILURE_LIMIT, 5: one person mistyping, or a guesser on one
account), and per address alone with a higher limit (LOGIN_ADDRESS_FAILURE_LIMIT, 50: one
address trying a few passwords on many accounts, "spraying").
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_lockout_message
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse


class LockoutBackend(AxesStandaloneBackend):
    """Refuses logins while a username and address pair is locked out.

    Logins from a browser or the API always carry a request. Code that authenticates without
    one (management commands, the test client's login) has no client to lock out, so it is
    passed on to the next backend instead of being refused with an error.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs
    ):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or X-Forwarded-For as written by our trusted proxies.

    Each proxy appends the address it saw, so with N proxies the client is the N-th entry from
    the right; anything further left came from the client and may be forged.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler with a limit of its own for each lockout parameter.

    AXES_LOCKOUT_PARAMETERS is [["username", "ip_address"], "ip_address"]; axes compares the
    largest count of the two with one limit, AXES_FAILURE_LIMIT. Each count is scaled here to
    that limit, so the address alone reaches it at LOGIN_ADDRESS_FAILURE_LIMIT failures.
    """

    def _limits(self) -> list[int]:
        return [settings.AXES_FAILURE_LIMIT, settings.LOGIN_ADDRESS_FAILURE_LIMIT]

    def get_failures(self, request, credentials: dict | None = None) -> int:
        counts = [attempts_count(attempts) for attempts in self.get_user_attempts(request, credentials)]
        limits = self._limits()
        if len(counts) != len(limits):
            raise RuntimeError("AXES_LOCKOUT_PARAMETERS must list the username+address pair, then the address.")
        pair_limit = limits[0]
        # f * pair_limit // limit reaches pair_limit exactly when f reaches limit.
        return max(count * pair_limit // limit for count, limit in zip(counts, limits, strict=True))

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        # A successful login clears that username's failures from that address only: signing in to
        # one's own account must not wipe an address's failures on others.
        pair_attempts = self.filter_user_attempts(request, credentials)[0]
        count, _ = pair_attempts.delete()
        return count


def attempts_count(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """429 with the lockout message and `Retry-After`: the cool-off runs from the latest failure."""
    response = HttpResponse(get_lockout_message(), status=429, content_type="text/plain; charset=utf-8")
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response

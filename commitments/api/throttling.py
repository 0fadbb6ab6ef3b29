"""Request rates of the API. Rates are read at each request, so settings changes (and tests) take
effect at once. Requests are counted by the shared sliding window of commitments.infra.ratelimit,
which the public site's forms use too; its docstring says how it counts and why.
"""

from __future__ import annotations

import functools
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from commitments.infra.ratelimit import count_request, window_wait  # noqa: F401 (count_request: the tests')


class RatesFromSettings:
    """A sliding-window count per client (commitments.infra.ratelimit), at the rate from the settings."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.wait_seconds = window_wait(self.cache, self.key, self.num_requests, self.duration)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return max(1, math.ceil(self.wait_seconds))


class AnonymousThrottle(RatesFromSettings, AnonRateThrottle):
    """Anonymous clients, counted per address (`API_ANON_THROTTLE`, default 120/min)."""

    scope = "anon"


class EditorThrottle(RatesFromSettings, UserRateThrottle):
    """Signed-in editors, counted per user (`API_EDITOR_THROTTLE`); anonymous clients are left to the other."""

    scope = "editor"

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


@functools.cache
def _throttled_reply():
    """A view answering the 429 a throttled API view gives (body, Retry-After, format)."""
    # Imported here: rest_framework.views reads DEFAULT_THROTTLE_CLASSES, this module, on import.
    from rest_framework.views import APIView

    class ThrottledReply(APIView):
        authentication_classes: list = []
        permission_classes: list = []
        throttle_classes: list = []

        def get(self, request, wait: float | None = None):
            raise Throttled(wait=wait)

    return ThrottledReply.as_view()


def throttle_replay(request: HttpRequest) -> HttpResponseBase | None:
    """The API's throttles, for an anonymous answer the page cache is about to replay.

    The cache answers before any view runs, so without this a cached URL could be fetched
    without limit. The same throttle classes count in the same (shared) cache as the views do,
    so a client's cached and uncached requests use one allowance. None lets the replay go on.
    """
    if not request.path.startswith(settings.API_PATH_PREFIX):
        return None
    waits = []
    for throttle_class in api_settings.DEFAULT_THROTTLE_CLASSES:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait())
    if not waits:
        return None
    known = [wait for wait in waits if wait is not None]
    response = _throttled_reply()(request, wait=max(known) if known else None)
    return response.render()  # a middleware's answer is not rendered by Django, a view's is

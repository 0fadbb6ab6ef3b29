"""Request rates. Rates are read at each request, so settings changes (and tests) take effect at once."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RatesFromSettings:
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


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

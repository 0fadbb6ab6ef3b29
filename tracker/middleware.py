"""Project-wide middleware: the request id, Permissions-Policy and the sessions' idle timeout."""

from __future__ import annotations

import re
import time
import uuid

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in
from django.core.signals import request_finished
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase

from tracker.logs import request_id

# An id a proxy or balancer in front already gave the request is kept, so one id follows the
# request through every log; anything else (too long, odd characters) is replaced.
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


class RequestIdMiddleware:
    """Gives every request an id, in `request.id`, in each log line and in `X-Request-ID`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request.id = given if _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        # Kept until the response is closed (request_finished), not only while the middleware
        # runs: Django logs a 404 or a 500 after the middleware has returned.
        request_id.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


@receiver(request_finished, dispatch_uid="tracker_request_id_finished")
def _forget_request_id(**kwargs) -> None:
    request_id.set("-")


class PermissionsPolicyMiddleware:
    """`Permissions-Policy` on every response: the tracker uses no camera, location or the like."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.value)
        return response


# How often a signed-in session's expiry is pushed back: saving it at every request would cost
# every admin page three queries, and a minute is precise enough for an eight-hour idle limit.
SESSION_RENEW_SECONDS = 60
_SEEN = "tracker_seen"


@receiver(user_logged_in, dispatch_uid="tracker_session_seen_at_login")
def _seen_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[_SEEN] = int(time.time())


class SessionIdleMiddleware:
    """Ends a signed-in session SESSION_COOKIE_AGE after its last request, not after its login.

    Django sets a session's expiry when it saves it; marking the session modified at most once a
    SESSION_RENEW_SECONDS has it saved, with a new expiry, while it is in use.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        # Without a session cookie there is nothing to load or renew (anonymous readers).
        if session is not None and session.session_key and SESSION_KEY in session:
            now = int(time.time())
            if now - session.get(_SEEN, 0) >= SESSION_RENEW_SECONDS:
                session[_SEEN] = now
        return self.get_response(request)

"""Project-wide response headers: the request id and Permissions-Policy."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
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

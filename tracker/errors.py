"""Error answers: JSON under the API's prefix, the site's HTML pages everywhere else.

Django answers errors raised outside a view's own handling (an unknown address, a request body
over DATA_UPLOAD_MAX_MEMORY_SIZE, a failed CSRF check, an unexpected exception) with these
handlers. An API client parses every answer as JSON, so under API_PATH_PREFIX each one is a
`{"detail": ...}` object like DRF's own errors.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(settings.API_PATH_PREFIX)


def api_error(status: int, detail: str, **more: str) -> JsonResponse:
    return JsonResponse({"detail": detail, **more}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        detail = f"The request body is larger than the {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes accepted."
    elif isinstance(exception, TooManyFieldsSent):
        detail = f"The request has more than the {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields accepted."
    else:
        detail = "Bad request."
    return api_error(400, detail)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.permission_denied(request, exception)
    return api_error(403, "You do not have permission to perform this action.")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not is_api(request):
        return defaults.page_not_found(request, exception)
    return api_error(404, "Not found.")


def server_error(request: HttpRequest) -> HttpResponse:
    if not is_api(request):
        return defaults.server_error(request)
    # The id under which the logs hold the traceback (tracker.middleware.RequestIdMiddleware).
    return api_error(
        500, "Server error; quote the request id when reporting it.", request_id=getattr(request, "id", "-")
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a signed-in browser's write without its CSRF token."""
    if not is_api(request):
        return csrf.csrf_failure(request, reason)
    return api_error(403, f"CSRF verification failed: {reason}")

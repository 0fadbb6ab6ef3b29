"""Where a spreadsheet waits between the admin's "import" preview and its confirmation.

django-import-export stores the uploaded file, shows a preview, and reads it again when the
editor confirms; the confirmation form names the stored file (`import_file_name`). Its default
storage is a file in the server's temporary folder under that name, so a crafted confirmation
could make the server read, and then delete, another file there. Here the upload is kept in the
shared cache instead (every worker can confirm what another previewed), under a key made of the
uploading user's id and session as well as a random name: a name posted from another session,
by another user, or of another form than 32 hex digits finds nothing, and the import is refused.
"""

from __future__ import annotations

import contextvars
import hashlib
import re
import uuid

from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponseBase
from import_export.tmp_storages import BaseStorage

# Set by ImportOwnerMiddleware for the length of a request.
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("current_request", default=None)

_NAME = re.compile(r"[0-9a-f]{32}")
LIFETIME = 3600  # an hour between preview and confirmation
PREFIX = "tracker:import:"


class ImportOwnerMiddleware:
    """Makes the request known to the import storage (after AuthenticationMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


def _owner() -> str:
    request = current_request.get()
    user = getattr(request, "user", None)
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if user is None or not user.is_authenticated or not session_key:
        raise SuspiciousOperation("A spreadsheet import needs a signed-in session.")
    return hashlib.sha256(f"{user.pk}\n{session_key}".encode()).hexdigest()


class SessionCacheStorage(BaseStorage):
    """django-import-export's temporary storage, in the cache, private to one user's session."""

    def _key(self) -> str:
        if not isinstance(self.name, str) or not _NAME.fullmatch(self.name):
            raise SuspiciousOperation("This import was not uploaded in this session; upload the file again.")
        return f"{PREFIX}{_owner()}:{self.name}"

    def save(self, data) -> None:
        if not self.name:
            self.name = uuid.uuid4().hex
        cache.set(self._key(), data, LIFETIME)

    def read(self):
        data = cache.get(self._key())
        if data is None:
            raise SuspiciousOperation(
                "This import was not uploaded in this session, or waited more than an hour; upload the file again."
            )
        return data

    def remove(self) -> None:
        cache.delete(self._key())

"""Log records with the request id, and a JSON format for log collectors (DJANGO_LOG_FORMAT=json)."""

from __future__ import annotations

import contextvars
import datetime
import json
import logging

# Set by tracker.middleware.RequestIdMiddleware for the length of a request.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id`: the id of the request being answered, "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request id, and the traceback if any."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if getattr(record, "status_code", None) is not None:
            entry["status"] = record.status_code
        return json.dumps(entry, ensure_ascii=False, default=str)

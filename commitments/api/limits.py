"""Bounds on what one API write may ask of the server.

Every write body goes through these parsers (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES), so the
bounds hold for every endpoint and field without a line in the serializers:

- JSON nested deeper than API_MAX_JSON_DEPTH (32) is refused: Python's own parser fails with a
  RecursionError (a 500) on a few thousand levels, and no tracker record is deeper than four;
- a list longer than API_MAX_LIST_ITEMS (100) is refused wherever it is (a commitment's actors,
  a statement's parties, evidence...): each item of a related field is looked up on its own, so
  200,000 parties held a worker for minutes;
- a NUL character in any key or value is refused: PostgreSQL cannot store it, and a lookup by a
  slug containing one failed with a 500.

Each refusal is a 400 naming the place in the body, and nothing is written. Bodies stay capped
at DATA_UPLOAD_MAX_MEMORY_SIZE, as Django caps forms.
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.http import QueryDict
from rest_framework import parsers
from rest_framework.exceptions import ParseError

DEFAULT_MAX_DEPTH = 32
DEFAULT_MAX_ITEMS = 100


def _limits() -> tuple[int, int]:
    return (
        getattr(settings, "API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH),
        getattr(settings, "API_MAX_LIST_ITEMS", DEFAULT_MAX_ITEMS),
    )


def _where(path: list[str]) -> str:
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in path).lstrip(".") or "the body"


def check_bounds(data: object) -> None:
    """Raise ParseError if `data` (parsed JSON) is too deep, has too long a list, or holds a NUL."""
    max_depth, max_items = _limits()
    # Iterative, so a deep document cannot exhaust the stack here either.
    stack: list[tuple[object, int, list[str]]] = [(data, 1, [])]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise ParseError(f"{_where(path)}: the NUL character (\\u0000) is not allowed.")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise ParseError(f"{_where(path)}: JSON nested deeper than {max_depth} levels is not accepted.")
            if isinstance(value, list):
                if len(value) > max_items:
                    raise ParseError(f"{_where(path)}: {len(value)} items; at most {max_items} are accepted.")
                stack.extend((item, depth + 1, [*path, str(index)]) for index, item in enumerate(value))
            else:
                for key, item in value.items():
                    if "\x00" in key:
                        raise ParseError(f"{_where(path)}: the NUL character (\\u0000) is not allowed in a key.")
                    stack.append((item, depth + 1, [*path, key]))


def _read(stream) -> bytes:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = stream.read(limit + 1) if stream is not None else b""
    if limit is not None and len(body) > limit:
        raise ParseError(f"The request body is larger than {limit} bytes.")
    return body


class BoundedJSONParser(parsers.JSONParser):
    """JSON, parsed by orjson (strict: no NaN), within the bounds above."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        if encoding.lower().replace("-", "") != "utf8":
            raise ParseError("JSON must be encoded in UTF-8.")
        body = _read(stream)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc):
                raise ParseError(f"JSON nested deeper than {_limits()[0]} levels is not accepted.") from None
            raise ParseError(f"JSON parse error - {exc}") from None
        check_bounds(data)
        return data


def _check_form(data: QueryDict) -> None:
    _, max_items = _limits()
    for key, values in data.lists():
        if "\x00" in key or any(isinstance(value, str) and "\x00" in value for value in values):
            raise ParseError(f"{key.replace(chr(0), '')}: the NUL character (\\u0000) is not allowed.")
        if len(values) > max_items:
            raise ParseError(f"{key}: {len(values)} items; at most {max_items} are accepted.")


class BoundedFormParser(parsers.FormParser):
    """The browsable API's forms, with the same NUL and list bounds."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        _check_form(data)
        return data


class BoundedMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _check_form(result.data)
        return result

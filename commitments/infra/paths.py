"""Addresses of records' pages, reversed once per URL pattern instead of once per link.

A page of 25 commitments links to about 150 themes, actors, statements and commitments, and a
page of the API prints as many addresses: reverse() for each was a tenth of the list page's time
at 100,000 commitments (bench/README.md). The pattern of a detail address is fixed, so it is
reversed once with a placeholder and the record's slug or id is put in its place afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Placeholders that the tracker's patterns accept: slugs ([-a-zA-Z0-9_]+) and ids (up to 18 digits).
_MARKERS = {"slug": "slug-placeholder", "pk": "918273645546372819"}
# A value of this shape comes out of reverse() unchanged; anything else goes through reverse()
# itself, which quotes or refuses it as usual.
_PLAIN = {"slug": re.compile(r"[-a-zA-Z0-9_]+"), "pk": re.compile(r"[0-9]{1,18}")}

_split: dict[tuple[str, str, str, str], tuple[str, str]] = {}


def detail_path(view_name: str, *, slug: str | None = None, pk: int | None = None) -> str:
    """The same as reverse(view_name, kwargs={"slug": slug}) (or {"pk": pk})."""
    kwarg, value = ("slug", slug) if slug is not None else ("pk", str(pk))
    if not is_plain(kwarg, value):
        return reverse(view_name, kwargs={kwarg: value})
    before, after = detail_path_parts(view_name, kwarg)
    return f"{before}{value}{after}"


def detail_paths(view_name: str, kwarg: str = "slug") -> Callable[[str], str]:
    """value -> detail_path(view_name, **{kwarg: value}), the pattern looked up once: for a long
    run of addresses of one view (a sitemap's ten thousand), where even finding the cached parts
    for each one (the URL configuration and script prefix are per request) is most of the time."""
    before, after = detail_path_parts(view_name, kwarg)
    plain = _PLAIN[kwarg].fullmatch

    def path(value: str) -> str:
        if plain(value) is None:
            return reverse(view_name, kwargs={kwarg: value})
        return f"{before}{value}{after}"

    return path


def detail_path_parts(view_name: str, kwarg: str) -> tuple[str, str]:
    """What comes before and after the `kwarg` ("slug" or "pk") in the path of `view_name`."""
    # Keyed by URL configuration and script prefix too: tests and mounted apps change them.
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), view_name, kwarg)
    parts = _split.get(key)
    if parts is None:
        before, _, after = reverse(view_name, kwargs={kwarg: _MARKERS[kwarg]}).partition(_MARKERS[kwarg])
        parts = _split[key] = (before, after)
    return parts


def is_plain(kwarg: str, value: str) -> bool:
    """Whether `value` comes out of reverse() unchanged as the `kwarg` of a detail path."""
    return _PLAIN[kwarg].fullmatch(value) is not None

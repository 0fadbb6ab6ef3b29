"""When work may go to another thread, which has a database connection of its own."""

from __future__ import annotations

from django.db import connections


def others_see_this_connection(alias: str = "default") -> bool:
    """Whether another connection sees what this thread's connection `alias` has written: not
    inside a transaction (a test runs in one), whose writes no other connection sees before it
    commits. The background recounts (cache.py) and the download's writing threads
    (record_lines.py) ask it before leaving a query to another thread."""
    return not connections[alias].in_atomic_block

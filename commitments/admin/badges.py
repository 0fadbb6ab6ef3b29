"""The status badge of the admin's lists and forms."""

from __future__ import annotations

from django.utils.html import format_html

from commitments.models import Status

# Shared with the public stylesheet's status colours.
STATUS_COLOURS = {
    Status.NOT_RATED: "#6b7280",
    Status.NOT_STARTED: "#b91c1c",
    Status.IN_PROGRESS: "#1d4ed8",
    Status.STALLED: "#b45309",
    Status.PARTIALLY_MET: "#7c3aed",
    Status.MET: "#15803d",
    Status.BROKEN: "#7f1d1d",
}


def status_badge(status: str) -> str:
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 6px;border-radius:3px;white-space:nowrap">{}</span>',
        STATUS_COLOURS[status],
        Status(status).label,
    )

"""The status badge of the admin's lists and forms."""

from __future__ import annotations

from django.utils.html import format_html

from commitments.models import Status
from commitments.status import STATUS_COLOURS


def status_badge(status: str) -> str:
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 6px;border-radius:3px;white-space:nowrap">{}</span>',
        STATUS_COLOURS[status],
        Status(status).label,
    )

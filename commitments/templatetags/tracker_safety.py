"""Template filters for showing editor-written rich text safely: `{% load tracker_safety %}`."""

from django import template
from django.utils.safestring import SafeString

from commitments.sanitize import sanitize_html

register = template.Library()


@register.filter(is_safe=True)
def sanitize(value: str | None) -> SafeString:
    """`{{ theme.description|sanitize }}`: keep the formatting, drop anything that could run."""
    return sanitize_html(value)

"""Cleaning of rich text before it is shown to the public.

Plain text (article bodies, wording, rationales) is escaped by the templates as usual and never
goes through here. This is for the few fields where an editor's formatting is wanted, such as a
theme description written with links and emphasis: tags and attributes outside the short lists
below are removed, and links can only point to web or mail addresses.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "strong",
    "sub",
    "sup",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "blockquote": {"cite"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Scripts and styles disappear with their content, not just their tags.
REMOVED_WITH_CONTENT = {"script", "style"}


def sanitize_html(html: str | None) -> SafeString:
    """Return `html` with everything outside the allowed tags, attributes and schemes removed."""
    if not html:
        return mark_safe("")
    cleaned = nh3.clean(
        str(html),
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        # Editors link to sources; those pages get neither our readers' referrer nor ranking credit.
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)

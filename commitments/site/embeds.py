"""For newsrooms: a commitment's card to frame in an article, its status badge, and oEmbed.

The card (/embed/commitments/<slug>/) is the one page any site may frame: `framable` relaxes
X-Frame-Options and the policy's frame-ancestors for it alone, and every other page keeps DENY
and 'none'. The oEmbed endpoint (https://oembed.com/) hands out the card's <iframe> for the address
of a commitment's page, so that a publishing system pasting that address embeds the card. All
three read published commitments only, and are cached like the pages.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from urllib.parse import urlsplit
from xml.etree import ElementTree

from csp.constants import HEADER as CSP_HEADER
from csp.constants import NONE
from csp.utils import build_policy
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django.utils.html import format_html

from commitments.infra.paths import detail_path
from commitments.models import Actor, Commitment, PublicationState, StatusUpdate
from commitments.site.conditional import conditional_page
from commitments.site.images import SITE_NAME, text_width
from commitments.status import STATUS_COLOURS, STATUS_LABELS

# The card's size in an <iframe>: room for a title of three lines, the verdict, its date and the
# link back, plus a row per party when the parties have verdicts of their own.
CARD_WIDTH = 500
CARD_HEIGHT = 240
PARTY_HEADING_HEIGHT = 34
PARTY_ROW_HEIGHT = 30
MIN_WIDTH = 200
# How long a consumer may keep an oEmbed answer (seconds): verdicts change over weeks.
OEMBED_CACHE_AGE = 3600
OEMBED_PARAMETERS = ("url", "format", "maxwidth", "maxheight")
# The pages whose address embeds a commitment's card.
EMBEDDABLE_VIEWS = ("commitments:commitment-detail", "commitments:embed-card")


def framable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Let any site frame the view's pages, which run no script.

    The policy is written as a header here rather than through django-csp's per-view decorators:
    those leave a mark on the response object for the CSP middleware, and the page cache, which
    sits inside that middleware, stores and replays headers only, so a replayed card would come
    back unframable. The middleware leaves a policy already set in place.
    """

    @functools.wraps(view)
    def framable_view(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            response[CSP_HEADER] = build_policy(replace={"frame-ancestors": ["*"], "script-src": [NONE]})
            response.xframe_options_exempt = True
        return response

    return framable_view


def embeddable_commitments() -> QuerySet[Commitment]:
    """Published commitments with the actors a card lists."""
    return Commitment.objects.published().prefetch_related(
        Prefetch("actors", queryset=Actor.objects.only("name", "slug"))
    )


def current_verdicts(commitment: Commitment) -> tuple[StatusUpdate | None, list[tuple[Actor, StatusUpdate | None]]]:
    """The overall verdict in force, and each party with its own one (None: the overall applies).

    The parties are listed only when one of them has a verdict of its own, as on the page.
    """
    current = {
        update.party_id: update
        for update in StatusUpdate.objects.filter(
            commitment=commitment, is_current=True, state=PublicationState.PUBLISHED
        ).only("party", "status", "as_of")
    }
    parties = [(actor, current.get(actor.pk)) for actor in commitment.actors.all()]
    return current.get(None), parties if any(own for _actor, own in parties) else []


def card_height(parties: list) -> int:
    return CARD_HEIGHT + (PARTY_HEADING_HEIGHT + PARTY_ROW_HEIGHT * len(parties) if parties else 0)


# --- The card ------------------------------------------------------------------------------------


@framable
@conditional_page
def embed_card(request: HttpRequest, slug: str) -> HttpResponse:
    commitment = get_object_or_404(embeddable_commitments(), slug=slug)
    latest, parties = current_verdicts(commitment)
    return render(
        request,
        "commitments/embed_card.html",
        {
            "commitment": commitment,
            "latest": latest,
            "parties": parties,
            "page_url": request.build_absolute_uri(commitment.get_absolute_url()),
            "colour": STATUS_COLOURS[commitment.status],
            "status_colours": STATUS_COLOURS.items(),
        },
    )


# --- The badge -----------------------------------------------------------------------------------

BADGE_LABEL = "verdict"
BADGE_FONT_SIZE = 11
BADGE_PADDING = 8


@conditional_page
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.published().only("title", "slug", "status"), slug=slug)
    value = STATUS_LABELS[commitment.status]
    label_text, value_text = (
        round(text_width(text, BADGE_FONT_SIZE, bold=bold), 1) for text, bold in ((BADGE_LABEL, False), (value, True))
    )
    label_width = round(label_text + 2 * BADGE_PADDING)
    value_width = round(value_text + 2 * BADGE_PADDING)
    return render(
        request,
        "commitments/badge.svg",
        {
            "commitment": commitment,
            "label": BADGE_LABEL,
            "value": value,
            "colour": STATUS_COLOURS[commitment.status],
            # As text, so that no locale's decimal comma reaches the SVG.
            "width": label_width + value_width,
            "label_width": label_width,
            "value_width": value_width,
            "label_text": f"{label_text:g}",
            "value_text": f"{value_text:g}",
            "label_x": f"{label_width / 2:g}",
            "value_x": f"{label_width + value_width / 2:g}",
        },
        content_type="image/svg+xml; charset=utf-8",
    )


# --- oEmbed --------------------------------------------------------------------------------------


class OEmbedRefusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def refusal(status: int, message: str) -> HttpResponse:
    return HttpResponse(message + "\n", status=status, content_type="text/plain; charset=utf-8")


def dimension(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or int(raw) < MIN_WIDTH:
        raise OEmbedRefusal(400, f"{name} must be a whole number of pixels, at least {MIN_WIDTH}; got {raw!r}.")
    return int(raw)


def embedded_commitment(request: HttpRequest, address: str) -> Commitment:
    """The published commitment whose page (or card) `address` is, or a refusal saying why not."""
    if not address:
        raise OEmbedRefusal(400, "The url parameter is required: the address of a commitment's page.")
    try:
        parts = urlsplit(address)
        host = parts.netloc.lower()
    except ValueError:
        parts, host = None, ""
    if parts is None or parts.scheme not in ("http", "https") or not host:
        raise OEmbedRefusal(400, f"url must be the full http or https address of a commitment's page; got {address!r}.")
    if host != request.get_host().lower():
        raise OEmbedRefusal(404, f"{address} is not an address of this tracker.")
    try:
        match = resolve(parts.path)
    except Resolver404:
        match = None
    if match is None or match.view_name not in EMBEDDABLE_VIEWS:
        raise OEmbedRefusal(404, f"{address} is not the address of a commitment.")
    commitment = embeddable_commitments().filter(slug=match.kwargs["slug"]).first()
    if commitment is None:
        raise OEmbedRefusal(404, f"No published commitment has the address {address}.")
    return commitment


def oembed_answer(request: HttpRequest, commitment: Commitment, maxwidth: int | None, maxheight: int | None) -> dict:
    _latest, parties = current_verdicts(commitment)
    width = min(CARD_WIDTH, maxwidth or CARD_WIDTH)
    height = min(card_height(parties), maxheight or card_height(parties))
    card = request.build_absolute_uri(detail_path("commitments:embed-card", slug=commitment.slug))
    # Sandboxed: the card runs no script; its links open in a new tab or, when clicked, the page.
    html = format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" style="border:0;max-width:100%"'
        ' sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation">'
        "</iframe>",
        card,
        width,
        height,
        f"{commitment.title}: {STATUS_LABELS[commitment.status]} ({SITE_NAME})",
    )
    return {
        "version": "1.0",
        "type": "rich",
        "title": commitment.title,
        "provider_name": SITE_NAME,
        "provider_url": request.build_absolute_uri("/"),
        "cache_age": OEMBED_CACHE_AGE,
        "html": str(html),
        "width": width,
        "height": height,
    }


def as_xml(answer: dict) -> bytes:
    root = ElementTree.Element("oembed")
    for name, value in answer.items():
        ElementTree.SubElement(root, name).text = str(value)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


@conditional_page
def oembed(request: HttpRequest) -> HttpResponse:
    """oEmbed for a commitment's page: 400 for a bad request, 404 for an address that is not a
    published commitment's, 501 for a format other than json and xml, as the specification says."""
    unknown = sorted(set(request.GET) - set(OEMBED_PARAMETERS))
    if unknown:
        return refusal(400, f"Unknown parameter {', '.join(unknown)}: oEmbed takes {', '.join(OEMBED_PARAMETERS)}.")
    answer_format = request.GET.get("format", "json")
    if answer_format not in ("json", "xml"):
        return refusal(501, f"The format {answer_format!r} is not supported: ask for json or xml.")
    try:
        maxwidth, maxheight = dimension(request, "maxwidth"), dimension(request, "maxheight")
        commitment = embedded_commitment(request, request.GET.get("url", "").strip())
    except OEmbedRefusal as refused:
        return refusal(refused.status, refused.message)
    answer = oembed_answer(request, commitment, maxwidth, maxheight)
    if answer_format == "xml":
        return HttpResponse(as_xml(answer), content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(answer), content_type="application/json")

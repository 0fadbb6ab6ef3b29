"""A commitment's share image: the PNG that social sites show beside a link to its page.

Drawn on the server with Pillow, 1200 × 630 (the size Facebook, LinkedIn and X crop to): the
site's name, the title, the verdict in its status colour and the date it holds from. Rendering
costs tens of milliseconds, so each image is kept under the data version (cached_by_version)
and drawn again only after a change.
"""

from __future__ import annotations

import datetime
import functools
import io
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from PIL import Image, ImageDraw, ImageFont

from commitments.infra.cache import cached_by_version
from commitments.models import Commitment, PublicationState, StatusUpdate
from commitments.site.conditional import conditional_page
from commitments.status import STATUS_COLOURS, STATUS_LABELS

WIDTH, HEIGHT = 1200, 630
SITE_NAME = "Commitment Tracker"
INK, MUTED, PAPER, LINE = "#1f2328", "#57606a", "#ffffff", "#d0d7de"
MARGIN = 84
TITLE_TOP, TITLE_BOTTOM = 150, 420
TITLE_SIZES = (64, 56, 48, 42)  # the largest at which the title fits in its box

# DejaVu ships with most Linux distributions (Debian: fonts-dejavu-core); Pillow's own font is the
# fallback, in one weight only.
FONT_DIRECTORIES = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@functools.cache
def font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for directory in FONT_DIRECTORIES:
        if (directory / name).exists():
            return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size=size)


def text_width(text: str, size: int, *, bold: bool = False) -> float:
    """How wide `text` is drawn at `size` pixels (used to size the SVG badges too)."""
    return font(size, bold=bold).getlength(text)


def wrap(text: str, size: int, width: int, *, bold: bool = False) -> list[str]:
    """`text` in lines no wider than `width`; a word longer than a line stands on its own."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size, bold=bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def fit_title(title: str, width: int, height: int) -> tuple[int, list[str]]:
    """The title's size and lines: the largest size that fits the box, else the smallest, cut
    with an ellipsis."""
    for size in TITLE_SIZES:
        lines = wrap(title, size, width, bold=True)
        if len(lines) * round(size * 1.2) <= height:
            return size, lines
    size = TITLE_SIZES[-1]
    fitting = max(1, height // round(size * 1.2))
    lines = wrap(title, size, width, bold=True)[:fitting]
    while lines[-1] and text_width(lines[-1] + " …", size, bold=True) > width:
        lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
    lines[-1] += " …"
    return size, lines


def render_share_image(*, title: str, status: str, as_of: datetime.date | None) -> bytes:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    colour = STATUS_COLOURS[status]
    draw.rectangle((0, 0, 24, HEIGHT), fill=colour)
    draw.text((MARGIN, 64), SITE_NAME, font=font(32, bold=True), fill=MUTED)

    size, lines = fit_title(title, WIDTH - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP)
    for number, line in enumerate(lines):
        draw.text((MARGIN, TITLE_TOP + number * round(size * 1.2)), line, font=font(size, bold=True), fill=INK)

    # The verdict as the site's badges show it: white on the status colour.
    label, label_font = STATUS_LABELS[status], font(44, bold=True)
    left, top = MARGIN, 455
    right = left + label_font.getlength(label) + 48
    draw.rounded_rectangle((left, top, right, top + 76), radius=10, fill=colour)
    draw.text((left + 24, top + 38), label, font=label_font, fill=PAPER, anchor="lm")
    dated = f"as of {as_of:%-d %B %Y}" if as_of else "no assessment yet"
    draw.text((right + 28, top + 38), dated, font=font(36), fill=MUTED, anchor="lm")

    draw.line((MARGIN, 556, WIDTH - MARGIN, 556), fill=LINE, width=2)
    draw.text((MARGIN, 570), "Dated verdicts backed by evidence", font=font(26), fill=MUTED)

    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def share_image_of(slug: str) -> bytes | None:
    """The PNG of a published commitment, or None when there is none by that slug."""
    commitment = Commitment.objects.published().filter(slug=slug).only("pk", "title", "status").first()
    if commitment is None:
        return None
    as_of = (
        StatusUpdate.objects.filter(
            commitment=commitment, party=None, is_current=True, state=PublicationState.PUBLISHED
        )
        .values_list("as_of", flat=True)
        .first()
    )
    return render_share_image(title=commitment.title, status=commitment.status, as_of=as_of)


@conditional_page
def share_image(request: HttpRequest, slug: str) -> HttpResponse:
    # Keyed by slug, the lookup included: an unchanged image costs no query past the cache's.
    png = cached_by_version(f"share-image\n{slug}", lambda: share_image_of(slug))
    if png is None:
        raise Http404("No published commitment has this address.")
    return HttpResponse(png, content_type="image/png")

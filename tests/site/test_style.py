"""The public palette: the same status colours as the admin, each readable with white text."""

import re
from pathlib import Path

from commitments.models import Status
from commitments.status import STATUS_COLOURS

CSS = Path(__file__).resolve().parents[2] / "commitments/static/commitments/site.css"


def css_palette() -> dict[str, str]:
    root = CSS.read_text().split(":root {", 1)[1].split("}", 1)[0]
    return {name: value.lower() for name, value in re.findall(r"--([a-z_]+):\s*(#[0-9a-fA-F]{6});", root)}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_stylesheet_uses_the_admins_status_colours():
    palette = css_palette()
    assert {status: palette[status] for status in Status.values} == {
        status: colour.lower() for status, colour in STATUS_COLOURS.items()
    }


def test_every_status_colour_meets_wcag_aa_with_white_text():
    for status in Status.values:
        assert contrast(css_palette()[status], "#ffffff") >= 4.5, status


def test_the_contrast_check_can_fail():
    assert contrast("#ffff00", "#ffffff") < 4.5


def test_every_status_has_a_badge_and_a_chart_fill():
    css = CSS.read_text()
    for status in Status.values:
        assert f".status-{status} {{ background: var(--{status}); }}" in css
        assert f".fill-{status} {{ fill: var(--{status}); }}" in css

"""The embed card framed by a newsroom's page on another origin, in a real browser.

The newsroom's page is served by a small http.server on another loopback address and port, and
holds the <iframe> the tracker's oEmbed endpoint hands out, as a publishing system would paste it.
"""

import datetime
import json
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from commitments.models import Actor, Commitment
from tests.factories import verdict

from .conftest import serious_violations, snapshot

pytestmark = pytest.mark.browser

SLUG = "lawful-access-data-access-agreement"
SHOTS = "/tmp/shots-embeds"


@pytest.fixture
def browser_context_args(browser_context_args):
    # The framing rules are the Content-Security-Policy's frame-ancestors and X-Frame-Options:
    # the browser must enforce them here (conftest.py turns CSP off for injected scripts).
    return {**browser_context_args, "bypass_csp": False}


@pytest.fixture
def embedded(site):
    """The seed, with a party of the embedded commitment rated on its own."""
    commitment = Commitment.objects.get(slug=SLUG)
    verdict(
        commitment=commitment,
        status="in_progress",
        as_of=datetime.date(2022, 10, 3),
        party=Actor.objects.get(slug="united-kingdom"),
    )
    return site


def newsroom_page(body: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Daily Example: data access</title>
<style>body {{ font: 18px/1.5 Georgia, serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}</style>
</head><body>
<h1>Data-sharing pact: where it stands</h1>
<p>The agreement was signed in 2019. Here is the tracker's current verdict:</p>
{body}
<p>The rest of the article goes on below the card.</p>
</body></html>"""


@pytest.fixture
def newsroom():
    """Serve pages from another origin (127.0.0.1 on its own port; the live server is localhost)."""
    pages: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def publish(path: str, body: str) -> str:
        pages[path] = newsroom_page(body)
        return f"http://127.0.0.1:{server.server_port}{path}"

    yield publish
    server.shutdown()
    server.server_close()


def oembed_html(site: str, page_url: str) -> str:
    query = urllib.parse.urlencode({"url": page_url, "format": "json"})
    with urllib.request.urlopen(f"{site}/oembed/?{query}", timeout=10) as response:
        return json.loads(response.read())["html"]


def test_the_card_renders_inside_an_iframe_on_another_origin(page: Page, embedded, newsroom):
    article = newsroom("/article.html", oembed_html(embedded, f"{embedded}/commitments/{SLUG}/"))
    assert urllib.parse.urlsplit(article).netloc != urllib.parse.urlsplit(embedded).netloc
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(article)
        card = page.frame_locator("iframe").locator("article.card")
        expect(card).to_be_visible()
        expect(card.locator("h1")).to_contain_text("data access agreement", ignore_case=True)
        expect(card.locator(".verdict .badge")).to_have_text("Met")
        expect(card.locator(".parties li").filter(has_text="United Kingdom")).to_contain_text("In progress")
        frame = page.frame_locator("iframe").owner
        box = frame.bounding_box()
        assert box and box["width"] <= width and box["height"] > 100
        # Nothing of the card is cut off: its content fits the height oEmbed gave the frame.
        inner = page.frames[1]
        assert inner.evaluate("document.documentElement.scrollHeight") <= box["height"] + 1, width
        page.screenshot(path=f"{SHOTS}/framing-page-{width}.png", full_page=True)
        snapshot(page, f"embed-framed-{width}")


def test_any_other_page_is_refused_a_frame_on_another_origin(page: Page, embedded, newsroom):
    # The control: the same <iframe> of the commitment's own page stays empty.
    article = newsroom(
        "/framing-the-page.html", f'<iframe src="{embedded}/commitments/{SLUG}/" width="500" height="300"></iframe>'
    )
    page.goto(article)
    page.wait_for_load_state("load")
    # Chromium puts its own error page in the refused frame.
    expect(page.frame_locator("iframe").locator("article.commitment")).to_have_count(0)
    assert page.frames[1].url.startswith("chrome-error://")


def test_the_card_alone(page: Page, embedded, axe_source):
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 600})
        page.goto(f"{embedded}/embed/commitments/{SLUG}/")
        expect(page.locator("article.card")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=f"{SHOTS}/card-{width}.png", full_page=True)
        snapshot(page, f"embed-card-{width}")
    serious = serious_violations(page, axe_source)
    assert serious == [], serious

"""The embeddable card, its framing headers against every other page's, and the SVG badge."""

import datetime
import uuid
from xml.etree import ElementTree

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from commitments.models import PublicationState
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def pledge():
    us, uk = ActorFactory(slug="us", name="United States"), ActorFactory(slug="uk", name="United Kingdom")
    commitment = CommitmentFactory(
        slug="cyber",
        title="Defend <networks> & more",
        statement=StatementFactory(slug="summit"),
        themes=[ThemeFactory(slug="t")],
        actors=[us, uk],
    )
    verdict(commitment=commitment, status="in_progress", as_of=datetime.date(2022, 1, 10))
    return commitment


def csp(response) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in response["Content-Security-Policy"].split("; ")}


# --- The card


def test_the_card_shows_the_title_verdict_date_and_a_link_back(client, pledge):
    response = client.get("/embed/commitments/cyber/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Defend &lt;networks&gt; &amp; more" in html
    assert '<span class="badge status-in_progress">In progress</span>' in html
    assert '<time datetime="2022-01-10">10 January 2022</time>' in html
    assert 'href="http://testserver/commitments/cyber/" target="_blank" rel="noopener"' in html


def test_the_card_runs_no_script_and_loads_nothing_else(client, pledge):
    html = client.get("/embed/commitments/cyber/").content.decode()
    assert "<script" not in html
    assert '<link rel="stylesheet"' not in html and "<img" not in html


def test_the_card_lists_party_verdicts_only_when_a_party_has_its_own(client, pledge):
    assert "Verdict per party" not in client.get("/embed/commitments/cyber/").content.decode()
    verdict(commitment=pledge, status="met", as_of=datetime.date(2023, 3, 1), party=pledge.actors.get(slug="us"))
    html = client.get("/embed/commitments/cyber/").content.decode()
    assert "Verdict per party" in html
    assert 'United States: <span class="badge small status-met">Met</span>' in html
    assert 'United Kingdom: <span class="meta">the overall verdict applies</span>' in html


def test_an_unrated_card_says_so(client):
    CommitmentFactory(slug="new")
    html = client.get("/embed/commitments/new/").content.decode()
    assert "Not rated" in html and "no assessment yet" in html


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.REVIEW])
def test_unpublished_and_unknown_commitments_have_no_card(client, state):
    CommitmentFactory(slug="hidden", state=state)
    CommitmentFactory(slug="orphan", statement=StatementFactory(state=state))
    for slug in ("hidden", "orphan", "no-such-commitment"):
        assert client.get(f"/embed/commitments/{slug}/").status_code == 404
        assert client.get(f"/badges/commitments/{slug}.svg").status_code == 404


def test_the_card_runs_a_fixed_number_of_queries(client, pledge, django_assert_num_queries):
    for actor in ActorFactory.create_batch(20):
        pledge.actors.add(actor)
        verdict(commitment=pledge, status="met", as_of=datetime.date(2023, 3, 1), party=actor)
    # The latest change, the commitment, its actors, the verdicts in force.
    with django_assert_num_queries(4):
        response = client.get("/embed/commitments/cyber/")
    assert response.content.decode().count('class="badge small') == 20


# --- Framing: the card alone may be framed


def test_any_site_may_frame_the_card(client, pledge):
    response = client.get("/embed/commitments/cyber/")
    assert "X-Frame-Options" not in response
    directives = csp(response)
    assert directives["frame-ancestors"] == ["*"]
    # The rest of the policy stays, scripts even tighter.
    assert directives["script-src"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def every_route(resolver=None, prefix: str = "") -> list[tuple[str, str]]:
    """(pattern, name) of every route of the project, nested ones included."""
    routes = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            routes += [(prefix + str(entry.pattern) + p, namespace + n) for p, n in every_route(entry)]
        elif isinstance(entry, URLPattern):
            routes.append((prefix + str(entry.pattern), entry.name or ""))
    return routes


# One address for each public route, to check they all keep framing denied. A route added
# without an address here fails test_every_public_route_is_sampled.
SAMPLES = {
    "commitments:dashboard": "/",
    "commitments:commitment-list": "/commitments/",
    "commitments:commitment-detail": "/commitments/cyber/",
    "commitments:commitment-suggest": "/commitments/cyber/suggest/",
    "commitments:statement-list": "/statements/",
    "commitments:statement-detail": "/statements/summit/",
    "commitments:theme-list": "/themes/",
    "commitments:theme-detail": "/themes/t/",
    "commitments:actor-list": "/actors/",
    "commitments:actor-detail": "/actors/us/",
    "commitments:methodology": "/methodology/",
    "commitments:feed-updates": "/feeds/updates/",
    "commitments:feed-theme": "/feeds/themes/t/",
    "commitments:feed-actor": "/feeds/actors/us/",
    "commitments:feed-commitment": "/feeds/commitments/cyber/",
    "commitments:feed-new-commitments": "/feeds/commitments/",
    "commitments:feed-theme-commitments": "/feeds/themes/t/commitments/",
    "commitments:feed-actor-commitments": "/feeds/actors/us/commitments/",
    "commitments:export-csv": "/export/commitments.csv",
    "commitments:export-json": "/export/commitments.json",
    "commitments:export-ndjson": "/export/commitments.ndjson",
    "commitments:datapackage": "/export/datapackage.json",
    "commitments:sitemap": "/sitemap.xml",
    "commitments:sitemap-section": "/sitemap-commitments.xml",
    "commitments:robots": "/robots.txt",
    "commitments:calendar-deadlines": "/calendar/deadlines.ics",
    "commitments:calendar-theme": "/calendar/themes/t.ics",
    "commitments:calendar-actor": "/calendar/actors/us.ics",
    "commitments:badge": "/badges/commitments/cyber.svg",
    "commitments:oembed": "/oembed/?url=http%3A%2F%2Ftestserver%2Fcommitments%2Fcyber%2F",
    "commitments:share-image": "/share/commitments/cyber.png",
}
FRAMABLE = {"commitments:embed-card"}


def test_every_public_route_is_sampled():
    public = {name for pattern, name in every_route() if name.startswith("commitments:")}
    assert public - FRAMABLE - set(SAMPLES) == set(), "add an address for the new route to SAMPLES"


@pytest.mark.parametrize(
    "url", [*SAMPLES.values(), "/api/v1/", "/api/v1/commitments/", "/admin/login/", "/no-such-page/"]
)
def test_every_other_page_refuses_to_be_framed(client, pledge, url):
    response = client.get(url)
    assert response.status_code in (200, 404), url
    assert response["X-Frame-Options"] == "DENY"
    assert csp(response)["frame-ancestors"] == ["'none'"]


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


def test_a_card_replayed_from_the_cache_may_still_be_framed(client, pledge, page_cache):
    first, again = client.get("/embed/commitments/cyber/"), client.get("/embed/commitments/cyber/")
    assert (first["X-Cache"], again["X-Cache"]) == ("miss", "hit")
    assert again.content == first.content
    assert "X-Frame-Options" not in again
    assert csp(again)["frame-ancestors"] == ["*"]


def test_a_page_replayed_from_the_cache_still_refuses_to_be_framed(client, pledge, page_cache):
    client.get("/commitments/cyber/")
    again = client.get("/commitments/cyber/")
    assert again["X-Cache"] == "hit"
    assert again["X-Frame-Options"] == "DENY"
    assert csp(again)["frame-ancestors"] == ["'none'"]


# --- The badge


def test_the_badge_is_an_svg_image_of_the_status_with_accessible_text(client, pledge):
    response = client.get("/badges/commitments/cyber.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    svg = ElementTree.fromstring(response.content)  # well formed, the title escaped
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Defend <networks> & more: In progress"
    assert svg.find(f"{SVG}title").text == "Defend <networks> & more: In progress (Commitment Tracker)"
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert texts == ["verdict", "In progress"]
    assert "#1d4ed8" in [rect.get("fill") for rect in svg.iter(f"{SVG}rect")]


def test_the_badge_is_wider_for_a_longer_status(client, pledge):
    met = CommitmentFactory(slug="met")
    verdict(commitment=met, status="met", as_of=datetime.date(2022, 1, 10))

    def width(slug: str) -> int:
        return int(ElementTree.fromstring(client.get(f"/badges/commitments/{slug}.svg").content).get("width"))

    assert width("met") < width("cyber")


def test_the_badge_follows_the_status(client, pledge):
    verdict(commitment=pledge, status="broken", as_of=datetime.date(2023, 1, 10))
    svg = ElementTree.fromstring(client.get("/badges/commitments/cyber.svg").content)
    assert [text.text for text in svg.iter(f"{SVG}text")][-1] == "Broken"


def test_the_badge_is_cached_like_the_pages(client, pledge, page_cache):
    client.get("/badges/commitments/cyber.svg")
    again = client.get("/badges/commitments/cyber.svg")
    assert again["X-Cache"] == "hit"
    assert again["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert again.has_header("ETag")


def test_the_commitment_page_offers_its_card_and_badge(client, pledge):
    html = client.get("/commitments/cyber/").content.decode()
    assert 'href="/embed/commitments/cyber/"' in html
    assert '<img src="/badges/commitments/cyber.svg" alt="In progress" height="20">' in html

"""oEmbed for commitment pages, its discovery links, and the share image."""

import datetime
import io
import json
import re
from html import unescape
from xml.etree import ElementTree

import pytest
from PIL import Image

from commitments.models import PublicationState
from commitments.site.images import HEIGHT, MARGIN, TITLE_BOTTOM, TITLE_TOP, WIDTH, fit_title
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, verdict

pytestmark = pytest.mark.django_db

PAGE = "http://testserver/commitments/cyber/"


@pytest.fixture
def pledge():
    commitment = CommitmentFactory(slug="cyber", title="Defend networks", actors=[ActorFactory(), ActorFactory()])
    verdict(commitment=commitment, status="met", as_of=datetime.date(2022, 1, 10))
    return commitment


def oembed(client, **params):
    return client.get("/oembed/", params)


def test_a_commitment_page_embeds_as_its_card(client, pledge):
    response = oembed(client, url=PAGE, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer = json.loads(response.content)
    assert {k: answer[k] for k in ("version", "type", "title", "provider_name", "provider_url", "cache_age")} == {
        "version": "1.0",
        "type": "rich",
        "title": "Defend networks",
        "provider_name": "Commitment Tracker",
        "provider_url": "http://testserver/",
        "cache_age": 3600,
    }
    assert re.fullmatch(
        r'<iframe src="http://testserver/embed/commitments/cyber/" width="500" height="\d+" .*</iframe>', answer["html"]
    )
    assert f'width="{answer["width"]}" height="{answer["height"]}"' in answer["html"]
    assert "<script" not in answer["html"]


def test_json_is_the_default_format_and_the_cards_address_embeds_too(client, pledge):
    by_page = json.loads(oembed(client, url=PAGE).content)
    by_card = json.loads(oembed(client, url="http://testserver/embed/commitments/cyber/").content)
    assert by_page == by_card


def test_the_height_makes_room_for_party_verdicts(client, pledge):
    before = json.loads(oembed(client, url=PAGE).content)["height"]
    verdict(commitment=pledge, status="stalled", as_of=datetime.date(2023, 1, 1), party=pledge.actors.first())
    assert json.loads(oembed(client, url=PAGE).content)["height"] > before


def test_maxwidth_and_maxheight_are_respected(client, pledge):
    answer = json.loads(oembed(client, url=PAGE, maxwidth="320", maxheight="200").content)
    assert (answer["width"], answer["height"]) == (320, 200)
    assert 'width="320" height="200"' in answer["html"]
    wide = json.loads(oembed(client, url=PAGE, maxwidth="2000").content)
    assert wide["width"] == 500


def test_xml_says_the_same(client, pledge):
    response = oembed(client, url=PAGE, format="xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    assert root.tag == "oembed"
    as_json = json.loads(oembed(client, url=PAGE).content)
    assert {child.tag: child.text for child in root} == {k: str(v) for k, v in as_json.items()}


@pytest.mark.parametrize("state", [PublicationState.DRAFT, PublicationState.REVIEW])
def test_unpublished_commitments_are_not_found(client, state):
    CommitmentFactory(slug="draft", title="Secret draft", state=state)
    CommitmentFactory(slug="orphan", title="Secret orphan", statement=StatementFactory(state=state))
    for slug in ("draft", "orphan"):
        response = oembed(client, url=f"http://testserver/commitments/{slug}/")
        assert response.status_code == 404
        assert b"Secret" not in response.content


@pytest.mark.parametrize(
    "url",
    [
        "http://testserver/commitments/no-such-commitment/",
        "http://testserver/statements/cyber/",
        "http://testserver/no/such/page/",
        "https://elsewhere.example/commitments/cyber/",
    ],
)
def test_addresses_of_no_published_commitment_here_are_not_found(client, pledge, url):
    response = oembed(client, url=url)
    assert response.status_code == 404
    assert response["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    "params, message",
    [
        ({}, b"The url parameter is required"),
        ({"url": "commitments/cyber/"}, b"must be the full http or https address"),
        ({"url": "javascript:alert(1)"}, b"must be the full http or https address"),
        ({"url": "http://[broken/commitments/cyber/"}, b"must be the full http or https address"),
        ({"url": PAGE, "maxwidth": "wide"}, b"maxwidth must be a whole number"),
        ({"url": PAGE, "maxheight": "-5"}, b"maxheight must be a whole number"),
        ({"url": PAGE, "callback": "f"}, b"Unknown parameter callback"),
    ],
)
def test_a_bad_request_gets_a_clear_400(client, pledge, params, message):
    response = oembed(client, **params)
    assert response.status_code == 400
    assert message in response.content


def test_an_unsupported_format_is_not_implemented(client, pledge):
    response = oembed(client, url=PAGE, format="yaml")
    assert response.status_code == 501
    assert b"'yaml' is not supported: ask for json or xml" in response.content


def test_oembed_runs_a_fixed_number_of_queries(client, pledge, django_assert_num_queries):
    # The latest change, the commitment, its actors, the verdicts in force.
    with django_assert_num_queries(4):
        assert oembed(client, url=PAGE).status_code == 200


def test_commitment_pages_announce_oembed_and_the_share_image(client, pledge):
    html = client.get("/commitments/cyber/").content.decode()
    links = dict(re.findall(r'<link rel="alternate" type="([^"]+\+oembed)" href="([^"]+)"', html))
    assert set(links) == {"application/json+oembed", "text/xml+oembed"}
    discovered = unescape(links["application/json+oembed"])
    assert discovered.startswith("http://testserver/oembed/?url=http%3A%2F%2Ftestserver%2Fcommitments%2Fcyber%2F")
    assert json.loads(client.get(discovered).content)["title"] == "Defend networks"
    assert '<meta property="og:image" content="http://testserver/share/commitments/cyber.png">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert '<meta property="og:image:alt" content="Defend networks: Met">' in html


# --- The share image


def test_the_share_image_is_a_png_of_the_size_social_sites_use(client, pledge):
    response = client.get("/share/commitments/cyber.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.verify()
    assert (image.format, image.size) == ("PNG", (WIDTH, HEIGHT)) == ("PNG", (1200, 630))


def test_the_share_image_shows_the_status_colour(client, pledge):
    image = Image.open(io.BytesIO(client.get("/share/commitments/cyber.png").content)).convert("RGB")
    assert image.getpixel((10, 300)) == (0x15, 0x80, 0x3D)  # the band in "met" green


def test_the_share_image_changes_with_the_verdict(client, pledge):
    before = client.get("/share/commitments/cyber.png").content
    verdict(commitment=pledge, status="broken", as_of=datetime.date(2023, 1, 10))
    after = client.get("/share/commitments/cyber.png").content
    assert before != after
    assert Image.open(io.BytesIO(after)).convert("RGB").getpixel((10, 300)) == (0x7F, 0x1D, 0x1D)


def test_a_very_long_title_still_fits(client):
    title = ("Strengthen cooperation " * 13).strip()  # 298 characters, nearly the most a title has
    size, lines = fit_title(title, WIDTH - 2 * MARGIN, TITLE_BOTTOM - TITLE_TOP)
    assert len(lines) * round(size * 1.2) <= TITLE_BOTTOM - TITLE_TOP
    assert lines[-1].endswith(" …")
    CommitmentFactory(slug="long", title=title)
    image = Image.open(io.BytesIO(client.get("/share/commitments/long.png").content))
    assert image.size == (1200, 630)


def test_unpublished_and_unknown_commitments_have_no_share_image(client):
    CommitmentFactory(slug="draft", state=PublicationState.DRAFT)
    assert client.get("/share/commitments/draft.png").status_code == 404
    assert client.get("/share/commitments/no-such-commitment.png").status_code == 404


def test_the_share_image_is_kept_under_the_data_version(client, pledge, settings, django_assert_num_queries):
    settings.COUNT_CACHE_SECONDS = 300
    first = client.get("/share/commitments/cyber.png").content
    # Only the latest change (ETag and Last-Modified): neither the commitment nor its drawing again.
    with django_assert_num_queries(1):
        assert client.get("/share/commitments/cyber.png").content == first
    verdict(commitment=pledge, status="stalled", as_of=datetime.date(2023, 1, 10))
    assert client.get("/share/commitments/cyber.png").content != first

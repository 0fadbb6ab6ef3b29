"""The lineage on commitment pages and in the downloads."""

import csv
import io
import json

import pytest

from commitments.models import Commitment, PublicationState
from tests.domain.test_lineage import WALES, chain, made_on

pytestmark = pytest.mark.django_db


def page(client, commitment) -> str:
    response = client.get(commitment.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_each_page_shows_the_whole_lineage_oldest_first_linked_both_ways(client):
    wales, vilnius, hague = chain()
    for commitment in (wales, vilnius, hague):
        body = page(client, commitment)
        section = body[body.index('id="lineage"') : body.index('id="timeline"')]
        positions = [section.index(c.title) for c in (wales, vilnius, hague)]
        assert positions == sorted(positions)
        for other in {wales, vilnius, hague} - {commitment}:
            assert f'href="{other.get_absolute_url()}"' in section
        assert f'href="{commitment.get_absolute_url()}"' not in section  # itself, marked, not linked
        assert "(this commitment)" in section
    body = page(client, wales)
    assert "Restated on <time" in body and "11 July 2023" in body and "Replaced on <time" in body
    assert "25 June 2025</time> by" in body


def test_a_commitment_alone_has_no_lineage_section(client):
    assert 'id="lineage"' not in page(client, made_on(WALES))


def test_a_draft_in_the_lineage_never_shows(client):
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=vilnius.pk).update(state=PublicationState.DRAFT, title="Secret draft wording")
    for commitment in (wales, hague):
        body = page(client, commitment)
        assert "Secret draft wording" not in body and vilnius.slug not in body


def test_the_downloads_carry_the_predecessor_and_relation(client):
    wales, vilnius, hague = chain()
    rows = {
        row["slug"]: row
        for row in csv.DictReader(
            io.StringIO(b"".join(client.get("/export/commitments.csv").streaming_content).decode())
        )
    }
    assert (rows[hague.slug]["predecessor"], rows[hague.slug]["predecessor_relation"]) == (vilnius.slug, "replaces")
    assert (rows[wales.slug]["predecessor"], rows[wales.slug]["predecessor_relation"]) == ("", "")
    data = json.loads(b"".join(client.get("/export/commitments.json").streaming_content))
    by_slug = {row["slug"]: row for row in data}
    assert (by_slug[vilnius.slug]["predecessor"], by_slug[vilnius.slug]["predecessor_relation"]) == (
        wales.slug,
        "restates",
    )


def test_the_downloads_hide_an_unpublished_predecessor(client):
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=vilnius.pk).update(state=PublicationState.DRAFT)
    text = b"".join(client.get("/export/commitments.csv").streaming_content).decode()
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert (rows[hague.slug]["predecessor"], rows[hague.slug]["predecessor_relation"]) == ("", "")
    assert vilnius.slug not in text

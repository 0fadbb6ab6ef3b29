"""The public side of reviewed verdicts: drafts stay out, parties and corrections are shown."""

import datetime

import pytest

from commitments.domain.services import record_status_update
from commitments.models import Status
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, verdict

pytestmark = pytest.mark.django_db

D = datetime.date


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return " ".join(body.decode().split())


@pytest.fixture
def commitment(db):
    return CommitmentFactory(slug="pledge", title="A pledge", actors=[ActorFactory(slug="uk", name="United Kingdom")])


def test_a_draft_verdict_reaches_no_public_page_feed_or_score(client, commitment):
    record_status_update(
        commitment=commitment, status=Status.BROKEN, as_of=D(2022, 1, 1), rationale="Unreviewed claim."
    )
    for url in ("/commitments/pledge/", "/", "/feeds/updates/", "/export/commitments.csv", "/actors/uk/"):
        assert "Unreviewed claim" not in text_of(client.get(url)), url
    assert "No status update yet" in text_of(client.get("/commitments/pledge/"))
    assert "None is rated yet" in text_of(client.get("/"))
    assert ",broken," not in text_of(client.get("/export/commitments.csv"))
    assert "not rated yet (0 of 1 rated)" in text_of(client.get("/actors/uk/"))


def test_the_page_shows_each_partys_verdict_beside_the_overall_one(client, db):
    uk, us = ActorFactory(slug="uk", name="United Kingdom"), ActorFactory(slug="us", name="United States")
    commitment = CommitmentFactory(slug="joint", actors=[uk, us])
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2022, 1, 1))
    verdict(commitment=commitment, status=Status.MET, as_of=D(2023, 1, 1), party=uk, rationale="The U.K. delivered.")
    html = text_of(client.get("/commitments/joint/"))
    parties = html.split('id="by-party"')[1].split("</ul>")[0]
    assert "United Kingdom</a>: " in parties and 'class="badge status-met"' in parties
    assert 'United States</a>: <span class="meta">no separate verdict; the overall one applies' in parties
    assert "current for United Kingdom" in html and "current status" in html


def test_without_party_verdicts_there_is_no_party_list(client, commitment):
    verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1))
    assert 'id="by-party"' not in text_of(client.get("/commitments/pledge/"))


def test_a_corrected_verdict_stays_in_the_timeline_marked_and_linked_both_ways(client, commitment):
    typo = verdict(commitment=commitment, status=Status.MET, as_of=D(2024, 5, 1), rationale="Typo verdict.")
    fix = verdict(
        commitment=commitment,
        status=Status.IN_PROGRESS,
        as_of=D(2022, 5, 1),
        corrects=typo,
        rationale="The right verdict.",
        articles=[ArticleFactory()],
    )
    html = text_of(client.get("/commitments/pledge/"))
    corrected = html.split(f'id="update-{typo.pk}"')[1].split("</li>")[0]
    assert "Corrected</span>" in corrected and f'href="#update-{fix.pk}">See the correction' in corrected
    assert "Typo verdict." in corrected
    correction = html.split(f'id="update-{fix.pk}"')[1].split("</li>")[0]
    assert f'href="#update-{typo.pk}">the verdict “Met” as of 1 May 2024' in correction
    assert "current status" in correction and "current status" not in corrected
    verdict_box = html.split('<div class="verdict')[1].split("</div>")[0]
    assert "In progress" in verdict_box and f"#update-{fix.pk}" in verdict_box


def test_the_methodology_states_the_rules_of_parties_corrections_and_coverage(client, db, settings):
    html = text_of(client.get("/methodology/"))
    assert "by the actor's own verdict where one exists and by the overall verdict otherwise" in html
    assert "while fewer than 3 of its commitments are rated" in html
    assert "a published verdict is never deleted" in html
    assert "neither wrote it nor last changed it" in html
    settings.FOUR_EYES = False
    assert "one-person newsroom" in text_of(client.get("/methodology/"))

"""The reader-submission form: validation, abuse limits, and that nothing sent reaches the public."""

import pytest
from django.test import Client

from commitments.models import Commitment, PublicationState, ReaderSubmission
from tests.factories import ActorFactory, CommitmentFactory

pytestmark = pytest.mark.django_db

GOOD = {"kind": "evidence", "url": "https://gov.example.org/release", "note": "The budget line was passed."}


@pytest.fixture
def commitment():
    return CommitmentFactory(actors=[ActorFactory(name="United Kingdom")])


def address(commitment: Commitment) -> str:
    return f"/commitments/{commitment.slug}/suggest/"


def test_the_form_is_a_plain_page_linked_from_the_commitment(client, commitment):
    page = client.get(commitment.get_absolute_url()).content.decode()
    assert f'href="{address(commitment)}"' in page
    response = client.get(address(commitment))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'method="post"' in body and "csrfmiddlewaretoken" in body and "<script" not in body
    # A token in the page: never kept for another reader.
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_it_stores_a_submission_and_says_thank_you(client, commitment):
    party = commitment.actors.get()
    response = client.post(address(commitment), {**GOOD, "email": "press@gov.example.org", "on_behalf_of": party.pk})
    assert response.status_code == 303 and response["Location"].endswith("?sent=1")
    submission = ReaderSubmission.objects.get()
    assert (submission.commitment, submission.on_behalf_of, submission.decision) == (commitment, party, "new")
    assert submission.url == GOOD["url"] and submission.email == "press@gov.example.org"
    assert "Thank you" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"url": "ftp://files.example.org/a"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "https://example.org/" + "a" * 600}, "url"),
        ({"note": ""}, "note"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "<b></b><script></script>"}, "note"),
        ({"email": "not an address"}, "email"),
        ({"kind": "praise"}, "kind"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(client, commitment, change, field):
    response = client.post(address(commitment), {**GOOD, **change})
    assert response.status_code == 400
    assert f'href="#id_{field}' in response.content.decode()  # the summary points at the field
    assert not ReaderSubmission.objects.exists()


def test_it_speaks_only_for_a_party_to_the_commitment(client, commitment):
    stranger = ActorFactory()
    response = client.post(address(commitment), {**GOOD, "on_behalf_of": stranger.pk})
    assert response.status_code == 400 and not ReaderSubmission.objects.exists()


def test_markup_is_not_kept(client, commitment):
    client.post(
        address(commitment),
        {**GOOD, "note": '<a href="https://spam.example">Cheap</a> <img src=x onerror=alert(1)>pills'},
    )
    assert ReaderSubmission.objects.get().note == "Cheap pills"


def test_the_honeypot_answers_like_a_success_and_keeps_nothing(client, commitment):
    response = client.post(address(commitment), {**GOOD, "website": "https://spam.example"})
    assert response.status_code == 303
    assert not ReaderSubmission.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(commitment):
    response = Client(enforce_csrf_checks=True).post(address(commitment), GOOD)
    assert response.status_code == 403 and not ReaderSubmission.objects.exists()


def test_an_oversized_request_is_refused(client, commitment):
    response = client.post(address(commitment), {**GOOD, "padding": "x" * 20_000})
    assert response.status_code == 400 and "too long" in response.content.decode()
    assert not ReaderSubmission.objects.exists()


def test_each_address_is_rate_limited_with_retry_after(client, commitment, settings):
    settings.READER_SUBMISSIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(address(commitment), GOOD).status_code == 303
    refused = client.post(address(commitment), GOOD)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert ReaderSubmission.objects.count() == 2
    # Another address has its own allowance.
    assert client.post(address(commitment), GOOD, REMOTE_ADDR="192.0.2.7").status_code == 303


def test_an_unpublished_commitment_has_no_form(client):
    draft = CommitmentFactory(state=PublicationState.DRAFT)
    assert client.get(address(draft)).status_code == 404
    assert client.post(address(draft), GOOD).status_code == 404
    assert client.get("/commitments/no-such-commitment/suggest/").status_code == 404


def test_what_a_reader_sends_is_never_public(client, commitment):
    note = "A distinctive note nobody else wrote"
    client.post(address(commitment), {**GOOD, "note": note, "email": "reader@example.org"})
    assert ReaderSubmission.objects.count() == 1
    for path in (
        commitment.get_absolute_url(),
        "/",
        "/commitments/",
        f"/api/v1/commitments/{commitment.slug}/",
        "/api/v1/status-updates/",
        "/api/v1/articles/",
        "/export/commitments.csv",
        "/export/commitments.json",
        "/feeds/updates/",
    ):
        body = b"".join(client.get(path).streaming_content) if path.startswith("/export") else client.get(path).content
        assert note.encode() not in body and b"reader@example.org" not in body, path
        assert GOOD["url"].encode() not in body, path

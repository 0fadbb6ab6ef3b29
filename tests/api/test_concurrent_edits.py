"""If-Match: a write over a version the editor never saw is refused (412) and changes nothing."""

import datetime

import pytest

from commitments.models import ArticleLink, Commitment, PublicationState, Statement, StatusUpdate
from tests.api.conftest import patch, post
from tests.factories import ArticleLinkFactory, CommitmentFactory, StatementFactory, verdict

pytestmark = pytest.mark.django_db


@pytest.fixture
def live():
    return CommitmentFactory(slug="live", title="Live", statement=StatementFactory(slug="live-statement"))


def if_match(headers: dict, etag: str) -> dict:
    return {**headers, "HTTP_IF_MATCH": etag}


def test_a_patch_with_the_current_etag_applies_and_answers_the_next_one(client, live, editor):
    etag = client.get("/api/v1/commitments/live/")["ETag"]
    response = patch(client, "/api/v1/commitments/live/", {"summary": "First."}, if_match(editor, etag))
    assert response.status_code == 200, response.content
    assert response["ETag"] != etag
    assert response["ETag"] == client.get("/api/v1/commitments/live/")["ETag"]  # what a GET now gives
    response = patch(client, "/api/v1/commitments/live/", {"summary": "Second."}, if_match(editor, response["ETag"]))
    assert response.status_code == 200
    assert Commitment.objects.get(slug="live").summary == "Second."


def test_a_patch_over_a_newer_version_is_412_and_changes_nothing(client, live, editor):
    stale = client.get("/api/v1/commitments/live/")["ETag"]
    assert patch(client, "/api/v1/commitments/live/", {"summary": "Theirs."}, editor).status_code == 200
    response = patch(
        client, "/api/v1/commitments/live/", {"summary": "Mine.", "title": "Mine"}, if_match(editor, stale)
    )
    assert response.status_code == 412
    assert "If-Match" in response.json()["detail"]
    assert response.json()["detail"].count('"') >= 2  # names the current ETag
    live.refresh_from_db()
    assert (live.summary, live.title) == ("Theirs.", "Live")


@pytest.mark.parametrize("header", ['"not-the-etag"', "W/{etag}", ""])
def test_a_wrong_weak_or_empty_tag_does_not_match(client, live, editor, header):
    etag = client.get("/api/v1/commitments/live/")["ETag"]
    response = patch(client, "/api/v1/commitments/live/", {"summary": "x"}, if_match(editor, header.format(etag=etag)))
    assert response.status_code == 412
    assert Commitment.objects.get(slug="live").summary == ""


def test_any_version_matches_a_star_and_no_header_means_no_check(client, live, editor):
    assert patch(client, "/api/v1/commitments/live/", {"summary": "a"}, if_match(editor, "*")).status_code == 200
    assert patch(client, "/api/v1/commitments/live/", {"summary": "b"}, editor).status_code == 200
    response = patch(
        client,
        "/api/v1/commitments/live/",
        {"summary": "c"},
        if_match(editor, '"x", ' + client.get("/api/v1/commitments/live/")["ETag"]),
    )
    assert response.status_code == 200
    assert Commitment.objects.get(slug="live").summary == "c"


def test_put_honours_if_match_too(client, live, editor):
    stale = client.get("/api/v1/commitments/live/")["ETag"]
    patch(client, "/api/v1/commitments/live/", {"summary": "Theirs."}, editor)
    data = {"statement": "live-statement", "title": "Replaced", "wording": "New words."}
    response = client.put("/api/v1/commitments/live/", data, content_type="application/json", **if_match(editor, stale))
    assert response.status_code == 412
    assert Commitment.objects.get(slug="live").title == "Live"


def test_a_refused_move_is_412_before_anything_else(client, live, publisher):
    stale = client.get("/api/v1/commitments/live/")["ETag"]
    Commitment.objects.filter(pk=live.pk).update(summary="Changed elsewhere.")
    response = patch(client, "/api/v1/commitments/live/", {"state": "draft"}, if_match(publisher, stale))
    assert response.status_code == 412
    assert Commitment.objects.get(slug="live").state == "published"


def test_a_draft_is_versioned_by_the_answers_to_its_writes(client, editor):
    StatementFactory(slug="s")
    created = post(client, "/api/v1/commitments/", {"statement": "s", "title": "Draft", "wording": "w"}, editor)
    assert created.status_code == 201
    etag = created["ETag"]
    slug = created.json()["slug"]
    first = patch(client, f"/api/v1/commitments/{slug}/", {"summary": "One."}, if_match(editor, etag))
    assert first.status_code == 200
    again = patch(client, f"/api/v1/commitments/{slug}/", {"summary": "Two."}, if_match(editor, etag))
    assert again.status_code == 412
    assert Commitment.objects.get(slug=slug).summary == "One."


def test_statements_honour_if_match(client, editor):
    StatementFactory(slug="s", title="Statement")
    etag = client.get("/api/v1/statements/s/")["ETag"]
    Statement.objects.filter(slug="s").update(place="Somewhere else")
    assert patch(client, "/api/v1/statements/s/", {"place": "Cornwall"}, if_match(editor, etag)).status_code == 412
    etag = client.get("/api/v1/statements/s/")["ETag"]
    assert patch(client, "/api/v1/statements/s/", {"place": "Cornwall"}, if_match(editor, etag)).status_code == 200
    assert Statement.objects.get(slug="s").place == "Cornwall"


def test_status_update_moves_honour_if_match(client, live, publisher):
    update = verdict(commitment=live, status="met", as_of=datetime.date(2023, 1, 1))
    path = f"/api/v1/status-updates/{update.pk}/"
    etag = client.get(path)["ETag"]
    StatusUpdate.objects.filter(pk=update.pk).update(rationale="Reworded elsewhere.")
    assert patch(client, path, {"state": "draft"}, if_match(publisher, etag)).status_code == 412
    assert StatusUpdate.objects.get(pk=update.pk).state == PublicationState.PUBLISHED
    etag = client.get(path)["ETag"]
    assert patch(client, path, {"state": "draft"}, if_match(publisher, etag)).status_code == 200
    assert StatusUpdate.objects.get(pk=update.pk).state == PublicationState.DRAFT


def test_article_links_honour_if_match(client, live, editor):
    link = ArticleLinkFactory(commitment=live, note="Old")
    path = f"/api/v1/article-links/{link.pk}/"
    etag = client.get(path)["ETag"]
    ArticleLink.objects.filter(pk=link.pk).update(note="Changed elsewhere")
    assert patch(client, path, {"note": "Mine"}, if_match(editor, etag)).status_code == 412
    assert ArticleLink.objects.get(pk=link.pk).note == "Changed elsewhere"


def test_the_schema_documents_if_match_and_412(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    for path in ("/api/v1/commitments/{slug}/", "/api/v1/statements/{slug}/", "/api/v1/status-updates/{id}/"):
        operation = schema["paths"][path]["patch"]
        assert "412" in operation["responses"], path
        assert "If-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}, path
        assert "ETag" in operation["responses"]["200"]["headers"], path
    assert "412" in schema["paths"]["/api/v1/commitments/{slug}/"]["put"]["responses"]
    assert "409" in schema["paths"]["/api/v1/status-updates/{id}/"]["delete"]["responses"]
    assert "ETag" in schema["paths"]["/api/v1/commitments/"]["post"]["responses"]["201"]["headers"]

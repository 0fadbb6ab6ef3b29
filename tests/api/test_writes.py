"""Editors write through the API with a token (or a session); nobody else can, and bad writes change nothing."""

import datetime

import pytest

from commitments.models import ArticleLink, Commitment, PublicationState, Statement, StatusUpdate
from tests.api.conftest import EDITING, patch, post, token_headers, user_with
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    ArticleLinkFactory,
    CommitmentFactory,
    StatementFactory,
    ThemeFactory,
    UserFactory,
    verdict,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader():
    return token_headers(UserFactory(username="reader"))  # signed in, no permissions


@pytest.fixture
def statement():
    return StatementFactory(slug="carbis-bay")


@pytest.fixture
def draft(statement):
    # Publishable as it is: wording, a responsible actor and a theme.
    return CommitmentFactory(
        statement=statement,
        slug="draft-one",
        title="Draft one",
        state=PublicationState.DRAFT,
        actors=[ActorFactory(slug="party")],
        themes=[ThemeFactory(slug="topic")],
    )


NEW_COMMITMENT = {
    "statement": "carbis-bay",
    "title": "Deliver a data access agreement",
    "wording": "The two nations will bring the agreement into force.",
}


# --- Who may write ------------------------------------------------------------------------------


def test_anonymous_writes_answer_401_and_change_nothing(client, statement, draft):
    response = post(client, "/api/v1/commitments/", NEW_COMMITMENT)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert patch(client, "/api/v1/commitments/draft-one/", {"title": "x"}).status_code == 401
    assert Commitment.objects.count() == 1
    assert Commitment.objects.get().title == "Draft one"


def test_a_bad_token_answers_401_even_for_reads(client, db):
    response = client.get("/api/v1/themes/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_users_without_permissions_answer_403_and_change_nothing(client, statement, draft, reader):
    assert post(client, "/api/v1/commitments/", NEW_COMMITMENT, reader).status_code == 403
    assert patch(client, "/api/v1/commitments/draft-one/", {"title": "x"}, reader).status_code == 403
    status_update = {"commitment": "draft-one", "status": "met", "as_of": "2022-01-01", "rationale": "Done."}
    assert post(client, "/api/v1/status-updates/", status_update, reader).status_code == 403
    assert Commitment.objects.count() == 1
    assert StatusUpdate.objects.count() == 0


def test_read_only_resources_refuse_writes_even_from_superusers(client, superuser):
    assert post(client, "/api/v1/themes/", {"name": "New"}, token_headers(superuser)).status_code == 405


def test_a_session_works_for_the_browsable_api(client, statement):
    client.force_login(user_with(*EDITING, username="session-editor"))
    assert post(client, "/api/v1/commitments/", NEW_COMMITMENT).status_code == 201


# --- Commitments and statements --------------------------------------------------------------


def test_an_editor_creates_a_draft_commitment(client, statement, editor):
    theme, actor = ThemeFactory(slug="cyber"), ActorFactory(slug="uk")
    response = post(client, "/api/v1/commitments/", {**NEW_COMMITMENT, "themes": ["cyber"], "actors": ["uk"]}, editor)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "deliver-a-data-access-agreement"
    assert (body["state"], body["status"], body["timeline"]) == ("draft", "not_rated", [])
    created = Commitment.objects.get(slug=body["slug"])
    assert list(created.themes.all()) == [theme]
    assert list(created.actors.all()) == [actor]
    # Not public until published.
    assert client.get(body["api_url"]).status_code == 404


def test_an_editor_updates_a_draft_the_public_cannot_see(client, draft, editor):
    response = patch(client, "/api/v1/commitments/draft-one/", {"summary": "Plainly put."}, editor)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.summary == "Plainly put."
    assert draft.history.first().history_user.username == "editor"


def test_the_status_is_not_written_directly(client, draft, editor):
    response = patch(client, "/api/v1/commitments/draft-one/", {"status": "met", "title": "Renamed"}, editor)
    assert response.status_code == 400
    assert "status-updates" in response.json()["status"][0]
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("not_rated", "Draft one")


def test_an_amount_needs_its_currency(client, statement, editor):
    response = post(client, "/api/v1/commitments/", {**NEW_COMMITMENT, "amount": "24000000000"}, editor)
    assert response.status_code == 400
    assert list(response.json()) == ["currency"]
    response = post(
        client, "/api/v1/commitments/", {**NEW_COMMITMENT, "amount": "24000000000", "currency": "gbp"}, editor
    )
    assert response.status_code == 201
    assert response.json()["currency"] == "GBP"


def test_a_taken_slug_is_refused_with_a_pointer_to_the_record(client, draft, editor):
    response = post(client, "/api/v1/commitments/", {**NEW_COMMITMENT, "slug": "draft-one"}, editor)
    assert response.status_code == 400
    assert "http://testserver/api/v1/commitments/draft-one/" in response.json()["slug"][0]
    assert Commitment.objects.count() == 1


def test_slugs_do_not_change(client, draft, editor):
    response = patch(client, "/api/v1/commitments/draft-one/", {"slug": "renamed"}, editor)
    assert response.status_code == 400
    assert Commitment.objects.filter(slug="draft-one").exists()


def test_unknown_related_slugs_are_refused(client, statement, editor):
    response = post(client, "/api/v1/commitments/", {**NEW_COMMITMENT, "themes": ["no-such-theme"]}, editor)
    assert response.status_code == 400
    assert list(response.json()) == ["themes"]
    assert not Commitment.objects.exists()


def test_an_editor_creates_and_updates_a_statement(client, editor):
    ActorFactory(slug="uk")
    article = ArticleFactory()
    data = {
        "title": "G7 communique",
        "made_on": "2021-06-13",
        "kind": "communique",
        "parties": ["uk"],
        "articles": [article.pk],
    }
    response = post(client, "/api/v1/statements/", data, editor)
    assert response.status_code == 201, response.content
    assert [party["slug"] for party in response.json()["parties"]] == ["uk"]
    assert response.json()["articles"][0]["id"] == article.pk
    response = patch(client, "/api/v1/statements/g7-communique/", {"place": "Carbis Bay"}, editor)
    assert response.status_code == 200
    assert Statement.objects.get(slug="g7-communique").place == "Carbis Bay"


# --- Publication workflow -------------------------------------------------------------------------


def test_an_editor_sends_a_draft_to_review(client, draft, editor):
    response = patch(client, "/api/v1/commitments/draft-one/", {"state": "review"}, editor)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.state == "review"
    assert draft.state_changed_by.username == "editor"


def test_an_editor_cannot_publish_and_nothing_changes(client, draft, editor):
    Commitment.objects.filter(pk=draft.pk).update(state=PublicationState.REVIEW)
    response = patch(client, "/api/v1/commitments/draft-one/", {"state": "published", "title": "Sneaked in"}, editor)
    assert response.status_code == 403
    draft.refresh_from_db()
    assert (draft.state, draft.title) == ("review", "Draft one")


def test_an_editor_cannot_unpublish(client, statement, editor):
    CommitmentFactory(statement=statement, slug="live")
    assert patch(client, "/api/v1/commitments/live/", {"state": "draft"}, editor).status_code == 403
    assert Commitment.objects.get(slug="live").state == "published"


def test_a_publisher_publishes_and_the_public_sees_it(client, draft, publisher):
    assert patch(client, "/api/v1/commitments/draft-one/", {"state": "review"}, publisher).status_code == 200
    assert patch(client, "/api/v1/commitments/draft-one/", {"state": "published"}, publisher).status_code == 200
    assert client.get("/api/v1/commitments/draft-one/").status_code == 200


def test_an_illegal_move_is_a_400(client, draft, publisher):
    response = patch(client, "/api/v1/commitments/draft-one/", {"state": "published"}, publisher)
    assert response.status_code == 400
    assert "cannot move from draft to published" in response.json()["state"][0]


def test_creating_straight_into_published_is_refused(client, statement, publisher):
    response = post(client, "/api/v1/commitments/", {**NEW_COMMITMENT, "state": "published"}, publisher)
    assert response.status_code == 400
    assert not Commitment.objects.exists()  # the draft made on the way was rolled back


def test_an_editor_cannot_publish_a_statement(client, editor):
    StatementFactory(slug="in-review", state=PublicationState.REVIEW)
    assert patch(client, "/api/v1/statements/in-review/", {"state": "published"}, editor).status_code == 403
    assert Statement.objects.get(slug="in-review").state == "review"


# --- Status updates -------------------------------------------------------------------------------


def publish_update(client, pk: int, headers) -> None:
    for state in ("review", "published"):
        response = patch(client, f"/api/v1/status-updates/{pk}/", {"state": state}, headers)
        assert response.status_code == 200, response.content


def test_a_status_update_goes_through_the_status_service(client, draft, editor, publisher):
    evidence = ArticleFactory()
    data = {
        "commitment": "draft-one",
        "status": "met",
        "as_of": "2022-10-03",
        "rationale": "In force.",
        "evidence": [evidence.pk],
    }
    response = post(client, "/api/v1/status-updates/", data, editor)
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["state"]) == ("met", "draft")
    draft.refresh_from_db()
    assert draft.status == "not_rated"  # a draft counts for nothing
    update = StatusUpdate.objects.get()
    assert update.author.username == "editor"
    assert list(update.evidence.all()) == [evidence]
    publish_update(client, update.pk, publisher)
    draft.refresh_from_db()
    assert draft.status == "met"


def test_an_older_update_does_not_override_the_current_status(client, draft, editor, publisher):
    verdict(commitment=draft, status="met", as_of=datetime.date(2023, 1, 1), rationale="Done.")
    data = {"commitment": "draft-one", "status": "not_started", "as_of": "2022-01-01", "rationale": "Earlier."}
    response = post(client, "/api/v1/status-updates/", data, editor)
    assert response.status_code == 201
    publish_update(client, response.json()["id"], publisher)
    assert StatusUpdate.objects.get(pk=response.json()["id"]).state == "published"
    draft.refresh_from_db()
    assert draft.status == "met"


TODAY = datetime.date.today()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "done"}, "status"),
        ({"as_of": "soon"}, "as_of"),
        ({"as_of": (TODAY + datetime.timedelta(days=1)).isoformat()}, "as_of"),  # the future
        ({"as_of": "9999-12-31"}, "as_of"),
        ({"as_of": "2021-06-09"}, "as_of"),  # the day before the statement
        ({"rationale": "   "}, "rationale"),
        ({"party": "no-such-actor"}, "party"),
        ({"party": "stranger"}, "party"),  # an actor, but not a party to this commitment
        ({"corrects": 999999}, "corrects"),
    ],
)
def test_a_bad_status_update_is_refused_and_changes_nothing(client, draft, editor, change, field):
    data = {"commitment": "draft-one", "status": "met", "as_of": "2022-10-03", "rationale": "In force.", **change}
    ActorFactory(slug="stranger")
    response = post(client, "/api/v1/status-updates/", data, editor)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not StatusUpdate.objects.exists()
    draft.refresh_from_db()
    assert draft.status == "not_rated"


def test_status_updates_are_append_only(client, draft, editor, superuser):
    update = verdict(commitment=draft, status="met", as_of=datetime.date(2023, 1, 1), rationale="Done.")
    path = f"/api/v1/status-updates/{update.pk}/"
    chief = token_headers(superuser)  # even with every permission, there is no way to edit one
    response = patch(client, path, {"status": "broken"}, chief)
    assert response.status_code == 400
    assert "corrects it" in response.json()["status"][0]
    assert client.put(path, {}, content_type="application/json", **chief).status_code == 405
    response = client.delete(path, **chief)
    assert response.status_code == 409
    assert "record a correction" in response.json()["detail"]
    update.refresh_from_db()
    assert (update.status, update.state) == ("met", "published")


def test_deleting_a_draft_update_needs_its_author_or_the_permission(client, draft, editor):
    chief = token_headers(user_with("delete_statusupdate", username="chief"))
    other = token_headers(user_with(*EDITING, username="other-editor"))
    verdict(commitment=draft, status="met", as_of=datetime.date(2023, 1, 1), rationale="Counts.")
    data = {"commitment": "draft-one", "status": "broken", "as_of": "2023-02-01", "rationale": "Oops."}
    first = post(client, "/api/v1/status-updates/", data, editor).json()["id"]
    second = post(client, "/api/v1/status-updates/", data, editor).json()["id"]
    response = client.delete(f"/api/v1/status-updates/{first}/", **other)  # an editor, not its author
    assert response.status_code == 403
    assert "author or a publisher" in response.json()["detail"]
    assert client.delete(f"/api/v1/status-updates/{first}/", **editor).status_code == 204  # its author
    assert client.delete(f"/api/v1/status-updates/{second}/", **chief).status_code == 204  # a publisher
    assert list(StatusUpdate.objects.values_list("rationale", flat=True)) == ["Counts."]
    draft.refresh_from_db()
    assert draft.status == "met"


# --- Article links --------------------------------------------------------------------------------


def test_an_editor_links_an_article(client, draft, editor):
    article = ArticleFactory()
    data = {"commitment": "draft-one", "article": article.pk, "relation": "progress", "excerpt": "entered into force"}
    response = post(client, "/api/v1/article-links/", data, editor)
    assert response.status_code == 201, response.content
    link = ArticleLink.objects.get()
    assert (link.relation, link.added_by.username) == ("progress", "editor")
    response = patch(client, f"/api/v1/article-links/{link.pk}/", {"note": "Announced by the DoJ."}, editor)
    assert response.status_code == 200
    link.refresh_from_db()
    assert link.note == "Announced by the DoJ."


def test_a_duplicate_link_points_to_the_existing_one(client, draft, editor):
    existing = ArticleLinkFactory(commitment=draft)
    response = post(
        client, "/api/v1/article-links/", {"commitment": "draft-one", "article": existing.article_id}, editor
    )
    assert response.status_code == 400
    assert f"/api/v1/article-links/{existing.pk}/" in response.json()["article"][0]
    assert ArticleLink.objects.count() == 1

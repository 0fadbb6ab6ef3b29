"""Verdicts through the API: drafts until a second person publishes them, per party, corrected in the open."""

import datetime

import pytest

from commitments.models import Commitment, PublicationState, Statement, StatusUpdate
from tests.api.conftest import patch, post
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DAY = datetime.date(2023, 3, 1)


@pytest.fixture
def uk():
    return ActorFactory(slug="uk", name="United Kingdom")


@pytest.fixture
def us():
    return ActorFactory(slug="us", name="United States")


@pytest.fixture
def joint(uk, us):
    return CommitmentFactory(
        slug="joint", statement=StatementFactory(made_on=datetime.date(2021, 6, 10)), actors=[uk, us]
    )


def record(client, headers, **fields):
    data = {"commitment": "joint", "status": "met", "as_of": "2023-01-01", "rationale": "Delivered.", **fields}
    return post(client, "/api/v1/status-updates/", data, headers)


def move(client, pk: int, state: str, headers):
    return patch(client, f"/api/v1/status-updates/{pk}/", {"state": state}, headers)


# --- Recording: a draft ---------------------------------------------------------------------------


def test_a_new_update_is_a_draft_with_its_party_and_correction(client, joint, uk, editor):
    earlier = verdict(commitment=joint, status="stalled", as_of=DAY, party=uk)
    article = ArticleFactory()
    response = record(client, editor, party="uk", corrects=earlier.pk, evidence=[article.pk])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["party"], body["corrects"], body["corrected_by"]) == ("draft", "uk", earlier.pk, None)
    update = StatusUpdate.objects.get(pk=body["id"])
    assert (update.party, update.corrects, update.state) == (uk, earlier, "draft")
    assert (update.author.username, update.last_edited_by.username) == ("editor", "editor")


def test_a_draft_counts_for_nothing_and_nobody_reads_it(client, joint, editor):
    pk = record(client, editor, evidence=[ArticleFactory().pk]).json()["id"]
    joint.refresh_from_db()
    assert joint.status == "not_rated"
    for headers in ({}, editor):  # reads are the public view, editors' included
        assert client.get(f"/api/v1/status-updates/{pk}/", **headers).status_code == 404
        assert client.get("/api/v1/status-updates/", **headers).json()["count"] == 0
        assert client.get("/api/v1/commitments/joint/", **headers).json()["timeline"] == []


def test_a_correction_must_correct_the_same_party(client, joint, uk, editor):
    overall = verdict(commitment=joint, status="met", as_of=DAY)
    response = record(client, editor, party="uk", corrects=overall.pk)
    assert response.status_code == 400
    assert list(response.json()) == ["corrects"]
    assert StatusUpdate.objects.count() == 1


def test_a_draft_cannot_be_corrected(client, joint, editor):
    draft = verdict(commitment=joint, status="met", as_of=DAY, state=PublicationState.DRAFT)
    response = record(client, editor, corrects=draft.pk)
    assert response.status_code == 400
    assert "draft can be edited or deleted" in response.json()["corrects"][0]


# --- Review: four eyes, evidence ------------------------------------------------------------------


def test_an_editor_sends_a_draft_to_review_but_cannot_publish(client, joint, editor):
    pk = record(client, editor, evidence=[ArticleFactory().pk]).json()["id"]
    response = move(client, pk, "review", editor)
    assert response.status_code == 200
    assert response.json()["state"] == "review"
    response = move(client, pk, "published", editor)
    assert response.status_code == 403
    assert "publish permission" in response.json()["detail"]
    assert StatusUpdate.objects.get(pk=pk).state == "review"


def test_its_author_cannot_publish_an_update_another_publisher_can(client, joint, publisher, second_publisher):
    pk = record(client, publisher, evidence=[ArticleFactory().pk]).json()["id"]
    assert move(client, pk, "review", publisher).status_code == 200
    response = move(client, pk, "published", publisher)
    assert response.status_code == 403
    assert "four eyes" in response.json()["detail"]
    joint.refresh_from_db()
    assert (StatusUpdate.objects.get(pk=pk).state, joint.status) == ("review", "not_rated")
    response = move(client, pk, "published", second_publisher)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"
    joint.refresh_from_db()
    assert joint.status == "met"
    assert client.get(f"/api/v1/status-updates/{pk}/").status_code == 200


def test_a_rated_verdict_without_evidence_cannot_be_published(client, joint, editor, publisher):
    pk = record(client, editor).json()["id"]
    move(client, pk, "review", editor)
    response = move(client, pk, "published", publisher)
    assert response.status_code == 400
    assert "evidence" in response.json()["state"][0]
    assert StatusUpdate.objects.get(pk=pk).state == "review"


def test_not_started_needs_no_evidence(client, joint, editor, publisher):
    pk = record(client, editor, status="not_started").json()["id"]
    move(client, pk, "review", editor)
    assert move(client, pk, "published", publisher).status_code == 200


def test_a_draft_cannot_jump_to_published(client, joint, editor, publisher):
    pk = record(client, editor, evidence=[ArticleFactory().pk]).json()["id"]
    response = move(client, pk, "published", publisher)
    assert response.status_code == 400
    assert "cannot move from draft to published" in response.json()["state"][0]


def test_unpublishing_an_update_needs_the_permission_and_restores_the_status(client, joint, editor, publisher):
    update = verdict(commitment=joint, status="met", as_of=DAY)
    assert move(client, update.pk, "draft", editor).status_code == 403
    joint.refresh_from_db()
    assert joint.status == "met"
    assert move(client, update.pk, "draft", publisher).status_code == 200
    joint.refresh_from_db()
    assert joint.status == "not_rated"


def test_a_move_refuses_any_other_field(client, joint, publisher):
    update = verdict(commitment=joint, status="met", as_of=DAY)
    response = patch(
        client, f"/api/v1/status-updates/{update.pk}/", {"state": "draft", "as_of": "2022-01-01"}, publisher
    )
    assert response.status_code == 400
    assert list(response.json()) == ["as_of"]
    update.refresh_from_db()
    assert (update.state, update.as_of) == ("published", DAY)


# --- Corrections and party verdicts in the read shapes ----------------------------------------


def test_a_published_correction_marks_the_corrected_update(client, joint, editor, publisher):
    wrong = verdict(commitment=joint, status="met", as_of=datetime.date(2023, 6, 1), rationale="Misread.")
    pk = record(
        client, editor, status="in_progress", as_of="2023-01-01", corrects=wrong.pk, evidence=[ArticleFactory().pk]
    ).json()["id"]
    # Before the correction is published, the wrong verdict stands and is not marked.
    assert client.get(f"/api/v1/status-updates/{wrong.pk}/").json()["corrected_by"] is None
    move(client, pk, "review", editor)
    assert move(client, pk, "published", publisher).status_code == 200
    joint.refresh_from_db()
    assert joint.status == "in_progress"  # the correction wins although it is dated earlier
    assert client.get(f"/api/v1/status-updates/{wrong.pk}/").json()["corrected_by"] == pk
    correction = client.get(f"/api/v1/status-updates/{pk}/").json()
    assert (correction["corrects"], correction["corrected_by"]) == (wrong.pk, None)
    listed = {row["id"]: row for row in client.get("/api/v1/status-updates/").json()["results"]}
    assert (listed[wrong.pk]["corrected_by"], listed[pk]["corrects"]) == (pk, wrong.pk)
    timeline = client.get("/api/v1/commitments/joint/").json()["timeline"]
    assert [(entry["id"], entry["corrected_by"]) for entry in timeline] == [(wrong.pk, pk), (pk, None)]


def test_party_statuses_sit_beside_the_overall_status(client, joint, uk, us):
    verdict(commitment=joint, status="partially_met", as_of=DAY)
    verdict(commitment=joint, status="met", as_of=DAY, party=uk)
    verdict(commitment=joint, status="broken", as_of=datetime.date(2022, 1, 1), party=us)
    verdict(commitment=joint, status="stalled", as_of=datetime.date(2022, 6, 1), party=us)  # later: in force
    verdict(commitment=joint, status="met", as_of=DAY, party=us, state=PublicationState.DRAFT)  # not counted
    expected = [
        {"party": "uk", "status": "met", "as_of": "2023-03-01"},
        {"party": "us", "status": "stalled", "as_of": "2022-06-01"},
    ]
    detail = client.get("/api/v1/commitments/joint/").json()
    assert (detail["status"], detail["party_statuses"]) == ("partially_met", expected)
    [item] = client.get("/api/v1/commitments/").json()["results"]
    assert item["party_statuses"] == expected
    parties = [entry["party"] for entry in detail["timeline"]]
    assert sorted(parties, key=str) == sorted([None, "uk", "us", "us"], key=str)


def test_a_commitment_without_party_verdicts_has_none(client, joint):
    verdict(commitment=joint, status="met", as_of=DAY)
    assert client.get("/api/v1/commitments/joint/").json()["party_statuses"] == []


def test_csv_lists_each_party_with_its_status(client, joint, uk):
    verdict(commitment=joint, status="met", as_of=DAY, party=uk)
    content = client.get("/api/v1/commitments/", {"format": "csv"}).content.decode()
    assert "uk=met" in content


# --- Statements and commitments: authors, four eyes, what publishing needs ------------------------


NEW = {"statement": "carbis-bay", "title": "Deliver the agreement", "wording": "We will bring it into force."}


@pytest.fixture
def carbis_bay():
    return StatementFactory(slug="carbis-bay")


def test_api_writes_record_their_author_and_last_editor(client, carbis_bay, editor, publisher):
    ThemeFactory(slug="t")
    slug = post(client, "/api/v1/commitments/", NEW, editor).json()["slug"]
    created = Commitment.objects.get(slug=slug)
    assert (created.created_by.username, created.last_edited_by.username) == ("editor", "editor")
    assert patch(client, f"/api/v1/commitments/{slug}/", {"themes": ["t"]}, publisher).status_code == 200
    created.refresh_from_db()
    assert (created.created_by.username, created.last_edited_by.username) == ("editor", "publisher")
    response = post(client, "/api/v1/statements/", {"title": "Communiqué", "made_on": "2021-06-13"}, editor)
    statement = response.json()["slug"]
    assert patch(client, f"/api/v1/statements/{statement}/", {"place": "Cornwall"}, publisher).status_code == 200
    written = Statement.objects.get(slug=statement)
    assert (written.created_by.username, written.last_edited_by.username) == ("editor", "publisher")


def test_a_move_alone_or_an_unchanged_value_is_not_an_edit(client, carbis_bay, editor, publisher):
    slug = post(client, "/api/v1/commitments/", NEW, editor).json()["slug"]
    assert (
        patch(client, f"/api/v1/commitments/{slug}/", {"state": "review", "title": NEW["title"]}, publisher).status_code
        == 200
    )
    assert Commitment.objects.get(slug=slug).last_edited_by.username == "editor"


def publishable(client, editor, **extra) -> str:
    ThemeFactory(slug="t"), ActorFactory(slug="a")
    data = {**NEW, "themes": ["t"], "actors": ["a"], **extra}
    slug = post(client, "/api/v1/commitments/", data, editor).json()["slug"]
    assert patch(client, f"/api/v1/commitments/{slug}/", {"state": "review"}, editor).status_code == 200
    return slug


def test_a_publisher_cannot_publish_a_commitment_they_wrote(client, carbis_bay, publisher, second_publisher):
    slug = publishable(client, publisher)
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "published"}, publisher)
    assert response.status_code == 403
    assert "four eyes" in response.json()["detail"]
    assert patch(client, f"/api/v1/commitments/{slug}/", {"state": "published"}, second_publisher).status_code == 200


def test_changing_a_commitment_makes_its_publisher_an_author(client, carbis_bay, editor, publisher):
    slug = publishable(client, editor)
    response = patch(client, f"/api/v1/commitments/{slug}/", {"summary": "Mine now.", "state": "published"}, publisher)
    assert response.status_code == 403
    commitment = Commitment.objects.get(slug=slug)
    assert (commitment.state, commitment.summary, commitment.last_edited_by.username) == ("review", "", "editor")


def test_its_statement_author_cannot_publish_a_statement(client, editor, publisher, second_publisher):
    slug = post(client, "/api/v1/statements/", {"title": "Communiqué", "made_on": "2021-06-13"}, publisher).json()[
        "slug"
    ]
    patch(client, f"/api/v1/statements/{slug}/", {"state": "review"}, publisher)
    assert patch(client, f"/api/v1/statements/{slug}/", {"state": "published"}, publisher).status_code == 403
    assert patch(client, f"/api/v1/statements/{slug}/", {"state": "published"}, second_publisher).status_code == 200


def test_an_empty_commitment_cannot_be_published(client, carbis_bay, editor, publisher):
    slug = post(client, "/api/v1/commitments/", {**NEW, "wording": ""}, editor)
    assert slug.status_code == 400  # wording is required on the way in
    slug = post(client, "/api/v1/commitments/", NEW, editor).json()["slug"]
    patch(client, f"/api/v1/commitments/{slug}/", {"state": "review"}, editor)
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "published"}, publisher)
    assert response.status_code == 400
    message = response.json()["state"][0]
    assert "no responsible actor" in message and "no theme" in message
    assert Commitment.objects.get(slug=slug).state == "review"


def test_a_commitment_waits_for_its_statement_or_publishes_with_it(client, editor, publisher):
    StatementFactory(slug="carbis-bay", state=PublicationState.DRAFT)
    slug = publishable(client, editor)
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "published"}, publisher)
    assert response.status_code == 400
    assert "publish the statement first" in response.json()["state"][0]
    # The statement is still a draft: with_statement does not skip its review.
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "published", "with_statement": True}, publisher)
    assert response.status_code == 400
    assert "submit it for review first" in response.json()["state"][0]
    assert patch(client, "/api/v1/statements/carbis-bay/", {"state": "review"}, editor).status_code == 200
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "published", "with_statement": True}, publisher)
    assert response.status_code == 200, response.content
    assert client.get(f"/api/v1/commitments/{slug}/").status_code == 200  # both are public now


def test_with_statement_goes_with_publishing_only(client, carbis_bay, editor):
    slug = post(client, "/api/v1/commitments/", NEW, editor).json()["slug"]
    response = patch(client, f"/api/v1/commitments/{slug}/", {"state": "review", "with_statement": True}, editor)
    assert response.status_code == 400
    assert list(response.json()) == ["with_statement"]
    assert Commitment.objects.get(slug=slug).state == "draft"


# --- A commitment's statement changes only while it is a draft ----------------------------------


@pytest.fixture
def other_statement():
    return StatementFactory(slug="other", state=PublicationState.DRAFT)


def test_a_draft_commitment_may_move_to_another_statement(client, carbis_bay, other_statement, editor):
    slug = post(client, "/api/v1/commitments/", NEW, editor).json()["slug"]
    assert patch(client, f"/api/v1/commitments/{slug}/", {"statement": "other"}, editor).status_code == 200
    assert Commitment.objects.get(slug=slug).statement == other_statement


@pytest.mark.parametrize("state", [PublicationState.REVIEW, PublicationState.PUBLISHED])
def test_a_commitment_out_of_draft_keeps_its_statement(client, carbis_bay, other_statement, publisher, state):
    CommitmentFactory(slug="live", statement=carbis_bay, state=state)
    response = patch(client, "/api/v1/commitments/live/", {"statement": "other", "title": "Moved"}, publisher)
    assert response.status_code == 400
    assert "only while it is a draft" in response.json()["statement"][0]
    live = Commitment.objects.get(slug="live")
    assert (live.statement, live.state) == (carbis_bay, state)


def test_the_save_guard_still_answers_400_if_the_serializer_check_is_bypassed(
    client, carbis_bay, other_statement, publisher, monkeypatch
):
    from commitments.api.writes import CommitmentWriteSerializer

    monkeypatch.setattr(CommitmentWriteSerializer, "validate_statement", lambda self, value: value)
    CommitmentFactory(slug="live", statement=carbis_bay)
    response = patch(client, "/api/v1/commitments/live/", {"statement": "other"}, publisher)
    assert response.status_code == 400
    assert "only while it is a draft" in response.json()["statement"][0]
    assert Commitment.objects.get(slug="live").statement == carbis_bay


# --- Back doors: nothing the workflow or the authorship decides can be written -------------------


@pytest.mark.parametrize(
    "field",
    [
        {"state": "published"},
        {"author": 1},
        {"last_edited_by": 1},
        {"is_current": True},
        {"state_changed_by": 1},
    ],
)
def test_a_new_update_cannot_be_written_published_or_authored(client, joint, publisher, field):
    response = record(client, publisher, evidence=[ArticleFactory().pk], **field)
    assert response.status_code == 400
    assert list(response.json()) == list(field)
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize("field", [{"created_by": 1}, {"last_edited_by": 1}, {"state_changed_by": 1}])
def test_a_commitment_cannot_be_written_with_forged_authors(client, carbis_bay, editor, field):
    response = post(client, "/api/v1/commitments/", {**NEW, **field}, editor)
    assert response.status_code == 400
    assert list(response.json()) == list(field)
    assert not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"party": "uk"}, ["uk"]),
        ({"party": "us"}, []),
        ({"overall": "true"}, [None]),
        ({"overall": "false"}, ["uk"]),
    ],
)
def test_status_updates_filter_by_party(client, joint, uk, us, params, expected):
    verdict(commitment=joint, status="met", as_of=DAY)
    verdict(commitment=joint, status="broken", as_of=DAY, party=uk)
    results = client.get("/api/v1/status-updates/", params).json()["results"]
    assert [row["party"] for row in results] == expected


@pytest.mark.parametrize(("params", "field"), [({"party": "nobody"}, "party"), ({"overall": "yes"}, "overall")])
def test_a_bad_party_filter_is_a_400(client, joint, params, field):
    response = client.get("/api/v1/status-updates/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]

"""The admin's queue of reader submissions, and the predecessor picked with autocomplete."""

import datetime

import pytest

from commitments.admin.registrations import CommitmentAdmin
from commitments.domain.submissions import receive_submission
from commitments.models import Commitment, ReaderSubmission, StatusUpdate
from tests.admin.conftest import admin_url, messages_of
from tests.domain.test_lineage import HAGUE, WALES, chain, made_on
from tests.factories import ActorFactory, CommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submission():
    return receive_submission(
        commitment=CommitmentFactory(actors=[ActorFactory()]),
        url="https://gov.example.org/release",
        note="Passed into law on 1 March.",
    )


def decide_url(submission):
    return f"/admin/commitments/readersubmission/{submission.pk}/decide/"


def test_the_queue_lists_new_submissions_for_editors(client, editor, submission):
    client.force_login(editor)
    response = client.get(admin_url(ReaderSubmission, "changelist"), {"decision__exact": "new"})
    assert response.status_code == 200 and decide_url(submission) in response.content.decode()
    assert client.get(admin_url(ReaderSubmission, "change", submission.pk)).status_code == 200
    assert client.get(admin_url(ReaderSubmission, "add")).status_code == 403  # readers only


def test_accepting_in_the_admin_makes_a_draft_update(client, editor, submission):
    client.force_login(editor)
    response = client.post(
        decide_url(submission),
        {
            "decision": "accept",
            "reason": "Checked against the gazette.",
            "title": "Act passed",
            "status": "in_progress",
            "as_of": "2022-03-01",
            "rationale": "The act was passed.",
        },
    )
    update = StatusUpdate.objects.get()
    assert response.status_code == 302 and response["Location"] == admin_url(StatusUpdate, "change", update.pk)
    assert update.state == "draft" and update.as_of == datetime.date(2022, 3, 1)
    submission.refresh_from_db()
    assert submission.decision == "accepted" and submission.decided_by == editor
    assert any("Accepted" in m for m in messages_of(response))


def test_accepting_without_a_verdict_is_refused_and_changes_nothing(client, editor, submission):
    client.force_login(editor)
    response = client.post(decide_url(submission), {"decision": "accept", "reason": "Fine."})
    assert response.status_code == 200 and "Needed to accept" in response.content.decode()
    submission.refresh_from_db()
    assert submission.decision == "new" and not StatusUpdate.objects.exists()


def test_rejecting_needs_a_reason(client, editor, submission):
    client.force_login(editor)
    assert client.post(decide_url(submission), {"decision": "reject", "reason": ""}).status_code == 200
    response = client.post(decide_url(submission), {"decision": "reject", "reason": "Spam."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.decision, submission.reason) == ("rejected", "Spam.")


def test_the_change_form_cannot_decide(client, editor, submission):
    client.force_login(editor)
    client.post(admin_url(ReaderSubmission, "change", submission.pk), {"decision": "accepted", "reason": "x"})
    submission.refresh_from_db()
    assert submission.decision == "new"


def test_the_predecessor_is_picked_with_autocomplete(admin_client):
    assert "predecessor" in CommitmentAdmin.autocomplete_fields
    first = made_on(WALES)
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "commitments", "model_name": "commitment", "field_name": "predecessor", "term": first.title},
    )
    assert response.status_code == 200 and [r["text"] for r in response.json()["results"]] == [first.title]


def test_the_admin_form_shows_the_lineage_rules(admin_client):
    wales, _, hague = chain()
    form = admin_client.get(admin_url(Commitment, "change", wales.pk))
    assert 'name="predecessor"' in form.content.decode()
    later = made_on(HAGUE)
    response = admin_client.post(
        admin_url(Commitment, "change", wales.pk),
        {"predecessor": later.pk, "predecessor_relation": "restates"},
    )
    assert response.status_code == 200 and "a predecessor comes first" in response.content.decode()
    wales.refresh_from_db()
    assert wales.predecessor_id is None

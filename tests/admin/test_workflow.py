"""The publication workflow and the audit trail in the admin."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from tablib import Dataset

from commitments.admin.resources import CommitmentResource
from commitments.domain.roles import EDITORS, PUBLISHERS
from commitments.domain.services import change_state
from commitments.models import Commitment, PublicationState, Statement, Status, StatusUpdate
from tests.factories import ActorFactory, CommitmentFactory, StaffFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED


def admin_url(model, view, *args):
    return reverse(f"admin:commitments_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def editor():
    return StaffFactory(username="ed", groups=[EDITORS])


@pytest.fixture
def publisher():
    return StaffFactory(username="pub", groups=[PUBLISHERS])


def publishable(**kwargs):
    """A commitment with what publishing needs (wording, an actor, a theme), written by nobody here."""
    return CommitmentFactory(actors=[ActorFactory()], themes=[ThemeFactory()], **kwargs)


def run_action(client, model, action, objs, reason=""):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "_selected_action": [o.pk for o in objs], "reason": reason},
        follow=True,
    )


def states(objs):
    return [type(o).objects.get(pk=o.pk).state for o in objs]


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- List actions


def test_an_editor_submits_drafts_for_review_and_history_names_them(client, editor):
    commitments = CommitmentFactory.create_batch(3, state=DRAFT)
    client.force_login(editor)
    run_action(client, Commitment, "submit_for_review", commitments, reason="Ready for a second pair of eyes")
    assert states(commitments) == [REVIEW] * 3
    for c in commitments:
        latest = c.history.first()
        assert latest.history_user == editor and latest.history_change_reason == "Ready for a second pair of eyes"
        assert latest.state == REVIEW


def test_a_bulk_publish_writes_one_history_record_per_commitment_with_the_publisher(client, publisher):
    commitments = [publishable(state=REVIEW) for _ in range(3)]
    before = {c.pk: c.history.count() for c in commitments}
    client.force_login(publisher)
    response = run_action(client, Commitment, "publish", commitments, reason="Sources checked")
    assert states(commitments) == [PUBLISHED] * 3
    assert "Publish: 3 commitments done." in messages_of(response)
    for c in commitments:
        assert c.history.count() == before[c.pk] + 1
        latest = c.history.first()
        assert (latest.history_user, latest.history_change_reason, latest.state) == (
            publisher,
            "Sources checked",
            PUBLISHED,
        )
    assert {c.state_changed_by for c in Commitment.objects.filter(pk__in=before)} == {publisher}


def test_an_editor_cannot_publish_by_posting_the_publish_action(client, editor):
    commitment = CommitmentFactory(state=REVIEW)
    client.force_login(editor)
    run_action(client, Commitment, "publish", [commitment])
    assert states([commitment]) == [REVIEW]


def test_records_in_the_wrong_state_are_named_and_left_alone(client, publisher):
    in_review = publishable(state=REVIEW, title="Ready one")
    draft = CommitmentFactory(state=DRAFT, title="Unfinished one")
    client.force_login(publisher)
    response = run_action(client, Commitment, "publish", [in_review, draft])
    assert states([in_review, draft]) == [PUBLISHED, DRAFT]
    assert any("“Unfinished one” is draft, not in review" in m for m in messages_of(response))


def test_unpublish_and_send_back_only_move_records_from_their_own_state(client, publisher):
    published, in_review = CommitmentFactory(state=PUBLISHED), CommitmentFactory(state=REVIEW)
    client.force_login(publisher)
    run_action(client, Commitment, "unpublish", [published, in_review])
    assert states([published, in_review]) == [DRAFT, REVIEW]
    run_action(client, Commitment, "send_back_to_draft", [in_review])
    assert states([in_review]) == [DRAFT]


def test_statements_have_the_same_workflow(client, editor, publisher):
    statement = StatementFactory(state=DRAFT)
    client.force_login(editor)
    run_action(client, Statement, "submit_for_review", [statement])
    run_action(client, Statement, "publish", [statement])
    assert states([statement]) == [REVIEW]
    client.force_login(publisher)
    run_action(client, Statement, "publish", [statement])
    assert states([statement]) == [PUBLISHED]


# --- Buttons on the change page


def test_the_change_page_offers_only_the_moves_the_user_may_make(client, editor, publisher):
    commitment = CommitmentFactory(state=REVIEW)
    client.force_login(editor)
    assert [s for s, _ in client.get(admin_url(Commitment, "change", commitment.pk)).context["workflow_moves"]] == [
        DRAFT
    ]
    client.force_login(publisher)
    moves = client.get(admin_url(Commitment, "change", commitment.pk)).context["workflow_moves"]
    assert sorted(s for s, _ in moves) == [DRAFT, PUBLISHED]


def test_the_publish_button_refuses_an_editor(client, editor):
    commitment = publishable(state=REVIEW)
    client.force_login(editor)
    response = client.post(admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED}, follow=True)
    assert states([commitment]) == [REVIEW]
    assert "Publishing or unpublishing a commitment needs the publish permission. Nothing was changed." in messages_of(
        response
    )


def test_the_publish_button_publishes_for_a_publisher_with_the_reason(client, publisher):
    commitment = publishable(state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED, "reason": "Checked"}, follow=True
    )
    assert response.redirect_chain[-1][0] == admin_url(Commitment, "change", commitment.pk)
    assert states([commitment]) == [PUBLISHED]
    assert commitment.history.first().history_change_reason == "Checked"


def test_an_illegal_move_is_explained(client, publisher):
    commitment = CommitmentFactory(state=DRAFT)
    client.force_login(publisher)
    response = client.post(admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED}, follow=True)
    assert states([commitment]) == [DRAFT]
    assert "A commitment cannot move from draft to published. Nothing was changed." in messages_of(response)


def test_a_too_long_reason_is_refused_with_its_length(client, publisher):
    commitment = publishable(state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED, "reason": "x" * 150}, follow=True
    )
    assert states([commitment]) == [REVIEW]
    assert any("Keep the reason to 100 characters (it has 150)" in m for m in messages_of(response))


def test_the_state_button_only_accepts_post(client, publisher):
    commitment = CommitmentFactory(state=REVIEW)
    client.force_login(publisher)
    assert client.get(admin_url(Commitment, "state", commitment.pk)).status_code == 405


# --- No other path moves the state


def commitment_form(commitment, **extra):
    data = {
        "statement": commitment.statement_id,
        "title": commitment.title,
        "slug": commitment.slug,
        "wording": commitment.wording,
        "summary": "",
        "target_date": "",
        "target_wording": "",
        "amount": "",
        "currency": "",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_the_change_form_cannot_move_the_state(client, editor):
    commitment = CommitmentFactory(state=REVIEW)
    client.force_login(editor)
    response = client.post(admin_url(Commitment, "change", commitment.pk), commitment_form(commitment, state=PUBLISHED))
    assert response.status_code == 302
    assert states([commitment]) == [REVIEW]


def test_the_statement_form_cannot_publish_its_commitments_inline(client, editor):
    commitment = CommitmentFactory(state=REVIEW)
    statement = commitment.statement
    client.force_login(editor)
    data = {
        "title": statement.title,
        "slug": statement.slug,
        "kind": statement.kind,
        "made_on": "2021-06-10",
        "commitments-TOTAL_FORMS": "1",
        "commitments-INITIAL_FORMS": "1",
        "commitments-0-id": commitment.pk,
        "commitments-0-statement": statement.pk,
        "commitments-0-title": commitment.title,
        "commitments-0-slug": commitment.slug,
        "commitments-0-wording": commitment.wording,
        "commitments-0-state": PUBLISHED,
        "state": PUBLISHED,
    }
    response = client.post(admin_url(Statement, "change", statement.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    assert states([commitment, statement]) == [REVIEW, statement.state]


def test_a_spreadsheet_import_does_not_move_the_state():
    commitment = CommitmentFactory(state=DRAFT)
    sheet = Dataset(headers=["slug", "title", "statement", "wording", "state"])
    sheet.append([commitment.slug, "Renamed", commitment.statement.slug, commitment.wording, PUBLISHED])
    result = CommitmentResource().import_data(sheet, dry_run=False)
    assert not result.has_errors()
    commitment.refresh_from_db()
    assert (commitment.title, commitment.state) == ("Renamed", DRAFT)


def test_old_versions_cannot_be_restored_through_the_history_page(client, publisher):
    commitment = CommitmentFactory(state=PUBLISHED, title="Original")
    first_version = commitment.history.last()
    Commitment.objects.filter(pk=commitment.pk).update(state=DRAFT)
    client.force_login(publisher)
    url = reverse("admin:commitments_commitment_simple_history", args=[commitment.pk, first_version.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, commitment_form(commitment, title="Reverted"))
    assert response.status_code == 405
    commitment.refresh_from_db()
    assert (commitment.title, commitment.state) == ("Original", DRAFT)


# --- Audit trail


def test_a_reason_given_on_the_change_form_is_kept_in_the_history(client, editor):
    commitment = CommitmentFactory(state=DRAFT, title="Old title")
    client.force_login(editor)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk),
        commitment_form(commitment, title="New title", change_reason="Matched the official wording"),
    )
    assert response.status_code == 302
    latest = commitment.history.first()
    assert (latest.title, latest.history_user, latest.history_change_reason) == (
        "New title",
        editor,
        "Matched the official wording",
    )


def test_the_history_page_shows_each_change_as_old_and_new_values(client, editor):
    commitment = CommitmentFactory(state=DRAFT, title="Old title")
    client.force_login(editor)
    client.post(admin_url(Commitment, "change", commitment.pk), commitment_form(commitment, title="New title"))
    response = client.get(admin_url(Commitment, "history", commitment.pk))
    newest = response.context["page_obj"].object_list[0]
    assert {"field": "Title", "old": "Old title", "new": "New title"} in newest.history_delta_changes
    content = response.content.decode()
    assert "Old title" in content and "New title" in content and "&rarr;" in content


def test_a_publisher_deletes_a_draft_status_update_through_the_service_and_it_stays_in_the_history(client, publisher):
    commitment = CommitmentFactory()
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=commitment.statement.made_on, rationale="a")
    mistake = verdict(commitment=commitment, status=Status.MET, as_of=commitment.statement.made_on, state=DRAFT)
    client.force_login(publisher)
    response = client.post(admin_url(StatusUpdate, "delete", mistake.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not StatusUpdate.objects.filter(pk=mistake.pk).exists()
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS  # the published update still decides
    deletion = StatusUpdate.history.filter(id=mistake.pk).first()
    assert (deletion.history_type, deletion.history_user) == ("-", publisher)


def test_a_published_status_update_has_no_delete_page_even_for_a_publisher(client, publisher):
    commitment = CommitmentFactory()
    published = verdict(commitment=commitment, status=Status.MET, as_of=commitment.statement.made_on)
    client.force_login(publisher)
    assert client.get(admin_url(StatusUpdate, "delete", published.pk)).status_code == 403
    assert client.post(admin_url(StatusUpdate, "delete", published.pk), {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.filter(pk=published.pk).exists()
    commitment.refresh_from_db()
    assert commitment.status == Status.MET


def test_a_bulk_delete_of_draft_status_updates_deletes_them_through_the_service(client, publisher):
    commitments = CommitmentFactory.create_batch(2)
    updates = [verdict(commitment=c, status=Status.MET, as_of=c.statement.made_on, state=DRAFT) for c in commitments]
    client.force_login(publisher)
    confirmation = run_action(client, StatusUpdate, "delete_selected", updates)
    assert confirmation.status_code == 200 and StatusUpdate.objects.count() == 2  # asks first
    selected = [u.pk for u in updates]
    client.post(
        admin_url(StatusUpdate, "changelist"),
        {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
    )
    assert not StatusUpdate.objects.filter(pk__in=[u.pk for u in updates]).exists()
    assert [c.status for c in Commitment.objects.filter(pk__in=[c.pk for c in commitments])] == [Status.NOT_RATED] * 2
    assert StatusUpdate.history.filter(history_type="-", history_user=publisher).count() == 2


def test_a_bulk_delete_that_includes_a_published_update_deletes_nothing_and_says_why(client, publisher):
    commitment = CommitmentFactory()
    published = verdict(commitment=commitment, status=Status.MET, as_of=commitment.statement.made_on)
    draft = verdict(commitment=commitment, status=Status.STALLED, as_of=commitment.statement.made_on, state=DRAFT)
    client.force_login(publisher)
    response = client.post(
        admin_url(StatusUpdate, "changelist"),
        {"action": "delete_selected", "_selected_action": [published.pk, draft.pk], "post": "yes"},
        follow=True,
    )
    assert StatusUpdate.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2
    assert any("Nothing was deleted: 1 of the selected updates is published" in m for m in messages_of(response))
    commitment.refresh_from_db()
    assert commitment.status == Status.MET


def test_change_state_records_the_user_even_outside_a_request(editor):
    commitment = CommitmentFactory(state=DRAFT)
    change_state(obj=commitment, state=REVIEW, user=editor)
    assert commitment.history.first().history_user == editor


def test_a_commitment_or_statement_with_a_published_update_cannot_be_deleted_in_the_admin(client, publisher):
    # Deleting them would delete published verdicts with them; the admin asks for the delete
    # permission on every record that goes, and published updates have none.
    superuser = StaffFactory(username="root", is_superuser=True)
    bulk = CommitmentFactory.create_batch(2)
    for c in bulk:
        verdict(commitment=c, status=Status.MET, as_of=c.statement.made_on)
    statement = StatementFactory()
    on_statement = CommitmentFactory(statement=statement)
    verdict(commitment=on_statement, status=Status.MET, as_of=statement.made_on)
    client.force_login(superuser)
    bulk_delete = client.post(
        admin_url(Commitment, "changelist"),
        {"action": "delete_selected", "_selected_action": [c.pk for c in bulk], "post": "yes"},
    )
    one = client.post(admin_url(Commitment, "delete", on_statement.pk), {"post": "yes"})
    whole = client.post(admin_url(Statement, "delete", statement.pk), {"post": "yes"})
    # The statement page answers with what protects it (its commitments), deleting nothing.
    assert (bulk_delete.status_code, one.status_code, whole.status_code) == (403, 403, 200)
    assert Commitment.objects.filter(pk__in=[on_statement.pk, *(c.pk for c in bulk)]).count() == 3
    assert StatusUpdate.objects.count() == 3

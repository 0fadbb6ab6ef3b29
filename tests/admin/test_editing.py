"""Editing in the admin: who becomes an author, concurrent edits, a commitment's statement and
publishing a commitment with its statement."""

import pytest
from django.test import Client

from commitments.domain.roles import EDITORS
from commitments.models import Commitment, PublicationState, Statement
from tests.admin.conftest import admin_url, messages_of
from tests.factories import ActorFactory, CommitmentFactory, StaffFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def publishable(**kwargs):
    return CommitmentFactory(actors=[ActorFactory()], themes=[ThemeFactory()], **kwargs)


def opened_form(client, model, obj) -> dict:
    """The change form as the browser would post it back unchanged: every field's current value."""
    response = client.get(admin_url(model, "change", obj.pk))
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context["inline_admin_formsets"]:
        forms.append(formset.formset.management_form)
        forms.extend(formset.formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[form.add_prefix(name)] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[form.add_prefix(name)] = "on"
            else:
                data[form.add_prefix(name)] = str(value)
    return data


# --- Authorship


def test_saving_a_changed_commitment_makes_the_user_an_author(editor):
    commitment = publishable(state=DRAFT)
    client = signed_in(editor)
    data = opened_form(client, Commitment, commitment)
    data["title"] = "A clearer title"
    assert client.post(admin_url(Commitment, "change", commitment.pk), data).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.title, commitment.last_edited_by) == ("A clearer title", editor)


def test_a_publisher_who_only_presses_save_does_not_become_an_author_and_may_still_publish(publisher):
    commitment = publishable(state=REVIEW)
    client = signed_in(publisher)
    data = opened_form(client, Commitment, commitment)
    data["change_reason"] = "Looked it over"
    assert client.post(admin_url(Commitment, "change", commitment.pk), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.last_edited_by is None
    client.post(admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED})
    commitment.refresh_from_db()
    assert commitment.state == PUBLISHED


def test_a_publisher_who_changes_the_themes_becomes_an_author_and_may_not_publish(publisher):
    commitment = publishable(state=REVIEW)
    client = signed_in(publisher)
    data = opened_form(client, Commitment, commitment)
    data["themes"] = [*data["themes"], str(ThemeFactory().pk)]
    assert client.post(admin_url(Commitment, "change", commitment.pk), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.last_edited_by == publisher
    response = client.post(admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED}, follow=True)
    commitment.refresh_from_db()
    assert commitment.state == REVIEW
    assert any("four eyes" in m for m in messages_of(response))


def test_a_new_statement_records_who_created_it(editor):
    client = signed_in(editor)
    response = client.post(
        admin_url(Statement, "add"),
        {
            "title": "Carbis Bay communiqué",
            "slug": "carbis-bay-communique",
            "kind": Statement.Kind.COMMUNIQUE,
            "made_on": "2021-06-13",
            "commitments-TOTAL_FORMS": "0",
            "commitments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    statement = Statement.objects.get(slug="carbis-bay-communique")
    assert (statement.created_by, statement.last_edited_by) == (editor, editor)


def test_commitments_changed_inline_on_the_statement_page_get_the_user_as_author_and_others_do_not(publisher):
    statement = StatementFactory(state=REVIEW)
    changed = CommitmentFactory(statement=statement, state=DRAFT, title="Before")
    untouched = CommitmentFactory(statement=statement, state=DRAFT, title="Same")
    client = signed_in(publisher)
    data = opened_form(client, Statement, statement)
    prefix = next(k for k, v in data.items() if k.endswith("-id") and v == str(changed.pk))[: -len("-id")]
    data[f"{prefix}-title"] = "After"
    assert client.post(admin_url(Statement, "change", statement.pk), data).status_code == 302
    changed.refresh_from_db()
    untouched.refresh_from_db()
    statement.refresh_from_db()
    assert (changed.title, changed.last_edited_by) == ("After", publisher)
    assert untouched.last_edited_by is None
    assert statement.last_edited_by is None  # the statement's own content did not change


# --- Concurrent edits


def test_saving_over_a_newer_version_is_refused_with_who_changed_what_and_the_input_kept(editor):
    commitment = publishable(state=DRAFT, title="Original")
    other = StaffFactory(username="ann", groups=[EDITORS])
    mine, theirs = signed_in(editor), signed_in(other)
    my_form = opened_form(mine, Commitment, commitment)
    their_form = opened_form(theirs, Commitment, commitment)

    their_form["wording"] = "Both nations will work together on space."
    assert theirs.post(admin_url(Commitment, "change", commitment.pk), their_form).status_code == 302

    my_form["title"] = "My title"
    response = mine.post(admin_url(Commitment, "change", commitment.pk), my_form)
    assert response.status_code == 200
    form = response.context["adminform"].form
    error = " ".join(form.non_field_errors())
    assert "This commitment changed since you opened it: ann changed wording" in error
    assert form["title"].value() == "My title"  # the input is kept
    commitment.refresh_from_db()
    assert (commitment.title, commitment.wording) == ("Original", "Both nations will work together on space.")

    # The form now carries the newer version: saving again keeps one's own input, knowingly.
    again = {**my_form, "edit_version": form["edit_version"].value()}
    assert mine.post(admin_url(Commitment, "change", commitment.pk), again).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "My title"


def test_a_state_change_since_opening_also_counts_as_a_newer_version(editor, publisher):
    statement = StatementFactory(state=REVIEW, title="Original")
    mine = signed_in(editor)
    my_form = opened_form(mine, Statement, statement)
    signed_in(publisher).post(admin_url(Statement, "state", statement.pk), {"state": PUBLISHED})
    my_form["summary"] = "What they agreed."
    response = mine.post(admin_url(Statement, "change", statement.pk), my_form)
    assert response.status_code == 200
    assert "pub changed state" in " ".join(response.context["adminform"].form.non_field_errors())
    statement.refresh_from_db()
    assert statement.summary == ""


def test_saving_the_version_one_opened_goes_through(editor):
    statement = StatementFactory(state=DRAFT)
    client = signed_in(editor)
    data = opened_form(client, Statement, statement)
    assert data["edit_version"] == str(statement.history.first().history_id)
    data["summary"] = "Agreed steps."
    assert client.post(admin_url(Statement, "change", statement.pk), data).status_code == 302
    statement.refresh_from_db()
    assert statement.summary == "Agreed steps."


def test_a_draft_status_update_edited_in_two_sessions_keeps_the_first_save(editor):
    from commitments.models import Status, StatusUpdate
    from tests.factories import verdict

    commitment = publishable(state=PUBLISHED)
    update = verdict(
        commitment=commitment, status=Status.STALLED, as_of=commitment.statement.made_on, author=editor, state=DRAFT
    )
    other = StaffFactory(username="ann", groups=[EDITORS])
    mine, theirs = signed_in(editor), signed_in(other)
    my_form, their_form = opened_form(mine, StatusUpdate, update), opened_form(theirs, StatusUpdate, update)
    their_form["rationale"] = "Their reading."
    assert theirs.post(admin_url(StatusUpdate, "change", update.pk), their_form).status_code == 302
    my_form["rationale"] = "My reading."
    response = mine.post(admin_url(StatusUpdate, "change", update.pk), my_form)
    assert response.status_code == 200
    assert "ann changed rationale" in " ".join(response.context["adminform"].form.non_field_errors())
    assert StatusUpdate.objects.get(pk=update.pk).rationale == "Their reading."


def test_a_commitment_edited_on_the_statement_page_over_a_newer_version_is_refused_in_its_row(editor):
    statement = StatementFactory(state=DRAFT)
    commitment = CommitmentFactory(statement=statement, state=DRAFT, title="Original")
    other = StaffFactory(username="ann", groups=[EDITORS])
    mine, theirs = signed_in(editor), signed_in(other)
    my_form = opened_form(mine, Statement, statement)
    their_form = opened_form(theirs, Commitment, commitment)
    their_form["title"] = "Their title"
    assert theirs.post(admin_url(Commitment, "change", commitment.pk), their_form).status_code == 302

    prefix = next(k for k, v in my_form.items() if k.endswith("-id") and v == str(commitment.pk))[: -len("-id")]
    my_form[f"{prefix}-title"] = "My title"
    response = mine.post(admin_url(Statement, "change", statement.pk), my_form)
    assert response.status_code == 200
    [row] = [f for f in response.context["inline_admin_formsets"][0].formset.forms if f.instance.pk == commitment.pk]
    assert "ann changed title" in " ".join(row.non_field_errors())
    commitment.refresh_from_db()
    assert commitment.title == "Their title"


def test_saving_a_statement_does_not_resave_its_unchanged_commitments(editor):
    statement = StatementFactory(state=DRAFT)
    commitment = CommitmentFactory(statement=statement, state=DRAFT)
    versions = commitment.history.count()
    client = signed_in(editor)
    data = opened_form(client, Statement, statement)
    data["summary"] = "Changed the statement only."
    assert client.post(admin_url(Statement, "change", statement.pk), data).status_code == 302
    assert commitment.history.count() == versions


# --- A commitment's statement


def test_the_statement_of_a_commitment_in_review_is_read_only_and_cannot_be_posted(editor):
    commitment = publishable(state=REVIEW)
    elsewhere = StatementFactory(state=DRAFT)
    client = signed_in(editor)
    page = client.get(admin_url(Commitment, "change", commitment.pk))
    assert "statement" not in page.context["adminform"].form.fields
    data = opened_form(client, Commitment, commitment)
    data["statement"] = str(elsewhere.pk)
    assert client.post(admin_url(Commitment, "change", commitment.pk), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.statement_id != elsewhere.pk


def test_a_draft_commitment_may_move_to_another_statement(editor):
    commitment = publishable(state=DRAFT)
    elsewhere = StatementFactory(state=DRAFT)
    client = signed_in(editor)
    data = opened_form(client, Commitment, commitment)
    data["statement"] = str(elsewhere.pk)
    assert client.post(admin_url(Commitment, "change", commitment.pk), data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.statement_id == elsewhere.pk


def test_a_statement_move_refused_by_the_save_guard_is_a_form_error_not_a_server_error(editor, monkeypatch):
    # Should the field ever be editable on a commitment in review (a regression, or a race with a
    # submit between loading and saving), the guard's refusal comes back at the field.
    from commitments.admin.registrations import AuthoredAdmin, CommitmentAdmin

    monkeypatch.setattr(CommitmentAdmin, "get_readonly_fields", AuthoredAdmin.get_readonly_fields)
    commitment = publishable(state=REVIEW, title="Kept")
    original_statement = commitment.statement_id
    elsewhere = StatementFactory(state=DRAFT)
    client = signed_in(editor)
    data = opened_form(client, Commitment, commitment)
    data.update(statement=str(elsewhere.pk), title="Moved")
    response = client.post(admin_url(Commitment, "change", commitment.pk), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["statement"])
    assert "A commitment moves to another statement only while it is a draft" in errors
    assert response.context["adminform"].form["title"].value() == "Moved"  # the input is kept
    commitment.refresh_from_db()
    assert (commitment.statement_id, commitment.title) == (original_statement, "Kept")


# --- Publishing a commitment with its statement


def test_publish_refuses_a_commitment_whose_statement_is_not_published_with_the_reason(publisher):
    commitment = publishable(state=REVIEW, statement=StatementFactory(state=DRAFT, title="Draft statement"))
    client = signed_in(publisher)
    response = client.post(admin_url(Commitment, "state", commitment.pk), {"state": PUBLISHED}, follow=True)
    commitment.refresh_from_db()
    assert commitment.state == REVIEW
    assert any("its statement “Draft statement” is not published" in m for m in messages_of(response))
    moves = client.get(admin_url(Commitment, "change", commitment.pk)).context["workflow_moves"]
    assert "Publish with its statement" not in [label for _, label in moves]  # a draft statement: review first


def test_publish_with_its_statement_publishes_both_when_the_statement_is_in_review(publisher):
    statement = StatementFactory(state=REVIEW)
    commitment = publishable(state=REVIEW, statement=statement)
    client = signed_in(publisher)
    moves = dict(client.get(admin_url(Commitment, "change", commitment.pk)).context["workflow_moves"])
    assert moves["published+statement"] == "Publish with its statement"
    response = client.post(
        admin_url(Commitment, "state", commitment.pk), {"state": "published+statement", "reason": "Both checked"}
    )
    assert response.status_code == 302
    commitment.refresh_from_db()
    statement.refresh_from_db()
    assert (commitment.state, statement.state) == (PUBLISHED, PUBLISHED)
    assert statement.state_changed_by == publisher


def test_the_publish_with_its_statement_action_publishes_both_and_names_what_it_left(publisher):
    in_review = StatementFactory(state=REVIEW)
    ready = publishable(state=REVIEW, statement=in_review, title="Ready")
    waiting = publishable(state=REVIEW, statement=StatementFactory(state=DRAFT), title="Waiting")
    client = signed_in(publisher)
    response = client.post(
        admin_url(Commitment, "changelist"),
        {"action": "publish_with_statement", "_selected_action": [ready.pk, waiting.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    waiting.refresh_from_db()
    in_review.refresh_from_db()
    assert (ready.state, in_review.state, waiting.state) == (PUBLISHED, PUBLISHED, REVIEW)
    assert "Publish with its statement: 1 done." in messages_of(response)
    assert any("“Waiting”: Its statement" in m and "still a draft" in m for m in messages_of(response))


def test_editors_are_not_offered_publish_with_its_statement(editor):
    client = signed_in(editor)
    response = client.get(admin_url(Commitment, "changelist"))
    assert "publish_with_statement" not in dict(response.context["action_form"].fields["action"].choices)


def test_publish_with_its_statement_is_refused_when_the_publisher_wrote_the_statement(publisher):
    statement = StatementFactory(state=REVIEW, created_by=publisher)
    commitment = publishable(state=REVIEW, statement=statement)
    client = signed_in(publisher)
    moves = [label for _, label in client.get(admin_url(Commitment, "change", commitment.pk)).context["workflow_moves"]]
    assert "Publish with its statement" not in moves
    response = client.post(admin_url(Commitment, "state", commitment.pk), {"state": "published+statement"}, follow=True)
    commitment.refresh_from_db()
    statement.refresh_from_db()
    assert (commitment.state, statement.state) == (REVIEW, REVIEW)
    assert any("four eyes" in m for m in messages_of(response))


def test_a_reader_with_view_permission_only_sees_the_statement_page_read_only():
    from django.contrib.auth.models import Permission

    statement = StatementFactory(state=DRAFT)
    CommitmentFactory(statement=statement, state=DRAFT)
    reader = StaffFactory(username="reader")
    reader.user_permissions.set(
        Permission.objects.filter(codename__in=["view_statement", "view_commitment", "view_statusupdate"])
    )
    client = signed_in(reader)
    assert client.get(admin_url(Statement, "change", statement.pk)).status_code == 200
    commitment = statement.commitments.get()
    assert client.get(admin_url(Commitment, "change", commitment.pk)).status_code == 200


def test_the_change_pages_send_the_version_they_were_opened_at(editor):
    from commitments.models import Status, StatusUpdate
    from tests.factories import verdict

    statement = StatementFactory(state=DRAFT)
    commitment = CommitmentFactory(statement=statement, state=DRAFT)
    update = verdict(commitment=commitment, status=Status.STALLED, as_of=statement.made_on, state=DRAFT)
    client = signed_in(editor)
    for model, obj in [(Statement, statement), (Commitment, commitment), (StatusUpdate, update)]:
        page = client.get(admin_url(model, "change", obj.pk)).content.decode()
        version = obj.history.first().history_id
        assert f'type="hidden" name="edit_version" value="{version}"' in page, model
    statement_page = client.get(admin_url(Statement, "change", statement.pk)).content.decode()
    assert f'name="commitments-0-edit_version" value="{commitment.history.first().history_id}"' in statement_page

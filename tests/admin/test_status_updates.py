"""Status updates in the admin: recorded as drafts, reviewed by a second pair of eyes, per party,
corrected and never deleted once published."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from commitments.domain.roles import EDITORS
from commitments.models import Commitment, PublicationState, Status, StatusUpdate
from tests.admin.conftest import admin_url, messages_of
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StaffFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED
MADE_ON = datetime.date(2021, 6, 10)


@pytest.fixture
def uk():
    return ActorFactory(name="United Kingdom", slug="united-kingdom")


@pytest.fixture
def commitment(uk):
    return CommitmentFactory(actors=[uk, ActorFactory(name="United States")], themes=[ThemeFactory()])


def add_update(client, commitment, **extra):
    data = {
        "commitment": commitment.pk,
        "status": Status.IN_PROGRESS,
        "as_of": "2022-03-01",
        "rationale": "A joint cell was set up.",
        "evidence": [ArticleFactory().pk],
    }
    data.update(extra)
    return client.post(admin_url(StatusUpdate, "add"), data)


def press(client, update, state, reason=""):
    return client.post(admin_url(StatusUpdate, "state", update.pk), {"state": state, "reason": reason}, follow=True)


def state_of(update):
    return StatusUpdate.objects.get(pk=update.pk).state


# --- Review


def test_an_editors_update_is_a_draft_until_a_publisher_reviews_and_publishes_it(client, editor, publisher, commitment):
    client.force_login(editor)
    assert add_update(client, commitment).status_code == 302
    update = commitment.updates.get()
    assert (update.state, update.author) == (DRAFT, editor)
    press(client, update, REVIEW, reason="Ready")
    assert state_of(update) == REVIEW
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED
    client.force_login(publisher)
    response = press(client, update, PUBLISHED, reason="Evidence checked")
    assert state_of(update) == PUBLISHED
    assert any("is now published" in m for m in messages_of(response))
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    latest = StatusUpdate.objects.get(pk=update.pk).history.first()
    assert (latest.history_user, latest.history_change_reason) == (publisher, "Evidence checked")


def test_a_publisher_cannot_publish_an_update_they_wrote(client, publisher, second_publisher, commitment):
    client.force_login(publisher)
    add_update(client, commitment)
    update = commitment.updates.get()
    press(client, update, REVIEW)
    page = client.get(admin_url(StatusUpdate, "change", update.pk))
    assert PUBLISHED not in [state for state, _ in page.context["workflow_moves"]]
    assert any("another publisher must review and publish it" in r for r in page.context["workflow_refusals"])
    response = press(client, update, PUBLISHED)
    assert state_of(update) == REVIEW
    assert any("You wrote or last changed this status update" in m for m in messages_of(response))
    client.force_login(second_publisher)
    press(client, update, PUBLISHED)
    assert state_of(update) == PUBLISHED


def test_an_editor_cannot_publish_an_update_by_button_or_action(client, editor, commitment):
    update = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, state=REVIEW)
    client.force_login(editor)
    response = press(client, update, PUBLISHED)
    assert "Publishing or unpublishing a status update needs the publish permission. Nothing was changed." in (
        messages_of(response)
    )
    client.post(admin_url(StatusUpdate, "changelist"), {"action": "publish", "_selected_action": [update.pk]})
    assert state_of(update) == REVIEW


def test_publishing_a_rated_update_without_evidence_is_refused_with_the_reason(client, publisher, commitment):
    update = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, articles=[], state=REVIEW)
    client.force_login(publisher)
    response = press(client, update, PUBLISHED)
    assert state_of(update) == REVIEW
    assert any("needs at least one evidence article" in m for m in messages_of(response))


def test_the_list_actions_move_updates_and_name_the_ones_left_alone(client, publisher, commitment):
    ready = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, state=REVIEW)
    bare = verdict(commitment=commitment, status=Status.BROKEN, as_of=MADE_ON, articles=[], state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        admin_url(StatusUpdate, "changelist"),
        {"action": "publish", "_selected_action": [ready.pk, bare.pk], "reason": "Checked"},
        follow=True,
    )
    assert (state_of(ready), state_of(bare)) == (PUBLISHED, REVIEW)
    assert "Publish: 1 status update done." in messages_of(response)
    assert any("needs at least one evidence article" in m for m in messages_of(response))


def test_unpublish_and_send_back_keep_their_labels_for_updates(client, publisher):
    client.force_login(publisher)
    response = client.get(admin_url(StatusUpdate, "changelist"))
    labels = dict(response.context["action_form"].fields["action"].choices)
    assert [labels[name] for name in ("submit_for_review", "publish", "unpublish", "send_back_to_draft")] == [
        "Submit for review",
        "Publish",
        "Unpublish (back to draft)",
        "Send back to draft",
    ]


# --- Recording: party, dates, refusals as form errors


def test_the_party_is_one_of_the_commitments_actors(client, editor, commitment, uk):
    client.force_login(editor)
    outsider = ActorFactory(name="France")
    response = add_update(client, commitment, party=outsider.pk)
    assert response.status_code == 200
    assert "France is not a party to this commitment" in str(response.context["adminform"].form.errors["party"])
    assert not commitment.updates.exists()
    assert add_update(client, commitment, party=uk.pk).status_code == 302
    assert commitment.updates.get().party == uk


def test_the_commitment_page_offers_only_its_actors_as_parties(client, editor, commitment):
    ActorFactory(name="France")
    client.force_login(editor)
    response = client.get(admin_url(Commitment, "change", commitment.pk))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is StatusUpdate)
    choices = {str(label) for _, label in formset.formset.forms[0].fields["party"].choices if _}
    assert choices == {"United Kingdom", "United States"}


def test_a_verdict_dated_in_the_future_is_refused_at_the_field_and_nothing_is_recorded(client, editor, commitment):
    client.force_login(editor)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = add_update(client, commitment, as_of=tomorrow.isoformat())
    assert response.status_code == 200
    assert "a verdict cannot hold from the future" in str(response.context["adminform"].form.errors["as_of"])
    assert not StatusUpdate.objects.exists()


def test_a_verdict_dated_before_the_statement_on_the_commitment_page_is_a_form_error(client, editor, commitment):
    client.force_login(editor)
    data = {
        "statement": commitment.statement_id,
        "title": "Renamed while recording",
        "slug": commitment.slug,
        "wording": commitment.wording,
        "actors": [a.pk for a in commitment.actors.all()],
        "themes": [t.pk for t in commitment.themes.all()],
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-0-status": Status.STALLED,
        "updates-0-as_of": "2020-01-01",
        "updates-0-rationale": "Nothing since.",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
    }
    response = client.post(admin_url(Commitment, "change", commitment.pk), data)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "New status update: 2020-01-01 is before the statement was made (2021-06-10)." in errors
    assert not StatusUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.title != "Renamed while recording"  # the whole save was rolled back


# --- Published updates: read-only, corrected, never deleted


def test_a_published_update_is_read_only_and_offers_a_correction(client, editor, commitment, uk):
    published = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, party=uk)
    client.force_login(editor)
    page = client.get(admin_url(StatusUpdate, "change", published.pk))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert "Correct this update" in page.content.decode()
    assert page.context["correct_url"] == (
        f"{admin_url(StatusUpdate, 'add')}?commitment={commitment.pk}&corrects={published.pk}&party={uk.pk}"
    )
    edit = client.post(
        admin_url(StatusUpdate, "change", published.pk),
        {"status": Status.BROKEN, "as_of": "2022-01-01", "rationale": "Overwritten"},
    )
    assert edit.status_code == 403
    assert StatusUpdate.objects.get(pk=published.pk).status == Status.MET


def test_the_correction_link_opens_a_new_update_filled_in_to_correct_it(client, editor, publisher, commitment, uk):
    published = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, party=uk)
    client.force_login(editor)
    page = client.get(admin_url(StatusUpdate, "change", published.pk))
    form = client.get(page.context["correct_url"]).context["adminform"].form
    assert (form.initial["corrects"], form.initial["commitment"], form.initial["party"]) == (
        str(published.pk),
        commitment.pk,
        uk.pk,
    )
    add_update(client, commitment, party=uk.pk, corrects=published.pk, status=Status.PARTIALLY_MET)
    correction = StatusUpdate.objects.get(corrects=published)
    assert correction.state == DRAFT
    press(client, correction, REVIEW)
    client.force_login(publisher)
    press(client, correction, PUBLISHED)
    assert StatusUpdate.objects.counting().filter(commitment=commitment).get() == correction
    assert StatusUpdate.objects.filter(pk=published.pk).exists()  # still there, marked as corrected


def test_the_commitment_page_lists_published_and_pending_updates_with_their_state(client, editor, commitment):
    verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON)
    verdict(commitment=commitment, status=Status.STALLED, as_of=MADE_ON, state=REVIEW)
    verdict(commitment=commitment, status=Status.BROKEN, as_of=MADE_ON, state=DRAFT)
    client.force_login(editor)
    response = client.get(admin_url(Commitment, "change", commitment.pk))
    formset = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is StatusUpdate)
    assert sorted(form.instance.state for form in formset.formset.initial_forms) == [DRAFT, PUBLISHED, REVIEW]
    content = response.content.decode()
    assert "In review" in content and "Correct this update" in content
    assert content.count("Correct this update") == 1  # only the published one is corrected


def test_a_draft_is_deleted_by_its_author_but_not_by_another_editor(client, editor, commitment):
    client.force_login(editor)
    add_update(client, commitment)
    mine = commitment.updates.get()
    other = StaffFactory(username="ed2", groups=[EDITORS])
    client.force_login(other)
    assert client.post(admin_url(StatusUpdate, "delete", mine.pk), {"post": "yes"}).status_code == 403
    assert StatusUpdate.objects.filter(pk=mine.pk).exists()
    client.force_login(editor)
    assert client.post(admin_url(StatusUpdate, "delete", mine.pk), {"post": "yes"}).status_code == 302
    assert not StatusUpdate.objects.filter(pk=mine.pk).exists()


def test_a_draft_edited_by_a_publisher_makes_them_an_author_who_may_not_publish_it(
    client, editor, publisher, commitment
):
    update = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, author=editor, state=DRAFT)
    client.force_login(publisher)
    data = {
        "party": "",
        "status": Status.MET,
        "as_of": "2022-05-01",
        "rationale": "Reworded by the desk.",
        "evidence": [a.pk for a in update.evidence.all()],
        "corrects": "",
    }
    assert client.post(admin_url(StatusUpdate, "change", update.pk), data).status_code == 302
    update.refresh_from_db()
    assert (update.rationale, update.author, update.last_edited_by) == ("Reworded by the desk.", editor, publisher)
    press(client, update, REVIEW)
    press(client, update, PUBLISHED)
    assert state_of(update) == REVIEW


def test_a_draft_edited_with_a_future_date_is_refused_at_the_field(client, editor, commitment):
    update = verdict(commitment=commitment, status=Status.MET, as_of=MADE_ON, author=editor, state=DRAFT)
    client.force_login(editor)
    data = {"party": "", "status": Status.MET, "as_of": "2999-01-01", "rationale": "x", "corrects": ""}
    response = client.post(admin_url(StatusUpdate, "change", update.pk), data)
    assert response.status_code == 200
    assert "after today" in str(response.context["adminform"].form.errors["as_of"])
    assert StatusUpdate.objects.get(pk=update.pk).as_of == MADE_ON


def test_the_status_update_list_runs_the_same_queries_for_one_row_and_for_ten(client, publisher):
    def queries_for_list():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url(StatusUpdate, "changelist")).status_code == 200
        return len(queries)

    client.force_login(publisher)
    party = ActorFactory()
    first = CommitmentFactory(actors=[party])
    verdict(commitment=first, status=Status.MET, as_of=MADE_ON, party=party)
    one = queries_for_list()
    for _ in range(9):
        c = CommitmentFactory(actors=[party])
        verdict(commitment=c, status=Status.STALLED, as_of=MADE_ON, party=party)
    assert queries_for_list() == one

"""The History page says who changed what and when, relations and inline rows included."""

import pytest

from commitments.models import Commitment, Statement, StatusUpdate
from tests.admin.conftest import admin_url
from tests.admin.test_form_moves import FORM_MOVE, form_of, statement_with_row, tagged
from tests.factories import ActorFactory, CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db


def history(client, obj):
    return client.get(admin_url(type(obj), "history", obj.pk)).content.decode()


def test_theme_and_actor_changes_are_named_with_who_made_them(client, editor):
    commitment = tagged(state=Commitment.State.DRAFT)
    old_theme = commitment.themes.get()
    new_theme, actor = ThemeFactory(name="Cyber"), ActorFactory(name="United Kingdom")
    client.force_login(editor)
    data = form_of(commitment)
    data["themes"] = [new_theme.pk]
    data["actors"] = [*data["actors"], actor.pk]
    client.post(admin_url(Commitment, "change", commitment.pk), data)
    page = history(client, commitment)
    assert f"Themes: added Cyber; removed {old_theme}" in page
    assert "Actors: added United Kingdom" in page
    assert "<td>ed</td>" in page
    assert "None" not in page


def test_a_state_change_shows_who_and_from_what_to_what(client, editor):
    commitment = tagged(state=Commitment.State.DRAFT)
    client.force_login(editor)
    client.post(admin_url(Commitment, "change", commitment.pk), form_of(commitment, **{FORM_MOVE: "review"}))
    page = history(client, commitment)
    assert "Draft &rarr; In review" in page or "draft &rarr; review" in page


def test_a_status_update_recorded_on_the_statement_page_is_in_its_history(client, editor):
    client.force_login(editor)
    client.post(admin_url(Statement, "add"), statement_with_row(new_status="not_started", new_rationale="Nothing yet."))
    statement = Statement.objects.get(slug="leaders-joint-statement")
    page = history(client, statement)
    assert "Recorded the status update “Fund cyber defence: Not started as of" in page
    assert "Added commitment" in page


def test_after_a_delete_the_list_opened_from_comes_back(client, publisher):
    commitment = CommitmentFactory()
    draft = verdict(commitment=commitment, status="not_started", as_of=commitment.statement.made_on, state="draft")
    client.force_login(publisher)
    filters = "_changelist_filters=state__exact%3Ddraft"
    response = client.post(f"{admin_url(StatusUpdate, 'delete', draft.pk)}?{filters}", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"{admin_url(StatusUpdate, 'changelist')}?state__exact=draft"

"""Who may do what in the admin: anonymous, staff without permissions, editors and publishers."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from commitments.domain.roles import EDITORS, PUBLISHERS
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
)
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote]
EDITED = ["statement", "commitment", "article", "articlelink", "statusupdate", "quote", "theme", "actor"]


def admin_url(model, view, *args):
    return reverse(f"admin:commitments_{model._meta.model_name}_{view}", args=args)


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


# --- Groups from the data migration (the test database is built by a fresh `migrate`)


def test_editors_can_add_change_and_view_but_not_publish_or_delete():
    perms = codenames(EDITORS)
    for model in EDITED:
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= perms
    assert "view_historicalcommitment" in perms  # history is visible to every editor
    assert not {p for p in perms if p.startswith(("publish_", "delete_"))}


def test_publishers_have_everything_editors_have_plus_publishing_and_deleting_updates():
    assert codenames(PUBLISHERS) - codenames(EDITORS) == {
        "publish_commitment",
        "publish_statement",
        "publish_statusupdate",
        "delete_statusupdate",
    }


# --- Reaching admin pages


@pytest.fixture
def editor():
    return StaffFactory(username="ed", groups=[EDITORS])


@pytest.fixture
def publisher():
    return StaffFactory(username="pub", groups=[PUBLISHERS])


def as_user(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_anonymous_users_are_sent_to_the_login_page_everywhere(client, seeded, model):
    obj = model.objects.first()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", obj.pk),
        admin_url(model, "history", obj.pk),
        admin_url(model, "delete", obj.pk),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_staff_without_a_role_see_no_tracker_page(client, seeded, model):
    as_user(client, StaffFactory())
    obj = model.objects.first()
    for url in [admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", obj.pk)]:
        assert client.get(url).status_code == 403, url


def test_a_user_in_the_publishers_group_without_staff_status_cannot_enter_the_admin(client, seeded):
    user = UserFactory(is_staff=False)
    user.groups.set([Group.objects.get(name=PUBLISHERS)])
    as_user(client, user)
    response = client.get(admin_url(Commitment, "changelist"))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


# Status code per (role, view). Delete pages answer 200 (the confirmation) only with the permission,
# and never for a published status update (the seed's one is published): it is corrected instead.
MATRIX = {
    "editor": {"changelist": 200, "add": 200, "change": 200, "history": 200, "delete": 403},
    "publisher": {"changelist": 200, "add": 200, "change": 200, "history": 200, "delete": 403},
}


@pytest.mark.parametrize("role", ["editor", "publisher"])
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_role_matrix_for_admin_pages(client, seeded, request, role, model):
    as_user(client, request.getfixturevalue(role))
    obj = model.objects.first()
    for view, expected in MATRIX[role].items():
        args = () if view in ("changelist", "add") else (obj.pk,)
        assert client.get(admin_url(model, view, *args)).status_code == expected, (role, view)


def test_editors_cannot_delete_a_status_update_even_by_posting(client, seeded, editor):
    update = StatusUpdate.objects.get()
    as_user(client, editor)
    response = client.post(admin_url(StatusUpdate, "delete", update.pk), {"post": "yes"})
    assert response.status_code == 403
    assert StatusUpdate.objects.filter(pk=update.pk).exists()


def test_the_list_offers_publishing_actions_only_to_publishers(client, seeded, editor, publisher):
    def actions_for(user):
        as_user(client, user)
        response = client.get(admin_url(Commitment, "changelist"))
        return {name for name, _ in response.context["action_form"].fields["action"].choices if name}

    editor_actions = actions_for(editor)
    assert {"submit_for_review", "send_back_to_draft"} <= editor_actions
    assert not editor_actions & {"publish", "unpublish", "delete_selected"}
    assert {"submit_for_review", "publish", "unpublish", "send_back_to_draft"} <= actions_for(publisher)


# --- create_editor


def run_create_editor(monkeypatch, *args, stdin="a-long-and-unusual passphrase\n"):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("create_editor", *args, stdout=out)
    return out.getvalue()


def test_create_editor_makes_a_staff_editor_who_can_log_in(client, monkeypatch):
    output = run_create_editor(monkeypatch, "alice", "--email", "alice@example.org", "--password-stdin")
    assert "Created alice" in output and EDITORS in output
    user = UserFactory._meta.model.objects.get(username="alice")
    assert user.is_staff and user.email == "alice@example.org"
    assert [g.name for g in user.groups.all()] == [EDITORS]
    assert client.login(username="alice", password="a-long-and-unusual passphrase")


def test_create_editor_promotes_an_existing_editor_to_publisher_and_keeps_the_password(monkeypatch):
    run_create_editor(monkeypatch, "bob", "--password-stdin")
    old_hash = UserFactory._meta.model.objects.get(username="bob").password
    output = run_create_editor(monkeypatch, "bob", "--publisher", stdin="")
    user = UserFactory._meta.model.objects.get(username="bob")
    assert "Updated bob" in output
    assert [g.name for g in user.groups.all()] == [PUBLISHERS]
    assert user.password == old_hash
    assert user.has_perm("commitments.publish_commitment")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["carol", "--password-stdin"], "123\n", "Password refused"),
        (["carol", "--password-stdin"], "Tr4ck3r!xyz\n", "at least 12 characters"),  # eleven
        (["carol", "--password-stdin"], "\n", "No password on standard input"),
        (["carol"], "", "A new user needs a password"),
        (["bad name!", "--password-stdin"], "a-long-and-unusual passphrase\n", "is not a valid username"),
        (["carol", "--email", "not-an-address", "--password-stdin"], "x\n", "is not a valid e-mail"),
    ],
)
def test_create_editor_refuses_bad_input_and_creates_nobody(monkeypatch, args, stdin, message):
    with pytest.raises(CommandError, match=message):
        run_create_editor(monkeypatch, *args, stdin=stdin)
    assert not UserFactory._meta.model.objects.filter(username__in=["carol", "bad name!"]).exists()


def test_create_editor_explains_missing_groups(monkeypatch):
    Group.objects.filter(name=PUBLISHERS).delete()
    with pytest.raises(CommandError, match="run `manage.py migrate` first"):
        run_create_editor(monkeypatch, "dave", "--password-stdin")


def test_unpublished_records_stay_out_of_public_pages_after_an_editor_submits_them(client, seeded, editor):
    # Review is not publication: the public page of a commitment in review is not found.
    commitment = Commitment.objects.get(slug="space-safe-and-secure")
    Commitment.objects.filter(pk=commitment.pk).update(state=PublicationState.DRAFT)
    as_user(client, editor).post(
        admin_url(Commitment, "changelist"), {"action": "submit_for_review", "_selected_action": [commitment.pk]}
    )
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.REVIEW
    client.logout()
    assert client.get(commitment.get_absolute_url()).status_code == 404


def test_staff_without_a_role_can_neither_run_actions_nor_press_workflow_buttons(client, seeded):
    commitment = Commitment.objects.get(slug="space-safe-and-secure")
    as_user(client, StaffFactory())
    action = client.post(
        admin_url(Commitment, "changelist"), {"action": "unpublish", "_selected_action": [commitment.pk]}
    )
    button = client.post(admin_url(Commitment, "state", commitment.pk), {"state": PublicationState.DRAFT})
    assert (action.status_code, button.status_code) == (403, 403)
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.PUBLISHED

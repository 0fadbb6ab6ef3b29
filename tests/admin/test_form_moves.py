"""The workflow buttons inside the change form: they save the form, then move the state, in one
step; a refused move changes nothing and gives the form back as typed, with the reason."""

import pytest

from commitments.admin.workflow import FORM_MOVE, WITH_CONTENTS
from commitments.models import Article, Commitment, PublicationState, Statement, StatusUpdate
from tests.admin.conftest import admin_url, messages_of
from tests.admin.test_workflow import commitment_form
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED


def form_of(commitment, **extra):
    data = commitment_form(commitment, **extra)
    data["actors"] = [a.pk for a in commitment.actors.all()]
    data["themes"] = [t.pk for t in commitment.themes.all()]
    return data


def tagged(**kwargs):
    return CommitmentFactory(actors=[ActorFactory()], themes=[ThemeFactory()], **kwargs)


def test_submit_for_review_keeps_the_edit_made_in_the_same_form(client, editor):
    commitment = tagged(state=DRAFT)
    client.force_login(editor)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk),
        form_of(commitment, summary="Edited just before submitting.", **{FORM_MOVE: REVIEW}),
    )
    assert response.status_code == 302
    assert response["Location"] == admin_url(Commitment, "change", commitment.pk)
    commitment.refresh_from_db()
    assert (commitment.summary, commitment.state) == ("Edited just before submitting.", REVIEW)
    assert commitment.last_edited_by == editor  # the edit counts for four eyes


def test_a_refused_move_saves_nothing_and_gives_the_form_back_with_the_reason(client, editor):
    commitment = tagged(state=REVIEW)
    client.force_login(editor)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk),
        form_of(commitment, summary="Typed, then Publish pressed.", **{FORM_MOVE: PUBLISHED}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Typed, then Publish pressed." in page  # the input is kept
    assert "Nothing was saved" in page
    commitment.refresh_from_db()
    assert (commitment.summary, commitment.state) == ("", REVIEW)


def test_a_publisher_who_edits_is_an_author_and_cannot_publish_in_the_same_step(client, publisher):
    commitment = tagged(state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk),
        form_of(commitment, summary="My own wording.", **{FORM_MOVE: PUBLISHED}),
    )
    assert response.status_code == 200
    assert "four eyes" in response.content.decode()
    assert Commitment.objects.get(pk=commitment.pk).state == REVIEW


def test_a_publisher_publishes_from_the_form_without_becoming_an_author(client, publisher):
    commitment = tagged(state=REVIEW)
    client.force_login(publisher)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk), form_of(commitment, **{FORM_MOVE: PUBLISHED}), follow=True
    )
    assert Commitment.objects.get(pk=commitment.pk).state == PUBLISHED
    assert any("is now published" in m for m in messages_of(response))


def test_a_move_not_offered_is_refused(client, editor):
    commitment = tagged(state=DRAFT)
    client.force_login(editor)
    response = client.post(
        admin_url(Commitment, "change", commitment.pk), form_of(commitment, **{FORM_MOVE: "published+nonsense"})
    )
    assert response.status_code == 200
    assert Commitment.objects.get(pk=commitment.pk).state == DRAFT


def test_the_change_page_puts_the_buttons_in_the_form_and_says_a_draft_statement_hides_the_commitment(
    client, publisher
):
    commitment = tagged(state=REVIEW, statement=StatementFactory(state=DRAFT))
    client.force_login(publisher)
    page = client.get(admin_url(Commitment, "change", commitment.pk)).content.decode()
    start = page.index('id="commitment_form"')
    form = page[start : page.index("</form>", start)]
    assert f'name="{FORM_MOVE}" value="{PUBLISHED}"' in form
    assert "Send back to draft" in form
    assert "stays invisible to the public until the statement is published" in page


def statement_with_row(**row):
    data = {
        "title": "Leaders' joint statement",
        "slug": "leaders-joint-statement",
        "kind": Statement.Kind.JOINT_STATEMENT,
        "made_on": "2021-06-10",
        "commitments-TOTAL_FORMS": "1",
        "commitments-INITIAL_FORMS": "0",
        "commitments-0-title": "Fund cyber defence",
        "commitments-0-slug": "fund-cyber-defence",
        "commitments-0-wording": "We will fund cyber defence.",
        "commitments-0-summary": "A joint fund.",
        "commitments-0-target_date": "2025-12-31",
        "commitments-0-target_wording": "by the end of 2025",
        "commitments-0-amount": "24000000",
        "commitments-0-currency": "GBP",
    }
    data.update({f"commitments-0-{k}": v for k, v in row.items()})
    return data


def test_a_statement_with_a_tagged_commitment_and_its_first_update_is_one_page(client, editor):
    actor, theme = ActorFactory(), ThemeFactory()
    client.force_login(editor)
    data = statement_with_row(
        actors=[actor.pk],
        themes=[theme.pk],
        new_status="in_progress",
        new_as_of="2022-01-05",
        new_rationale="The fund opened.",
        new_evidence_url="https://news.example.org/fund-opens",
        new_evidence_title="Cyber fund opens",
    )
    data[FORM_MOVE] = REVIEW + WITH_CONTENTS
    response = client.post(admin_url(Statement, "add"), data, follow=True)
    statement = Statement.objects.get(slug="leaders-joint-statement")
    commitment = statement.commitments.get()
    assert (commitment.summary, commitment.target_wording, commitment.currency) == (
        "A joint fund.",
        "by the end of 2025",
        "GBP",
    )
    assert list(commitment.actors.all()) == [actor] and list(commitment.themes.all()) == [theme]
    update = commitment.updates.get()
    assert (update.status, update.author, update.state) == ("in_progress", editor, REVIEW)
    assert [a.title for a in update.evidence.all()] == ["Cyber fund opens"]
    assert (statement.state, commitment.state) == (REVIEW, REVIEW)
    assert any("with 1 commitment and 1 status update" in m for m in messages_of(response))


def test_an_update_refused_by_the_status_service_rolls_back_the_whole_statement(client, editor):
    client.force_login(editor)
    data = statement_with_row(new_status="met", new_as_of="2020-01-01", new_rationale="Before the statement was made.")
    response = client.post(admin_url(Statement, "add"), data)
    assert response.status_code == 200
    assert "before the statement was made" in response.content.decode()
    assert not Statement.objects.filter(slug="leaders-joint-statement").exists()
    assert not StatusUpdate.objects.exists() and not Article.objects.exists()


def test_an_update_row_needs_a_rationale_at_its_field(client, editor):
    client.force_login(editor)
    response = client.post(admin_url(Statement, "add"), statement_with_row(new_status="met"))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.forms[0].errors["new_rationale"]


def test_evidence_already_recorded_at_the_address_is_reused(client, editor):
    existing = Article.objects.create(title="Already here", url="https://news.example.org/fund-opens")
    client.force_login(editor)
    data = statement_with_row(
        new_status="not_started", new_rationale="Nothing yet.", new_evidence_url="https://news.example.org/fund-opens"
    )
    client.post(admin_url(Statement, "add"), data)
    assert list(StatusUpdate.objects.get().evidence.all()) == [existing]
    assert Article.objects.count() == 1


def test_a_publisher_publishes_a_statement_with_its_commitments_and_updates_in_one_step(client, publisher):
    statement = StatementFactory(state=REVIEW)
    commitments = [tagged(statement=statement, state=REVIEW) for _ in range(2)]
    update = verdict(commitment=commitments[0], status="in_progress", as_of=statement.made_on, state=REVIEW)
    client.force_login(publisher)
    data = {
        "title": statement.title,
        "slug": statement.slug,
        "kind": statement.kind,
        "made_on": f"{statement.made_on:%Y-%m-%d}",
        "commitments-TOTAL_FORMS": "2",
        "commitments-INITIAL_FORMS": "2",
        FORM_MOVE: PUBLISHED + WITH_CONTENTS,
    }
    for i, c in enumerate(commitments):
        data.update(
            {
                f"commitments-{i}-id": c.pk,
                f"commitments-{i}-statement": statement.pk,
                f"commitments-{i}-title": c.title,
                f"commitments-{i}-slug": c.slug,
                f"commitments-{i}-wording": c.wording,
                f"commitments-{i}-actors": [a.pk for a in c.actors.all()],
                f"commitments-{i}-themes": [t.pk for t in c.themes.all()],
            }
        )
    response = client.post(admin_url(Statement, "change", statement.pk), data)
    assert response.status_code == 302, response.context["errors"]
    assert Statement.objects.get(pk=statement.pk).state == PUBLISHED
    assert {c.state for c in Commitment.objects.filter(statement=statement)} == {PUBLISHED}
    assert StatusUpdate.objects.get(pk=update.pk).state == PUBLISHED


def test_a_package_refused_for_one_commitment_moves_none_of_it(client, publisher):
    statement = StatementFactory(state=REVIEW)
    tagged(statement=statement, state=REVIEW)
    CommitmentFactory(statement=statement, state=REVIEW)  # no actor, no theme: not publishable
    client.force_login(publisher)
    page = client.get(admin_url(Statement, "change", statement.pk))
    formsets = page.context["inline_admin_formsets"][0].formset
    data = {key: value for form in [page.context["adminform"].form, *formsets.forms] for key, value in _initial(form)}
    data.update(
        {
            "commitments-TOTAL_FORMS": "2",
            "commitments-INITIAL_FORMS": "2",
            "commitments-MIN_NUM_FORMS": "0",
            "commitments-MAX_NUM_FORMS": "1000",
            FORM_MOVE: PUBLISHED + WITH_CONTENTS,
        }
    )
    response = client.post(admin_url(Statement, "change", statement.pk), data)
    assert response.status_code == 200
    assert "names no responsible actor" in response.content.decode()
    assert Statement.objects.get(pk=statement.pk).state == REVIEW
    assert set(Commitment.objects.values_list("state", flat=True)) == {REVIEW}


def _initial(form):
    """The (name, value) pairs a browser would post for a bound-from-instance form."""
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        yield form.add_prefix(name), value

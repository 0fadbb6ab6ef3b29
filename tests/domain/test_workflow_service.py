import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from commitments.domain.services import change_state, note_edit
from commitments.models import Commitment, PublicationState, Statement, Status
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, UserFactory, verdict

pytestmark = pytest.mark.django_db


def user_with(*codenames):
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return UserFactory._meta.model.objects.get(pk=user.pk)  # fresh permission cache


def complete(**kwargs) -> Commitment:
    """A commitment with what publishing needs: wording, a responsible actor, a theme."""
    return CommitmentFactory(actors=[ActorFactory()], themes=[ThemeFactory()], **kwargs)


def test_an_editor_can_submit_for_review_but_not_publish():
    editor = user_with("change_commitment")
    commitment = CommitmentFactory(state=PublicationState.DRAFT)
    change_state(obj=commitment, state=PublicationState.REVIEW, user=editor)
    assert commitment.state == PublicationState.REVIEW and commitment.state_changed_by == editor
    with pytest.raises(PermissionDenied):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=editor)
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.REVIEW


def test_a_publisher_publishes_and_the_history_records_the_reason():
    publisher = user_with("change_commitment", "publish_commitment")
    commitment = complete(state=PublicationState.REVIEW)
    change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher, reason="Checked sources")
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.PUBLISHED and commitment.state_changed_at
    assert commitment.history.first().history_change_reason == "Checked sources"


def test_a_draft_cannot_skip_review():
    publisher = user_with("change_commitment", "publish_commitment")
    commitment = CommitmentFactory(state=PublicationState.DRAFT)
    with pytest.raises(ValidationError, match="cannot move from draft to published"):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher)


def test_a_publisher_cannot_publish_what_they_wrote_or_last_changed():
    writer = user_with("change_commitment", "publish_commitment")
    reviewer = user_with("change_commitment", "publish_commitment")
    mine = complete(state=PublicationState.REVIEW, created_by=writer)
    with pytest.raises(PermissionDenied, match="another publisher must review"):
        change_state(obj=mine, state=PublicationState.PUBLISHED, user=writer)
    edited = complete(state=PublicationState.REVIEW, created_by=reviewer)
    note_edit(edited, writer)
    edited.save()
    with pytest.raises(PermissionDenied, match="four eyes"):
        change_state(obj=edited, state=PublicationState.PUBLISHED, user=writer)
    with pytest.raises(PermissionDenied, match="four eyes"):
        change_state(obj=edited, state=PublicationState.PUBLISHED, user=reviewer)  # the creator
    mine.refresh_from_db()
    assert mine.state == PublicationState.REVIEW
    change_state(obj=mine, state=PublicationState.PUBLISHED, user=reviewer)
    assert mine.state == PublicationState.PUBLISHED


def test_a_publisher_cannot_publish_a_statement_they_wrote():
    writer = user_with("change_statement", "publish_statement")
    statement = StatementFactory(state=PublicationState.REVIEW, created_by=writer)
    with pytest.raises(PermissionDenied, match="four eyes"):
        change_state(obj=statement, state=PublicationState.PUBLISHED, user=writer)


@pytest.mark.parametrize(
    "missing, expected",
    [
        ({"wording": ""}, "no wording"),
        ({"actors": []}, "no responsible actor"),
        ({"themes": []}, "no theme"),
    ],
)
def test_an_empty_commitment_cannot_be_published(missing, expected):
    publisher = user_with("change_commitment", "publish_commitment")
    values = {"actors": [ActorFactory()], "themes": [ThemeFactory()], **missing}
    commitment = CommitmentFactory(state=PublicationState.REVIEW, **values)
    with pytest.raises(ValidationError, match=expected):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher)
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.REVIEW


def test_a_commitment_waits_for_its_statement_or_is_published_with_it():
    publisher = user_with("change_commitment", "publish_commitment", "publish_statement", "change_statement")
    statement = StatementFactory(state=PublicationState.REVIEW)
    commitment = complete(statement=statement, state=PublicationState.REVIEW)
    with pytest.raises(ValidationError, match="publish the statement first, or both in one step"):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher)
    change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher, with_statement=True)
    statement.refresh_from_db()
    assert statement.state == commitment.state == PublicationState.PUBLISHED
    assert Commitment.objects.published().get() == commitment


def test_publishing_with_a_draft_statement_refuses_both():
    publisher = user_with("change_commitment", "publish_commitment", "publish_statement", "change_statement")
    statement = StatementFactory(state=PublicationState.DRAFT)
    commitment = complete(statement=statement, state=PublicationState.REVIEW)
    with pytest.raises(ValidationError, match="still a draft"):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher, with_statement=True)
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.REVIEW


# --- No back doors: the save guards ----------------------------------------------------------------


def test_a_state_change_by_a_plain_save_is_refused():
    commitment = complete(state=PublicationState.REVIEW)
    commitment.state = PublicationState.PUBLISHED
    with pytest.raises(ValidationError, match="only through the workflow"):
        commitment.save()
    assert Commitment.objects.get().state == PublicationState.REVIEW


def test_a_new_record_cannot_start_published():
    with pytest.raises(ValidationError, match="starts as a draft"):
        Statement.objects.create(title="Forged", made_on="2021-06-10", state=PublicationState.PUBLISHED)
    assert not Statement.objects.exists()


def test_a_status_written_directly_is_refused():
    commitment = complete()
    commitment.status = Status.MET
    with pytest.raises(ValidationError, match="comes from its published status updates"):
        commitment.save()


@pytest.mark.parametrize("state", [PublicationState.PUBLISHED, PublicationState.REVIEW])
def test_only_a_draft_commitment_moves_to_another_statement(state):
    commitment = complete(state=state)
    commitment.statement = StatementFactory()
    with pytest.raises(ValidationError, match="only while it is a draft"):
        commitment.save()


def test_a_draft_commitment_moves_to_another_statement():
    commitment = complete(state=PublicationState.DRAFT)
    other = StatementFactory()
    commitment.statement = other
    commitment.save()
    assert Commitment.objects.get().statement == other


@pytest.mark.parametrize(
    "field, value", [("status", Status.BROKEN), ("as_of", "2022-02-02"), ("rationale", "Rewritten."), ("party", None)]
)
def test_a_published_update_is_not_edited_but_corrected(field, value):
    uk = ActorFactory()
    commitment = complete()
    commitment.actors.add(uk)
    update = verdict(commitment=commitment, status=Status.MET, as_of=datetime.date(2022, 1, 1), party=uk)
    setattr(update, field, value)
    with pytest.raises(ValidationError, match="is not edited: record a new update that corrects it"):
        update.save()
    update.refresh_from_db()
    assert update.status == Status.MET and update.rationale != "Rewritten." and update.party == uk


def test_a_draft_update_may_be_edited():
    update = verdict(commitment=complete(), status=Status.MET, as_of=datetime.date(2022, 1, 1), state="draft")
    update.rationale = "Better said."
    update.save()
    update.refresh_from_db()
    assert update.rationale == "Better said."

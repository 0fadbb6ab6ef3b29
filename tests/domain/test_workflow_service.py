import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError

from commitments.domain.services import change_state
from commitments.models import PublicationState
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def user_with(*codenames):
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return UserFactory._meta.model.objects.get(pk=user.pk)  # fresh permission cache


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
    commitment = CommitmentFactory(state=PublicationState.REVIEW)
    change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher, reason="Checked sources")
    commitment.refresh_from_db()
    assert commitment.state == PublicationState.PUBLISHED and commitment.state_changed_at
    assert commitment.history.first().history_change_reason == "Checked sources"


def test_a_draft_cannot_skip_review():
    publisher = user_with("change_commitment", "publish_commitment")
    commitment = CommitmentFactory(state=PublicationState.DRAFT)
    with pytest.raises(ValidationError, match="Cannot move from draft to published"):
        change_state(obj=commitment, state=PublicationState.PUBLISHED, user=publisher)

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.domain.services import delete_status_update, record_status_update
from commitments.models import Status, StatusUpdate
from tests.factories import ArticleFactory, CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def record(commitment, status, as_of, **kwargs):
    return record_status_update(commitment=commitment, status=status, as_of=as_of, rationale="Because.", **kwargs)


def test_a_new_commitment_is_not_rated():
    assert CommitmentFactory().status == Status.NOT_RATED


def test_the_latest_update_sets_the_status_with_its_evidence_and_author():
    commitment = CommitmentFactory()
    article = ArticleFactory()
    author = UserFactory()
    update = record(commitment, Status.IN_PROGRESS, D(2022, 1, 1), articles=[article], author=author)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS
    assert list(update.evidence.all()) == [article]
    assert update.author == author


def test_a_back_dated_update_does_not_override_a_later_one():
    commitment = CommitmentFactory()
    record(commitment, Status.MET, D(2022, 10, 3))
    record(commitment, Status.IN_PROGRESS, D(2021, 12, 1))  # recorded later, but about an earlier day
    commitment.refresh_from_db()
    assert commitment.status == Status.MET


def test_same_day_updates_are_decided_by_recording_time():
    commitment = CommitmentFactory()
    record(commitment, Status.IN_PROGRESS, D(2022, 1, 1))
    record(commitment, Status.STALLED, D(2022, 1, 1))
    commitment.refresh_from_db()
    assert commitment.status == Status.STALLED


def test_deleting_the_latest_update_falls_back_to_the_one_before():
    commitment = CommitmentFactory()
    record(commitment, Status.IN_PROGRESS, D(2022, 1, 1))
    latest = record(commitment, Status.MET, D(2022, 10, 3))
    delete_status_update(update=latest)
    commitment.refresh_from_db()
    assert commitment.status == Status.IN_PROGRESS


def test_deleting_every_update_returns_to_not_rated_even_in_bulk():
    commitment = CommitmentFactory()
    record(commitment, Status.MET, D(2022, 10, 3))
    record(commitment, Status.BROKEN, D(2023, 1, 1))
    StatusUpdate.objects.filter(commitment=commitment).delete()
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED


def test_bad_input_is_refused_and_writes_nothing():
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError, match="Unknown status"):
        record(commitment, "done", D(2022, 1, 1))
    with pytest.raises(ValidationError, match="rationale"):
        record_status_update(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1), rationale="  ")
    assert not StatusUpdate.objects.exists()
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED


def test_status_changes_are_in_the_commitment_history():
    commitment = CommitmentFactory()
    record(commitment, Status.MET, D(2022, 10, 3))
    assert commitment.history.first().status == Status.MET
    assert commitment.history.last().status == Status.NOT_RATED

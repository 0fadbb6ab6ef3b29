"""Status updates: recorded as drafts, counted once published, per party, corrected in the open."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commitments.domain.services import change_state, delete_status_update, record_status_update
from commitments.models import PublicationState, Status, StatusUpdate
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StaffFactory, UserFactory, verdict

pytestmark = pytest.mark.django_db

D = datetime.date
PUBLISHED, REVIEW, DRAFT = PublicationState.PUBLISHED, PublicationState.REVIEW, PublicationState.DRAFT


def record(commitment, status, as_of, **kwargs):
    return record_status_update(commitment=commitment, status=status, as_of=as_of, rationale="Because.", **kwargs)


def status_of(commitment) -> str:
    commitment.refresh_from_db()
    return commitment.status


@pytest.fixture
def publishers(db):
    return StaffFactory(groups=["Publishers"]), StaffFactory(groups=["Publishers"])


def test_a_new_commitment_is_not_rated():
    assert CommitmentFactory().status == Status.NOT_RATED


def test_a_recorded_update_is_a_draft_and_changes_nothing_public():
    commitment = CommitmentFactory()
    update = record(commitment, Status.BROKEN, D(2022, 1, 1))
    assert update.state == DRAFT
    assert status_of(commitment) == Status.NOT_RATED
    assert not StatusUpdate.objects.published().exists()


def test_a_published_update_sets_the_status_with_its_evidence_and_author(publishers):
    author, reviewer = publishers
    commitment = CommitmentFactory()
    article = ArticleFactory()
    update = record(commitment, Status.IN_PROGRESS, D(2022, 1, 1), articles=[article], author=author)
    change_state(obj=update, state=REVIEW, user=author)
    change_state(obj=update, state=PUBLISHED, user=reviewer)
    assert status_of(commitment) == Status.IN_PROGRESS
    assert list(update.evidence.all()) == [article]
    assert update.author == author and update.state_changed_by == reviewer
    assert list(StatusUpdate.objects.published()) == [update]


def test_unpublishing_an_update_takes_its_verdict_back(publishers):
    _, reviewer = publishers
    commitment = CommitmentFactory()
    update = verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1))
    change_state(obj=update, state=DRAFT, user=reviewer)
    assert status_of(commitment) == Status.NOT_RATED


def test_a_back_dated_update_does_not_override_a_later_one():
    commitment = CommitmentFactory()
    verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 10, 3))
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2021, 12, 1))
    assert status_of(commitment) == Status.MET


def test_same_day_updates_are_decided_by_recording_time():
    commitment = CommitmentFactory()
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2022, 1, 1))
    verdict(commitment=commitment, status=Status.STALLED, as_of=D(2022, 1, 1))
    assert status_of(commitment) == Status.STALLED


@pytest.mark.parametrize("as_of", [D(2030, 1, 1), D(9999, 12, 31)])
def test_a_verdict_dated_in_the_future_is_refused_when_recorded(as_of):
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError) as refused:
        record(commitment, Status.BROKEN, as_of)
    assert "after today" in refused.value.message_dict["as_of"][0]
    assert not StatusUpdate.objects.exists()


def test_today_is_the_latest_day_a_verdict_may_hold_from():
    commitment = CommitmentFactory()
    assert record(commitment, Status.BROKEN, timezone.localdate()).pk


def test_a_verdict_dated_before_the_statement_is_refused():
    commitment = CommitmentFactory(statement__made_on=D(2021, 6, 10))
    with pytest.raises(ValidationError) as refused:
        record(commitment, Status.MET, D(2021, 6, 9))
    assert "before the statement was made (2021-06-10)" in refused.value.message_dict["as_of"][0]
    assert record(commitment, Status.MET, D(2021, 6, 10)).pk


@pytest.mark.parametrize(
    "status", [Status.IN_PROGRESS, Status.STALLED, Status.PARTIALLY_MET, Status.MET, Status.BROKEN]
)
def test_a_rated_verdict_is_published_only_with_evidence(status, publishers):
    _, reviewer = publishers
    commitment = CommitmentFactory()
    update = verdict(commitment=commitment, status=status, as_of=D(2022, 1, 1), articles=[], state=REVIEW)
    with pytest.raises(ValidationError, match="needs at least one evidence article"):
        change_state(obj=update, state=PUBLISHED, user=reviewer)
    update.refresh_from_db()
    assert update.state == REVIEW and status_of(commitment) == Status.NOT_RATED
    update.evidence.set([ArticleFactory()])
    change_state(obj=update, state=PUBLISHED, user=reviewer)
    assert status_of(commitment) == status


def test_not_started_needs_a_rationale_but_no_evidence(publishers):
    _, reviewer = publishers
    commitment = CommitmentFactory()
    update = verdict(commitment=commitment, status=Status.NOT_STARTED, as_of=D(2022, 1, 1), state=REVIEW)
    change_state(obj=update, state=PUBLISHED, user=reviewer)
    assert status_of(commitment) == Status.NOT_STARTED
    with pytest.raises(ValidationError, match="rationale"):
        record_status_update(commitment=commitment, status=Status.NOT_STARTED, as_of=D(2022, 1, 1), rationale=" ")


def test_the_author_of_an_update_cannot_publish_it_but_another_publisher_can(publishers):
    author, reviewer = publishers
    commitment = CommitmentFactory()
    update = record(commitment, Status.BROKEN, D(2022, 1, 1), articles=[ArticleFactory()], author=author)
    change_state(obj=update, state=REVIEW, user=author)
    with pytest.raises(PermissionDenied, match="four eyes"):
        change_state(obj=update, state=PUBLISHED, user=author)
    update.refresh_from_db()
    assert update.state == REVIEW and status_of(commitment) == Status.NOT_RATED
    change_state(obj=update, state=PUBLISHED, user=reviewer)
    assert status_of(commitment) == Status.BROKEN


def test_an_editor_without_the_publish_permission_cannot_publish_an_update():
    editor = StaffFactory(groups=["Editors"])
    update = verdict(commitment=CommitmentFactory(), status=Status.BROKEN, as_of=D(2022, 1, 1), state=REVIEW)
    with pytest.raises(PermissionDenied, match="publish permission"):
        change_state(obj=update, state=PUBLISHED, user=editor)


def test_four_eyes_can_be_relaxed_for_a_one_person_newsroom(publishers, settings):
    settings.FOUR_EYES = False
    author, _ = publishers
    commitment = CommitmentFactory()
    update = record(commitment, Status.BROKEN, D(2022, 1, 1), articles=[ArticleFactory()], author=author)
    change_state(obj=update, state=REVIEW, user=author)
    change_state(obj=update, state=PUBLISHED, user=author)
    assert status_of(commitment) == Status.BROKEN


# --- Corrections, never deletions ---------------------------------------------------------------


def test_a_published_correction_replaces_the_corrected_update_whatever_the_dates(publishers):
    commitment = CommitmentFactory()
    typo = verdict(commitment=commitment, status=Status.MET, as_of=D(2024, 5, 1))
    correction = verdict(
        commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2022, 5, 1), corrects=typo, state=REVIEW
    )
    assert status_of(commitment) == Status.MET  # a correction counts once it is published
    change_state(obj=correction, state=PUBLISHED, user=publishers[1])
    assert status_of(commitment) == Status.IN_PROGRESS
    # The corrected update stays public, as corrected.
    assert set(StatusUpdate.objects.published()) == {typo, correction}
    assert list(StatusUpdate.objects.counting()) == [correction]
    assert list(typo.corrections.all()) == [correction]


def test_a_correction_must_name_a_published_update_of_the_same_commitment_and_party():
    commitment, other = CommitmentFactory(), CommitmentFactory()
    draft = record(commitment, Status.MET, D(2022, 1, 1))
    with pytest.raises(ValidationError, match="Only a published update"):
        record(commitment, Status.MET, D(2022, 1, 1), corrects=draft)
    elsewhere = verdict(commitment=other, status=Status.MET, as_of=D(2022, 1, 1))
    with pytest.raises(ValidationError, match="same commitment"):
        record(commitment, Status.MET, D(2022, 1, 1), corrects=elsewhere)


def test_a_published_update_is_never_deleted_by_any_path():
    commitment = CommitmentFactory()
    published = verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1))
    with pytest.raises(ValidationError, match="never deleted"):
        delete_status_update(update=published)
    with pytest.raises(ValidationError, match="never deleted"), transaction.atomic():
        StatusUpdate.objects.filter(pk=published.pk).delete()
    with pytest.raises(ValidationError, match="never deleted"), transaction.atomic():
        published.delete()
    assert StatusUpdate.objects.filter(pk=published.pk).exists()
    assert status_of(commitment) == Status.MET


def test_a_draft_is_deleted_by_its_author_or_a_publisher_only():
    author, stranger = StaffFactory(groups=["Editors"]), StaffFactory(groups=["Editors"])
    publisher = StaffFactory(groups=["Publishers"])
    commitment = CommitmentFactory()
    first = record(commitment, Status.MET, D(2022, 1, 1), author=author)
    second = record(commitment, Status.MET, D(2022, 1, 1), author=author)
    with pytest.raises(PermissionDenied):
        delete_status_update(update=first, user=stranger)
    delete_status_update(update=first, user=author)
    delete_status_update(update=second, user=publisher)
    assert not StatusUpdate.objects.exists()


def test_deleting_a_commitment_takes_its_updates_with_it():
    commitment = CommitmentFactory()
    verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1))
    commitment.delete()
    assert not StatusUpdate.objects.exists()


# --- Per-party verdicts ----------------------------------------------------------------------------


def test_a_party_verdict_assesses_that_party_alone():
    uk, us = ActorFactory(slug="uk"), ActorFactory(slug="us")
    commitment = CommitmentFactory(actors=[uk, us])
    overall = verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=D(2022, 1, 1))
    uk_met = verdict(commitment=commitment, status=Status.MET, as_of=D(2023, 1, 1), party=uk)
    us_broken = verdict(commitment=commitment, status=Status.BROKEN, as_of=D(2023, 2, 1), party=us)
    assert status_of(commitment) == Status.IN_PROGRESS  # the latest whole-commitment verdict
    current = set(StatusUpdate.objects.filter(is_current=True))
    assert current == {overall, uk_met, us_broken}
    newer_uk = verdict(commitment=commitment, status=Status.PARTIALLY_MET, as_of=D(2024, 1, 1), party=uk)
    assert set(StatusUpdate.objects.filter(is_current=True)) == {overall, newer_uk, us_broken}


def test_a_party_must_be_one_of_the_commitments_actors():
    commitment = CommitmentFactory(actors=[ActorFactory()])
    with pytest.raises(ValidationError, match="not a party"):
        record(commitment, Status.MET, D(2022, 1, 1), party=ActorFactory())


def test_a_draft_or_corrected_party_verdict_is_not_in_force(publishers):
    uk = ActorFactory()
    commitment = CommitmentFactory(actors=[uk])
    first = verdict(commitment=commitment, status=Status.MET, as_of=D(2023, 1, 1), party=uk)
    verdict(commitment=commitment, status=Status.BROKEN, as_of=D(2024, 1, 1), party=uk, state=DRAFT)
    assert list(StatusUpdate.objects.filter(is_current=True)) == [first]
    fix = verdict(commitment=commitment, status=Status.STALLED, as_of=D(2022, 1, 1), party=uk, corrects=first)
    assert list(StatusUpdate.objects.filter(is_current=True)) == [fix]


# --- History and input -----------------------------------------------------------------------------


def test_bad_input_is_refused_and_writes_nothing():
    commitment = CommitmentFactory()
    with pytest.raises(ValidationError, match="Unknown status"):
        record(commitment, "done", D(2022, 1, 1))
    with pytest.raises(ValidationError, match="rationale"):
        record_status_update(commitment=commitment, status=Status.MET, as_of=D(2022, 1, 1), rationale="  ")
    assert not StatusUpdate.objects.exists()
    assert status_of(commitment) == Status.NOT_RATED


def test_status_changes_are_in_the_commitment_history():
    commitment = CommitmentFactory()
    verdict(commitment=commitment, status=Status.MET, as_of=D(2022, 10, 3))
    assert commitment.history.first().status == Status.MET
    assert commitment.history.last().status == Status.NOT_RATED


def test_the_recorder_is_the_author_and_an_anonymous_recorder_is_nobody():
    user = UserFactory()
    commitment = CommitmentFactory()
    mine = record(commitment, Status.MET, D(2022, 1, 1), author=user)
    assert mine.author == user and mine.last_edited_by == user
    anonymous = record(commitment, Status.MET, D(2022, 1, 1))
    assert anonymous.author is None and anonymous.last_edited_by is None

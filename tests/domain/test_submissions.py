"""Deciding reader submissions: only through the services, with a reason, once."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from commitments.domain.submissions import accept_submission, receive_submission, reject_submission
from commitments.models import Article, PublicationState, ReaderSubmission, StatusUpdate
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2022, 3, 1)


@pytest.fixture
def submission():
    commitment = CommitmentFactory(actors=[ActorFactory()])
    return receive_submission(
        commitment=commitment, url="https://gov.example.org/budget", note="The money was voted.", email="a@example.org"
    )


@pytest.fixture
def analyst():
    return StaffFactory(username="analyst", groups=["Editors"])


def accept(submission, user, **overrides):
    arguments = {
        "submission": submission,
        "user": user,
        "title": "Budget 2022 passed",
        "status": "in_progress",
        "as_of": AS_OF,
        "rationale": "The budget line was voted.",
        "reason": "Official record, checked.",
        **overrides,
    }
    return accept_submission(**arguments)


def test_accepting_makes_an_article_and_a_draft_update_citing_it(submission, analyst):
    update = accept(submission, analyst)
    assert update.state == PublicationState.DRAFT and update.author == analyst
    article = Article.objects.get(url="https://gov.example.org/budget")
    assert list(update.evidence.all()) == [article]
    submission.refresh_from_db()
    assert (submission.decision, submission.decided_by, submission.article, submission.status_update) == (
        "accepted",
        analyst,
        article,
        update,
    )
    assert submission.decided_at is not None and submission.reason == "Official record, checked."
    # Nothing public yet: the draft waits for a second person.
    assert not StatusUpdate.objects.published().exists()
    assert update.commitment.status == "not_rated"


def test_an_article_already_at_the_address_is_reused(submission, analyst):
    existing = ArticleFactory(url=submission.url)
    update = accept(submission, analyst, title="")
    assert list(update.evidence.all()) == [existing] and Article.objects.count() == 1


def test_the_service_rules_of_a_verdict_apply(submission, analyst):
    with pytest.raises(ValidationError, match="after today"):
        accept(submission, analyst, as_of=datetime.date(2999, 1, 1))
    submission.refresh_from_db()
    assert submission.decision == "new" and not Article.objects.exists() and not StatusUpdate.objects.exists()


def test_a_decision_needs_a_reason_and_is_made_once(submission, analyst):
    with pytest.raises(ValidationError, match="reason"):
        reject_submission(submission=submission, user=analyst, reason="  ")
    reject_submission(submission=submission, user=analyst, reason="Not about this commitment.")
    with pytest.raises(ValidationError, match="already rejected"):
        accept(submission, analyst)
    assert not StatusUpdate.objects.exists()


def test_deciding_needs_the_permissions(submission):
    reader = StaffFactory(username="someone")
    with pytest.raises(PermissionDenied):
        accept(submission, reader)
    with pytest.raises(PermissionDenied):
        reject_submission(submission=submission, user=reader, reason="No.")


def test_a_decision_cannot_be_saved_around_the_services(submission):
    submission.decision, submission.reason = ReaderSubmission.Decision.ACCEPTED, "Looks fine"
    with pytest.raises(ValidationError, match="only in the queue"):
        submission.save()
    with pytest.raises(ValidationError, match="arrives new"):
        ReaderSubmission.objects.create(
            commitment=submission.commitment, url="https://x.example", note="n", decision="accepted", reason="r"
        )
    assert ReaderSubmission.objects.get(pk=submission.pk).decision == "new"


def test_receiving_keeps_plain_text_and_refuses_a_stranger_as_party(submission):
    stored = receive_submission(commitment=submission.commitment, url="https://x.example/a", note="<p>Hello\x00</p>")
    assert stored.note == "Hello"
    with pytest.raises(ValidationError):
        receive_submission(
            commitment=submission.commitment, url="https://x.example/b", note="n", on_behalf_of=ActorFactory()
        )

"""Reader submissions: received from the public form, decided by an analyst.

`receive_submission` stores what a reader sent as plain text, in the queue. `accept_submission`
turns one into an article (or the existing article at that address) and a draft status update
citing it, through record_status_update, in one transaction; the update is then reviewed and
published like any other. `reject_submission` closes one with a reason. The guard below refuses
any other way of deciding a submission, so nothing a reader sends reaches the public unread.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import strip_tags

from commitments.domain.services import record_status_update
from commitments.models import Actor, Article, Commitment, ReaderSubmission, StatusUpdate

Decision = ReaderSubmission.Decision

# Control characters other than tab and newline: nothing a note needs, and trouble in a CSV or a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def plain_text(text: str) -> str:
    """`text` without markup or control characters, whitespace trimmed: what a submission keeps."""
    text = strip_tags(text or "")
    return _CONTROL.sub("", text.replace("\r\n", "\n")).strip()


@transaction.atomic
def receive_submission(
    *,
    commitment: Commitment,
    url: str,
    note: str,
    kind: str = ReaderSubmission.Kind.EVIDENCE,
    email: str = "",
    on_behalf_of: Actor | None = None,
) -> ReaderSubmission:
    """Queue what a reader sent about a published commitment (validated by the form first)."""
    if on_behalf_of is not None and not commitment.actors.filter(pk=on_behalf_of.pk).exists():
        raise ValidationError({"on_behalf_of": f"{on_behalf_of} is not a party to this commitment."})
    submission = ReaderSubmission(
        commitment=commitment,
        kind=kind,
        url=url.strip(),
        note=plain_text(note),
        email=email.strip(),
        on_behalf_of=on_behalf_of,
    )
    submission.full_clean()
    submission.save()
    return submission


def _check_open(submission: ReaderSubmission, reason: str) -> str:
    if submission.decision != Decision.NEW:
        by = f" by {submission.decided_by}" if submission.decided_by else ""
        raise ValidationError(
            f"This submission was already {submission.get_decision_display().lower()}{by} "
            f"on {submission.decided_at:%Y-%m-%d}; it is not decided twice."
        )
    reason = plain_text(reason)
    if not reason:
        raise ValidationError({"reason": "Give a reason: the other analysts read it in the queue."})
    return reason


def _decide(submission: ReaderSubmission, decision: str, user, reason: str) -> None:
    submission.decision = decision
    submission.decided_by = user
    submission.decided_at = timezone.now()
    submission.reason = reason
    submission._decided = True
    submission.save()


@transaction.atomic
def accept_submission(
    *,
    submission: ReaderSubmission,
    user,
    title: str,
    status: str,
    as_of: datetime.date,
    rationale: str,
    reason: str,
    party: Actor | None = None,
    publisher: str = "",
) -> StatusUpdate:
    """Make the submission an article and a draft status update citing it, and mark it accepted.

    The article at the submitted address is reused when there is one (an address is one article);
    nothing is fetched from it. The update is a draft: publishing it needs a second person's review.
    """
    if not (user.has_perm("commitments.change_readersubmission") and user.has_perm("commitments.add_statusupdate")):
        raise PermissionDenied(
            "Accepting a submission needs the permissions to decide it and to record status updates."
        )
    submission = ReaderSubmission.objects.select_for_update().get(pk=submission.pk)
    reason = _check_open(submission, reason)
    title = plain_text(title)
    article = Article.objects.filter(url=submission.url).first()
    if article is None:
        if not title:
            raise ValidationError({"title": "Give the article a title (the reader's address is new to the tracker)."})
        article = Article(
            title=title[:400], url=submission.url, publisher=plain_text(publisher)[:200], summary=submission.note[:500]
        )
        article.full_clean()
        article.save()
    update = record_status_update(
        commitment=submission.commitment,
        status=status,
        as_of=as_of,
        rationale=rationale,
        articles=[article],
        author=user,
        party=party,
    )
    submission.article, submission.status_update = article, update
    _decide(submission, Decision.ACCEPTED, user, reason)
    return update


@transaction.atomic
def reject_submission(*, submission: ReaderSubmission, user, reason: str) -> ReaderSubmission:
    if not user.has_perm("commitments.change_readersubmission"):
        raise PermissionDenied("Deciding a submission needs the permission to change submissions.")
    submission = ReaderSubmission.objects.select_for_update().get(pk=submission.pk)
    reason = _check_open(submission, reason)
    _decide(submission, Decision.REJECTED, user, reason)
    return submission


@receiver(pre_save, sender=ReaderSubmission, dispatch_uid="readersubmission_decision_guard")
def _guard_decision(sender, instance: ReaderSubmission, raw: bool = False, **kwargs) -> None:
    """A submission arrives new and is decided only by accept_submission or reject_submission."""
    if raw:
        return
    decided = getattr(instance, "_decided", False)
    instance._decided = False
    if instance._state.adding:
        if instance.decision != Decision.NEW:
            raise ValidationError({"decision": "A submission arrives new; an analyst decides it in the queue."})
        return
    before = sender._base_manager.filter(pk=instance.pk).values("decision", "article_id", "status_update_id").first()
    if before is None:
        return
    changed = (
        before["decision"] != instance.decision
        or before["article_id"] != instance.article_id
        or before["status_update_id"] != instance.status_update_id
    )
    if changed and not decided:
        raise ValidationError(
            {"decision": "A submission is accepted or rejected only in the queue (accept or reject, with a reason)."}
        )

"""Writes that touch several models. Admin, API and imports call these, never the models directly."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Article, Commitment, Status, StatusUpdate


def sync_status(commitment: Commitment) -> Commitment:
    """Set the commitment's current status from its latest update: the only writer of that field.

    The commitment row is locked first, so two updates recorded at once cannot leave it holding
    the older verdict.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        latest = StatusUpdate.objects.filter(commitment=locked).order_by("-as_of", "-created_at", "-id").first()
        status = latest.status if latest else Status.NOT_RATED
        if locked.status != status:
            locked.status = status
            locked.save(update_fields=["status", "updated_at"])
    commitment.status = status
    return commitment


@transaction.atomic
def record_status_update(
    *,
    commitment: Commitment,
    status: str,
    as_of: datetime.date,
    rationale: str,
    articles: Iterable[Article] = (),
    author=None,
) -> StatusUpdate:
    """Record a dated verdict with its evidence and bring the commitment's status up to date."""
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}; use one of {', '.join(Status.values)}."})
    if not isinstance(as_of, datetime.date):
        raise ValidationError({"as_of": "A status update needs the date it holds from."})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Say why: a status update needs a rationale."})
    update = StatusUpdate.objects.create(
        commitment=commitment, status=status, as_of=as_of, rationale=rationale.strip(), author=author
    )
    articles = list(articles)
    if articles:
        update.evidence.set(articles)
    sync_status(commitment)
    return update


@transaction.atomic
def delete_status_update(*, update: StatusUpdate) -> None:
    # The post_delete receiver below recomputes the status, so bulk deletes are covered too.
    update.delete()


@receiver(post_delete, sender=StatusUpdate, dispatch_uid="statusupdate_deleted_sync_status")
def _status_update_deleted(sender, instance: StatusUpdate, **kwargs) -> None:
    commitment = Commitment.objects.filter(pk=instance.commitment_id).first()
    if commitment is not None:  # None when the commitment itself is being deleted
        sync_status(commitment)

"""Writes that touch several models. Admin, API and imports call these, never the models directly."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver
from django.utils import timezone

from commitments.models import Article, Commitment, PublicationState, Statement, Status, StatusUpdate, latest_status


def sync_status(commitment: Commitment) -> Commitment:
    """Set the commitment's current status from its latest update: the only writer of that field.

    The commitment row is locked first, so two updates recorded at once cannot leave it holding
    the older verdict.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        status = (
            Commitment.objects.filter(pk=locked.pk)
            .annotate(expected=latest_status())
            .values_list("expected", flat=True)
            .get()
        )
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


# Publication workflow: draft → review → published, and back to draft to unpublish.
STATE_MOVES: dict[str, set[str]] = {
    PublicationState.DRAFT: {PublicationState.REVIEW},
    PublicationState.REVIEW: {PublicationState.DRAFT, PublicationState.PUBLISHED},
    PublicationState.PUBLISHED: {PublicationState.DRAFT},
}


def publish_permission(obj: Commitment | Statement) -> str:
    return f"commitments.publish_{obj._meta.model_name}"


def can_change_state(user, obj: Commitment | Statement, state: str) -> bool:
    """Moving into or out of `published` needs the publish permission; other moves need change rights."""
    if state not in STATE_MOVES.get(obj.state, set()):
        return False
    if PublicationState.PUBLISHED in (obj.state, state):
        return user.has_perm(publish_permission(obj))
    return user.has_perm(f"commitments.change_{obj._meta.model_name}")


@transaction.atomic
def change_state(*, obj: Commitment | Statement, state: str, user, reason: str = "") -> Commitment | Statement:
    """Move a statement or commitment along the publication workflow, recording who and when."""
    if state not in PublicationState.values:
        raise ValidationError({"state": f"Unknown state {state!r}; use one of {', '.join(PublicationState.values)}."})
    if state not in STATE_MOVES[obj.state]:
        raise ValidationError({"state": f"Cannot move from {obj.state} to {state}."})
    if not can_change_state(user, obj, state):
        raise PermissionDenied(f"You may not move this {obj._meta.verbose_name} to {state}.")
    reason_limit = obj.history.model._meta.get_field("history_change_reason").max_length
    if reason_limit and len(reason) > reason_limit:
        raise ValidationError({"reason": f"Keep the reason to {reason_limit} characters (it has {len(reason)})."})
    obj.state = state
    obj.state_changed_at = timezone.now()
    obj.state_changed_by = user
    obj._change_reason = reason or f"state → {state}"
    # Outside a request (API token auth, scripts) the history middleware may not know the user.
    obj._history_user = user
    obj.save(update_fields=["state", "state_changed_at", "state_changed_by", "updated_at"])
    return obj


@receiver(m2m_changed, dispatch_uid="tracker_relation_changed_touch")
def _relation_changed(sender, instance, action: str, model, pk_set, **kwargs) -> None:
    """Tagging a commitment, naming a party or citing evidence changes the records on both sides.

    Their `updated_at` moves, so the pages' ETag and Last-Modified (which follow the latest change
    of any record) and the API's `changed_since` see a relation added or removed without a save of
    either record. Written with update(): no save signals, no history record. After a clear only
    the record cleared is touched: the other side's rows are no longer known.
    """
    if action not in ("post_add", "post_remove", "post_clear") or instance._meta.app_label != "commitments":
        return
    now = timezone.now()
    if hasattr(instance, "updated_at"):
        type(instance)._base_manager.filter(pk=instance.pk).update(updated_at=now)
        instance.updated_at = now
    if pk_set and hasattr(model, "updated_at"):
        model._base_manager.filter(pk__in=pk_set).update(updated_at=now)

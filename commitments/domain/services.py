"""The only writers of what the public sees. Admin, API, imports, the seed and the restore call
these, never the models' state or status fields directly.

- Status updates are reviewed records: `record_status_update` writes a draft; `change_state`
  moves it (and statements and commitments) along draft → review → published.
- Four eyes: publishing needs the publish permission and a publisher who is not an author of the
  record (who created it, or who last changed its content), unless `settings.FOUR_EYES` is off.
- Evidence and dates: a rated verdict is published only with a rationale and evidence; `as_of`
  is never after today nor before the statement; a commitment is published only with wording,
  a responsible actor, a theme and a published statement.
- Corrections, never deletions: a published update is never deleted; a published update that
  `corrects` it takes its place.
- `sync_status` keeps the commitment's status and the updates in force (`is_current`) equal to
  the rule of `models.latest_status`, for the whole commitment and for each party.

Guards on save (below) refuse any other way of changing a publication state, a status or a
commitment's statement, so a path that forgets the services fails loudly instead of publishing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone

from commitments.models import (
    LATEST_FIRST,
    RATED_STATUSES,
    Actor,
    Article,
    Commitment,
    PublicationState,
    Statement,
    Status,
    StatusUpdate,
    latest_status,
)

Publishable = Statement | Commitment | StatusUpdate


# --- Authorship ----------------------------------------------------------------------------------


def authors(obj: Publishable) -> set[int]:
    """Ids of the users who created `obj` or last changed its content."""
    created = obj.author_id if isinstance(obj, StatusUpdate) else obj.created_by_id
    return {pk for pk in (created, obj.last_edited_by_id) if pk is not None}


def note_edit(obj: Publishable, user) -> None:
    """Record, before it is saved, that `user` wrote `obj`'s content (a new record or a change).

    Every path that edits content calls this: admin forms, spreadsheet imports, the API and the
    article import. Nobody is recorded for the seed or for code run without a user.
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return
    if obj.pk is None:
        if isinstance(obj, StatusUpdate):
            obj.author = obj.author or user
        else:
            obj.created_by = obj.created_by or user
    obj.last_edited_by = user


# --- Status --------------------------------------------------------------------------------------


def check_as_of(commitment: Commitment, as_of: datetime.date) -> None:
    """A verdict holds from a day between the statement and today."""
    if not isinstance(as_of, datetime.date):
        raise ValidationError({"as_of": "A status update needs the date it holds from (YYYY-MM-DD)."})
    today = timezone.localdate()
    if as_of > today:
        raise ValidationError(
            {"as_of": f"{as_of:%Y-%m-%d} is after today ({today:%Y-%m-%d}): a verdict cannot hold from the future."}
        )
    made_on = commitment.statement.made_on
    if as_of < made_on:
        raise ValidationError({"as_of": f"{as_of:%Y-%m-%d} is before the statement was made ({made_on:%Y-%m-%d})."})


def updates_in_force(commitment_pk: int) -> set[int]:
    """Ids of the updates that decide now: the latest counting one of the whole commitment and
    of each party (the rule of models.latest_status, per party)."""
    in_force: dict[int | None, int] = {}
    counting = StatusUpdate.objects.counting().filter(commitment_id=commitment_pk).order_by(*LATEST_FIRST)
    for pk, party_id in counting.values_list("pk", "party_id"):
        in_force.setdefault(party_id, pk)  # the first of each party is its latest
    return set(in_force.values())


def sync_status(commitment: Commitment) -> Commitment:
    """Bring the commitment's status and the updates in force up to date with the rule.

    The overall status is the latest counting whole-commitment update's (models.latest_status);
    each party's own verdict is its latest counting update with that party. The commitment row
    is locked first, so two updates published at once cannot leave it holding an older verdict.
    """
    with transaction.atomic():
        locked = Commitment.objects.select_for_update().get(pk=commitment.pk)
        status = (
            Commitment.objects.filter(pk=locked.pk)
            .annotate(expected=latest_status())
            .values_list("expected", flat=True)
        ).get()
        current = updates_in_force(locked.pk)
        updates = StatusUpdate.objects.filter(commitment=locked)
        updates.filter(is_current=True).exclude(pk__in=current).update(is_current=False)
        if current:
            updates.filter(pk__in=current, is_current=False).update(is_current=True)
        if locked.status != status:
            locked.status = status
            locked._status_sync = True
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
    party: Actor | None = None,
    corrects: StatusUpdate | None = None,
) -> StatusUpdate:
    """Record a dated verdict with its evidence, as a draft: it counts once it is published."""
    if status not in Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}; use one of {', '.join(Status.values)}."})
    check_as_of(commitment, as_of)
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Say why: a status update needs a rationale."})
    if party is not None and not commitment.actors.filter(pk=party.pk).exists():
        raise ValidationError({"party": f"{party} is not a party to this commitment; add them to its actors first."})
    if corrects is not None:
        if corrects.commitment_id != commitment.pk:
            raise ValidationError({"corrects": "A correction corrects an update of the same commitment."})
        if corrects.state != PublicationState.PUBLISHED:
            raise ValidationError(
                {"corrects": "Only a published update needs a correction; a draft can be edited or deleted."}
            )
        if corrects.party_id != (party.pk if party else None):
            raise ValidationError({"corrects": "A correction assesses the same party as the update it corrects."})
    update = StatusUpdate(
        commitment=commitment,
        status=status,
        as_of=as_of,
        rationale=rationale.strip(),
        party=party,
        corrects=corrects,
        author=author if getattr(author, "is_authenticated", False) else None,
    )
    note_edit(update, author)
    update.save()
    articles = list(articles)
    if articles:
        update.evidence.set(articles)
    return update


@transaction.atomic
def delete_status_update(*, update: StatusUpdate, user=None) -> None:
    """Delete a draft update: its author's or a publisher's. A published one is corrected instead."""
    if update.state == PublicationState.PUBLISHED:
        raise ValidationError(
            "A published status update is never deleted: record a new update that corrects it instead."
        )
    if user is not None and user.pk not in authors(update) and not user.has_perm("commitments.delete_statusupdate"):
        raise PermissionDenied("Only its author or a publisher may delete a draft status update.")
    update.delete()


@receiver(pre_delete, sender=StatusUpdate, dispatch_uid="statusupdate_published_never_deleted")
def _refuse_deleting_published(sender, instance: StatusUpdate, origin=None, **kwargs) -> None:
    # Covers every path (admin bulk actions, querysets, scripts); deleting the commitment itself
    # takes its updates with it.
    with_commitment = isinstance(origin, Commitment) or getattr(origin, "model", None) is Commitment
    if instance.state == PublicationState.PUBLISHED and not with_commitment:
        raise ValidationError(
            "A published status update is never deleted: record a new update that corrects it instead."
        )


@receiver(post_delete, sender=StatusUpdate, dispatch_uid="statusupdate_deleted_sync_status")
def _status_update_deleted(sender, instance: StatusUpdate, **kwargs) -> None:
    commitment = Commitment.objects.filter(pk=instance.commitment_id).first()
    if commitment is not None:  # None when the commitment itself is being deleted
        sync_status(commitment)


# --- Publication workflow: draft → review → published, and back to draft to unpublish -----------

STATE_MOVES: dict[str, set[str]] = {
    PublicationState.DRAFT: {PublicationState.REVIEW},
    PublicationState.REVIEW: {PublicationState.DRAFT, PublicationState.PUBLISHED},
    PublicationState.PUBLISHED: {PublicationState.DRAFT},
}


def publish_permission(obj: Publishable) -> str:
    return f"commitments.publish_{obj._meta.model_name}"


def _noun(obj: Publishable) -> str:
    return str(obj._meta.verbose_name)


def publication_problems(obj: Publishable, *, with_statement: bool = False) -> list[str]:
    """What `obj` lacks to be published, in words for the analyst (empty when nothing)."""
    problems = []
    if isinstance(obj, Commitment):
        if not obj.wording.strip():
            problems.append("it has no wording: quote the pledge as the source words it")
        if obj.pk is None or not obj.actors.exists():
            problems.append("it names no responsible actor")
        if obj.pk is None or not obj.themes.exists():
            problems.append("it has no theme")
        statement = obj.statement
        if statement.state != PublicationState.PUBLISHED and not with_statement:
            problems.append(
                f"its statement “{statement}” is not published: publish the statement first, or both in one step"
            )
    elif isinstance(obj, StatusUpdate):
        if not obj.rationale.strip():
            problems.append("it has no rationale")
        if obj.status in RATED_STATUSES and (obj.pk is None or not obj.evidence.exists()):
            problems.append(f"a “{obj.get_status_display()}” verdict needs at least one evidence article")
        try:
            check_as_of(obj.commitment, obj.as_of)
        except ValidationError as error:
            problems += error.message_dict["as_of"]
        if obj.corrects_id and obj.corrects.state != PublicationState.PUBLISHED:
            problems.append("the update it corrects is no longer published")
    return problems


def refusal(user, obj: Publishable, state: str) -> str | None:
    """Why `user` may not move `obj` to `state` (permission, move or four eyes), or None."""
    if state not in STATE_MOVES.get(obj.state, set()):
        return f"A {_noun(obj)} cannot move from {obj.get_state_display().lower()} to {PublicationState(state).label.lower()}."
    if PublicationState.PUBLISHED in (obj.state, state):
        if not user.has_perm(publish_permission(obj)):
            return f"Publishing or unpublishing a {_noun(obj)} needs the publish permission."
        if state == PublicationState.PUBLISHED and settings.FOUR_EYES and user.pk in authors(obj):
            return (
                f"You wrote or last changed this {_noun(obj)}: another publisher must review and publish it "
                "(four eyes)."
            )
        return None
    if not user.has_perm(f"commitments.change_{obj._meta.model_name}"):
        return f"You may not change {_noun(obj)}s."
    return None


def can_change_state(user, obj: Publishable, state: str) -> bool:
    return refusal(user, obj, state) is None


def _move(obj: Publishable, state: str, user, reason: str) -> None:
    reason_limit = obj.history.model._meta.get_field("history_change_reason").max_length
    if reason_limit and len(reason) > reason_limit:
        raise ValidationError({"reason": f"Keep the reason to {reason_limit} characters (it has {len(reason)})."})
    obj.state = state
    obj.state_changed_at = timezone.now()
    obj.state_changed_by = user
    obj._change_reason = reason or f"state → {state}"
    # Outside a request (API token auth, scripts) the history middleware may not know the user.
    obj._history_user = user
    obj._workflow_move = True
    obj.save(update_fields=["state", "state_changed_at", "state_changed_by", "updated_at"])


@transaction.atomic
def change_state(
    *,
    obj: Publishable,
    state: str,
    user,
    reason: str = "",
    with_statement: bool = False,
    system: bool = False,
) -> Publishable:
    """Move a statement, commitment or status update along the publication workflow.

    Checks the move, the publish permission and four eyes (`refusal`), then what publishing
    needs (`publication_problems`); records who, when and why. `with_statement` publishes a
    commitment's statement in the same step, under the same checks. `system` is for curated data
    loaded by an operator's command (the seed): no user to check, the content rules still apply.
    """
    if state not in PublicationState.values:
        raise ValidationError({"state": f"Unknown state {state!r}; use one of {', '.join(PublicationState.values)}."})
    if not system:
        why = refusal(user, obj, state)
        if why:
            if state not in STATE_MOVES.get(obj.state, set()):
                raise ValidationError({"state": why})
            raise PermissionDenied(why)
    if state == PublicationState.PUBLISHED:
        problems = publication_problems(obj, with_statement=with_statement)
        if problems:
            raise ValidationError({"state": f"This {_noun(obj)} cannot be published yet: {'; '.join(problems)}."})
        if isinstance(obj, Commitment) and with_statement and obj.statement.state != PublicationState.PUBLISHED:
            statement = obj.statement
            if statement.state == PublicationState.DRAFT:
                raise ValidationError(
                    {"state": f"Its statement “{statement}” is still a draft: submit it for review first."}
                )
            change_state(obj=statement, state=state, user=user, reason=reason, system=system)
    _move(obj, state, None if system else user, reason)
    if isinstance(obj, StatusUpdate):
        sync_status(obj.commitment)
    return obj


# --- Guards on save ------------------------------------------------------------------------------


# What a published verdict says; it changes only by a correction.
PUBLISHED_UPDATE_FIELDS = ("commitment_id", "party_id", "status", "as_of", "rationale", "corrects_id")


@receiver(pre_save, dispatch_uid="tracker_publication_guard")
def _guard_publication(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """Refuse a publication state, status or statement change that bypasses the services.

    A new statement, commitment or update starts as a draft; its state moves only through
    change_state; a commitment's status only through sync_status; a commitment changes statement
    only while it is a draft (moving a published one would publish or unpublish it silently).
    """
    if sender not in (Statement, Commitment, StatusUpdate) or raw:
        return
    moved = getattr(instance, "_workflow_move", False)
    instance._workflow_move = False
    synced = getattr(instance, "_status_sync", False)
    instance._status_sync = False
    if instance._state.adding:
        if instance.state != PublicationState.DRAFT and not moved:
            raise ValidationError({"state": f"A new {_noun(instance)} starts as a draft; publish it through review."})
        if sender is Commitment and instance.status != Status.NOT_RATED and not synced:
            raise ValidationError({"status": "A commitment's status comes from its published status updates."})
        return
    columns = ["state"] + (["status", "statement_id"] if sender is Commitment else [])
    if sender is StatusUpdate:
        columns += list(PUBLISHED_UPDATE_FIELDS)
    before = sender._base_manager.filter(pk=instance.pk).values(*columns).first()
    if before is None:
        return
    if before["state"] != instance.state and not moved:
        raise ValidationError(
            {"state": f"A {_noun(instance)}'s state changes only through the workflow (submit, publish, unpublish)."}
        )
    if sender is StatusUpdate and before["state"] == PublicationState.PUBLISHED:
        changed = [f for f in PUBLISHED_UPDATE_FIELDS if before[f] != getattr(instance, f)]
        if changed:
            raise ValidationError(
                "A published status update is not edited: record a new update that corrects it "
                f"(tried to change {', '.join(f.removesuffix('_id') for f in changed)})."
            )
    if sender is Commitment:
        if before["status"] != instance.status and not synced:
            raise ValidationError({"status": "A commitment's status comes from its published status updates."})
        if before["statement_id"] != instance.statement_id and before["state"] != PublicationState.DRAFT:
            raise ValidationError(
                {"statement": "A commitment moves to another statement only while it is a draft: unpublish it first."}
            )


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

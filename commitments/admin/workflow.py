"""The publication workflow in the admin.

`WorkflowAdminMixin` moves statements, commitments and status updates through draft → review →
published with list actions and with buttons inside the change form: a button there saves the
form's changes and then makes the move, in one transaction, or refuses the whole thing with the
form kept as typed and the reason at the top. A statement's form also offers to move it together
with its commitments and their status updates (one review of the whole package); a commitment's,
with its status updates. Every move goes through
`commitments.domain.services.change_state`, which checks the publish permission and records who, when
and why; the `state` field itself is never editable in a form.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.text import get_text_list

from commitments.domain.services import can_change_state, change_state, refusal
from commitments.models import Commitment, PublicationState, Statement, StatusUpdate


class WorkflowActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "reason, kept in the history", "size": 30}),
    )


# action name → (from state, to state, label). "Unpublish" and "send back" both end in draft
# but start from different states, so a list selection only moves the records it names.
WORKFLOW_MOVES = {
    "submit_for_review": (PublicationState.DRAFT, PublicationState.REVIEW, "Submit for review"),
    "publish": (PublicationState.REVIEW, PublicationState.PUBLISHED, "Publish"),
    "unpublish": (PublicationState.PUBLISHED, PublicationState.DRAFT, "Unpublish (back to draft)"),
    "send_back_to_draft": (PublicationState.REVIEW, PublicationState.DRAFT, "Send back to draft"),
}


# The button value of "Publish with its statement" (a commitment whose statement is in review).
WITH_STATEMENT = "published+statement"

# The name of the workflow buttons inside the change form; their value is the state to move to,
# or one of the package moves below.
FORM_MOVE = "_workflow"
# A statement with its commitments and their status updates; a commitment with its status
# updates: the records in the same state move with it, in that order (a commitment is published
# after its statement, as publication_problems asks).
WITH_CONTENTS = "+contents"
PACKAGE_LABELS = {
    PublicationState.REVIEW: "Submit for review with its {}",
    PublicationState.PUBLISHED: "Publish with its {}",
}


def refusal_text(exc: PermissionDenied) -> str:
    """The service's reason for a refusal, in words (PermissionDenied carries it)."""
    return str(exc).rstrip(".") or "you do not have permission to publish or unpublish"


def _move_selected(modeladmin: WorkflowAdminMixin, request: HttpRequest, queryset: QuerySet, action: str) -> None:
    from_state, to_state, label = WORKFLOW_MOVES[action]
    reason = request.POST.get("reason", "").strip()
    moved, refused = [], []
    # One change_state call per record, so each one gets its own history entry with the user.
    for obj in queryset.order_by("pk"):
        if obj.state != from_state:
            refused.append(
                f"“{obj}” is {obj.get_state_display().lower()}, not {PublicationState(from_state).label.lower()}"
            )
            continue
        try:
            change_state(obj=obj, state=to_state, user=request.user, reason=reason)
        except PermissionDenied as exc:
            refused.append(f"“{obj}”: {refusal_text(exc)}")
        except ValidationError as exc:
            refused.append(f"“{obj}”: {' '.join(exc.messages)}")
        else:
            moved.append(obj)
    name = modeladmin.model._meta
    if moved:
        noun = name.verbose_name if len(moved) == 1 else name.verbose_name_plural
        modeladmin.message_user(request, f"{label}: {len(moved)} {noun} done.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request, f"{label}: {len(refused)} left unchanged. " + "; ".join(refused) + ".", messages.WARNING
        )


@admin.action(description="Publish with its statement", permissions=["publish"])
def publish_with_statement(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
    """For commitments in review: publish each one, and its statement in review in the same step."""
    reason = request.POST.get("reason", "").strip()
    moved, refused = [], []
    for obj in queryset.select_related("statement").order_by("pk"):
        if obj.state != PublicationState.REVIEW:
            refused.append(f"“{obj}” is {obj.get_state_display().lower()}, not in review")
            continue
        try:
            change_state(
                obj=obj, state=PublicationState.PUBLISHED, user=request.user, reason=reason, with_statement=True
            )
        except PermissionDenied as exc:
            refused.append(f"“{obj}”: {refusal_text(exc)}")
        except ValidationError as exc:
            refused.append(f"“{obj}”: {' '.join(exc.messages)}")
        else:
            moved.append(obj)
    label = "Publish with its statement"
    if moved:
        modeladmin.message_user(request, f"{label}: {len(moved)} done.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(
            request, f"{label}: {len(refused)} left unchanged. " + "; ".join(refused) + ".", messages.WARNING
        )


def _workflow_action(action: str, permission: str):
    def run(modeladmin, request, queryset):
        _move_selected(modeladmin, request, queryset, action)

    run.__name__ = action
    return admin.action(description=WORKFLOW_MOVES[action][2], permissions=[permission])(run)


class WorkflowAdminMixin:
    """For the admins of Statement, Commitment and StatusUpdate (a `state` and a publish permission)."""

    action_form = WorkflowActionForm
    change_form_template = "admin/commitments/workflow_change_form.html"
    actions = [
        _workflow_action("submit_for_review", "change"),
        _workflow_action("publish", "publish"),
        _workflow_action("unpublish", "publish"),
        _workflow_action("send_back_to_draft", "change"),
    ]

    def has_publish_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(f"{self.opts.app_label}.publish_{self.opts.model_name}")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if "state" in readonly else [*readonly, "state"]

    def get_fields(self, request: HttpRequest, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:  # a new record is a draft nobody has moved yet: nothing to say about it
            return [f for f in fields if f not in ("state", "state_changed_at", "state_changed_by")]
        return fields

    def get_urls(self):
        return [
            path(
                "<path:object_id>/state/",
                self.admin_site.admin_view(self.state_view),
                name=f"{self.opts.app_label}_{self.opts.model_name}_state",
            ),
            *super().get_urls(),
        ]

    def workflow_moves(self, request: HttpRequest, obj) -> list[tuple[str, str]]:
        """The buttons for `obj`: (value, label) of each move `request.user` may make now."""
        moves = [
            (to_state, label)
            for from_state, to_state, label in WORKFLOW_MOVES.values()
            if from_state == obj.state and can_change_state(request.user, obj, to_state)
        ]
        statement = getattr(obj, "statement", None)
        if (
            isinstance(obj, Commitment)
            and (PublicationState.PUBLISHED, "Publish") in moves
            and statement.state == PublicationState.REVIEW
            and can_change_state(request.user, statement, PublicationState.PUBLISHED)
        ):
            moves.append((WITH_STATEMENT, "Publish with its statement"))
        return moves

    def package_label(self, state: str) -> str | None:
        """The label of the button moving `obj` with what it holds, or None for a status update."""
        if self.model is Statement:
            return PACKAGE_LABELS[state].format("commitments and their status updates")
        if self.model is Commitment:
            return PACKAGE_LABELS[state].format("status updates")
        return None

    def form_moves(self, request: HttpRequest, obj) -> list[tuple[str, str]]:
        """The workflow buttons inside the change form: (value, label)."""
        if obj is None or obj.pk is None:
            # A new record starts as a draft: its author may save it straight into review.
            moves = [(PublicationState.REVIEW, "Submit for review")] if self.has_add_permission(request) else []
        else:
            moves = self.workflow_moves(request, obj)
        for state in (PublicationState.REVIEW, PublicationState.PUBLISHED):
            label = self.package_label(state)
            if label and any(value == state for value, _ in moves):
                moves.append((state + WITH_CONTENTS, label))
        return moves

    def package(self, obj, from_state: str) -> list:
        """The records that move with `obj` in a package move: those in `from_state`."""
        if isinstance(obj, Statement):
            commitments = list(obj.commitments.filter(state=from_state).order_by("pk"))
            updates = StatusUpdate.objects.filter(commitment__statement=obj, state=from_state)
        elif isinstance(obj, Commitment):
            commitments = []
            updates = obj.updates.filter(state=from_state)
        else:
            return []
        return [*commitments, *updates.select_related("commitment__statement").order_by("pk")]

    def move_from_form(self, request: HttpRequest, obj):
        """After the form's save (same transaction): the move its button asked for.

        A refusal is raised as a ValidationError: the admin's transaction rolls the save back and
        EditGuardMixin shows the form again, as typed, with the reason.
        """
        value = request.POST.get(FORM_MOVE, "")
        # Which moves may be made is change_state's to say (after the save: an edit can make
        # the user an author); here only that the button is one this form has.
        state = value.removesuffix(WITH_CONTENTS).removesuffix("+statement")
        known = {*PublicationState.values, WITH_STATEMENT if self.model is Commitment else None}
        if self.package_label(PublicationState.REVIEW):
            known |= {s + WITH_CONTENTS for s in PACKAGE_LABELS}
        if value not in known:
            raise ValidationError("That move is not offered for this record. Nothing was saved.")
        reason = request.POST.get("change_reason", "").strip()
        from_state = obj.state
        records = [obj, *(self.package(obj, from_state) if value.endswith(WITH_CONTENTS) else [])]
        for record in records:
            try:
                change_state(
                    obj=record,
                    state=state,
                    user=request.user,
                    reason=reason,
                    with_statement=value == WITH_STATEMENT and record is obj,
                )
            except PermissionDenied as exc:
                raise ValidationError(
                    f"“{record}”: {refusal_text(exc)}. Nothing was saved: your input is kept below."
                ) from exc
            except ValidationError as exc:
                raise ValidationError(
                    f"“{record}”: {' '.join(exc.messages)} Nothing was saved: your input is kept below."
                ) from exc
        done = f"“{obj}” was saved and is now {obj.get_state_display().lower()}"
        if value == WITH_STATEMENT:
            done += f", with its statement “{obj.statement}”"
        others = records[1:]
        if others:
            n_commitments = sum(isinstance(r, Commitment) for r in others)
            n_updates = len(others) - n_commitments
            parts = [
                f"{n} {noun}{'' if n == 1 else 's'}"
                for n, noun in [(n_commitments, "commitment"), (n_updates, "status update")]
                if n
            ]
            done += f", with {get_text_list(parts, 'and')}"
        self.message_user(request, done + ".", messages.SUCCESS)
        change_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return HttpResponseRedirect(reverse(change_url, args=[obj.pk], current_app=self.admin_site.name))

    def response_add(self, request: HttpRequest, obj, post_url_continue=None):
        if FORM_MOVE in request.POST:
            return self.move_from_form(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj):
        if FORM_MOVE in request.POST:
            return self.move_from_form(request, obj)
        return super().response_change(request, obj)

    def workflow_refusals(self, request: HttpRequest, obj) -> list[str]:
        """Why the moves out of `obj`'s state that the user lacks are refused, for the change page."""
        reasons = []
        for from_state, to_state, _label in WORKFLOW_MOVES.values():
            if from_state == obj.state:
                why = refusal(request.user, obj, to_state)
                if why and why not in reasons:
                    reasons.append(why)
        return reasons

    def render_change_form(self, request: HttpRequest, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["workflow_moves"] = self.workflow_moves(request, obj)
            context["workflow_refusals"] = self.workflow_refusals(request, obj)
            statement = getattr(obj, "statement", None)
            if isinstance(obj, Commitment) and statement.state != PublicationState.PUBLISHED:
                # Published alone, it would stay invisible: say so before anyone presses Publish.
                context["statement_unpublished"] = statement
        editable = self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        if editable and not context.get("is_popup"):
            context["form_moves"] = self.form_moves(request, obj)
            context["form_move_name"] = FORM_MOVE
        return super().render_change_form(request, context, add, change, form_url, obj)

    def state_view(self, request: HttpRequest, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
        # Read-only records (a published status update) still move; change_state checks who may.
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        state = request.POST.get("state", "")
        with_statement = state == WITH_STATEMENT
        if with_statement:
            state = PublicationState.PUBLISHED
        try:
            change_state(
                obj=obj,
                state=state,
                user=request.user,
                reason=request.POST.get("reason", "").strip(),
                with_statement=with_statement and isinstance(obj, Commitment),
            )
        except PermissionDenied as exc:
            self.message_user(request, f"{refusal_text(exc)}. Nothing was changed.", messages.ERROR)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages) + " Nothing was changed.", messages.ERROR)
        else:
            done = f"“{obj}” is now {obj.get_state_display().lower()}"
            if with_statement:
                done += f", with its statement “{obj.statement}”"
            self.message_user(request, done + ".", messages.SUCCESS)
        change_url = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return HttpResponseRedirect(reverse(change_url, args=[obj.pk], current_app=self.admin_site.name))

"""Editing statements, commitments and status updates in the admin: authorship, concurrent edits
and refused saves.

- Authorship (four eyes): a save that changes the content records the user as an author through
  `note_edit`, before saving; a publisher who only presses Save does not become one.
- Concurrent edits: the change form carries the version it was opened at (the latest history
  record, in a hidden field). A save over a newer version is refused and the form comes back with
  the input kept and who changed what since; it then carries the newer version, so saving again
  is a deliberate choice to keep one's own.
- Refused saves: a service or a save guard that refuses (a django ValidationError raised while
  saving) rolls the whole save back and the form is shown again with the reason, at the field
  when the form has it, at the top otherwise; never a server error.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list

from commitments.admin.audit import REASON_FIELD, ChangeReasonForm
from commitments.domain.services import note_edit

VERSION_FIELD = "edit_version"

# Changes a form's save cannot undo, so they do not make a version newer for the form: the
# status (sync_status), which updates are in force, and the bookkeeping of each save.
NOT_EDITED_IN_FORMS = {"updated_at", "status", "is_current", "state_changed_at", "state_changed_by", "last_edited_by"}


def latest_version(obj) -> int:
    """The id of `obj`'s latest history record (0 when it has none)."""
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


def changes_since(obj, version: int) -> list[str]:
    """Who changed what in `obj` after history record `version`, one phrase per change."""
    records = list(obj.history.filter(history_id__gte=version).select_related("history_user").order_by("history_id"))
    if records and records[0].history_id == version:
        base, newer = records[0], records[1:]
    else:  # the version named is not one of this record's: everything counts as newer
        base, newer = None, records
    phrases, previous = [], base
    for record in newer:
        if previous is None:
            changed = ["everything"]
        else:
            delta = record.diff_against(previous)
            changed = [
                str(obj._meta.get_field(name).verbose_name)
                for name in delta.changed_fields
                if name not in NOT_EDITED_IN_FORMS
            ]
        previous = record
        if not changed:
            continue
        who = record.history_user.get_username() if record.history_user else "someone (not signed in)"
        when = date_format(timezone.localtime(record.history_date), "j M Y, H:i")
        phrases.append(f"{who} changed {get_text_list(changed, 'and')} ({when})")
    return phrases


def content_changed(form: forms.BaseForm) -> bool:
    """Whether a submitted form changes its record's content (not only its reason or version)."""
    return bool(set(form.changed_data) - {REASON_FIELD, VERSION_FIELD})


def add_refusal(form: forms.BaseForm, refusal: ValidationError) -> None:
    """Show a refused save's reasons on `form`: at the field it names when the form has it."""
    if not hasattr(refusal, "error_dict"):
        form.add_error(None, refusal.messages)
        return
    for field, errors in refusal.message_dict.items():
        at = field if field in form.fields and not form.fields[field].disabled else None
        form.add_error(at, errors)


class EditForm(ChangeReasonForm):
    """The change form of a record edited by analysts: a change reason and the version opened."""

    edit_version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    # Set per request by EditGuardMixin.get_form when a first attempt to save was refused.
    save_refusal: ValidationError | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Bound forms too: an inline form posted back at the current version is unchanged.
            self.initial.setdefault(VERSION_FIELD, latest_version(self.instance))

    def clean(self):
        data = super().clean()
        if self.save_refusal is not None:
            add_refusal(self, self.save_refusal)
        opened_at = data.get(VERSION_FIELD)
        if self.instance.pk and opened_at is not None:
            changes = changes_since(self.instance, opened_at)
            if changes:
                self.add_error(
                    None,
                    f"This {self.instance._meta.verbose_name} changed since you opened it: {'; '.join(changes)}. "
                    "Nothing was saved. Your input is kept below: compare it with the current version "
                    "(History) and save again to keep yours.",
                )
                # The form now stands for the newer version: saving again overwrites it knowingly.
                self.data = self.data.copy()
                self.data[self.add_prefix(VERSION_FIELD)] = str(latest_version(self.instance))
        return data


class EditGuardMixin:
    """For the admins of Statement, Commitment and StatusUpdate (see the module's docstring)."""

    form = EditForm

    def get_form(self, request: HttpRequest, obj=None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "_tracker_save_refusal", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"save_refusal": refusal})
        return form

    def get_fieldsets(self, request: HttpRequest, obj=None):
        # The version travels in a hidden input of its own (workflow_change_form.html).
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f != VERSION_FIELD]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            # Raised while saving, inside the admin's transaction: everything was rolled back.
            # Validate the same input again with the reason added, so the form comes back with it.
            if request.method != "POST" or getattr(request, "_tracker_save_refusal", None) is not None:
                raise
            request._tracker_save_refusal = refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        if not change or content_changed(form):
            note_edit(obj, request.user)
        super().save_model(request, obj, form, change)

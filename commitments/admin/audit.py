"""The audit trail in the admin.

`AuditedAdmin` is the base of every tracker admin: it asks for a reason with each change (kept in
the history), shows old → new for each version in the History page, and keeps old versions
read-only (restoring one would bypass the status service and the workflow).
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import unquote
from django.http import HttpRequest, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from commitments.admin.history import change_message, log_entries, notes_of

REASON_FIELD = "change_reason"


class ChangeReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=100,  # the history's change-reason column
        help_text="Optional. Kept in the history next to your name, e.g. “Corrected the date from the official release”.",
    )


class AuditedAdmin(SimpleHistoryAdmin):
    form = ChangeReasonForm
    ask_change_reason = True
    object_history_template = "admin/commitments/object_history.html"
    object_history_list_template = "admin/commitments/object_history_list.html"

    def construct_change_message(self, request: HttpRequest, form, formsets, add=False):
        # Relations and inline additions in words, for the History page (history.py).
        message = super().construct_change_message(request, form, formsets, add)
        return change_message(message, form, notes_of(request))

    def history_view(self, request: HttpRequest, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {"admin_log": log_entries(obj)} if obj is not None else {}
        return super().history_view(request, object_id, {**context, **(extra_context or {})})

    def get_fieldsets(self, request: HttpRequest, obj=None):
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f != REASON_FIELD]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        may_save = self.has_change_permission(request, obj) or (obj is None and self.has_add_permission(request))
        if self.ask_change_reason and may_save:
            fieldsets.append(("Reason", {"fields": [REASON_FIELD]}))
        return fieldsets

    def save_model(self, request: HttpRequest, obj, form, change: bool) -> None:
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request: HttpRequest, obj=None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        # An old version is for reading. Saving it would write back stale values, such as a
        # commitment status that no longer matches its latest update, or a publication state.
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"], "Old versions are read-only; make a new change instead.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_delete(self, request: HttpRequest, obj_display, obj_id):
        # Back to the list the record was opened from (its filters kept), not the admin's home,
        # for anyone who may read the list: Django sends those without the change permission home.
        response = super().response_delete(request, obj_display, obj_id)
        if IS_POPUP_VAR in request.POST or not self.has_view_or_change_permission(request):
            return response
        opts = self.opts
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist", current_app=self.admin_site.name)
        filters = {"preserved_filters": self.get_preserved_filters(request), "opts": opts}
        return HttpResponseRedirect(add_preserved_filters(filters, changelist))

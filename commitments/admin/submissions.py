"""The moderation queue of reader submissions.

Analysts read what the public sent (nothing of it is public), then decide each one on its own
page: accept it, which makes an article and a draft status update citing it in one step
(commitments.domain.submissions.accept_submission), or reject it, both with a reason. The
records themselves are read-only here: what a reader sent is kept as sent.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from commitments.domain.submissions import accept_submission, reject_submission
from commitments.models import Actor, ReaderSubmission, Status


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", "Accept: make an article and a draft status update"), ("reject", "Reject")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="Why, for the other analysts. Required either way."
    )
    title = forms.CharField(
        required=False,
        max_length=400,
        help_text="The article's title (when accepting a new address; an article already at that address is reused).",
    )
    publisher = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(choices=Status.choices, required=False, help_text="The verdict the evidence supports.")
    as_of = forms.DateField(required=False, help_text="The day the verdict holds from (YYYY-MM-DD).")
    rationale = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    party = forms.ModelChoiceField(
        queryset=Actor.objects.none(),
        required=False,
        help_text="Empty for a verdict on the commitment as a whole; a party to assess that party alone.",
    )

    def __init__(self, *args, submission: ReaderSubmission, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = submission.commitment.actors.all()

    def clean(self):
        data = super().clean()
        if data.get("decision") == "accept":
            for name in ("status", "as_of", "rationale"):
                if not data.get(name):
                    self.add_error(name, "Needed to accept: the draft status update is made from it.")
        return data


class ReaderSubmissionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "commitment", "kind", "decision", "on_behalf_of", "decided_by", "decide_link"]
    list_filter = ["decision", "kind"]
    search_fields = ["note", "url", "email", "commitment__title"]
    list_select_related = ["commitment", "on_behalf_of", "decided_by"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "commitment", "kind", "url_text", "note", "email", "on_behalf_of", "created_at", "decision", "decided_by",
        "decided_at", "reason", "article", "status_update", "decide_link",
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # submissions come from readers only

    @admin.display(description="address (not opened by the tracker)")
    def url_text(self, obj: ReaderSubmission) -> str:
        return obj.url  # shown as text: nobody follows a reader's link by accident

    @admin.display(description="decide")
    def decide_link(self, obj: ReaderSubmission) -> str:
        if obj.pk is None or obj.decision != ReaderSubmission.Decision.NEW:
            return "–"
        return format_html(
            '<a href="{}">Accept or reject</a>', reverse("admin:commitments_readersubmission_decide", args=[obj.pk])
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/decide/", view(self.decide_view), name="commitments_readersubmission_decide"),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk: int):
        submission = get_object_or_404(ReaderSubmission.objects.select_related("commitment", "on_behalf_of"), pk=pk)
        if not self.has_change_permission(request, submission):
            raise PermissionDenied
        initial = {"party": submission.on_behalf_of, "as_of": timezone.localdate()}
        form = DecisionForm(request.POST or None, submission=submission, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == "accept":
                    update = accept_submission(
                        submission=submission,
                        user=request.user,
                        title=data["title"],
                        publisher=data["publisher"],
                        status=data["status"],
                        as_of=data["as_of"],
                        rationale=data["rationale"],
                        party=data["party"],
                        reason=data["reason"],
                    )
                    messages.success(request, "Accepted: a draft status update citing the source awaits review.")
                    return HttpResponseRedirect(reverse("admin:commitments_statusupdate_change", args=[update.pk]))
                reject_submission(submission=submission, user=request.user, reason=data["reason"])
                messages.success(request, "Rejected.")
                return HttpResponseRedirect(reverse("admin:commitments_readersubmission_changelist"))
            except ValidationError as refusal:
                for field, errors in (
                    refusal.message_dict.items() if hasattr(refusal, "error_dict") else [(None, refusal.messages)]
                ):
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except PermissionDenied as refusal:
                form.add_error(None, str(refusal))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Decide: {submission}",
            "submission": submission,
            "form": form,
        }
        return TemplateResponse(request, "admin/commitments/readersubmission/decide.html", context)


admin.site.register(ReaderSubmission, ReaderSubmissionAdmin)

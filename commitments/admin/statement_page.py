"""A statement and its commitments on one page.

Each commitment row carries everything a commitment has (wording, summary, actors, themes,
deadline, money) and, optionally, a first status update with a new evidence article: an analyst
enters a statement, tags its pledges and records what is known of them without leaving the page.
The status update is recorded through `record_status_update`, as a draft, like any other.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from commitments.admin.badges import status_badge
from commitments.admin.editing import VERSION_FIELD, EditForm, content_changed
from commitments.admin.history import note
from commitments.domain.services import note_edit, record_status_update
from commitments.models import Article, Commitment, Status

# The row's own fields for a first status update; not fields of the commitment.
UPDATE_FIELDS = ["new_status", "new_as_of", "new_rationale", "new_evidence_url", "new_evidence_title"]


class CommitmentRowForm(EditForm):
    new_status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "– no status update now –"), *Status.choices],
        help_text="Optional: records a status update (a draft, reviewed like the commitment).",
    )
    new_as_of = forms.DateField(label="As of", required=False, help_text="YYYY-MM-DD; today when left empty.")
    new_rationale = forms.CharField(label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    new_evidence_url = forms.URLField(
        label="Evidence address",
        required=False,
        assume_scheme="https",
        help_text="An article already recorded at this address is used; otherwise a new one is added.",
    )
    new_evidence_title = forms.CharField(label="Evidence title", required=False, max_length=400)

    def clean(self):
        data = super().clean()
        if not data.get("new_status"):
            for name in UPDATE_FIELDS[1:]:
                if data.get(name):
                    self.add_error("new_status", "Choose a status for the update, or clear its other fields.")
                    break
            return data
        if not (data.get("new_rationale") or "").strip():
            self.add_error("new_rationale", "Say why: a status update needs a rationale.")
        url = data.get("new_evidence_url")
        if url and not Article.objects.filter(url=url).exists() and not (data.get("new_evidence_title") or "").strip():
            self.add_error("new_evidence_title", "A new evidence article needs its title.")
        return data


def evidence_article(url: str, title: str) -> Article:
    """The article recorded at `url`, or a new one: evidence is never recorded twice."""
    found = Article.objects.filter(url=url).first()
    if found is not None:
        return found
    article = Article(title=title.strip(), url=url, retrieved_on=timezone.localdate())
    article.full_clean()
    article.save()
    return article


class CommitmentInline(admin.StackedInline):
    model = Commitment
    form = CommitmentRowForm  # each row carries the version it was opened at (a hidden input)
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "wording",
                    "summary",
                    "actors",
                    "themes",
                    ("state", "current_status"),
                    VERSION_FIELD,
                ]
            },
        ),
        (
            "Deadline and money",
            {"fields": [("target_date", "target_wording"), ("amount", "currency")], "classes": ["collapse"]},
        ),
        ("New status update", {"fields": UPDATE_FIELDS, "classes": ["collapse"]}),
    ]
    readonly_fields = ["state", "current_status"]  # the state moves through the workflow only
    autocomplete_fields = ["actors", "themes"]
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0

    @admin.display(description="status")
    def current_status(self, obj):
        return status_badge(obj.status) if obj.pk else "–"

    def get_extra(self, request: HttpRequest, obj=None, **kwargs) -> int:
        return 1 if obj is None else 0  # a new statement starts with a commitment row to fill in

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if self.has_change_permission(request, obj):
            return self.fieldsets
        # Read-only rows have no version to send and no update to record.
        first, deadline, _update = self.fieldsets
        return [(first[0], {"fields": first[1]["fields"][:-1]}), deadline]


def save_commitment_rows(request: HttpRequest, formset) -> None:
    """The statement's commitment rows: authors noted, rows saved, first status updates recorded."""
    for row in formset.forms:
        if row in formset.deleted_forms or not row.has_changed():
            continue
        if row.instance.pk is None or content_changed(row):
            note_edit(row.instance, request.user)
    formset.save()
    for row in formset.forms:
        data = getattr(row, "cleaned_data", None) or {}
        if row in formset.deleted_forms or not data.get("new_status"):
            continue
        try:
            articles = []
            if data.get("new_evidence_url"):
                articles.append(evidence_article(data["new_evidence_url"], data.get("new_evidence_title", "")))
            update = record_status_update(
                commitment=row.instance,
                status=data["new_status"],
                as_of=data.get("new_as_of") or timezone.localdate(),
                rationale=data["new_rationale"],
                articles=articles,
                author=request.user,
            )
            note(request, f"Recorded the status update “{update}”")
        except ValidationError as refusal:
            # Shown at the top of the form (EditGuardMixin): everything is rolled back.
            raise ValidationError([f"Status update of “{row.instance}”: {m}" for m in refusal.messages]) from refusal

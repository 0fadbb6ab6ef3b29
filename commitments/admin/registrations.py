"""The analysts' workspace. Status changes go through commitments.domain.services, never a plain save."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ImportExportModelAdmin

from commitments.admin.article_import import ArticleImportMixin
from commitments.admin.audit import AuditedAdmin
from commitments.admin.resources import ActorResource, CommitmentResource, ThemeResource, validating
from commitments.admin.workflow import WorkflowAdminMixin
from commitments.domain.services import delete_status_update, record_status_update
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    Quote,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)

# Shared with the public stylesheet's status colours.
STATUS_COLOURS = {
    Status.NOT_RATED: "#6b7280",
    Status.NOT_STARTED: "#b91c1c",
    Status.IN_PROGRESS: "#1d4ed8",
    Status.STALLED: "#b45309",
    Status.PARTIALLY_MET: "#7c3aed",
    Status.MET: "#15803d",
    Status.BROKEN: "#7f1d1d",
}


def status_badge(status: str) -> str:
    return format_html(
        '<span style="background:{};color:#fff;padding:1px 6px;border-radius:3px;white-space:nowrap">{}</span>',
        STATUS_COLOURS[status],
        Status(status).label,
    )


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.not_overdue()
        return queryset


class TrackerAdmin(ImportExportModelAdmin, AuditedAdmin):
    """History button, change reasons and spreadsheet import/export on every model."""

    def get_resource_classes(self, request):
        return [validating(resource) for resource in super().get_resource_classes(request)]


@admin.register(Theme)
class ThemeAdmin(TrackerAdmin):
    resource_classes = [ThemeResource]
    list_display = ["name", "slug", "parent", "commitment_count"]
    search_fields = ["name", "slug", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent").annotate(n_commitments=Count("commitments"))

    @admin.display(description="commitments", ordering="n_commitments")
    def commitment_count(self, obj):
        return obj.n_commitments


@admin.register(Actor)
class ActorAdmin(TrackerAdmin):
    resource_classes = [ActorResource]
    list_display = ["name", "kind", "role", "parent"]
    list_filter = ["kind"]
    search_fields = ["name", "slug", "aliases", "role"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]


@admin.register(Article)
class ArticleAdmin(ArticleImportMixin, TrackerAdmin):
    list_display = ["title", "publisher", "published_on", "kind"]
    list_filter = ["kind", "published_on_source"]
    search_fields = ["title", "url", "publisher", "author"]
    date_hierarchy = "published_on"
    # An address typed without a scheme is taken as https, as browsers do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "url", "publisher", "author", "kind", "summary"]}),
        ("Dates", {"fields": ["published_on", "published_on_source", "retrieved_on"]}),
        ("Text", {"fields": ["body", "raw_text", "content_hash"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]


class CommitmentInline(admin.TabularInline):
    model = Commitment
    fields = ["title", "slug", "state", "current_status"]
    readonly_fields = ["state", "current_status"]  # the state moves through the workflow only
    prepopulated_fields = {"slug": ["title"]}
    show_change_link = True
    extra = 0

    @admin.display(description="status")
    def current_status(self, obj):
        return status_badge(obj.status) if obj.pk else "–"


@admin.register(Statement)
class StatementAdmin(WorkflowAdminMixin, TrackerAdmin):
    list_display = ["title", "kind", "made_on", "event", "state", "commitment_count"]
    list_filter = ["state", "kind", "made_on", "parties"]
    search_fields = ["title", "slug", "event", "place", "summary"]
    date_hierarchy = "made_on"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties", "articles"]
    readonly_fields = ["state_changed_at", "state_changed_by"]
    inlines = [CommitmentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n_commitments=Count("commitments"))

    @admin.display(description="commitments", ordering="n_commitments")
    def commitment_count(self, obj):
        return obj.n_commitments


class StatusUpdateInline(admin.StackedInline):
    """Earlier updates are shown read-only; a new one is recorded through the status service."""

    model = StatusUpdate
    fields = ["status", "as_of", "rationale", "evidence", "author"]
    readonly_fields = ["author"]
    autocomplete_fields = ["evidence"]
    extra = 1
    can_delete = False
    verbose_name = "status update"
    verbose_name_plural = "Status updates (newest first; a correction is a new update)"

    def has_change_permission(self, request, obj=None):
        return False


class ArticleLinkInline(admin.TabularInline):
    model = ArticleLink
    fields = ["article", "relation", "excerpt", "note", "added_by"]
    readonly_fields = ["added_by"]
    autocomplete_fields = ["article"]
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(WorkflowAdminMixin, TrackerAdmin):
    resource_classes = [CommitmentResource]
    list_display = ["title", "statement", "status_display", "state", "target_date", "overdue"]
    list_filter = ["status", "state", "themes", "actors", "statement", OverdueFilter]
    search_fields = ["title", "slug", "wording", "summary"]
    list_select_related = ["statement"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["statement", "actors", "themes"]
    readonly_fields = ["status_display", "state_changed_at", "state_changed_by"]
    inlines = [StatusUpdateInline, ArticleLinkInline]
    fieldsets = [
        (None, {"fields": ["statement", "title", "slug", "wording", "summary"]}),
        ("Who and what", {"fields": ["actors", "themes"]}),
        ("Deadline and money", {"fields": ["target_date", "target_wording", "amount", "currency"]}),
        ("Status and publication", {"fields": ["status_display", "state", "state_changed_at", "state_changed_by"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj.status)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    def save_formset(self, request, form, formset, change):
        if formset.model is StatusUpdate:
            # The admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for inline_form in formset.forms:
                if inline_form.instance.pk is None and inline_form.has_changed():
                    data = inline_form.cleaned_data
                    update = record_status_update(
                        commitment=form.instance,
                        status=data["status"],
                        as_of=data["as_of"],
                        rationale=data["rationale"],
                        articles=data.get("evidence") or (),
                        author=request.user,
                    )
                    formset.new_objects.append(update)
            return
        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in instances:
            if isinstance(obj, ArticleLink) and obj.added_by_id is None:
                obj.added_by = request.user
            obj.save()
        formset.save_m2m()


@admin.register(StatusUpdate)
class StatusUpdateAdmin(AuditedAdmin):
    """Append-only: an update can be added (through the status service) and read, not edited.

    Publishers (delete permission) may delete one; the status service recomputes the commitment.
    """

    list_display = ["commitment", "status_display", "as_of", "author", "created_at"]
    list_filter = ["status", "as_of", "commitment__themes", "commitment__statement"]
    search_fields = ["commitment__title", "rationale"]
    list_select_related = ["commitment", "author"]
    autocomplete_fields = ["commitment", "evidence"]
    date_hierarchy = "as_of"
    fields = ["commitment", "status", "as_of", "rationale", "evidence"]
    ask_change_reason = False  # the rationale says why

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj.status)

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        delete_status_update(update=obj)

    def delete_queryset(self, request, queryset):
        for update in queryset:
            delete_status_update(update=update)

    def get_changeform_initial_data(self, request):
        return {"as_of": timezone.localdate(), **super().get_changeform_initial_data(request)}

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        update = record_status_update(
            commitment=data["commitment"],
            status=data["status"],
            as_of=data["as_of"],
            rationale=data["rationale"],
            articles=data.get("evidence") or (),
            author=request.user,
        )
        # The admin goes on to save the form's many-to-many data against this same row.
        obj.pk = update.pk
        obj.created_at = update.created_at
        obj._state.adding = False


@admin.register(ArticleLink)
class ArticleLinkAdmin(AuditedAdmin):
    list_display = ["article", "commitment", "relation", "added_by", "created_at"]
    list_filter = ["relation"]
    search_fields = ["article__title", "commitment__title", "excerpt", "note"]
    list_select_related = ["article", "commitment", "added_by"]
    autocomplete_fields = ["article", "commitment"]
    readonly_fields = ["added_by"]

    def save_model(self, request, obj, form, change):
        if obj.added_by_id is None:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Quote)
class QuoteAdmin(AuditedAdmin):
    list_display = ["__str__", "speaker", "article", "statement"]
    list_filter = ["speaker"]
    search_fields = ["text", "speaker__name"]
    list_select_related = ["speaker", "article", "statement"]
    autocomplete_fields = ["speaker", "article", "statement", "commitments"]

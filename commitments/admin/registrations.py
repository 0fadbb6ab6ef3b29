"""The analysts' workspace. Status changes go through commitments.domain.services, never a plain save."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models import BooleanField, Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportModelAdmin

from commitments.admin.article_import import ArticleImportMixin
from commitments.admin.audit import AuditedAdmin
from commitments.admin.badges import status_badge
from commitments.admin.editing import EditForm, EditGuardMixin, add_refusal
from commitments.admin.filters import (
    ActorFilter,
    CommitmentStatementFilter,
    CommitmentThemeFilter,
    StatementFilter,
    ThemeFilter,
)
from commitments.admin.lookups import name_rank
from commitments.admin.resources import (
    ActorResource,
    ArticleResource,
    CommitmentResource,
    StatementResource,
    ThemeResource,
    validating,
)
from commitments.admin.statement_page import CommitmentInline, save_commitment_rows
from commitments.admin.workflow import WorkflowAdminMixin, publish_with_statement
from commitments.domain.search import search_commitments
from commitments.domain.services import (
    authors,
    check_as_of,
    delete_status_update,
    record_status_update,
)
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
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

    # The autocomplete (lookups.py): themes named first, then by their keywords.
    def autocomplete_rank(self, term):
        return name_rank(term, aliases="keywords")

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

    # The autocomplete (lookups.py): the actor named first, then its aliases; labelled by kind.
    def autocomplete_rank(self, term):
        return name_rank(term, aliases="aliases")

    def autocomplete_label(self, obj):
        return f"{obj.name} — {obj.get_kind_display().lower()}"


@admin.register(Article)
class ArticleAdmin(ArticleImportMixin, TrackerAdmin):
    resource_classes = [ArticleResource]
    list_display = ["title", "publisher", "published_on", "kind"]
    list_filter = ["kind", "published_on_source"]
    # A title's beginning or the exact address: both indexed (0012_perf_admin_search), where a
    # substring search would scan 300,000 articles for the page and again for its count.
    search_fields = ["^title", "url__exact"]
    show_full_result_count = False
    # An address typed without a scheme is taken as https, as browsers do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["content_hash", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "url", "publisher", "author", "kind", "summary"]}),
        ("Dates", {"fields": ["published_on", "published_on_source", "retrieved_on"]}),
        ("Text", {"fields": ["body", "raw_text", "content_hash"], "classes": ["collapse"]}),
        ("Record", {"fields": ["created_at", "updated_at"]}),
    ]


class AuthoredAdmin(EditGuardMixin, WorkflowAdminMixin, TrackerAdmin):
    """Statements and commitments: the workflow, authorship, concurrent edits, refused saves."""

    class Media:
        css = {"all": ["commitments/admin/workspace.css"]}  # the lists' and forms' corrections


@admin.register(Statement)
class StatementAdmin(AuthoredAdmin):
    resource_classes = [StatementResource]
    list_display = ["title", "kind", "made_on", "event", "state", "commitment_count"]
    list_filter = ["state", "kind", "made_on", "parties"]
    search_fields = ["title", "slug", "event", "place", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["parties", "articles"]
    readonly_fields = ["state_changed_at", "state_changed_by"]
    inlines = [CommitmentInline]

    def get_queryset(self, request):
        # A correlated count, so only the page's statements are counted (a joined Count grouped
        # all 13,000 statements with their 100,000 commitments before the page was cut).
        counted = (
            Commitment.objects.filter(statement=OuterRef("pk")).order_by().values("statement").annotate(n=Count("pk"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(n_commitments=Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), 0))
        )

    @admin.display(description="commitments", ordering="n_commitments")
    def commitment_count(self, obj):
        return obj.n_commitments

    def save_formset(self, request, form, formset, change):
        # Commitments written here have authors like those written on their own page, and a
        # first status update recorded through the status service (statement_page.py).
        save_commitment_rows(request, formset)


def correction_url(update: StatusUpdate) -> str:
    """The add page of a status update, filled in to correct `update`."""
    query = {"commitment": update.commitment_id, "corrects": update.pk}
    if update.party_id:
        query["party"] = update.party_id
    return f"{reverse('admin:commitments_statusupdate_add')}?{urlencode(query)}"


def limit_update_choices(fields: dict, commitment: Commitment | None, exclude_pk: int | None = None) -> None:
    """A verdict names one of the commitment's actors and corrects one of its published updates."""
    if "party" in fields:
        fields["party"].queryset = commitment.actors.all() if commitment else Actor.objects.all()
    if "corrects" in fields:
        corrected = StatusUpdate.objects.filter(state=PublicationState.PUBLISHED).select_related("commitment", "party")
        if commitment:
            corrected = corrected.filter(commitment=commitment)
        fields["corrects"].queryset = corrected.exclude(pk=exclude_pk)


class StatusUpdateInline(admin.StackedInline):
    """Earlier updates, published and pending, read-only with their state; a new one is recorded
    as a draft through the status service. Drafts are edited, and updates moved through review,
    on their own page (the change link)."""

    model = StatusUpdate
    fields = ["party", "status", "as_of", "rationale", "evidence", "corrects", "state", "author", "correction"]
    readonly_fields = ["state", "author", "correction"]
    autocomplete_fields = ["evidence"]
    extra = 1
    can_delete = False
    show_change_link = True
    verbose_name = "status update"
    verbose_name_plural = "Status updates (newest first; a correction is a new update)"

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # The commitment and evidence too: each read-only row prints them (its title, the list).
        return (
            super()
            .get_queryset(request)
            .select_related("commitment", "party", "author", "corrects__commitment", "corrects__party")
            .prefetch_related("evidence")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        limit_update_choices(formset.form.base_fields, obj)
        return formset

    @admin.display(description="correction")
    def correction(self, obj):
        if obj.pk and obj.state == PublicationState.PUBLISHED:
            return format_html('<a href="{}">Correct this update</a>', correction_url(obj))
        return "–"


class ArticleLinkInline(admin.TabularInline):
    model = ArticleLink
    fields = ["article", "relation", "excerpt", "note", "added_by"]
    readonly_fields = ["added_by"]
    autocomplete_fields = ["article"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article", "commitment", "added_by")


class CountedPaginator(Paginator):
    """A changelist's paginator that counts `counted` (the same records, found another way) when
    it is given, instead of the listed queryset."""

    def __init__(self, *args, counted: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted.count() if self.counted is not None else super().count


# With more commitments matched than this, a page of their records is found faster by reading
# the newest records in index order and keeping those of matched commitments; with fewer, by
# reading the matched commitments' records and sorting them (bench/README.md, admin).
COMMON_TERM_MATCHES = 1000


def full_text_search(queryset: QuerySet, term: str, commitment: str = "", request=None) -> tuple[QuerySet, bool]:
    """`queryset` narrowed to the records whose commitment (`commitment`, a path to it; "" for
    commitments themselves) the full-text index matches for `term`, or whose slug is `term`.

    For a common word the records are counted another way than they are listed (CountedPaginator,
    given the count's queryset through `request`)."""
    term = term.strip()
    if not term:
        return queryset, False
    # One set of commitment ids (the index's matches or the slug, one bitmap scan of each), so
    # that records are found by their commitment's key: an OR across the join would read them all.
    found = search_commitments(Commitment.objects.all(), term).order_by()
    matches = (found.values("pk") | Commitment.objects.filter(slug=term).values("pk")).order_by()
    if not commitment:
        return queryset.filter(pk__in=matches), False
    condition = Q(**{f"{commitment}__in": matches})
    if matches[: COMMON_TERM_MATCHES + 1].count() > COMMON_TERM_MATCHES:
        # A common word: tested record by record (CASE keeps the planner from turning the test
        # into a join), so the list is read in its own index order and stops at a page.
        matched = Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        if request is not None:
            # Counting is the opposite case: every matched record is read, through the join.
            request.counted_search = queryset.filter(condition)
        return queryset.alias(_matched=matched).filter(_matched=True), False
    return queryset.filter(condition), False


@admin.register(Commitment)
class CommitmentAdmin(AuthoredAdmin):
    resource_classes = [CommitmentResource]
    # The statement under the title, not in a column of its own: the list then fits 1280 px
    # with the side menu open.
    list_display = ["title_and_statement", "status_display", "state", "target_date", "overdue"]
    list_display_links = ["title_and_statement"]
    # Statements are typed (a slug), not listed: there are too many for the sidebar.
    list_filter = ["status", "state", ThemeFilter, ActorFilter, StatementFilter, OverdueFilter]
    # Searched through the full-text index the public search uses (words in any order, stems,
    # themes and actors by name), or by the exact slug: get_search_results. Never a scan.
    search_fields = ["slug__exact"]
    show_full_result_count = False
    list_select_related = ["statement"]

    def get_search_results(self, request, queryset, search_term):
        return full_text_search(queryset, search_term)

    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["statement", "actors", "themes", "predecessor"]
    readonly_fields = ["status_display", "state_changed_at", "state_changed_by"]
    inlines = [StatusUpdateInline, ArticleLinkInline]
    actions = [*WorkflowAdminMixin.actions, publish_with_statement]
    fieldsets = [
        (None, {"fields": ["statement", "title", "slug", "wording", "summary"]}),
        ("Who and what", {"fields": ["actors", "themes"]}),
        ("Deadline and money", {"fields": ["target_date", "target_wording", "amount", "currency"]}),
        # The same pledge in an earlier statement (commitments/lineage.py has the rules).
        ("Lineage", {"fields": ["predecessor", "predecessor_relation"]}),
        ("Status and publication", {"fields": ["status_display", "state", "state_changed_at", "state_changed_by"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj.status)

    @admin.display(description="overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="commitment (statement)", ordering="title")
    def title_and_statement(self, obj):
        return format_html('{}<br><span class="quiet">{}</span>', obj.title, obj.statement)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        # Moving a commitment in review or published to another statement would change what the
        # public sees without the workflow (the save guard refuses it too).
        if obj is not None and obj.state != PublicationState.DRAFT:
            readonly.append("statement")
        return readonly

    def save_formset(self, request, form, formset, change):
        if formset.model is StatusUpdate:
            # The admin's change message reads these lists.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for inline_form in formset.forms:
                if inline_form.instance.pk is None and inline_form.has_changed():
                    data = inline_form.cleaned_data
                    try:
                        update = record_status_update(
                            commitment=form.instance,
                            status=data["status"],
                            as_of=data["as_of"],
                            rationale=data["rationale"],
                            articles=data.get("evidence") or (),
                            author=request.user,
                            party=data.get("party"),
                            corrects=data.get("corrects"),
                        )
                    except ValidationError as refusal:
                        # Shown at the top of the form (EditGuardMixin), named as the new update's.
                        raise ValidationError([f"New status update: {m}" for m in refusal.messages]) from refusal
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


class StatusUpdateForm(EditForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        commitment = self.instance.commitment if self.instance.commitment_id else None
        if commitment is None and str(self.initial.get("commitment", "")).isdigit():
            commitment = Commitment.objects.filter(pk=self.initial["commitment"]).first()
        limit_update_choices(self.fields, commitment, exclude_pk=self.instance.pk)

    def clean(self):
        data = super().clean()
        # A draft edited here keeps the rules record_status_update applies to a new one.
        if self.instance.pk:
            commitment = self.instance.commitment
            if data.get("as_of"):
                try:
                    check_as_of(commitment, data["as_of"])
                except ValidationError as error:
                    add_refusal(self, error)
            corrects, party = data.get("corrects"), data.get("party")
            if corrects is not None and corrects.party_id != (party.pk if party else None):
                self.add_error("corrects", "A correction assesses the same party as the update it corrects.")
        return data


def delete_selected_drafts(modeladmin, request, queryset):
    """Django's bulk delete, refused as a whole when a selected update is published."""
    published = [str(u) for u in queryset.filter(state=PublicationState.PUBLISHED).select_related("commitment")]
    if published:
        modeladmin.message_user(
            request,
            f"Nothing was deleted: {len(published)} of the selected updates "
            f"{'is' if len(published) == 1 else 'are'} published (“{'”, “'.join(published)}”). "
            "A published status update is never deleted: record a new update that corrects it instead.",
            messages.ERROR,
        )
        return None
    return delete_selected(modeladmin, request, queryset)


delete_selected_drafts.allowed_permissions = ("delete",)
delete_selected_drafts.short_description = "Delete selected draft status updates"


@admin.register(StatusUpdate)
class StatusUpdateAdmin(EditGuardMixin, WorkflowAdminMixin, AuditedAdmin):
    """Reviewed like statements and commitments. A new update is recorded as a draft through the
    status service; drafts and updates in review may be edited and moved through review; a
    published update is read-only and never deleted: a new update corrects it.

    Drafts may be deleted by their author or a publisher (delete permission).
    """

    form = StatusUpdateForm
    list_display = ["commitment", "party", "status_display", "as_of", "state", "correction_of", "author", "created_at"]
    list_filter = ["state", "status", "as_of", CommitmentThemeFilter, CommitmentStatementFilter]

    def lookup_allowed(self, lookup, value, request=None):
        # The theme filter's parameter keeps the address Django's own filter gave it.
        return lookup == "commitment__themes__id__exact" or super().lookup_allowed(lookup, value, request)

    # Through the commitments' full-text index or their exact slug, never a scan of a million
    # rationales: get_search_results.
    search_fields = ["commitment__slug__exact"]

    def get_search_results(self, request, queryset, search_term):
        return full_text_search(queryset, search_term, "commitment", request)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        counted = getattr(request, "counted_search", None)
        return CountedPaginator(queryset, per_page, orphans, allow_empty_first_page, counted=counted)

    show_full_result_count = False
    list_select_related = ["commitment", "author", "party"]
    autocomplete_fields = ["commitment", "evidence"]
    raw_id_fields = ["corrects"]
    fields = ["commitment", "party", "status", "as_of", "rationale", "evidence", "corrects", "corrected_by"]
    readonly_fields = ["corrected_by"]
    ask_change_reason = False  # the rationale says why

    @admin.display(description="status", ordering="status")
    def status_display(self, obj):
        return status_badge(obj.status)

    @admin.display(description="corrects", ordering="corrects")
    def correction_of(self, obj):
        # The id only: the corrected update's own label would cost a query per row.
        return f"#{obj.corrects_id}" if obj.corrects_id else "–"

    @admin.display(description="corrected by")
    def corrected_by(self, obj):
        corrections = list(obj.corrections.order_by("pk")) if obj.pk else []
        if not corrections:
            return "–"
        return format_html_join(
            ", ",
            '<a href="{}">{} ({})</a>',
            (
                (reverse("admin:commitments_statusupdate_change", args=[c.pk]), f"#{c.pk}", c.get_state_display())
                for c in corrections
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly.append("commitment")  # a draft stays on its commitment; record a new one instead
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state == PublicationState.PUBLISHED:
            return False  # published history is corrected, never overwritten
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return super().has_delete_permission(request)
        if obj.state == PublicationState.PUBLISHED:
            return False
        return request.user.pk in authors(obj) or super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            actions["delete_selected"] = (
                delete_selected_drafts,
                "delete_selected",
                delete_selected_drafts.short_description,
            )
        return actions

    def delete_model(self, request, obj):
        delete_status_update(update=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for update in queryset:
            delete_status_update(update=update, user=request.user)

    def get_changeform_initial_data(self, request):
        initial = {"as_of": timezone.localdate(), **super().get_changeform_initial_data(request)}
        # "Correct this update" links here with ?corrects=<id>: the correction starts from it.
        corrects = str(initial.get("corrects", ""))
        corrected = StatusUpdate.objects.filter(pk=corrects).first() if corrects.isdigit() else None
        if corrected is not None:
            initial.update(commitment=corrected.commitment_id, party=corrected.party_id, status=corrected.status)
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and obj.state == PublicationState.PUBLISHED and self.has_add_permission(request):
            context["correct_url"] = correction_url(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)  # note_edit when the content changed
            return
        data = form.cleaned_data
        update = record_status_update(
            commitment=data["commitment"],
            status=data["status"],
            as_of=data["as_of"],
            rationale=data["rationale"],
            articles=data.get("evidence") or (),
            author=request.user,
            party=data.get("party"),
            corrects=data.get("corrects"),
        )
        # The admin goes on to save the form's many-to-many data against this same row.
        obj.pk = update.pk
        obj.created_at = update.created_at
        obj._state.adding = False


@admin.register(ArticleLink)
class ArticleLinkAdmin(AuditedAdmin):
    list_display = ["article", "commitment", "relation", "added_by", "created_at"]
    list_filter = ["relation"]
    # One indexed prefix: an OR across the two joined titles could use neither index.
    search_fields = ["^article__title"]
    show_full_result_count = False
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

"""The public commitment list's filters: what `/commitments/?…` and the downloads accept.

Bad values never raise: the form reports them in words a reader understands, and the list is
filtered by the values that were valid. The query string is the whole state, so a filtered
list can be bookmarked and shared.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When

from commitments.domain.search import search_commitments
from commitments.infra.forms import FormClassOnce
from commitments.models import Actor, Commitment, Statement, Status, Theme

ISO_DATE = ["%Y-%m-%d"]

# Sort keys offered on the page, each with its ORDER BY. "relevance" is the search rank (PostgreSQL)
# and the default when there is a search; otherwise newest first.
SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-statement__made_on", "id"),
    "oldest": ("statement__made_on", "id"),
    "status": ("status_position", "title", "id"),
    "due": ("target_date_position", "target_date", "title", "id"),
    "title": ("title", "id"),
}
SORT_LABELS = {
    "relevance": "Best match, else newest",
    "newest": "Newest statement first",
    "oldest": "Oldest statement first",
    "status": "Status",
    "due": "Target date, soonest first",
    "title": "Title, A–Z",
}

STATUS_CHOICES_TEXT = ", ".join(Status.values)


class PublicFilterForm(forms.Form):
    """Drops values the database cannot hold (NUL bytes) before any field looks them up."""

    def __init__(self, data=None, *args, **kwargs):
        self.refused: list[tuple[str, str]] = []
        if data is not None:
            data = data.copy()
            for name in list(data.keys()):
                values = data.getlist(name)
                if any("\x00" in value for value in values):
                    data.setlist(name, [value for value in values if "\x00" not in value])
                    self.refused.append((name, "The value contains a NUL character, which is never valid."))
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for name, message in self.refused:
            self.add_error(name if name in self.fields else None, message)
        return cleaned


def _through_exists(relation: str, values: QuerySet) -> Exists:
    # EXISTS rather than a join: no duplicate rows when a commitment has several matching tags.
    through = getattr(Commitment, f"{relation}s").through
    return Exists(through.objects.filter(commitment=OuterRef("pk"), **{f"{relation}__in": values}))


class CommitmentListFilter(FormClassOnce, django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_q",
        max_length=200,
        error_messages={"max_length": "Search for at most %(limit_value)d characters (you gave %(show_value)d)."},
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label="Theme",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        method="filter_theme",
        error_messages={"invalid_choice": "There is no theme “%(value)s”."},
    )
    actor = django_filters.ModelMultipleChoiceFilter(
        label="Actor",
        queryset=Actor.objects.all(),
        to_field_name="slug",
        method="filter_actor",
        error_messages={"invalid_choice": "There is no actor “%(value)s”."},
    )
    status = django_filters.MultipleChoiceFilter(
        label="Status",
        choices=Status.choices,
        method="filter_status",
        error_messages={"invalid_choice": f"“%(value)s” is not a status; use one of {STATUS_CHOICES_TEXT}."},
    )
    statement = django_filters.ModelChoiceFilter(
        label="Statement",
        queryset=Statement.objects.published(),
        to_field_name="slug",
        error_messages={"invalid_choice": "There is no published statement with that address."},
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Overdue only"), ("no", "Not overdue")],
        method="filter_overdue",
        error_messages={"invalid_choice": "Overdue takes yes or no, not “%(value)s”."},
    )
    due_after = django_filters.DateFilter(
        label="Due on or after",
        field_name="target_date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        error_messages={"invalid": "Give the date as YYYY-MM-DD, for example 2025-03-31."},
    )
    due_before = django_filters.DateFilter(
        label="Due on or before",
        field_name="target_date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        error_messages={"invalid": "Give the date as YYYY-MM-DD, for example 2025-03-31."},
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=list(SORT_LABELS.items()),
        method="filter_nothing",  # applied last, in filter_queryset
        empty_label=None,
        error_messages={"invalid_choice": f"Sort by one of {', '.join(SORT_LABELS)}, not “%(value)s”."},
    )

    class Meta:
        model = Commitment
        fields: list[str] = []
        form = PublicFilterForm

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_commitments(queryset, value)

    def filter_theme(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_through_exists("theme", value)) if value else queryset

    def filter_actor(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_through_exists("actor", value)) if value else queryset

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(status__in=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.overdue()
        if value == "no":
            return queryset.not_overdue()
        return queryset

    def filter_nothing(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    @property
    def sort_key(self) -> str:
        """The ordering in force: the chosen one, else best match for a search, else newest."""
        cleaned = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        chosen = cleaned.get("sort")
        if chosen == "relevance" or not chosen:
            return "relevance" if cleaned.get("q") else "newest"
        return chosen

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        key = self.sort_key
        if key == "relevance":
            return queryset  # search_commitments already ordered by rank where there is one
        return order_commitments(queryset, key)


def order_commitments(queryset: QuerySet, key: str) -> QuerySet:
    if key == "status":
        queryset = queryset.annotate(
            status_position=Case(
                *(When(status=status, then=Value(i)) for i, status in enumerate(Status)),
                output_field=IntegerField(),
            )
        )
    elif key == "due":
        # Commitments without a target date go last on both databases.
        queryset = queryset.annotate(
            target_date_position=Case(When(target_date__isnull=True, then=Value(1)), default=Value(0))
        )
    return queryset.order_by(*SORTS[key])


def filter_commitments(data, queryset: QuerySet | None = None) -> CommitmentListFilter:
    """The list page's and the downloads' filter over published commitments only."""
    queryset = Commitment.objects.published() if queryset is None else queryset
    return CommitmentListFilter(data, queryset=queryset)

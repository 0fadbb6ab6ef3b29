"""The public commitment list's filters: what `/commitments/?…` and the downloads accept.

Bad values never raise: the form reports them in words a reader understands, and the list is
filtered by the values that were valid. The query string is the whole state, so a filtered
list can be bookmarked and shared.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from commitments.domain.rows import ORDERING_FIELDS, ordering_expressions
from commitments.domain.search import search_commitments
from commitments.infra.forms import FormClassOnce
from commitments.models import Actor, Commitment, Statement, Status, Theme

ISO_DATE = ["%Y-%m-%d"]

# The orders the page's form offers, as `ordering` values; any other the API accepts works too.
# Unchosen, a search comes best match first (PostgreSQL), anything else newest statement first.
ORDERING_LABELS = {
    "": "Best match, else newest",
    "-made_on": "Newest statement first",
    "made_on": "Oldest statement first",
    "status": "Status",
    "target_date": "Target date, soonest first",
    "title": "Title, A–Z",
}
DEFAULT_ORDERING = ["-made_on"]
ORDERING_TEXT = ", ".join(ORDERING_FIELDS)

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


class OrderingField(forms.CharField):
    """`ordering` as the API writes it: field names separated by commas, each optionally after "-"."""

    def to_python(self, value) -> list[str]:
        value = super().to_python(value)
        if not value:
            return []
        names = value.split(",")
        for name in names:
            if name.lstrip("-") not in ORDERING_FIELDS or name.startswith("--"):
                raise forms.ValidationError(
                    "Order by %(fields)s (each optionally after -, several separated by commas), not “%(value)s”.",
                    code="invalid_choice",
                    params={"fields": ORDERING_TEXT, "value": name},
                )
        return names


class OrderingFilter(django_filters.Filter):
    field_class = OrderingField

    def filter(self, queryset: QuerySet, value) -> QuerySet:
        return queryset  # applied last, in CommitmentListFilter.filter_queryset


def _through_exists(relation: str, values: QuerySet) -> Exists:
    # EXISTS rather than a join: no duplicate rows when a commitment has several matching tags.
    through = getattr(Commitment, f"{relation}s").through
    return Exists(through.objects.filter(commitment=OuterRef("pk"), **{f"{relation}__in": values}))


class CommitmentListFilter(FormClassOnce, django_filters.FilterSet):
    """The parameters of /commitments/ and the downloads: the names and value syntax of
    /api/v1/commitments/ (tests/site/test_vocabulary.py holds the two side by side)."""

    search = django_filters.CharFilter(
        label="Search",
        method="filter_search",
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
        choices=[("true", "Overdue only"), ("false", "Not overdue")],
        method="filter_overdue",
        error_messages={"invalid_choice": "Overdue takes true or false, not “%(value)s”."},
    )
    target_after = django_filters.DateFilter(
        label="Target date on or after",
        field_name="target_date",
        lookup_expr="gte",
        input_formats=ISO_DATE,
        error_messages={"invalid": "Give the date as YYYY-MM-DD, for example 2025-03-31."},
    )
    target_before = django_filters.DateFilter(
        label="Target date on or before",
        field_name="target_date",
        lookup_expr="lte",
        input_formats=ISO_DATE,
        error_messages={"invalid": "Give the date as YYYY-MM-DD, for example 2025-03-31."},
    )
    ordering = OrderingFilter(label="Sort by")

    class Meta:
        model = Commitment
        fields: list[str] = []
        form = PublicFilterForm

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_commitments(queryset, value)

    def filter_theme(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_through_exists("theme", value)) if value else queryset

    def filter_actor(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset.filter(_through_exists("actor", value)) if value else queryset

    def filter_status(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(status__in=value) if value else queryset

    def filter_overdue(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "true":
            return queryset.overdue()
        if value == "false":
            return queryset.not_overdue()
        return queryset

    @property
    def ordering_in_force(self) -> list[str]:
        """The ordering in force: the chosen one; else none for a search (best match), else newest."""
        cleaned = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        if cleaned.get("ordering"):
            return cleaned["ordering"]
        return [] if cleaned.get("search") else DEFAULT_ORDERING

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        ordering = self.ordering_in_force
        if not ordering:
            return queryset  # search_commitments already ordered by rank where there is one
        return queryset.order_by(*ordering_expressions(ordering))


def filter_commitments(data, queryset: QuerySet | None = None) -> CommitmentListFilter:
    """The list page's and the downloads' filter over published commitments only."""
    queryset = Commitment.objects.published() if queryset is None else queryset
    return CommitmentListFilter(data, queryset=queryset)


# --- The names the site used before it adopted the API's -------------------------------------

LEGACY_NAMES = {"q": "search", "due_after": "target_after", "due_before": "target_before", "sort": "ordering"}
LEGACY_VALUES = {
    "overdue": {"yes": "true", "no": "false"},
    "ordering": {"newest": "-made_on", "oldest": "made_on", "due": "target_date", "relevance": ""},
}


def modern_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]] | None:
    """`pairs` (a query string's) with the old names and values in the current vocabulary, or
    None when there were none: addresses shared before keep working through a redirect."""
    modern = []
    for key, value in pairs:
        new_key = LEGACY_NAMES.get(key, key)
        new_value = LEGACY_VALUES.get(new_key, {}).get(value, value)
        modern.append((new_key, new_value))
    return None if modern == pairs else [(key, value) for key, value in modern if value or key not in LEGACY_VALUES]


def unknown_parameters(data, allowed: tuple[str, ...] = ()) -> list[str]:
    """The parameter names of `data` the filter does not know (nor `allowed`), in order given."""
    known = set(CommitmentListFilter.base_filters) | set(allowed)
    return [name for name in data if name not in known]

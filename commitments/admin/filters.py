"""Sidebar filters for relations too large to list: the value is typed, not picked.

Django's related-field filter prints one link per related record; with thousands of statements
that is most of a changelist's time and size. These filters print one search box instead and
filter through an indexed column (the slug, unique).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.views.main import PAGE_VAR


class SlugFilter(admin.ListFilter):
    """Filter by the slug of one related record, typed in a box (`?<parameter_name>=<slug>`)."""

    template = "admin/commitments/slug_filter.html"
    parameter_name: str
    lookup: str  # the slug lookup from the listed model, e.g. "statement__slug"
    placeholder = "slug"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        if self.parameter_name in params:
            self.used_parameters[self.parameter_name] = params.pop(self.parameter_name)[-1].strip()

    def value(self) -> str:
        return self.used_parameters.get(self.parameter_name, "")

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.parameter_name]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.lookup: self.value()})
        return queryset

    def choices(self, changelist):
        # One "choice": what the template needs to draw the box and keep the other filters.
        kept = [
            (name, value) for name, value in changelist.params.items() if name not in (self.parameter_name, PAGE_VAR)
        ]
        yield {
            "parameter": self.parameter_name,
            "value": self.value(),
            "placeholder": self.placeholder,
            "kept": kept,
            "reset_url": changelist.get_query_string(remove=[self.parameter_name]),
        }


class StatementFilter(SlugFilter):
    title = "statement"
    parameter_name = "statement"
    lookup = "statement__slug"
    placeholder = "statement slug"


class CommitmentStatementFilter(StatementFilter):
    lookup = "commitment__statement__slug"

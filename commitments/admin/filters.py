"""Sidebar filters for relations too large to list: the value is typed, not picked.

Django's related-field filter prints one link per related record; with thousands of statements
that is most of a changelist's time and size. These filters print one search box instead and
filter through an indexed column (the slug, unique).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
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


class LinkFilter(admin.SimpleListFilter):
    """Commitments linked to one theme or actor, picked from the list (`?<relation>__id__exact=<id>`,
    the address Django's own filter gives, so bookmarks keep working).

    Filtered by the link table's ids (`pk IN (…)`), not by a join: a join can repeat a
    commitment, and Django's filter then makes the whole list DISTINCT, which sorts every
    matching row with its wording (the slowest changelist at 100,000 commitments)."""

    relation: str  # "themes" or "actors"

    def __init__(self, request, params, model, model_admin):
        self.parameter_name = f"{self.relation}__id__exact"
        self.model = model
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        related = self.model._meta.get_field(self.relation).related_model
        return list(related.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not str(value).isdigit():
            raise IncorrectLookupParameters(f"{self.title}: not an id ({value!r}).")
        field = self.model._meta.get_field(self.relation)
        target = field.m2m_reverse_field_name()  # theme or actor
        links = field.remote_field.through.objects.filter(**{f"{target}_id": int(value)})
        return queryset.filter(pk__in=links.values(field.m2m_field_name() + "_id"))


class ThemeFilter(LinkFilter):
    title = "themes"
    relation = "themes"


class ActorFilter(LinkFilter):
    title = "actors"
    relation = "actors"

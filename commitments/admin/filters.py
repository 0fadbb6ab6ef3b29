"""Sidebar filters for relations too large to list: the value is typed, not picked.

Django's related-field filter prints one link per related record; with thousands of statements
that is most of a changelist's time and size. These filters print one search box instead and
filter through an indexed column (the slug, unique).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import PAGE_VAR

from commitments.models import Commitment


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
    the address Django's own filter gives, so bookmarks keep working); on a list of records of
    commitments (status updates), `commitment` = "commitment" and `?commitment__<relation>__id__exact=`.

    Filtered by the link table's ids (`pk IN (…)`), not by a join: a join can repeat a
    commitment, and Django's filter then makes the whole list DISTINCT, which sorts every
    matching row with its wording (the slowest changelist at 100,000 commitments)."""

    relation: str  # "themes" or "actors"
    commitment = ""  # the path from the listed model to its commitment; "" for commitments

    def __init__(self, request, params, model, model_admin):
        prefix = f"{self.commitment}__" if self.commitment else ""
        self.parameter_name = f"{prefix}{self.relation}__id__exact"
        self.field = Commitment._meta.get_field(self.relation)
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return list(self.field.related_model.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not str(value).isdigit():
            raise IncorrectLookupParameters(f"{self.title}: not an id ({value!r}).")
        target = self.field.m2m_reverse_field_name()  # theme or actor
        links = self.field.remote_field.through.objects.filter(**{f"{target}_id": int(value)})
        key = f"{self.commitment}_id__in" if self.commitment else "pk__in"
        return queryset.filter(**{key: links.values(self.field.m2m_field_name() + "_id")})


class ThemeFilter(LinkFilter):
    title = "themes"
    relation = "themes"


class ActorFilter(LinkFilter):
    title = "actors"
    relation = "actors"


class CommitmentThemeFilter(ThemeFilter):
    title = "commitment themes"
    commitment = "commitment"

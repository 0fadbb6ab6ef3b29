"""The admin's autocomplete: the record named by what was typed comes first, labelled with its kind.

Django's autocomplete lists matches in the model's order, so typing "United Kingdom" offered Boris
Johnson first (his role mentions the country) and Enter picked him. Here a match of the name, then
of an alias, ranks above a match anywhere else (role, slug, keywords), and the label says what kind
of record each result is ("United Kingdom — country").
"""

from __future__ import annotations

import re

from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import Expression


def name_rank(term: str, *, name: str = "name", aliases: str | None = None) -> Expression:
    """0 for the exact name, 1 an exact alias, 2 a name starting with `term`, 3 a name or alias
    containing it, 4 anything else the search matched."""
    term = term.strip()
    whens = [When(**{f"{name}__iexact": term}, then=Value(0))]
    if aliases:
        # One alias per line or comma-separated (models.split_terms).
        whole_alias = rf"(^|[,\n])\s*{re.escape(term)}\s*($|[,\n])"
        whens.append(When(**{f"{aliases}__iregex": whole_alias}, then=Value(1)))
    whens.append(When(**{f"{name}__istartswith": term}, then=Value(2)))
    contains = Q(**{f"{name}__icontains": term})
    if aliases:
        contains |= Q(**{f"{aliases}__icontains": term})
    whens.append(When(contains, then=Value(3)))
    return Case(*whens, default=Value(4), output_field=IntegerField())


class RankedAutocompleteView(AutocompleteJsonView):
    """Asks the model admin for `autocomplete_rank(term)` and `autocomplete_label(obj)` when it has them."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if not queryset.ordered:  # a grouped query (a count annotated) drops the model's order
            queryset = queryset.order_by(*queryset.model._meta.ordering)
        rank = getattr(self.model_admin, "autocomplete_rank", None)
        if rank is None or not self.term.strip():
            return queryset
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        return queryset.annotate(search_rank=rank(self.term)).order_by("search_rank", *ordering)

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result

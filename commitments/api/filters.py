"""Query parameters of the list endpoints, one FilterSet per resource.

Every parameter is strict: a value that cannot be understood answers 400 naming the parameter,
never a silently ignored filter, and so does a parameter the endpoint does not know
(refuse_unknown_parameters). The commitments' parameters are also those of the site's list and
downloads (commitments.site.filters), with the same value syntax.
"""

from __future__ import annotations

import datetime

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import BaseCSVField
from rest_framework.exceptions import ValidationError

from commitments.domain.rows import ORDERING_FIELDS, ordering_expressions
from commitments.domain.search import search_commitments
from commitments.infra.forms import FormClassOnce
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


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in EMPTY_VALUES:
            return None
        if value in ("true", "false"):
            return value == "true"
        # The value goes in as a parameter: a "%" in it must not be read as a format directive.
        raise forms.ValidationError("Use true or false, not %(value)r.", code="invalid", params={"value": value})


# Typed parameters: left empty they would be silently ignored. Text and slugs may be empty (no filter).
TYPED_FIELDS = (forms.DateField, forms.DateTimeField, forms.ChoiceField, StrictBooleanField)


class StrictForm(forms.Form):
    """Refuses a single-valued parameter given twice (only the last would count) or a typed one left empty."""

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            values = self.data.getlist(name)
            repeatable = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
            if not repeatable and len(values) > 1:
                self.add_error(name, f"Give {name} once; it takes a single value.")
            elif "" in values and (
                # A typed value, or a list of choices (ordering), given empty.
                (isinstance(field, TYPED_FIELDS) and not isinstance(field, (forms.ModelChoiceField, BaseCSVField)))
                or (isinstance(field, BaseCSVField) and isinstance(field, forms.ChoiceField))
            ):
                self.add_error(name, f"{name} is empty; give a value or leave the parameter out.")
            elif isinstance(field, BaseCSVField) and "" in (cleaned.get(name) or []):
                self.add_error(name, f"{name} has an empty entry; separate values with single commas.")
        return cleaned


def refuse_unknown_parameters(query_params, known: set[str]) -> None:
    """400 naming every parameter of the request that is not in `known`: a misspelt filter
    (`?q=` for `?search=`) would otherwise answer every record as if it matched."""
    unknown = [name for name in query_params if name not in known]
    if unknown:
        accepted = ", ".join(sorted(known))
        raise ValidationError(
            {name: [f"Unknown parameter {name!r}; this endpoint takes {accepted}."] for name in unknown}
        )


class ApiFilterSet(FormClassOnce, filters.FilterSet):
    class Meta:
        form = StrictForm


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField


class IsoDateFilter(filters.DateFilter):
    """A calendar date written YYYY-MM-DD, and no other way."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a date as YYYY-MM-DD."})
        super().__init__(*args, **kwargs)


class UtcDateTimeField(filters.fields.IsoDateTimeField):
    def to_python(self, value):
        # RFC 3339 allows a lower-case "t" and "z"; Django's parser expects capitals.
        parsed = super().to_python(value.upper() if isinstance(value, str) else value)
        if parsed is None:
            return None
        try:
            # Converted here so that a moment the database cannot hold is a 400, not a crash.
            return parsed.astimezone(datetime.UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("That moment is outside the years 1 to 9999.", code="invalid") from None


class ChangedSinceFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "updated_at")
        kwargs.setdefault("lookup_expr", "gte")
        kwargs.setdefault(
            "help_text",
            "Only records created or changed at or after this moment (ISO 8601 date-time, e.g. "
            "2024-05-01T00:00:00Z; without an offset it is read as UTC). For incremental sync.",
        )
        kwargs.setdefault("error_messages", {"invalid": "Enter an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z."})
        super().__init__(*args, **kwargs)


def slug_filter(field_name: str, queryset: QuerySet, noun: str, **kwargs) -> filters.ModelChoiceFilter:
    """A filter on a related record given by its slug; an unknown slug answers 400."""
    return filters.ModelChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=queryset,
        help_text=kwargs.pop("help_text", f"Slug of a {noun}."),
        error_messages={"invalid_choice": f"No {noun} has the slug '%(value)s'."},
        **kwargs,
    )


class StableOrderingFilter(filters.OrderingFilter):
    """Ordering by the listed fields, then by id, so that pages never overlap or skip."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*[self.get_ordering_value(param) for param in value], "pk")


def ordering_filter(*fields: str, **renamed: str) -> StableOrderingFilter:
    pairs = [(field, field) for field in fields] + [(field, name) for name, field in renamed.items()]
    names = ", ".join(name for _, name in pairs)
    return StableOrderingFilter(
        fields=pairs,
        help_text=f"Comma-separated fields to sort by ({names}); prefix one with - for descending order.",
        error_messages={
            "invalid_choice": f"Cannot order by '%(value)s'; use {names}, each optionally prefixed with -."
        },
    )


def status_filter(**kwargs) -> filters.MultipleChoiceFilter:
    return filters.MultipleChoiceFilter(
        choices=Status.choices,
        # A status is a column of the row itself, so no row can match twice. The DISTINCT that
        # django-filter adds by default made PostgreSQL compare whole rows, wording included.
        distinct=False,
        help_text="One or several statuses (repeat the parameter: status=met&status=broken).",
        error_messages={"invalid_choice": f"Unknown status '%(value)s'; use {', '.join(Status.values)}."},
        **kwargs,
    )


def icontains_any(*fields: str):
    def search(queryset: QuerySet, name: str, value: str) -> QuerySet:
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": value})
        return queryset.filter(match)

    return search


def search_filter(*fields: str) -> filters.CharFilter:
    return filters.CharFilter(
        method=icontains_any(*fields), help_text=f"Text to look for in {', '.join(fields)} (case-insensitive)."
    )


class ThemeFilter(ApiFilterSet):
    search = search_filter("name", "description")
    parent = slug_filter("parent", Theme.objects.all(), "theme", help_text="Slug of the broader theme.")
    changed_since = ChangedSinceFilter()

    class Meta(ApiFilterSet.Meta):
        model = Theme
        fields = []


class ActorFilter(ApiFilterSet):
    search = search_filter("name", "aliases", "role")
    kind = filters.ChoiceFilter(
        choices=Actor.Kind.choices,
        help_text="Kind of actor.",
        error_messages={"invalid_choice": f"Unknown kind '%(value)s'; use {', '.join(Actor.Kind.values)}."},
    )
    parent = slug_filter("parent", Actor.objects.all(), "actor", help_text="Slug of the body the actor belongs to.")
    changed_since = ChangedSinceFilter()

    class Meta(ApiFilterSet.Meta):
        model = Actor
        fields = []


class ArticleFilter(ApiFilterSet):
    search = search_filter("title", "summary", "publisher", "author")
    kind = filters.ChoiceFilter(
        choices=Article.Kind.choices,
        help_text="Kind of source.",
        error_messages={"invalid_choice": f"Unknown kind '%(value)s'; use {', '.join(Article.Kind.values)}."},
    )
    commitment = slug_filter(
        "links__commitment",
        Commitment.objects.published(),
        "published commitment",
        method="filter_commitment",
        help_text="Slug of a published commitment: articles linked to it or cited as evidence for its status.",
    )
    statement = slug_filter(
        "statements",
        Statement.objects.published(),
        "published statement",
        help_text="Slug of a statement the article reports.",
    )
    published_after = IsoDateFilter(
        field_name="published_on", lookup_expr="gte", help_text="Published on or after this date (YYYY-MM-DD)."
    )
    published_before = IsoDateFilter(
        field_name="published_on", lookup_expr="lte", help_text="Published on or before this date (YYYY-MM-DD)."
    )
    changed_since = ChangedSinceFilter()

    class Meta(ApiFilterSet.Meta):
        model = Article
        fields = []

    def filter_commitment(self, queryset: QuerySet, name: str, value: Commitment) -> QuerySet:
        # EXISTS tests, so an article cited by several updates of the commitment comes out once.
        linked = ArticleLink.objects.filter(article=OuterRef("pk"), commitment=value)
        evidence = StatusUpdate.evidence.through.objects.filter(article=OuterRef("pk"), statusupdate__commitment=value)
        return queryset.filter(Exists(linked) | Exists(evidence))


class CommitmentOrderingFilter(StableOrderingFilter):
    """The commitments' ordering, by the one definition the site and downloads use too
    (rows.ordering_expressions: status in the vocabulary's order, no target date last)."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.order_by(*ordering_expressions(value))


def slugs_filter(field_name: str, queryset: QuerySet, noun: str, **kwargs) -> filters.ModelMultipleChoiceFilter:
    """One or several related records by slug (repeat the parameter; any of them matches)."""
    relation = field_name[:-1]  # themes -> theme

    def any_of(commitments: QuerySet, name: str, value) -> QuerySet:
        if not value:
            return commitments
        # EXISTS rather than a join: no duplicate rows when a commitment has several of them.
        through = getattr(Commitment, field_name).through
        return commitments.filter(
            Exists(through.objects.filter(commitment=OuterRef("pk"), **{f"{relation}__in": value}))
        )

    return filters.ModelMultipleChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=queryset,
        method=any_of,
        help_text=kwargs.pop("help_text", f"Slug of a {noun}; repeat the parameter for any of several."),
        error_messages={"invalid_choice": f"No {noun} has the slug '%(value)s'."},
        **kwargs,
    )


class StatementFilter(ApiFilterSet):
    search = search_filter("title", "summary", "event", "place")
    kind = filters.ChoiceFilter(
        choices=Statement.Kind.choices,
        help_text="Kind of statement.",
        error_messages={"invalid_choice": f"Unknown kind '%(value)s'; use {', '.join(Statement.Kind.values)}."},
    )
    party = slug_filter("parties", Actor.objects.all(), "actor", help_text="Slug of an actor who made the statement.")
    made_after = IsoDateFilter(
        field_name="made_on", lookup_expr="gte", help_text="Made on or after this date (YYYY-MM-DD)."
    )
    made_before = IsoDateFilter(
        field_name="made_on", lookup_expr="lte", help_text="Made on or before this date (YYYY-MM-DD)."
    )
    changed_since = ChangedSinceFilter()
    ordering = ordering_filter("title", "updated_at", "created_at", made_on="made_on")

    class Meta(ApiFilterSet.Meta):
        model = Statement
        fields = []


class CommitmentFilter(ApiFilterSet):
    search = filters.CharFilter(
        method="filter_search",
        help_text="Words to look for in the title, summary and wording, or in theme and actor names. "
        "On PostgreSQL, results come best match first unless ordering is given.",
    )
    theme = slugs_filter("themes", Theme.objects.all(), "theme")
    actor = slugs_filter(
        "actors",
        Actor.objects.all(),
        "actor",
        help_text="Slug of an actor who owes the commitment; repeat the parameter for any of several.",
    )
    status = status_filter()
    statement = slug_filter("statement", Statement.objects.published(), "published statement")
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text="true: past its target date and neither met nor broken; false: every other commitment.",
    )
    target_after = IsoDateFilter(
        field_name="target_date", lookup_expr="gte", help_text="Target date on or after this date (YYYY-MM-DD)."
    )
    target_before = IsoDateFilter(
        field_name="target_date", lookup_expr="lte", help_text="Target date on or before this date (YYYY-MM-DD)."
    )
    changed_since = ChangedSinceFilter()
    # Declared last: it re-sorts whatever the search ranked.
    ordering = CommitmentOrderingFilter(
        fields=[(name, name) for name in ORDERING_FIELDS],
        help_text=f"Comma-separated fields to sort by ({', '.join(ORDERING_FIELDS)}); prefix one with - for "
        "descending order. Status sorts in the order of the vocabulary; commitments without a target date "
        "come last either way.",
        error_messages={
            "invalid_choice": f"Cannot order by '%(value)s'; use {', '.join(ORDERING_FIELDS)}, each optionally "
            "prefixed with -."
        },
    )

    class Meta(ApiFilterSet.Meta):
        model = Commitment
        fields = []

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return search_commitments(queryset, value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.overdue() if value else queryset.not_overdue()


class StatusUpdateFilter(ApiFilterSet):
    commitment = slug_filter("commitment", Commitment.objects.published(), "published commitment")
    party = slug_filter("party", Actor.objects.all(), "actor", help_text="Slug of the party a verdict assesses alone.")
    overall = StrictBooleanFilter(
        field_name="party",
        lookup_expr="isnull",
        help_text="true: only verdicts on commitments as a whole; false: only verdicts on one party.",
    )
    status = status_filter()
    as_of_after = IsoDateFilter(
        field_name="as_of", lookup_expr="gte", help_text="Holding from this date or later (YYYY-MM-DD)."
    )
    as_of_before = IsoDateFilter(
        field_name="as_of", lookup_expr="lte", help_text="Holding from this date or earlier (YYYY-MM-DD)."
    )
    changed_since = ChangedSinceFilter()
    ordering = ordering_filter("as_of", "created_at", "updated_at")

    class Meta(ApiFilterSet.Meta):
        model = StatusUpdate
        fields = []


class QuoteFilter(ApiFilterSet):
    search = search_filter("text")
    speaker = slug_filter("speaker", Actor.objects.all(), "actor", help_text="Slug of the actor quoted.")
    statement = slug_filter("statement", Statement.objects.published(), "published statement")
    commitment = slug_filter("commitments", Commitment.objects.published(), "published commitment")
    changed_since = ChangedSinceFilter()

    class Meta(ApiFilterSet.Meta):
        model = Quote
        fields = []


class ArticleLinkFilter(ApiFilterSet):
    commitment = slug_filter("commitment", Commitment.objects.published(), "published commitment")
    article = filters.ModelChoiceFilter(
        queryset=Article.objects.public(),
        help_text="Id of an article.",
        error_messages={"invalid_choice": "No public article has the id '%(value)s'."},
    )
    relation = filters.ChoiceFilter(
        choices=ArticleLink.Relation.choices,
        help_text="How the article bears on the commitment.",
        error_messages={
            "invalid_choice": f"Unknown relation '%(value)s'; use {', '.join(ArticleLink.Relation.values)}."
        },
    )
    changed_since = ChangedSinceFilter()

    class Meta(ApiFilterSet.Meta):
        model = ArticleLink
        fields = []

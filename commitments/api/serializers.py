"""JSON shapes of the API: rich read serializers for everyone, flat write serializers for editors.

Read serializers never follow a relation to unpublished data by themselves: the viewsets hand
them querysets (and prefetches) that start from the published-only querysets.
"""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.api import querysets
from commitments.domain import lineage, rows
from commitments.domain.stats import published_counts
from commitments.infra.paths import detail_path
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)


def origin(context: dict) -> str:
    """scheme://host of the answer's request, looked up once for the whole answer (the context is
    the answer's)."""
    found = context.get("_origin")
    if found is None:
        found = context["_origin"] = context["request"].build_absolute_uri("/")[:-1]
    return found


def absolute(context: dict, path: str) -> str:
    """The request's absolute address of `path` (an address reverse() gave, so already a URI), as
    build_absolute_uri writes it, without parsing and re-encoding each of an answer's hundreds of
    addresses."""
    return origin(context) + path


@extend_schema_field(OpenApiTypes.URI)
class PublicPageField(serializers.Field):
    """Absolute address of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        return absolute(self.context, obj.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """Absolute address of the record in the API, free of the request's ?format=."""

    def __init__(self, view_name: str, lookup_field: str, **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        super().__init__(source="*", read_only=True, help_text="This record in the API.", **kwargs)

    def to_representation(self, obj) -> str:
        path = detail_path(self.view_name, **{self.lookup_field: getattr(obj, self.lookup_field)})
        return absolute(self.context, path)


def api_url(view_name: str, lookup_field: str = "pk") -> ApiUrlField:
    return ApiUrlField(f"api:{view_name}-detail", lookup_field)


def api_url_of(request, obj) -> str:
    """API address of any record, for messages that point to an existing one."""
    name = {StatusUpdate: "status-update", ArticleLink: "article-link"}.get(type(obj), obj._meta.model_name)
    lookup = {"slug": obj.slug} if hasattr(obj, "slug") else {"pk": obj.pk}
    return request.build_absolute_uri(reverse(f"api:{name}-detail", kwargs=lookup))


# --- Embedded summaries -----------------------------------------------------------------------


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class ActorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["slug", "name"]


class StatementRefSerializer(serializers.ModelSerializer):
    url = PublicPageField()
    api_url = api_url("statement", "slug")

    class Meta:
        model = Statement
        fields = ["id", "slug", "title", "made_on", "url", "api_url"]


class CommitmentRefSerializer(serializers.ModelSerializer):
    url = PublicPageField()
    api_url = api_url("commitment", "slug")

    class Meta:
        model = Commitment
        fields = ["id", "slug", "title", "status", "url", "api_url"]


class ArticleAddressField(serializers.URLField):
    """The article's own address, null when we hold only a copy (an empty string is not a URI)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: str) -> str | None:
        return value or None


class ArticleRefSerializer(serializers.ModelSerializer):
    url = ArticleAddressField(help_text="The article's own address.")
    api_url = api_url("article")

    class Meta:
        model = Article
        fields = ["id", "title", "publisher", "published_on", "url", "api_url"]


# --- Read serializers ---------------------------------------------------------------------------


class TimestampsMixin(serializers.Serializer):
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Last change; see changed_since.")


class PublishedCountField(serializers.IntegerField):
    """How many published commitments a theme or an actor has, from the counts of all of them
    (domain.stats.published_counts: one lookup for a whole page, kept under the data version)."""

    def __init__(self, relation: str, **kwargs):
        self.relation = relation
        super().__init__(source="pk", read_only=True, **kwargs)

    def to_representation(self, pk: int) -> int:
        # The context is the whole answer's: the counts are looked up once for every row.
        key = f"published-counts:{self.relation}"
        counts = self.context.get(key)
        if counts is None:
            counts = self.context[key] = published_counts(self.relation)
        return counts.get(pk, 0)


class ThemeSerializer(TimestampsMixin, serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the broader theme."
    )
    commitment_count = PublishedCountField("themes", help_text="Published commitments with this theme.")
    url = PublicPageField()
    api_url = api_url("theme", "slug")

    class Meta:
        model = Theme
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "parent",
            "commitment_count",
            "url",
            "api_url",
            "created_at",
            "updated_at",
        ]


class ActorSerializer(TimestampsMixin, serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the body the actor belongs to."
    )
    aliases = serializers.ListField(
        source="alias_list", child=serializers.CharField(), read_only=True, help_text="Other names used in articles."
    )
    commitment_count = PublishedCountField("actors", help_text="Published commitments the actor owes.")
    url = PublicPageField()
    api_url = api_url("actor", "slug")

    class Meta:
        model = Actor
        fields = [
            "id", "slug", "name", "kind", "kind_label", "parent", "role", "aliases", "commitment_count",
            "url", "api_url", "created_at", "updated_at",
        ]  # fmt: skip


class ArticleSerializer(TimestampsMixin, serializers.ModelSerializer):
    url = ArticleAddressField(help_text="The article's own address (the tracker has no page for articles).")
    api_url = api_url("article")

    class Meta:
        model = Article
        fields = [
            "id", "title", "url", "publisher", "author", "kind", "published_on", "published_on_source",
            "retrieved_on", "summary", "api_url", "created_at", "updated_at",
        ]  # fmt: skip


class StatementSerializer(TimestampsMixin, serializers.ModelSerializer):
    parties = ActorRefSerializer(many=True, read_only=True)
    commitment_count = serializers.IntegerField(read_only=True, help_text="Published commitments of the statement.")
    url = PublicPageField()
    api_url = api_url("statement", "slug")

    class Meta:
        model = Statement
        fields = [
            "id", "slug", "title", "kind", "made_on", "place", "event", "summary", "parties", "state",
            "commitment_count", "url", "api_url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class StatementDetailSerializer(StatementSerializer):
    articles = ArticleRefSerializer(many=True, read_only=True, help_text="Articles that report the statement.")
    commitments = CommitmentRefSerializer(many=True, read_only=True, help_text="Its published commitments.")

    class Meta(StatementSerializer.Meta):
        fields = StatementSerializer.Meta.fields + ["source_text", "articles", "commitments"]
        read_only_fields = fields


class StatusMixin(serializers.Serializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    score = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Compliance score: -1, 0 or +1; null when not rated."
    )


class PartyStatusSerializer(serializers.ModelSerializer):
    party = serializers.SlugRelatedField(slug_field="slug", read_only=True, help_text="Slug of the party (an actor).")
    status = serializers.ChoiceField(choices=Status.choices, read_only=True, help_text="The party's own status.")
    as_of = serializers.DateField(read_only=True, help_text="The day that verdict holds from.")

    class Meta:
        model = StatusUpdate
        fields = ["party", "status", "as_of"]


@extend_schema_field(PartyStatusSerializer(many=True))
class PartyStatusesField(serializers.Field):
    """Each party's own verdict in force, by party name: from the page's prefetch
    (querysets.prefetch_party_verdicts), or looked up for a record answered alone."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, commitment: Commitment) -> list:
        updates = getattr(commitment, querysets.PARTY_VERDICTS, None)
        if updates is None:
            updates = querysets.party_verdicts().filter(commitment=commitment)
        return PartyStatusSerializer(updates, many=True).data


class LineageEntrySerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    made_on = serializers.DateField(read_only=True, help_text="The day of its statement.")
    relation = serializers.ChoiceField(
        choices=Commitment.Relation.choices,
        read_only=True,
        allow_null=True,
        help_text="How it relates to its predecessor, the entry it follows; null for the first.",
    )


@extend_schema_field(LineageEntrySerializer(many=True))
class LineageField(serializers.Field):
    """The commitment's public lineage (domain.lineage), looked up for a record answered alone;
    the lists build theirs for a whole page (representations.py)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, commitment: Commitment) -> list:
        line = lineage.lineages([commitment.pk]).get(commitment.pk)
        if line is None:  # not public (an editor's draft): its own entry alone
            return [
                {
                    "slug": commitment.slug,
                    "title": commitment.title,
                    "made_on": commitment.statement.made_on.isoformat(),
                    "relation": None,
                }
            ]
        return lineage.api_lineage(line)


class CommitmentSerializer(StatusMixin, TimestampsMixin, serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True, help_text="Past its target date and neither met nor broken.")
    party_statuses = PartyStatusesField(
        help_text="Each party's own status, where a verdict on that party alone is published; `status` is the "
        "verdict on the commitment as a whole."
    )
    status_as_of = serializers.SerializerMethodField(
        help_text="Since when `status` holds: the date of the verdict that gave it (a later verdict that kept "
        "it does not move it); null when not rated."
    )
    last_assessed = serializers.SerializerMethodField(
        help_text="The date of the latest verdict on the commitment as a whole, even one that kept the status; "
        "null when none."
    )
    status_rationale = serializers.SerializerMethodField(help_text="The rationale of the verdict in force, or null.")
    status_evidence = serializers.SerializerMethodField(
        help_text="Addresses of the evidence for the verdict in force: each article's own address, or its address "
        "in the API when the tracker holds only a copy."
    )
    themes = ThemeRefSerializer(many=True, read_only=True)
    actors = ActorRefSerializer(many=True, read_only=True)
    statement = StatementRefSerializer(read_only=True)
    lineage = LineageField(
        help_text="The same pledge across statements, from the first to the latest, this commitment included: "
        "its published predecessors and the published commitments that restate, strengthen, weaken or replace it."
    )
    url = PublicPageField()
    api_url = api_url("commitment", "slug")

    class Meta:
        model = Commitment
        fields = [
            "id", "slug", "title", "summary", "wording", "status", "status_label", "score", "is_overdue",
            "status_as_of", "last_assessed", "status_rationale", "status_evidence", "party_statuses", "target_date", "target_wording", "amount", "currency", "themes", "actors", "statement", "lineage",
            "state", "url", "api_url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _in_force(self, commitment: Commitment) -> dict:
        # Lists are built from rows (representations.py); one record looks its verdict up once.
        found = getattr(commitment, "_verdict_in_force", None)
        if found is None:
            found = rows.verdicts_in_force([commitment.pk], origin(self.context)).get(commitment.pk, rows.NO_VERDICT)
            commitment._verdict_in_force = found
        return found

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_status_as_of(self, commitment: Commitment) -> str | None:
        return self._in_force(commitment)["status_as_of"]

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_last_assessed(self, commitment: Commitment) -> str | None:
        return self._in_force(commitment)["last_assessed"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_status_rationale(self, commitment: Commitment) -> str | None:
        return self._in_force(commitment)["status_rationale"]

    @extend_schema_field(serializers.ListField(child=serializers.URLField()))
    def get_status_evidence(self, commitment: Commitment) -> list[str]:
        return self._in_force(commitment)["status_evidence"]


class CorrectionsMixin(serializers.Serializer):
    party = serializers.SlugRelatedField(
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text="Slug of the party this verdict assesses alone; null for the commitment as a whole.",
    )
    corrects = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Id of the update this one corrects, or null."
    )
    corrected_by = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Id of the published update correcting this one, or null. A corrected update no longer counts.",
    )


class TimelineEntrySerializer(CorrectionsMixin, StatusMixin, serializers.ModelSerializer):
    evidence = ArticleRefSerializer(many=True, read_only=True)

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "party", "status", "status_label", "score", "as_of", "rationale", "evidence", "corrects",
            "corrected_by", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class LinkEntrySerializer(serializers.ModelSerializer):
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    article = ArticleRefSerializer(read_only=True)

    class Meta:
        model = ArticleLink
        fields = ["id", "relation", "relation_label", "excerpt", "note", "article", "created_at"]
        read_only_fields = fields


class CommitmentDetailSerializer(CommitmentSerializer):
    timeline = TimelineEntrySerializer(
        source="updates",
        many=True,
        read_only=True,
        help_text="Published status updates, newest first; corrected ones stay, with `corrected_by` set.",
    )
    links = LinkEntrySerializer(many=True, read_only=True, help_text="Articles linked by editors.")

    class Meta(CommitmentSerializer.Meta):
        fields = CommitmentSerializer.Meta.fields + ["timeline", "links"]
        read_only_fields = fields


class StatusUpdateSerializer(CorrectionsMixin, StatusMixin, TimestampsMixin, serializers.ModelSerializer):
    commitment = CommitmentRefSerializer(read_only=True)
    evidence = ArticleRefSerializer(many=True, read_only=True)
    state = serializers.ChoiceField(
        choices=PublicationState.choices,
        read_only=True,
        help_text="Publication state. Reads show published updates only; an editor's write answers with the "
        "update's own state (a new one is a draft).",
    )
    api_url = api_url("status-update")

    class Meta:
        model = StatusUpdate
        fields = [
            "id", "commitment", "party", "status", "status_label", "score", "as_of", "rationale", "evidence",
            "corrects", "corrected_by", "state", "api_url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class QuoteSerializer(TimestampsMixin, serializers.ModelSerializer):
    speaker = ActorRefSerializer(read_only=True)
    article = ArticleRefSerializer(read_only=True, allow_null=True)
    statement = StatementRefSerializer(read_only=True, allow_null=True)
    commitments = CommitmentRefSerializer(many=True, read_only=True, help_text="Published commitments it bears on.")
    api_url = api_url("quote")

    class Meta:
        model = Quote
        fields = ["id", "text", "speaker", "article", "statement", "commitments", "api_url", "created_at", "updated_at"]


class ArticleLinkSerializer(serializers.ModelSerializer):
    commitment = CommitmentRefSerializer(read_only=True)
    article = ArticleRefSerializer(read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    api_url = api_url("article-link")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = ArticleLink
        fields = [
            "id", "commitment", "article", "relation", "relation_label", "excerpt", "note", "api_url",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


# --- Write serializers (editors) ------------------------------------------------------------


StatusCountsSerializer = type(
    "StatusCountsSerializer",
    (serializers.Serializer,),
    {status.value: serializers.IntegerField(help_text=f"Commitments {status.label.lower()}.") for status in Status},
)


class AggregateSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Published commitments.")
    rated = serializers.IntegerField(help_text="Published commitments with a status other than not rated.")
    overdue = serializers.IntegerField(help_text="Past their target date and neither met nor broken.")
    mean_score = serializers.FloatField(
        allow_null=True, help_text="Mean score of the rated ones (`rated` of `total`); null if none."
    )
    score_meaningful = serializers.BooleanField(
        help_text="Whether the mean rests on at least `min_rated` rated commitments; below that, show it with its "
        "coverage, not as a headline."
    )
    by_status = StatusCountsSerializer()


class GroupStatsSerializer(AggregateSerializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class StatusLegendSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)


class StatsSerializer(AggregateSerializer):
    min_rated = serializers.IntegerField(
        help_text="The fewest rated commitments a mean score needs to be meaningful (setting SCORE_MIN_RATED)."
    )
    statuses = StatusLegendSerializer(many=True, help_text="The status vocabulary and each status's score.")
    by_theme = GroupStatsSerializer(many=True, help_text="Every theme, by name.")
    by_actor = GroupStatsSerializer(many=True, help_text="Every actor, by name.")

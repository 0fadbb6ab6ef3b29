"""JSON shapes of the API: rich read serializers for everyone, flat write serializers for editors.

Read serializers never follow a relation to unpublished data by themselves: the viewsets hand
them querysets (and prefetches) that start from the published-only querysets.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import model_meta

from commitments.api import querysets
from commitments.domain.services import change_state, note_edit, record_status_update
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


@extend_schema_field(OpenApiTypes.URI)
class PublicPageField(serializers.Field):
    """Absolute address of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj) -> str:
        return self.context["request"].build_absolute_uri(obj.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class ApiUrlField(serializers.Field):
    """Absolute address of the record in the API, free of the request's ?format=."""

    def __init__(self, view_name: str, lookup_field: str, **kwargs):
        self.view_name, self.lookup_field = view_name, lookup_field
        super().__init__(source="*", read_only=True, help_text="This record in the API.", **kwargs)

    def to_representation(self, obj) -> str:
        path = detail_path(self.view_name, **{self.lookup_field: getattr(obj, self.lookup_field)})
        return self.context["request"].build_absolute_uri(path)


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


class ThemeSerializer(TimestampsMixin, serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="Slug of the broader theme."
    )
    commitment_count = serializers.IntegerField(read_only=True, help_text="Published commitments with this theme.")
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
    commitment_count = serializers.IntegerField(read_only=True, help_text="Published commitments the actor owes.")
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


class CommitmentSerializer(StatusMixin, TimestampsMixin, serializers.ModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True, help_text="Past its target date and neither met nor broken.")
    party_statuses = PartyStatusesField(
        help_text="Each party's own status, where a verdict on that party alone is published; `status` is the "
        "verdict on the commitment as a whole."
    )
    themes = ThemeRefSerializer(many=True, read_only=True)
    actors = ActorRefSerializer(many=True, read_only=True)
    statement = StatementRefSerializer(read_only=True)
    url = PublicPageField()
    api_url = api_url("commitment", "slug")

    class Meta:
        model = Commitment
        fields = [
            "id", "slug", "title", "summary", "wording", "status", "status_label", "score", "is_overdue",
            "party_statuses", "target_date", "target_wording", "amount", "currency", "themes", "actors", "statement", "state",
            "url", "api_url", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


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


def as_drf_error(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    )


class EditorWriteSerializer(serializers.ModelSerializer):
    """Refuses fields it does not take, answers with the read representation, writes atomically."""

    read_serializer: type[serializers.Serializer]
    refused_fields: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {name for name, field in self.fields.items() if not field.read_only})
            if unknown:
                raise serializers.ValidationError(
                    {name: [self.refused_fields.get(name, "This field cannot be written here.")] for name in unknown}
                )
        return super().to_internal_value(data)

    def validate_slug(self, value: str) -> str:
        if self.instance is not None and value != self.instance.slug:
            raise serializers.ValidationError("Slugs never change once set: pages and links depend on them.")
        existing = self.Meta.model._default_manager.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None))
        if existing.exists():
            other = existing.get()
            raise serializers.ValidationError(
                f"The slug {value!r} is taken by record {other.pk}: {api_url_of(self.context['request'], other)}"
            )
        return value

    def to_representation(self, instance):
        return self.read_serializer(instance, context=self.context).data


def _changes_content(instance, validated_data: dict[str, Any], many: dict[str, Any]) -> bool:
    """Whether saving `validated_data` (and the to-many `many`) would change what `instance` says."""
    if instance.pk is None:
        return True
    if any(getattr(instance, name) != value for name, value in validated_data.items()):
        return True
    return any(
        {obj.pk for obj in getattr(instance, name).all()} != {obj.pk for obj in values} for name, values in many.items()
    )


class PublishableWriteSerializer(EditorWriteSerializer):
    """Statements and commitments: content written as its editor's (note_edit, for four eyes), the
    publication state moved only through the workflow service."""

    state = serializers.ChoiceField(
        choices=PublicationState.choices,
        required=False,
        help_text="Publication state. Moves follow the workflow (draft → review → published, back to draft); "
        "publishing and unpublishing need the publish permission, and a publisher who did not write or last "
        "change the record (four eyes), else 403.",
    )

    def create(self, validated_data: dict[str, Any]):
        state = validated_data.pop("state", PublicationState.DRAFT)
        with_statement = validated_data.pop("with_statement", False)
        with transaction.atomic():
            instance = self._write(self.Meta.model(), {**validated_data, "state": PublicationState.DRAFT})
            self._move(instance, state, with_statement)
        return instance

    def update(self, instance, validated_data: dict[str, Any]):
        state = validated_data.pop("state", instance.state)
        with_statement = validated_data.pop("with_statement", False)
        with transaction.atomic():
            instance = self._write(instance, validated_data)
            self._move(instance, state, with_statement)
        return instance

    def _write(self, instance, validated_data: dict[str, Any]):
        relations = model_meta.get_field_info(type(instance)).relations
        many = {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if name in relations and relations[name].to_many
        }
        if not _changes_content(instance, validated_data, many):
            return instance  # a move alone: its mover is not an author
        for name, value in validated_data.items():
            setattr(instance, name, value)
        note_edit(instance, self.context["request"].user)
        try:
            instance.save()
        except DjangoValidationError as exc:  # the save guards (commitments.domain.services)
            raise as_drf_error(exc) from None
        for name, values in many.items():
            getattr(instance, name).set(values)
        return instance

    def _move(self, instance, state: str, with_statement: bool = False) -> None:
        # Called inside the write's atomic block: a refused move (PermissionDenied, which DRF
        # answers with 403 and its reason, or an illegal one) undoes the field changes made with it.
        if with_statement and state != PublicationState.PUBLISHED:
            raise serializers.ValidationError(
                {
                    "with_statement": [
                        'with_statement publishes the statement with the commitment: send it with "state": "published".'
                    ]
                }
            )
        if state == instance.state:
            return
        try:
            change_state(
                obj=instance,
                state=state,
                user=self.context["request"].user,
                reason="changed through the API",
                with_statement=with_statement,
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from None


class StatementWriteSerializer(PublishableWriteSerializer):
    read_serializer = StatementDetailSerializer
    slug = serializers.SlugField(max_length=80, required=False, help_text="Filled from the title when left out.")
    parties = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all(), many=True, required=False, help_text="Slugs of actors."
    )
    articles = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.all(), many=True, required=False, help_text="Ids of articles reporting it."
    )

    class Meta:
        model = Statement
        fields = [
            "title", "slug", "kind", "made_on", "place", "event", "parties", "summary", "source_text",
            "articles", "state",
        ]  # fmt: skip


class CommitmentWriteSerializer(PublishableWriteSerializer):
    read_serializer = CommitmentDetailSerializer
    refused_fields = {"status": "Record a status update (POST /api/v1/status-updates/) to change the status."}
    slug = serializers.SlugField(max_length=80, required=False, help_text="Filled from the title when left out.")
    statement = serializers.SlugRelatedField(
        slug_field="slug", queryset=Statement.objects.all(), help_text="Slug of the statement it comes from."
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False, help_text="Slugs of themes."
    )
    actors = serializers.SlugRelatedField(
        slug_field="slug", queryset=Actor.objects.all(), many=True, required=False, help_text="Slugs of actors."
    )
    with_statement = serializers.BooleanField(
        required=False,
        write_only=True,
        help_text='With "state": "published": publish the commitment\'s statement (in review) in the same step, '
        "under the same checks. Without it, a commitment of an unpublished statement cannot be published.",
    )

    class Meta:
        model = Commitment
        fields = [
            "statement", "title", "slug", "wording", "summary", "themes", "actors", "target_date",
            "target_wording", "amount", "currency", "state", "with_statement",
        ]  # fmt: skip

    def validate_statement(self, value: Statement) -> Statement:
        # Moving a published commitment to a draft statement would unpublish it without a state change.
        instance = self.instance
        if instance is not None and value.pk != instance.statement_id and instance.state != PublicationState.DRAFT:
            raise serializers.ValidationError(
                f"A commitment moves to another statement only while it is a draft; this one is "
                f"{instance.get_state_display().lower()}: move it back to draft first."
            )
        return value

    def to_representation(self, instance: Commitment):
        from commitments.api.views import CommitmentViewSet  # the detail's own prefetches

        fetched = CommitmentViewSet.with_detail(Commitment.objects.filter(pk=instance.pk)).get()
        return super().to_representation(fetched)

    def validate_currency(self, value: str) -> str:
        if value and not (len(value) == 3 and value.isascii() and value.isalpha()):
            raise serializers.ValidationError("Use a three-letter ISO 4217 code, e.g. GBP.")
        return value.upper()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        amount = attrs.get("amount", getattr(self.instance, "amount", None))
        currency = attrs.get("currency", getattr(self.instance, "currency", ""))
        if amount is not None and not currency:
            raise serializers.ValidationError({"currency": ["An amount needs its currency."]})
        return attrs


class ArticleLinkWriteSerializer(EditorWriteSerializer):
    read_serializer = ArticleLinkSerializer
    commitment = serializers.SlugRelatedField(
        slug_field="slug", queryset=Commitment.objects.all(), help_text="Slug of the commitment."
    )
    article = serializers.PrimaryKeyRelatedField(queryset=Article.objects.all(), help_text="Id of the article.")

    class Meta:
        model = ArticleLink
        fields = ["commitment", "article", "relation", "excerpt", "note"]
        validators = []  # the pair check below says which link already exists

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        commitment = attrs.get("commitment", getattr(self.instance, "commitment", None))
        article = attrs.get("article", getattr(self.instance, "article", None))
        existing = ArticleLink.objects.filter(commitment=commitment, article=article)
        if self.instance is not None:
            existing = existing.exclude(pk=self.instance.pk)
        other = existing.first()
        if other is not None:
            raise serializers.ValidationError(
                {
                    "article": [
                        f"This article is already linked to this commitment: {api_url_of(self.context['request'], other)}"
                    ]
                }
            )
        return attrs

    def create(self, validated_data: dict[str, Any]) -> ArticleLink:
        return super().create({**validated_data, "added_by": self.context["request"].user})


def _answered_update(instance: StatusUpdate) -> StatusUpdate:
    """The update as written, with what its read shape needs (its correction, its evidence)."""
    from commitments.api.views import StatusUpdateViewSet

    return StatusUpdateViewSet.with_detail(StatusUpdate.objects.filter(pk=instance.pk)).get()


class StatusUpdateWriteSerializer(EditorWriteSerializer):
    """A new dated verdict, recorded as a draft by the status service: it counts once published."""

    read_serializer = StatusUpdateSerializer
    commitment = serializers.SlugRelatedField(
        slug_field="slug", queryset=Commitment.objects.all(), help_text="Slug of the commitment."
    )
    party = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Actor.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of one of the commitment's actors, to assess that party alone; leave out for the "
        "commitment as a whole.",
    )
    status = serializers.ChoiceField(choices=Status.choices)
    evidence = serializers.PrimaryKeyRelatedField(
        queryset=Article.objects.all(),
        many=True,
        required=False,
        help_text="Ids of articles backing the verdict. A rated verdict cannot be published without one.",
    )
    corrects = serializers.PrimaryKeyRelatedField(
        queryset=StatusUpdate.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the published update (same commitment, same party) this one corrects. Once this one "
        "is published, that one no longer counts, whatever the dates.",
    )

    class Meta:
        model = StatusUpdate
        fields = ["commitment", "party", "status", "as_of", "rationale", "evidence", "corrects"]

    def create(self, validated_data: dict[str, Any]) -> StatusUpdate:
        try:
            return record_status_update(
                commitment=validated_data["commitment"],
                status=validated_data["status"],
                as_of=validated_data["as_of"],
                rationale=validated_data["rationale"],
                articles=validated_data.get("evidence", ()),
                author=self.context["request"].user,
                party=validated_data.get("party"),
                corrects=validated_data.get("corrects"),
            )
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from None

    def to_representation(self, instance: StatusUpdate):
        return super().to_representation(_answered_update(instance))


UPDATE_CONTENT_REFUSED = (
    "A recorded status update is not rewritten: delete the draft and record it again, or, once it is "
    "published, record an update that corrects it."
)


class StatusUpdateMoveSerializer(EditorWriteSerializer):
    """PATCH of a status update: its publication state only, under the workflow's rules."""

    read_serializer = StatusUpdateSerializer
    refused_fields = dict.fromkeys(
        ["commitment", "party", "status", "as_of", "rationale", "evidence", "corrects"], UPDATE_CONTENT_REFUSED
    )
    state = serializers.ChoiceField(
        choices=PublicationState.choices,
        help_text="draft → review → published, and back to draft. Publishing and unpublishing need the permission "
        "to publish status updates and, to publish, a publisher who is not its author (four eyes); a rated "
        "verdict is published only with evidence.",
    )

    class Meta:
        model = StatusUpdate
        fields = ["state"]

    def update(self, instance: StatusUpdate, validated_data: dict[str, Any]) -> StatusUpdate:
        state = validated_data["state"]
        if state == instance.state:
            return instance
        try:
            change_state(obj=instance, state=state, user=self.context["request"].user, reason="changed through the API")
        except DjangoValidationError as exc:
            raise as_drf_error(exc) from None
        return instance

    def to_representation(self, instance: StatusUpdate):
        return super().to_representation(_answered_update(instance))


# --- Shapes of /api/v1/stats/ (documentation only: the data comes ready from stats.public_stats) ---

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

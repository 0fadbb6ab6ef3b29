"""The API's writes: what editors may send, validated and saved through the domain services.

Every create and update records its author (note_edit); publication moves go through
change_state; status updates are recorded as drafts by record_status_update. A refusal of the
services becomes a 400 (as_drf_error), never a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.utils import model_meta

from commitments.api import querysets
from commitments.api.serializers import (
    ArticleLinkSerializer,
    CommitmentDetailSerializer,
    StatementDetailSerializer,
    StatusUpdateSerializer,
    api_url_of,
)
from commitments.domain.services import change_state, note_edit, record_status_update
from commitments.lineage import lineage_problems
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)


@extend_schema_field(OpenApiTypes.URI)
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
    predecessor = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Commitment.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the earlier commitment this one restates, strengthens, weakens or replaces; null for none. "
        "Not itself, not one that follows from it, not one of a later statement.",
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
            "target_wording", "amount", "currency", "predecessor", "predecessor_relation", "state", "with_statement",
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
        fetched = querysets.commitment_detail(Commitment.objects.filter(pk=instance.pk)).get()
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
        # The lineage rules, said per field before anything is written (the save guard holds them too).
        probe = Commitment(
            pk=getattr(self.instance, "pk", None),
            statement=attrs.get("statement", getattr(self.instance, "statement", None)),
            predecessor=attrs.get("predecessor", getattr(self.instance, "predecessor", None)),
            predecessor_relation=attrs.get("predecessor_relation", getattr(self.instance, "predecessor_relation", "")),
        )
        problems = lineage_problems(probe)
        if problems:
            raise serializers.ValidationError(problems)
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
    return querysets.status_update_detail(StatusUpdate.objects.filter(pk=instance.pk)).get()


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

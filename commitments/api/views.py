"""API endpoints. Reads always start from the published-only querysets, for every user.

Writes (editors with model permissions) resolve records from the full tables, so an editor can
work on drafts; the answer to a write shows the record as written. Reading it back through the
API shows it only once it is published, exactly as the public sees it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag
from django.utils.http import parse_etags, quote_etag
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import SAFE_METHODS, AllowAny, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from commitments.api import compiled_lists, filters, querysets, representations, serializers, writes
from commitments.api.renderers import CSVRenderer, ORJSONRenderer
from commitments.api.stats import public_stats
from commitments.api.writes import as_drf_error
from commitments.domain import rows
from commitments.domain.services import delete_status_update
from commitments.infra.prepared import PreparedLookup
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
    published_commitment_count,
)
from tracker.errors import api_error

SLUG_PATTERN = "[-a-zA-Z0-9_]+"
# Ids above 18 digits cannot exist; refusing them in the URL spares the database an overflow.
ID_PATTERN = "[0-9]{1,18}"


def reject_nul_bytes(request) -> None:
    # PostgreSQL cannot hold NUL in text; such a parameter can only be a mistake or a probe.
    for name, values in request.query_params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise ValidationError({name: ["Query parameters cannot contain NUL bytes."]})


class ApiBehaviour:
    """What every endpoint shares: strict parameters, JSON errors, ETags on unchanged answers."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        reject_nul_bytes(request)
        filters.refuse_unknown_parameters(request.query_params, self.known_parameters())

    def known_parameters(self) -> set[str]:
        """The query parameters this request may carry: `format`, and on a list its filters and
        its paginator's parameters."""
        known = {"format"}
        if getattr(self, "action", None) == "list":
            filterset_class = getattr(self, "filterset_class", None)
            known |= set(filterset_class.base_filters) if filterset_class else set()
            paginator = getattr(self, "paginator", None)
            for attribute in ("page_query_param", "page_size_query_param", "cursor_query_param"):
                if getattr(paginator, attribute, None):
                    known.add(getattr(paginator, attribute))
        return known

    def handle_exception(self, exc):
        # A rule of the domain refused the write (a save guard, a service): bad input, so 400, never 500.
        if isinstance(exc, DjangoValidationError):
            exc = as_drf_error(exc)
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code >= 400 and isinstance(getattr(request, "accepted_renderer", None), CSVRenderer):
            # Errors stay JSON, so a spreadsheet download that fails says why.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = "application/json"
        patch_vary_headers(response, ["Accept"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response.render()
            set_response_etag(response)
            return get_conditional_response(request._request, etag=response["ETag"], response=response)
        return response


class ReadOpenModelPermissions(DjangoModelPermissionsOrAnonReadOnly):
    """As the project's default permission: reads for everyone, writes with the model permission.

    A read needs no permission whoever asks (reads only ever show published data), so it is
    answered before the parent builds the viewset's queryset just to learn its model.
    """

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def etag_of(data) -> str:
    """The ETag a JSON GET of `data` carries (ApiBehaviour: the hash of the rendered answer)."""
    content = ORJSONRenderer().render(data, "application/json", {})
    return quote_etag(hashlib.md5(content, usedforsecurity=False).hexdigest())


def if_match_passes(header: str, etag: str) -> bool:
    """RFC 9110 If-Match, strong comparison: "*" or one of the tags listed is the record's ETag."""
    tags = parse_etags(header)
    return "*" in tags or any(not tag.startswith("W/") and tag == etag for tag in tags)


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it."
    default_code = "precondition_failed"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class ConditionalWrites:
    """Creates and updates answer with the record's ETag; an update sent with If-Match applies only
    while the record still has that ETag (else 412, nothing changed), so a second editor cannot
    silently save over the first one's changes.

    The ETag is the one a JSON GET of the record's detail gives, whoever asks (reads are the same
    for everyone); for a draft, which no GET shows, it is the one the last write answered with.
    """

    def record_data(self, pk: int) -> dict:
        """The record's detail as a GET would show it, whatever its publication state."""
        raise NotImplementedError

    def record_etag(self, pk: int) -> str:
        return etag_of(self.record_data(pk))

    def perform_create(self, serializer) -> None:
        super().perform_create(serializer)
        self._written = serializer.instance

    def create(self, request, *args, **kwargs) -> Response:
        response = super().create(request, *args, **kwargs)
        response["ETag"] = self.record_etag(self._written.pk)
        return response

    def update(self, request, *args, **kwargs) -> Response:
        with transaction.atomic():
            instance = self.get_object()
            if "HTTP_IF_MATCH" in request.META:
                # Locked first, so no other write lands between the comparison and this one.
                list(type(instance)._default_manager.select_for_update().filter(pk=instance.pk).values_list("pk"))
                current = self.record_etag(instance.pk)
                if not if_match_passes(request.META["HTTP_IF_MATCH"], current):
                    raise PreconditionFailed(
                        "This record changed since the version you sent in If-Match (its ETag is now "
                        f"{current}): read it again, reapply your change and send the new ETag."
                    )
            response = super().update(request, *args, **kwargs)
        response["ETag"] = self.record_etag(instance.pk)
        return response


class ApiViewSet(ApiBehaviour, viewsets.GenericViewSet):
    permission_classes = [ReadOpenModelPermissions]
    serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def get_serializer_class(self):
        if self.request is not None and self.request.method not in SAFE_METHODS and self.write_serializer_class:
            return self.write_serializer_class
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def get_queryset(self) -> QuerySet:
        if self.request is not None and self.request.method not in SAFE_METHODS:
            return self.editable_queryset()
        if self.action == "retrieve":
            return self.detail_queryset()
        return self.public_queryset()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Filters are the lists' parameters (the schema documents them there); a detail address
        # names one record. Building the filter form for every detail also cost 3 ms. A list asked
        # with no parameter at all is left as it is too: each filter leaves the queryset unchanged
        # when its parameter is absent (tests/api/test_filters.py checks every FilterSet), and
        # building and validating the form was 1.3 ms of the default page.
        if self.action == "retrieve" or not self.request.query_params:
            return queryset
        return super().filter_queryset(queryset)

    def paginate_rows(self, request, rows: Callable[[QuerySet], QuerySet]) -> list:
        """The list's page, passed through `rows` (paginate_queryset's): read through the list's
        SQL compiled once for its address when it can be (compiled_lists.py)."""
        compiled, queryset = compiled_lists.lookup(
            self, request, lambda: self.filter_queryset(self.get_queryset()), rows
        )
        if compiled is not None:  # counted and sliced into rows as a queryset is
            return self.paginator.paginate_queryset(compiled, request, view=self)
        return self.paginator.paginate_queryset(queryset, request, view=self, rows=rows)

    def public_queryset(self) -> QuerySet:
        raise NotImplementedError

    def detail_queryset(self) -> QuerySet:
        return self.public_queryset()

    def editable_queryset(self) -> QuerySet:
        return self.public_queryset()


class PlainReads:
    """Lists and details whose JSON is built from plain rows (representations.py) instead of the
    serializer, which stays the definition of the shape (the schema, the writes' answers; the
    tests compare the two). `plain_rows(queryset)` gives the rows of the viewset's queryset,
    `plain_list(rows, request)` their JSON, `plain_detail(row, request)` a detail's (by default
    the list's of that one row)."""

    plain_rows: Callable[[QuerySet], QuerySet]
    plain_list: Callable[[list, object], list]
    plain_detail: Callable[[dict, object], dict] | None = None
    plain_detail_rows: Callable[[QuerySet], QuerySet] | None = None

    def list(self, request, *args, **kwargs) -> Response:
        page = self.paginate_rows(request, type(self).plain_rows)
        return self.get_paginated_response(type(self).plain_list(page, request))

    def retrieve(self, request, *args, **kwargs) -> Response:
        # No filters, as for every detail (filter_queryset). The record is read by a lookup of
        # the detail's queryset compiled once per process (infra.prepared): building and compiling
        # that queryset for each request was a third of a small detail's time.
        cls = type(self)
        value = kwargs[self.lookup_url_kwarg or self.lookup_field]
        found = cls._detail_lookup().dicts([value if self.lookup_field == "slug" else int(value)])
        if not found:
            raise Http404(f"No {cls.serializer_class.Meta.model._meta.object_name} matches the given query.")
        self.check_object_permissions(request, found[0])
        if cls.plain_detail is not None:
            return Response(cls.plain_detail(found[0], request))
        return Response(cls.plain_list(found, request)[0])

    @classmethod
    def _detail_lookup(cls) -> PreparedLookup:
        lookup = cls.__dict__.get("_prepared_detail")
        if lookup is None:
            to_rows = cls.plain_detail_rows or cls.plain_rows
            column, array = ("slug", "text") if cls.lookup_field == "slug" else ("id", "bigint")
            # The public queryset of a detail needs no request (only the writes' do).
            lookup = PreparedLookup(lambda of: to_rows(cls().detail_queryset()).filter(of(column, array)).order_by())
            cls._prepared_detail = lookup
        return lookup


class ThemeViewSet(PlainReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Themes commitments are tagged with. Every theme is public."""

    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    # Queries: the count, the page with the parent's slug; the published counts of every theme
    # (one lookup, kept under the data version).
    plain_rows, plain_list = representations.theme_rows, representations.themes

    def public_queryset(self) -> QuerySet:
        return Theme.objects.select_related("parent").order_by("name", "pk")


class ActorViewSet(PlainReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Countries, bodies, organisations and people who make or owe commitments. Every actor is public."""

    serializer_class = serializers.ActorSerializer
    filterset_class = filters.ActorFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    # As the themes: the page, then the published counts of every actor.
    plain_rows, plain_list = representations.actor_rows, representations.actors

    def public_queryset(self) -> QuerySet:
        return Actor.objects.select_related("parent").order_by("name", "pk")


class ArticleViewSet(PlainReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Source articles, only those that report or evidence something published."""

    serializer_class = serializers.ArticleSerializer
    filterset_class = filters.ArticleFilter
    lookup_value_regex = ID_PATTERN
    plain_rows, plain_list = representations.article_rows, representations.articles

    def public_queryset(self) -> QuerySet:
        return Article.objects.public().order_by("-published_on", "-pk")


class StatementViewSet(
    PlainReads,
    ConditionalWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Published statements. Editors create and update statements (drafts included)."""

    serializer_class = serializers.StatementSerializer
    detail_serializer_class = serializers.StatementDetailSerializer
    write_serializer_class = writes.StatementWriteSerializer
    filterset_class = filters.StatementFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    # Queries: the count; the page with its published counts; its parties. A detail: the
    # statement; its parties, articles and published commitments.
    plain_rows, plain_list = representations.statement_rows, representations.statements
    plain_detail_rows, plain_detail = representations.statement_detail_rows, representations.statement_detail

    @staticmethod
    def with_list(statements: QuerySet[Statement]) -> QuerySet[Statement]:
        return (
            statements.prefetch_related("parties")
            .annotate(commitment_count=published_commitment_count())
            .order_by("-made_on", "title", "pk")
        )

    @classmethod
    def with_detail(cls, statements: QuerySet[Statement]) -> QuerySet[Statement]:
        return cls.with_list(statements).prefetch_related(
            Prefetch("articles", Article.objects.only(*representations.ARTICLE_REF_COLUMNS)),
            Prefetch(
                "commitments",
                Commitment.objects.published()
                .order_by("pk")
                .only(*representations.COMMITMENT_REF_COLUMNS, "statement_id"),
            ),
        )

    def public_queryset(self) -> QuerySet:
        return self.with_list(Statement.objects.published())

    def detail_queryset(self) -> QuerySet:
        return self.with_detail(Statement.objects.published())

    def editable_queryset(self) -> QuerySet:
        return Statement.objects.all()

    def record_data(self, pk: int) -> dict:
        statement = self.with_detail(Statement.objects.filter(pk=pk)).get()
        return serializers.StatementDetailSerializer(statement, context=self.get_serializer_context()).data


class CommitmentViewSet(
    PlainReads,
    ConditionalWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Published commitments of published statements, with status, score, themes and actors."""

    serializer_class = serializers.CommitmentSerializer
    detail_serializer_class = serializers.CommitmentDetailSerializer
    write_serializer_class = writes.CommitmentWriteSerializer
    filterset_class = filters.CommitmentFilter
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    with_list = staticmethod(querysets.commitment_list)
    with_detail = staticmethod(querysets.commitment_detail)

    def public_queryset(self) -> QuerySet:
        return self.with_list(Commitment.objects.published())

    def detail_queryset(self) -> QuerySet:
        return self.with_detail(Commitment.objects.published())

    def editable_queryset(self) -> QuerySet:
        return Commitment.objects.all()

    def record_data(self, pk: int) -> dict:
        row = representations.commitment_rows(Commitment.objects.filter(pk=pk)).get()
        return representations.commitment_detail(row, self.request)

    # Reads build their JSON from plain rows (representations.py): the same shape as the
    # serializers, in the same queries, without a model instance and field objects per value.

    # The CSV has the downloads' columns, written by the same writer (renderers.CSVRenderer).
    record_columns = rows.RECORD_COLUMNS
    # A detail (PlainReads.retrieve): the commitment with its statement; themes; actors; party
    # statuses; published updates; their evidence; links with their articles.
    plain_rows, plain_list = representations.commitment_rows, representations.commitments
    plain_detail = representations.commitment_detail

    def list(self, request, *args, **kwargs) -> Response:
        # Queries: the count; the page with its statements; the page's themes; its actors; its
        # parties' statuses; its verdicts in force; their evidence. The same for the CSV.
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        origin = request.build_absolute_uri("/")[:-1]
        page = self.paginator.paginate_queryset(
            queryset, request, view=self, rows=lambda page: rows.records(page, origin)
        )
        return self.get_paginated_response(page)


class StatusUpdatePermissions(ReadOpenModelPermissions):
    """Deleting a draft is its author's or a publisher's (delete_status_update decides who): anyone
    who may record updates may ask; others are refused before anything is looked up."""

    def has_permission(self, request, view) -> bool:
        if request.method == "DELETE":
            user = request.user
            return bool(
                user
                and user.is_authenticated
                and (user.has_perm("commitments.add_statusupdate") or user.has_perm("commitments.delete_statusupdate"))
            )
        return super().has_permission(request, view)


PUBLISHED_NEVER_DELETED = (
    "A published status update is never deleted: record a correction instead "
    '(POST /api/v1/status-updates/ with "corrects": {id}).'
)


class StatusUpdateViewSet(
    ConditionalWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    """Dated verdicts on published commitments, published ones only. Editors record drafts, move
    them through review (PATCH of `state`) and delete drafts; a published one is corrected, never
    deleted or rewritten."""

    serializer_class = serializers.StatusUpdateSerializer
    write_serializer_class = writes.StatusUpdateWriteSerializer
    move_serializer_class = writes.StatusUpdateMoveSerializer
    permission_classes = [StatusUpdatePermissions]
    filterset_class = filters.StatusUpdateFilter
    lookup_value_regex = ID_PATTERN
    # PATCH moves the state; there is no whole-record replacement.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    with_detail = staticmethod(querysets.status_update_detail)

    def get_serializer_class(self):
        if self.request is not None and self.request.method == "PATCH":
            return self.move_serializer_class
        return super().get_serializer_class()

    def public_queryset(self) -> QuerySet:
        return self.with_detail(StatusUpdate.objects.published())

    def editable_queryset(self) -> QuerySet:
        return StatusUpdate.objects.all()

    def record_data(self, pk: int) -> dict:
        update = self.with_detail(StatusUpdate.objects.filter(pk=pk)).get()
        return serializers.StatusUpdateSerializer(update, context=self.get_serializer_context()).data

    def list(self, request, *args, **kwargs) -> Response:
        # Queries: the count; the page with its commitments, parties and corrections; their
        # evidence. Plain rows, as for commitments.
        page = self.paginate_rows(request, representations.update_rows)
        return self.get_paginated_response(representations.status_updates(page, request))

    def perform_destroy(self, instance: StatusUpdate) -> None:
        if instance.state == PublicationState.PUBLISHED:
            raise Conflict(PUBLISHED_NEVER_DELETED.format(id=instance.pk))
        delete_status_update(update=instance, user=self.request.user)


class QuoteViewSet(PlainReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Quotes attached to published statements or commitments."""

    serializer_class = serializers.QuoteSerializer
    filterset_class = filters.QuoteFilter
    lookup_value_regex = ID_PATTERN
    # Queries: the count; the page with its speakers; its public articles, published statements
    # and published commitments.
    plain_rows, plain_list = representations.quote_rows, representations.quotes

    def public_queryset(self) -> QuerySet:
        # A quote may also point at unpublished records: representations.quotes reads only the
        # public ones. (Built with their prefetches, this queryset cost 5 ms a request to discard.)
        return Quote.objects.published().order_by("-created_at", "-pk")


class ArticleLinkViewSet(
    PlainReads,
    ConditionalWrites,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ApiViewSet,
):
    """Editors' links from articles to published commitments, with the passage that matters."""

    serializer_class = serializers.ArticleLinkSerializer
    write_serializer_class = writes.ArticleLinkWriteSerializer
    filterset_class = filters.ArticleLinkFilter
    lookup_value_regex = ID_PATTERN
    # Queries: the count; the page with its commitments and articles.
    plain_rows, plain_list = representations.article_link_rows, representations.article_links

    def public_queryset(self) -> QuerySet:
        return (
            ArticleLink.objects.filter(commitment__in=Commitment.objects.published())
            .select_related("commitment", "article")
            .order_by("-created_at", "-pk")
        )

    def editable_queryset(self) -> QuerySet:
        return ArticleLink.objects.all()

    def record_data(self, pk: int) -> dict:
        link = ArticleLink.objects.select_related("commitment", "article").get(pk=pk)
        return serializers.ArticleLinkSerializer(link, context=self.get_serializer_context()).data


class StatsView(ApiBehaviour, APIView):
    """The dashboard's aggregates over published commitments."""

    permission_classes = [AllowAny]  # read-only: it only answers GET

    @extend_schema(responses=serializers.StatsSerializer)
    def get(self, request) -> Response:
        return Response(public_stats())


class IndexView(ApiBehaviour, APIView):
    """/api/v1/: every resource and the documentation, with their addresses, for clients to start from."""

    permission_classes = [AllowAny]  # read-only: it only answers GET
    # (name, URL name) pairs, given by commitments/api/urls.py from its router.
    routes: tuple[tuple[str, str], ...] = ()

    @extend_schema(
        responses=OpenApiResponse(
            {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
            description="Each resource's name with its address: the lists, stats, the schema and these docs.",
            examples=[
                OpenApiExample(
                    "index",
                    {
                        "themes": "https://tracker.example/api/v1/themes/",
                        "schema": "https://tracker.example/api/v1/schema/",
                    },
                )
            ],
        )
    )
    def get(self, request) -> Response:
        return Response({name: reverse(f"api:{url_name}", request=request) for name, url_name in self.routes})


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under the API: a JSON 404 like the rest of the API, not the site's HTML page."""
    return api_error(404, "Not found.")

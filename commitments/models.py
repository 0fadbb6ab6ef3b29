"""The tracker's domain: who committed to what, in which statement, and how it is going."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from commitments.fielderrors import FieldErrorsMixin
from commitments.infra.paths import detail_path
from commitments.lineage import LineageFields, Relation
from commitments.status import (  # noqa: F401 (the vocabulary is also read from here)
    SETTLED_STATUSES,
    STATUS_DEFINITIONS,
    STATUS_LABELS,
    STATUS_SCORES,
    Status,
    is_overdue,
    overdue_condition,
    score_expression,
)
from commitments.text import content_hash, split_terms, unique_slug


class Timestamped(FieldErrorsMixin, models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Indexed for `changed_since`, the API's incremental-sync filter.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class SluggedModel(Timestamped):
    """A model whose slug is filled from its name or title when left empty, then never changes."""

    slug_source = "name"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(type(self), getattr(self, self.slug_source), exclude_pk=self.pk)
        super().save(*args, **kwargs)


class PublicationState(models.TextChoices):
    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


class Theme(SluggedModel):
    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in page and API addresses. Do not change once published."
    )
    description = models.TextField(blank=True, help_text="One or two sentences shown on the theme's page.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="Optional broader theme, e.g. Cyber under Defence.",
    )
    keywords = models.TextField(
        blank=True,
        help_text="Words and phrases that suggest this theme when an article is imported; one per line or comma-separated.",
    )
    history = HistoricalRecords()

    class Meta:
        # By id after the name, so records sharing a name keep one order everywhere (the API's
        # serializers and its row-built lists give the same JSON).
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_path("commitments:theme-detail", slug=self.slug)

    @property
    def keyword_list(self) -> list[str]:
        return split_terms(self.keywords)


class Actor(SluggedModel):
    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        GOVERNMENT_BODY = "government_body", "Government body"
        INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
        PERSON = "person", "Person"

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in page and API addresses. Do not change once published."
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The body this actor belongs to: Home Office → United Kingdom; Priti Patel → Home Office.",
    )
    role = models.CharField(
        max_length=200, blank=True, help_text="Title at the time of the record, e.g. Home Secretary."
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other names used in articles (U.S., US, America); one per line or comma-separated. Used by the import to recognise the actor.",
    )
    history = HistoricalRecords()

    class Meta:
        # By id after the name, so records sharing a name keep one order everywhere (the API's
        # serializers and its row-built lists give the same JSON).
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return detail_path("commitments:actor-detail", slug=self.slug)

    @property
    def alias_list(self) -> list[str]:
        return split_terms(self.aliases)


class EachRowExists(Exists):
    """EXISTS, tested for each row the query reads.

    Given EXISTS tests joined by OR, PostgreSQL first hashes every row each subquery could match
    (all 244,000 articles linked to a published commitment at 100,000 commitments) before it
    reads the first page's fifty rows: 100-200 ms for the API's first page of articles, against
    6 ms tested row by row (a count, reading every row, costs the same either way). OFFSET 0
    keeps the subquery from being turned into the hashed form; SQLite reads it as written.
    """

    template = "EXISTS(%(subquery)s OFFSET 0)"


class ArticleQuerySet(models.QuerySet):
    def public(self) -> ArticleQuerySet:
        """Articles that evidence or report something the public can see.

        Each reason is an EXISTS test rather than a join: joined, an article came out once per
        record citing it and needed DISTINCT over whole rows, bodies included, which took 1.8 s
        for the first page of the API's articles at 300,000 articles (bench/README.md). Each is
        tested row by row (EachRowExists).
        """
        published_commitments = Commitment.objects.published()
        linked = ArticleLink.objects.filter(article=OuterRef("pk"), commitment__in=published_commitments)
        evidence = StatusUpdate.evidence.through.objects.filter(
            article=OuterRef("pk"), statusupdate__commitment__in=published_commitments
        )
        reported = Statement.articles.through.objects.filter(
            article=OuterRef("pk"), statement__in=Statement.objects.published()
        )
        return self.filter(EachRowExists(linked) | EachRowExists(evidence) | EachRowExists(reported))


class Article(Timestamped):
    class Kind(models.TextChoices):
        NEWS = "news", "News report"
        OFFICIAL_RELEASE = "official_release", "Official release"
        REPORT = "report", "Report"
        TRANSCRIPT = "transcript", "Transcript"

    class DateSource(models.TextChoices):
        UNKNOWN = "unknown", "Unknown"
        DOCUMENT = "document", "Stated in the document"
        EDITOR = "editor", "Entered by an analyst"
        INFERRED = "inferred", "Inferred from the text"

    title = models.CharField(max_length=400)
    url = models.URLField(
        max_length=600, blank=True, help_text="The article's canonical address. Two articles cannot share one."
    )
    publisher = models.CharField(max_length=200, blank=True)
    author = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.NEWS)
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the article was published. A date printed in a copied page's header is usually the day it was retrieved, not this.",
    )
    published_on_source = models.CharField(
        max_length=16,
        choices=DateSource.choices,
        default=DateSource.UNKNOWN,
        help_text="Where the publication date comes from.",
    )
    retrieved_on = models.DateField(null=True, blank=True, help_text="When the copy we hold was taken.")
    summary = models.TextField(blank=True, help_text="One line in your own words: what the article says.")
    body = models.TextField(
        blank=True, help_text="The article's text without page furniture (menus, author boxes, adverts)."
    )
    raw_text = models.TextField(blank=True, help_text="The text exactly as received, kept for provenance.")
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="SHA-256 of the cleaned body; stops the same article being imported twice.",
    )
    history = HistoricalRecords(excluded_fields=["raw_text"])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [
            # The default order of the articles list (API /api/v1/articles/, admin): newest first
            # without sorting 300,000 rows for each page.
            models.Index(fields=["-published_on", "-id"], name="article_recent_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["url"], condition=~Q(url=""), name="article_url_unique_when_present"),
            models.UniqueConstraint(
                fields=["content_hash"], condition=~Q(content_hash=""), name="article_content_hash_unique_when_present"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.content_hash = content_hash(self.body) if self.body.strip() else ""
        super().save(*args, **kwargs)


class StatementQuerySet(models.QuerySet):
    def published(self) -> StatementQuerySet:
        return self.filter(state=PublicationState.PUBLISHED)


class Statement(SluggedModel):
    class Kind(models.TextChoices):
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        COMMUNIQUE = "communique", "Communiqué"
        DECLARATION = "declaration", "Declaration"
        SPEECH = "speech", "Speech"
        PRESS_RELEASE = "press_release", "Press release"
        AGREEMENT = "agreement", "Agreement"

    slug_source = "title"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in page and API addresses. Do not change once published."
    )
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.JOINT_STATEMENT)
    made_on = models.DateField(help_text="The day the statement was made, not the day an article reported it.")
    place = models.CharField(max_length=200, blank=True, help_text="E.g. Carbis Bay, Cornwall, United Kingdom.")
    event = models.CharField(max_length=200, blank=True, help_text="E.g. G7 summit 2021.")
    parties = models.ManyToManyField(Actor, blank=True, related_name="statements", help_text="Who made the statement.")
    summary = models.TextField(blank=True, help_text="Plain-language summary for readers.")
    source_text = models.TextField(blank=True, help_text="The statement's own text, where we hold it.")
    articles = models.ManyToManyField(
        Article, blank=True, related_name="statements", help_text="Articles that report the statement."
    )
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Who last changed the content (not the publication state): with created_by, the record's
    # authors, none of whom may publish it (commitments.domain.services, four eyes).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-made_on", "title"]
        indexes = [
            # Newest statements first: the statements list, the dashboard's latest statements, and
            # the default order of every commitments list (by statement date), read in index order.
            models.Index(fields=["-made_on", "title"], name="statement_made_on_idx"),
            # Ids of published statements, read without the table: every published-commitments
            # query (Commitment.objects.published()) joins them, and the counts of the API list,
            # the /commitments/ page and search hash them (11 ms instead of 15 ms at 100,000).
            models.Index(fields=["id"], condition=Q(state=PublicationState.PUBLISHED), name="statement_published_idx"),
        ]
        permissions = [("publish_statement", "Can publish and unpublish statements")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_path("commitments:statement-detail", slug=self.slug)


class CommitmentQuerySet(models.QuerySet):
    def published(self) -> CommitmentQuerySet:
        return self.filter(state=PublicationState.PUBLISHED, statement__state=PublicationState.PUBLISHED)

    def overdue(self, today: datetime.date | None = None) -> CommitmentQuerySet:
        # Used by the overdue filters of the list page, the API and the admin.
        return self.filter(overdue_condition(today))

    def not_overdue(self, today: datetime.date | None = None) -> CommitmentQuerySet:
        # exclude() keeps the commitments without a target date, which filter(~…) would drop.
        return self.exclude(overdue_condition(today))

    def with_score(self) -> CommitmentQuerySet:
        return self.annotate(score_value=score_expression())


class Commitment(LineageFields, SluggedModel):
    Status = Status
    State = PublicationState
    Relation = Relation  # of its predecessor (commitments/lineage.py, with the lineage fields)

    slug_source = "title"

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="commitments")
    title = models.CharField(
        max_length=300, help_text="A short headline for the pledge, e.g. Increase NATO common funding."
    )
    slug = models.SlugField(
        max_length=80, unique=True, help_text="Used in page and API addresses. Do not change once published."
    )
    wording = models.TextField(help_text="The pledge exactly as worded in the source, without paraphrase.")
    summary = models.TextField(blank=True, help_text="What it means, in plain language for readers.")
    actors = models.ManyToManyField(Actor, blank=True, related_name="commitments", help_text="Who owes the commitment.")
    themes = models.ManyToManyField(Theme, blank=True, related_name="commitments")
    target_date = models.DateField(
        null=True, blank=True, help_text="The deadline, if the source gives one or implies one."
    )
    target_wording = models.CharField(
        max_length=200, blank=True, help_text='The deadline as worded, e.g. "over the next four years".'
    )
    amount = models.DecimalField(
        max_digits=20, decimal_places=2, null=True, blank=True, help_text="Money pledged, if any."
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217 code, e.g. GBP. Required with an amount.")
    # Kept equal to the deciding whole-commitment update (latest_status()) by
    # commitments.domain.services.sync_status only.
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.NOT_RATED, editable=False, db_index=True
    )
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Who last changed the content (not the publication state): with created_by, the record's
    # authors, none of whom may publish it (commitments.domain.services, four eyes).
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["-statement__made_on", "id"]
        indexes = [
            # published(): the public subset of commitments with what the public queries need, so
            # pagination counts and the dashboard's totals by status read the index only, and the
            # status filter walks statements newest first and picks their matching commitments.
            models.Index(
                fields=["statement", "status"],
                condition=Q(state=PublicationState.PUBLISHED),
                name="commitment_published_idx",
            ),
            # A status filter's count (with a theme or an actor, or alone) from the index only: the
            # published commitments of one status in id order, merged with the link tables' index
            # by theme or actor in the same order (migration 0013), their statements joined by id.
            models.Index(
                fields=["status", "id", "statement"],
                condition=Q(state=PublicationState.PUBLISHED),
                name="commitment_status_public_idx",
            ),
            # The overdue filter (target_date before today), due_before/due_after, and the
            # dashboard's "due soon" ordered by target date.
            models.Index(fields=["target_date"], name="commitment_target_date_idx"),
        ]
        permissions = [("publish_commitment", "Can publish and unpublish commitments")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | ~Q(currency=""), name="commitment_amount_needs_currency"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="commitment_status_valid"),
            # The reverse (a relation needs a predecessor) is the save guard's: a restore sets the
            # predecessors after inserting the rows.
            models.CheckConstraint(
                condition=Q(predecessor__isnull=True) | ~Q(predecessor_relation=""),
                name="commitment_predecessor_needs_relation",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return detail_path("commitments:commitment-detail", slug=self.slug)

    @property
    def score(self) -> int | None:
        return STATUS_SCORES[self.status]

    @property
    def status_definition(self) -> str:
        return STATUS_DEFINITIONS[self.status]

    @property
    def is_overdue(self) -> bool:
        return is_overdue(self.target_date, self.status)

    @property
    def amount_display(self) -> str:
        if self.amount is None:
            return ""
        amount = self.amount.quantize(Decimal(1)) if self.amount == self.amount.to_integral() else self.amount
        return f"{self.currency} {amount:,}"


# Among the updates that count, the latest decides: latest as_of, then latest recorded, then id.
LATEST_FIRST = ("-as_of", "-created_at", "-id")


def latest_status() -> Coalesce:
    """SQL for a commitment row: the status its deciding whole-commitment update gives it, or not
    rated. An update counts when it is published and no published update corrects it; one with a
    party assesses that party alone (StatusUpdate.party) and does not decide the overall status.

    The one statement of the rule: the status service keeps `Commitment.status` equal to it (and
    `StatusUpdate.is_current` on the deciding updates), the dataset restore and the demo data
    check against it.
    """
    latest = (
        StatusUpdate.objects.counting()
        .filter(commitment=OuterRef("pk"), party=None)
        .order_by(*LATEST_FIRST)
        .values("status")[:1]
    )
    return Coalesce(Subquery(latest), Value(Status.NOT_RATED))


def status_for_party(party, *, commitment=None, overall=None) -> Coalesce:
    """SQL: the status by which `party` is scored on a commitment: its own verdict in force where
    one exists, else the commitment's overall status.

    The one statement of the per-party rule, used by every actor scorecard (domain/stats.py).
    `party`, `commitment` and `overall` are expressions; by default the query is over commitments.
    """
    own = StatusUpdate.objects.filter(
        commitment=commitment if commitment is not None else OuterRef("pk"), party=party, is_current=True
    ).values("status")[:1]
    return Coalesce(Subquery(own), overall if overall is not None else models.F("status"))


def latest_in(updates: Iterable[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """latest_status()'s rule in Python, for whole-commitment updates not saved yet and never
    corrected: the deciding one of dicts with "status", "as_of", "created_at" and optionally
    "state" (published when absent), in the order they would be saved (the last saved wins a tie,
    as its id would); None when none counts."""
    counting = [u for u in updates if u.get("state", PublicationState.PUBLISHED) == PublicationState.PUBLISHED]
    latest = max(enumerate(counting), key=lambda pair: (pair[1]["as_of"], pair[1]["created_at"], pair[0]), default=None)
    return latest[1] if latest else None


def latest_status_in(updates: Iterable[Mapping[str, Any]]) -> str:
    """The status latest_in() gives, or not rated."""
    latest = latest_in(updates)
    return latest["status"] if latest else Status.NOT_RATED


# A rated verdict must rest on evidence to be published; "not started" needs a rationale only.
RATED_STATUSES = (
    Status.IN_PROGRESS,
    Status.STALLED,
    Status.PARTIALLY_MET,
    Status.MET,
    Status.BROKEN,
)


class StatusUpdateQuerySet(models.QuerySet):
    def published(self) -> StatusUpdateQuerySet:
        """Updates the public may see: published, on a published commitment. Corrected ones
        included (timelines show them as corrected); see counting() for those that decide."""
        return self.filter(state=PublicationState.PUBLISHED, commitment__in=Commitment.objects.published())

    def counting(self) -> StatusUpdateQuerySet:
        """Published updates that no published update corrects: the ones a status can rest on."""
        corrected = StatusUpdate.objects.filter(corrects=OuterRef("pk"), state=PublicationState.PUBLISHED)
        return self.filter(state=PublicationState.PUBLISHED).exclude(Exists(corrected))

    def party_verdicts(self) -> StatusUpdateQuerySet:
        """Each party's own verdict in force (is_current, kept by the status service), with its
        party: the party statuses of the downloads and the API."""
        return self.filter(is_current=True, party__isnull=False, state=PublicationState.PUBLISHED).select_related(
            "party"
        )


class StatusUpdate(FieldErrorsMixin, models.Model):
    """One dated verdict on a commitment, or on one of its parties.

    Reviewed like statements and commitments (draft → review → published); only published updates
    count for anything public. A published update is never deleted: a new update that `corrects`
    it takes its place once published, and the corrected one stays in the timeline as corrected.
    """

    State = PublicationState

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    party = models.ForeignKey(
        Actor,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_updates",
        help_text="Leave empty for a verdict on the commitment as a whole; name a party to assess that party alone.",
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    as_of = models.DateField(
        help_text="The day the verdict holds from: when the thing happened, not when you recorded it. Not after today, not before the statement."
    )
    rationale = models.TextField(
        help_text="Why this status, in a few sentences readers can check against the evidence."
    )
    evidence = models.ManyToManyField(
        Article, blank=True, related_name="evidence_for", help_text="Articles that back the verdict."
    )
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrections",
        help_text="The published update this one corrects. Once this one is published, that one no longer counts, whatever its date.",
    )
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    state_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # Who recorded it; with last_edited_by, its authors (four eyes).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    # True on the updates that decide a status now: the commitment's overall one and each
    # party's own. Kept by commitments.domain.services.sync_status only; read by the party
    # statuses of the API and pages and by the actors' scorecards.
    is_current = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = list(LATEST_FIRST)
        indexes = [
            models.Index(fields=["commitment", "-as_of", "-created_at"], name="statusupdate_latest_idx"),
            # Newest updates across all commitments: /api/v1/status-updates/, the Atom feeds and the
            # dashboard's recent updates read 50 rows in index order instead of sorting a million.
            models.Index(fields=["-as_of", "-created_at", "-id"], name="statusupdate_recent_idx"),
            # Party verdicts in force: the party statuses of a page of commitments and the actors'
            # scorecards (domain/stats.py) look them up by commitment and party.
            models.Index(
                fields=["commitment", "party"],
                condition=Q(is_current=True, party__isnull=False),
                name="statusupdate_party_current_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="statusupdate_status_valid"),
            models.CheckConstraint(condition=~Q(corrects=models.F("pk")), name="statusupdate_not_its_own_correction"),
        ]
        permissions = [("publish_statusupdate", "Can publish and unpublish status updates")]

    def __str__(self) -> str:
        whose = f" ({self.party})" if self.party_id else ""
        return f"{self.commitment}{whose}: {self.get_status_display()} as of {self.as_of:%Y-%m-%d}"

    @property
    def score(self) -> int | None:
        return STATUS_SCORES[self.status]


class ArticleLink(FieldErrorsMixin, models.Model):
    class Relation(models.TextChoices):
        REPORTS = "reports", "Reports the commitment"
        PROGRESS = "progress", "Shows progress"
        SETBACK = "setback", "Shows a setback"
        CONTEXT = "context", "Gives context"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="links")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(max_length=16, choices=Relation.choices, default=Relation.REPORTS)
    excerpt = models.TextField(blank=True, help_text="The passage of the article that matters here, quoted exactly.")
    note = models.TextField(blank=True, help_text="Your comment for readers, if any.")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["commitment", "-created_at"]
        # The API's article links, newest first, without sorting 300,000 links for each page.
        indexes = [models.Index(fields=["-created_at", "-id"], name="articlelink_recent_idx")]
        constraints = [models.UniqueConstraint(fields=["commitment", "article"], name="articlelink_unique_per_pair")]

    def __str__(self) -> str:
        return f"{self.article} → {self.commitment} ({self.get_relation_display()})"


class QuoteQuerySet(models.QuerySet):
    def published(self) -> QuoteQuerySet:
        """Quotes attached to a published statement or a published commitment.

        The commitments are an EXISTS test, not a join, for the reason given in
        ArticleQuerySet.public: no duplicate rows, so no DISTINCT over whole rows.
        """
        on_commitment = Quote.commitments.through.objects.filter(
            quote=OuterRef("pk"), commitment__in=Commitment.objects.published()
        )
        return self.filter(Q(statement__in=Statement.objects.published()) | EachRowExists(on_commitment))


class Quote(Timestamped):
    speaker = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="quotes")
    text = models.TextField(help_text="The words exactly as quoted, without the quotation marks.")
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="quotes")
    history = HistoricalRecords()

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["-created_at", "-id"], name="quote_recent_idx")]  # as the links'

    def __str__(self) -> str:
        words = self.text.split()
        short = " ".join(words[:12]) + ("…" if len(words) > 12 else "")
        return f"{self.speaker}: “{short}”"


def published_commitment_count(relation: str = "statement") -> Coalesce:
    """An annotation: how many published commitments each row has, through the commitments' field
    `relation` ("statement", "themes" or "actors").

    A correlated subquery rather than a joined Count: PostgreSQL then counts only for the rows of
    the page being shown, not for every statement, theme or actor before the page is cut
    (the API's statements: 190 ms at 100,000 commitments before, see bench/README.md).
    """
    counted = (
        Commitment.objects.published()
        .filter(**{relation: OuterRef("pk")})
        .order_by()
        .values(relation)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), Value(0))


from commitments.submissions import ReaderSubmission  # noqa: E402, F401 (registered with the app's models)

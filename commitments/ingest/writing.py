"""The import service: one article in, drafts for review out, in one transaction."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from ..domain.services import change_state, note_edit
from ..models import Actor, Article, ArticleLink, Commitment, PublicationState, Quote, Statement, Theme, content_hash
from .analysis import Analysis, analyse
from .lineage import suggest_predecessor
from .metadata import Metadata
from .reading import ANALYSIS_SECONDS_PER_MB, WRITE_SECONDS_PER_CANDIDATE, Budget, ImportRefused, read_input
from .related import related_matches
from .vocabulary import Vocabulary, parties_for


@dataclass
class ImportResult:
    article: dict
    metadata: dict
    statement: dict | None
    candidates: list[dict]
    quotes: list[dict]
    related_commitments: list[dict]
    notes: list[str]
    # (reason, text) of every line the cleaning dropped: nothing leaves the article unannounced.
    removed: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict:
        return {
            "dry_run": self.dry_run,
            "article": self.article,
            "metadata": self.metadata,
            "statement": self.statement,
            "candidates": self.candidates,
            "quotes": self.quotes,
            "related_commitments": self.related_commitments,
            "notes": self.notes,
            "removed": self.removed,
        }


def find_duplicate(*, body_hash: str, url: str) -> Article | None:
    lookup = Q(content_hash=body_hash)
    if url:
        lookup |= Q(url=url)
    return Article.objects.filter(lookup).order_by("pk").first()


def duplicate_message(existing: Article) -> str:
    admin_url = reverse("admin:commitments_article_change", args=[existing.pk])
    return f"Already imported: article {existing.pk}, “{existing.title}” ({admin_url})."


def statement_kind(body: str) -> str:
    lowered = body.lower()
    for phrase, kind in [
        ("joint statement", Statement.Kind.JOINT_STATEMENT),
        ("communiqué", Statement.Kind.COMMUNIQUE),
        ("communique", Statement.Kind.COMMUNIQUE),
        ("declaration", Statement.Kind.DECLARATION),
        ("speech", Statement.Kind.SPEECH),
        ("agreement", Statement.Kind.AGREEMENT),
    ]:
        if phrase in lowered:
            return kind
    return Statement.Kind.PRESS_RELEASE


def placeholder_title(article_title: str, made_on: datetime.date) -> str:
    """The draft statement's name until the analyst gives it its own: the article's title and the date."""
    return f"{article_title} (statement of {made_on.isoformat()})"[-300:]


def has_placeholder_title(statement: Statement, article: Article) -> bool:
    return statement.title == placeholder_title(article.title, statement.made_on)


def import_article(
    *,
    data: bytes | str,
    filename: str = "",
    url: str = "",
    publisher: str = "",
    published_on: datetime.date | None = None,
    statement_slug: str = "",
    user=None,
    dry_run: bool = False,
    time_budget: float | None = None,
) -> ImportResult:
    """Import one article as drafts for review, in one transaction. Raises ImportRefused, writing nothing.

    With `dry_run` everything is written and then rolled back, so the result shows exactly what
    an import would create, without ids. With `time_budget` (seconds; the admin's web request
    passes IMPORT_WEB_SECONDS) an article that would take longer is refused before anything is
    written: first by its size, then during the analysis, then by the number of drafts to write.
    """
    budget = Budget(time_budget) if time_budget else None
    url = (url or "").strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ImportRefused(f"{url!r} is not a web address (http:// or https://).") from None
    raw = read_input(data, filename=filename)
    if budget:
        budget.check(len(raw.encode("utf-8")) / (1024 * 1024) * ANALYSIS_SECONDS_PER_MB)
    statement = None
    if statement_slug:
        statement = Statement.objects.filter(slug=statement_slug).first()
        if statement is None:
            raise ImportRefused(f"No statement has the slug {statement_slug!r}.")
    analysis = analyse(
        raw,
        vocabulary=Vocabulary.from_db(),
        filename=filename,
        url=url,
        publisher=publisher,
        published_on=published_on,
        budget=budget,
    )
    if budget:
        budget.check(len(analysis.candidates) * WRITE_SECONDS_PER_CANDIDATE)
    with transaction.atomic():
        existing = find_duplicate(body_hash=content_hash(analysis.cleaned.body), url=url)
        if existing:
            raise ImportRefused(duplicate_message(existing))
        result = _write(analysis, url=url, statement=statement, user=user)
        if dry_run:
            transaction.set_rollback(True)
            result.dry_run = True
            _forget_ids(result)
    return result


def _dates_notes(metadata: Metadata) -> list[str]:
    notes = []
    if metadata.published_on.source == "missing":
        notes.append(
            f"Publication date unknown: {metadata.published_on.reason}."
            if metadata.published_on.reason
            else "Publication date unknown: the article states none; enter it on the article."
        )
    if metadata.title.source == "guessed":
        notes.append("No headline found; the title is the start of the first sentence.")
    return notes


def _write(analysis: Analysis, *, url: str, statement: Statement | None, user) -> ImportResult:
    cleaned, metadata = analysis.cleaned, analysis.metadata
    notes = _dates_notes(metadata)
    published_on = metadata.published_on.value
    date_source = {"given": Article.DateSource.EDITOR, "found": Article.DateSource.DOCUMENT}.get(
        metadata.published_on.source, Article.DateSource.UNKNOWN
    )
    article = Article(
        title=metadata.title.value or "Untitled article",
        url=url,
        publisher=metadata.publisher.value[:200],
        author=metadata.author.value[:200],
        published_on=published_on,
        published_on_source=date_source,
        retrieved_on=metadata.retrieved_on.value,
        body=cleaned.body,
        raw_text=analysis.raw,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        # Another import of the same article won the race between our check and this save.
        existing = find_duplicate(body_hash=content_hash(cleaned.body), url=url)
        raise ImportRefused(duplicate_message(existing) if existing else "Already imported.") from None

    created_statement = False
    if statement is None and analysis.candidates:
        made_on = published_on or timezone.localdate()
        if published_on and re.search(r"\byesterday\b", cleaned.paragraphs[0], re.I):
            made_on = published_on - datetime.timedelta(days=1)
        statement = Statement(
            title=placeholder_title(article.title, made_on),
            kind=statement_kind(cleaned.body),
            made_on=made_on,
            state=PublicationState.DRAFT,
        )
        note_edit(statement, user)  # the importing analyst is its author (four eyes)
        statement.save()
        statement.parties.set(Actor.objects.filter(slug__in=parties_for("", analysis.parties)))
        created_statement = True
        notes.append(
            f"The draft statement is named after the article: “{statement.title}”. Rename it after the statement "
            "itself (who made it, where) before submitting it for review."
        )
        if not published_on:
            notes.append("The draft statement's date is a placeholder (today): the article gives no date.")
    # Linking the article to a published statement would make it public before anyone reviewed it.
    reviewable = statement is not None and statement.state != PublicationState.PUBLISHED
    if reviewable:
        statement.articles.add(article)

    themes = {t.slug: t for t in Theme.objects.all()}
    actors = {a.slug: a for a in Actor.objects.all()}
    candidate_rows, commitments = [], {}
    for candidate in analysis.candidates:
        commitment = Commitment(
            statement=statement,
            title=candidate.title,
            wording=candidate.wording,
            target_wording=candidate.target_wording[:200],
            target_date=candidate.target_date,
            amount=candidate.amount,
            currency=candidate.currency if candidate.amount is not None else "",
            state=PublicationState.DRAFT,
        )
        note_edit(commitment, user)
        commitment.save()
        commitment.themes.set([themes[s] for s in candidate.themes])
        commitment.actors.set([actors[s] for s in candidate.actors])
        ArticleLink.objects.create(
            commitment=commitment,
            article=article,
            relation=ArticleLink.Relation.REPORTS,
            excerpt=candidate.wording,
            added_by=user,
        )
        commitments[id(candidate)] = commitment
        candidate_rows.append(
            {
                "text": candidate.wording,
                "title": commitment.title,
                "trigger": candidate.trigger,
                "themes": candidate.themes,
                "actors": candidate.actors,
                "theme_names": [themes[s].name for s in candidate.themes],
                "actor_names": [actors[s].name for s in candidate.actors],
                "target_wording": commitment.target_wording,
                "target_date": commitment.target_date.isoformat() if commitment.target_date else None,
                "amount": str(commitment.amount) if commitment.amount is not None else None,
                "currency": commitment.currency,
                "commitment_id": commitment.pk,
                "commitment_slug": commitment.slug,
                "predecessor": suggest_predecessor(
                    candidate.wording, before=statement.made_on, exclude_statement=statement.pk
                ),
            }
        )

    quote_rows = []
    for found in analysis.quotes:
        row = {
            "speaker": found.speaker_name,
            "speaker_slug": found.speaker or None,
            "text": found.text,
            "quote_id": None,
        }
        if found.speaker:
            quote = Quote.objects.create(
                speaker=actors[found.speaker],
                text=found.text,
                article=article,
                statement=statement if reviewable else None,
            )
            quote.commitments.set([commitments[id(c)] for c in analysis.candidates if c.quote is found])
            row["quote_id"] = quote.pk
        else:
            notes.append(
                f"Quote by {found.speaker_name} not saved: no actor has that name or alias; add the actor first."
            )
        quote_rows.append(row)

    related = [
        {
            "slug": match["commitment"].slug,
            "title": match["commitment"].title,
            "score": match["score"],
            "label": match["label"],
            "shared": match["shared"],
            "commitment_id": match["commitment"].pk,
        }
        for match in related_matches(cleaned.body)
    ]
    if not analysis.candidates:
        notes.append("No commitment sentences found: the article is kept as a source, and no statement was created.")

    return ImportResult(
        article={
            "id": article.pk,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "author": article.author,
            "published_on": published_on.isoformat() if published_on else None,
            "published_on_source": article.published_on_source,
            "retrieved_on": article.retrieved_on.isoformat() if article.retrieved_on else None,
            "content_hash": article.content_hash,
            "body": article.body,
        },
        metadata=metadata.as_dict(),
        statement=(
            {
                "id": statement.pk,
                "slug": statement.slug,
                "title": statement.title,
                "made_on": statement.made_on.isoformat(),
                "state": statement.state,
                "created": created_statement,
            }
            if statement
            else None
        ),
        candidates=candidate_rows,
        quotes=quote_rows,
        related_commitments=related,
        notes=notes,
        removed=[{"reason": reason, "text": text} for reason, text in cleaned.removed],
    )


def _forget_ids(result: ImportResult) -> None:
    """In a dry run nothing was kept, so no id in the result may point at a record."""
    result.article["id"] = None
    if result.statement and result.statement["created"]:
        result.statement["id"] = None
        result.statement["slug"] = None
    for row in result.candidates:
        row["commitment_id"] = None
        row["commitment_slug"] = None
    for row in result.quotes:
        row["quote_id"] = None


# --- After the import: the drafts of one import, handled together ---------------------------------


@dataclass
class ImportDrafts:
    """What one import left in draft: its commitments (linked as reported by the article) and their statement."""

    article: Article
    commitments: list[Commitment]
    statement: Statement | None
    article_deleted: bool = False

    @classmethod
    def of(cls, article: Article) -> ImportDrafts:
        commitments = list(
            Commitment.objects.filter(
                links__article=article,
                links__relation=ArticleLink.Relation.REPORTS,
                state=PublicationState.DRAFT,
            )
            .select_related("statement")
            .order_by("pk")
        )
        statements = {c.statement for c in commitments if c.statement.state == PublicationState.DRAFT}
        # One import writes one statement; drafts moved elsewhere since keep their own.
        statement = min(statements, key=lambda s: s.pk) if statements else None
        return cls(article, commitments, statement)


class DraftsRefused(Exception):
    """Why a step on the drafts of one import was refused, one reason per record; nothing was changed."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


def _reasons(error: ValidationError | PermissionDenied) -> list[str]:
    return error.messages if isinstance(error, ValidationError) else [str(error)]


def submit_import_for_review(*, article: Article, user) -> ImportDrafts:
    """Submit every draft of one import, and its draft statement, for review: all of them or none.

    Each move goes through `change_state`, with its permission and workflow checks; a statement
    still named after the article is refused until the analyst renames it.
    """
    drafts = ImportDrafts.of(article)
    if not drafts.commitments:
        raise DraftsRefused(["This import has no drafts left to submit."])
    reasons = []
    if drafts.statement and has_placeholder_title(drafts.statement, article):
        reasons.append(
            f"The statement “{drafts.statement.title}” still has the name the import gave it: rename it first."
        )
    with transaction.atomic():
        records = [*([drafts.statement] if drafts.statement else []), *drafts.commitments]
        for record in records:
            try:
                change_state(obj=record, state=PublicationState.REVIEW, user=user, reason="submitted with its import")
            except (ValidationError, PermissionDenied) as error:
                reasons += [f"“{record}”: {reason}" for reason in _reasons(error)]
        if reasons:
            transaction.set_rollback(True)
    if reasons:
        raise DraftsRefused(list(dict.fromkeys(reasons)))
    return drafts


def discard_import(*, article: Article, user) -> ImportDrafts:
    """Undo one import: delete its draft commitments, their quotes, the statement they leave empty, and
    the article when nothing else uses it (so it can be imported again).

    Only drafts are touched: nothing the public can see is deleted. A statement goes only when it is a
    draft the discarded commitments leave empty; an article only when no link, verdict, statement or
    quote still refers to it.
    """
    drafts = ImportDrafts.of(article)
    if not drafts.commitments:
        raise DraftsRefused(["This import has no drafts left to discard."])
    # Like a draft status update, the drafts of an import may go with the analyst who made them
    # (and no one else has edited since) or with someone allowed to delete commitments.
    own = all(c.created_by_id == user.pk and c.last_edited_by_id in (None, user.pk) for c in drafts.commitments)
    if not (own or user.has_perm("commitments.delete_commitment")):
        raise DraftsRefused(
            [
                "Only the analyst who imported these drafts (if no one else has edited them) or someone allowed to "
                "delete commitments may discard them."
            ]
        )
    with transaction.atomic():
        ids = [c.pk for c in drafts.commitments]
        quotes = Quote.objects.filter(article=article).filter(
            Q(commitments__in=ids) | Q(statement=drafts.statement, commitments=None)
            if drafts.statement
            else Q(commitments__in=ids)
        )
        for quote in quotes.distinct():
            quote.delete()
        for commitment in drafts.commitments:
            commitment.delete()
        statement = drafts.statement
        mine = statement and (statement.created_by_id == user.pk or user.has_perm("commitments.delete_statement"))
        if mine and not statement.commitments.exists():
            statement.delete()
        else:
            drafts.statement = None  # kept: it holds other commitments, or someone else made it
        unused = not (
            article.links.exists()
            or article.evidence_for.exists()
            or article.statements.exists()
            or article.quotes.exists()
        )
        if unused and (own or user.has_perm("commitments.delete_article")):
            article.delete()
            drafts.article_deleted = True
    return drafts

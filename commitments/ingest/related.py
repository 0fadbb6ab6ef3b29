"""Step 7: published commitments an article probably reports on, and linking one as evidence."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from ..domain.services import record_status_update
from ..models import Article, ArticleLink, Commitment
from .sentences import word_set

STOPWORDS = word_set(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only
    or other our ours out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while who whom why will
    with would you your said says say year years new one two also including across like well way make made
    within both us u.s u.k uk"""
)
RELATED_LIMIT = 5
# A related commitment must share this many distinct words with the article, so one common word
# ("cooperation") does not make every commitment related.
RELATED_MIN_SHARED = 3


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def content_words(text: str) -> list[str]:
    words = re.findall(r"[a-z][a-z'’-]+", text.lower())
    return [_stem(w) for w in words if w not in STOPWORDS and len(w) >= 3]


def key_terms(body: str, limit: int = 40) -> list[str]:
    """The article's most frequent content words, for the related-commitment search."""
    counts = Counter(re.findall(r"[a-z][a-z-]{2,}", body.lower()))
    return [w for w, _ in counts.most_common() if w not in STOPWORDS][:limit]


def related_commitments(body: str, *, exclude: Iterable[int] = (), limit: int = RELATED_LIMIT) -> list[tuple]:
    """Published commitments the article probably reports on, best first, as (commitment, score).

    PostgreSQL ranks with its full-text search over the article's key terms; SQLite scores the
    share of each commitment's words found in the article. Both drop chance matches on a word or two.
    """
    article_words = set(content_words(body))
    if not article_words:
        return []
    published = Commitment.objects.published().exclude(pk__in=list(exclude))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        from ..domain.search import SEARCH_CONFIG, SearchDocument

        terms = key_terms(body)
        if not terms:
            return []
        query = reduce(or_, (SearchQuery(t, config=SEARCH_CONFIG) for t in terms))
        ranked = (
            published.annotate(rank=SearchRank(SearchDocument(), query, normalization=32))
            .filter(rank__gt=0)
            .order_by("-rank", "id")[: limit * 4]
        )
        scored = [(c, float(c.rank)) for c in ranked]
    else:
        scored = []
        for commitment in published.only("id", "slug", "title", "wording", "summary"):
            words = set(content_words(f"{commitment.title} {commitment.wording} {commitment.summary}"))
            if words:
                scored.append((commitment, len(words & article_words) / len(words)))
        scored.sort(key=lambda pair: (-pair[1], pair[0].pk))
    related = []
    for commitment, score in scored:
        shared = set(content_words(f"{commitment.title} {commitment.wording}")) & article_words
        if len(shared) >= RELATED_MIN_SHARED and score > 0:
            related.append((commitment, round(score, 4)))
    return related[:limit]


@transaction.atomic
def link_related_commitment(
    *,
    article: Article,
    commitment: Commitment,
    relation: str = ArticleLink.Relation.PROGRESS,
    excerpt: str = "",
    status: str = "",
    as_of: datetime.date | None = None,
    rationale: str = "",
    user=None,
) -> ArticleLink:
    """Link an imported article to an existing commitment and, if a status is given, record it with the article as evidence."""
    if relation not in ArticleLink.Relation.values:
        raise ValidationError({"relation": f"Unknown relation {relation!r}."})
    existing = ArticleLink.objects.filter(article=article, commitment=commitment).first()
    if existing:
        raise ValidationError(f"“{article}” is already linked to “{commitment}” (link {existing.pk}).")
    link = ArticleLink.objects.create(
        article=article, commitment=commitment, relation=relation, excerpt=excerpt, added_by=user
    )
    if status:
        record_status_update(
            commitment=commitment, status=status, as_of=as_of, rationale=rationale, articles=[article], author=user
        )
    return link


# What the analyst sees instead of a score: a label and the words the two texts share. A strong
# match uses most of the commitment's own words; a possible one shares a few of them.
STRONG_MATCH_SHARE = 0.5
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")


def shared_terms(commitment: Commitment, article_words: set[str]) -> list[str]:
    """The commitment's words, as it writes them, that the article uses too (in the commitment's order)."""
    shared: dict[str, str] = {}
    for word in WORD.findall(f"{commitment.title} {commitment.wording}"):
        lowered = word.lower()
        if lowered in STOPWORDS or len(lowered) < 3:
            continue
        stem = _stem(lowered)
        if stem in article_words:
            shared.setdefault(stem, lowered)
    return list(shared.values())


def related_matches(body: str, *, exclude: Iterable[int] = (), limit: int = RELATED_LIMIT) -> list[dict]:
    """`related_commitments` in words: each with "strong match" or "possible match" and the terms shared."""
    article_words = set(content_words(body))
    matches = []
    for commitment, score in related_commitments(body, exclude=exclude, limit=limit):
        own = set(content_words(f"{commitment.title} {commitment.wording}"))
        shared = shared_terms(commitment, article_words)
        strong = bool(own) and len(set(content_words(" ".join(shared)))) / len(own) >= STRONG_MATCH_SHARE
        matches.append(
            {
                "commitment": commitment,
                "score": score,
                "label": "strong match" if strong else "possible match",
                "shared": shared,
            }
        )
    return matches

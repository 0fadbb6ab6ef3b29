"""Step 6: theme keywords and actor names, and the actors a commitment is suggested for."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from ..models import Actor, Theme

NUMBER_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|twelve|\d+)"


def _term_pattern(term: str) -> re.Pattern:
    # Short all-capital terms ("US", "NATO", "EU") only match in capitals, so "us" is not America.
    flags = 0 if term.isupper() and len(term) <= 5 else re.I
    body = re.escape(term)
    return re.compile(rf"(?<![\w.]){body}(?:s|es)?(?![\w])" if term[-1].isalnum() else rf"(?<![\w.]){body}", flags)


@dataclass
class Term:
    slug: str
    pattern: re.Pattern
    length: int


@dataclass
class Vocabulary:
    """Theme keywords and actor aliases, compiled once per import."""

    themes: list[Term] = field(default_factory=list)
    actors: list[Term] = field(default_factory=list)
    actor_kind: dict[str, str] = field(default_factory=dict)
    actor_parent: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_terms(cls, themes: dict[str, Iterable[str]], actors: dict[str, dict]) -> Vocabulary:
        vocabulary = cls()
        for slug, terms in themes.items():
            vocabulary.themes += [Term(slug, _term_pattern(t), len(t)) for t in terms if t]
        for slug, info in actors.items():
            names = {info.get("name", ""), *info.get("aliases", [])}
            vocabulary.actors += [Term(slug, _term_pattern(t), len(t)) for t in names if t]
            vocabulary.actor_kind[slug] = info.get("kind", "")
            if info.get("parent"):
                vocabulary.actor_parent[slug] = info["parent"]
        vocabulary.actors.sort(key=lambda t: -t.length)
        return vocabulary

    @classmethod
    def from_db(cls) -> Vocabulary:
        themes = {t.slug: [t.name, *t.keyword_list] for t in Theme.objects.only("slug", "name", "keywords")}
        actors = {
            a.slug: {
                "name": a.name,
                "aliases": a.alias_list,
                "kind": a.kind,
                "parent": a.parent.slug if a.parent else "",
            }
            for a in Actor.objects.select_related("parent")
        }
        return cls.from_terms(themes, actors)

    def themes_in(self, text: str) -> list[str]:
        found = []
        for term in self.themes:
            if term.slug not in found and term.pattern.search(text):
                found.append(term.slug)
        return found

    def actor_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, slug) of each actor named, longest names first so "U.K. Home Office" is not just "U.K."."""
        taken = bytearray(len(text))  # one flag per character: linear, however many names match
        spans = []
        for term in self.actors:
            for match in term.pattern.finditer(text):
                if any(taken[match.start() : match.end()]):
                    continue
                taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
                spans.append((match.start(), match.end(), term.slug))
        return sorted(spans)

    def actor_mentions(self, text: str) -> list[tuple[int, str]]:
        """(position, slug) of each actor named."""
        return [(start, slug) for start, _, slug in self.actor_spans(text)]

    def actors_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(slug for _, slug in self.actor_mentions(text)))

    def ancestors(self, slug: str) -> list[str]:
        chain, seen = [], {slug}
        while (slug := self.actor_parent.get(slug, "")) and slug not in seen:
            chain.append(slug)
            seen.add(slug)
        return chain


COLLECTIVE = re.compile(
    rf"^(?:the\s+)?(?:both|{NUMBER_WORDS}|all)\b|\b(?:leaders|nations|countries|governments|sides|ministers|allies|partners)\b",
    re.I,
)
WORD_NUMBERS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}


def article_parties(body: str, vocabulary: Vocabulary) -> list[tuple[str, int]]:
    """The countries (or, failing those, organisations) an article names, most named first, with counts."""
    counts = Counter(slug for _, slug in vocabulary.actor_mentions(body))
    for kind in (Actor.Kind.COUNTRY, Actor.Kind.INTERNATIONAL_ORGANISATION):
        ranked = [(slug, n) for slug, n in counts.most_common() if vocabulary.actor_kind.get(slug) == kind]
        if ranked:
            return ranked
    return []


def parties_for(subject: str, parties: list[tuple[str, int]]) -> list[str]:
    """Who "both nations", "the six countries" or "the leaders" are, from the parties the article names."""
    number = re.search(rf"\b(both|{NUMBER_WORDS})\b", subject, re.I)
    if number:
        word = number.group(1).lower()
        n = int(word) if word.isdigit() else WORD_NUMBERS.get(word, 2)
        return [slug for slug, _ in parties[:n]]
    # Without a number, the parties are those the article names more than once.
    return [slug for slug, count in parties if count >= 2] or [slug for slug, _ in parties]


class Pledge(Protocol):
    """What the actor suggestion reads of a candidate (defined in `detection`, which builds on this module)."""

    subject: str

    @property
    def wording(self) -> str: ...


def suggest_actors(
    candidate: Pledge, vocabulary: Vocabulary, *, parties: list[tuple[str, int]], speaker: str = ""
) -> list[str]:
    """Actors named in the sentence, the parties behind a collective subject, and a quote's speaker."""
    actors = vocabulary.actors_in(candidate.wording)
    subject = candidate.subject.strip()
    if subject and COLLECTIVE.search(subject) and not vocabulary.actors_in(subject):
        actors += parties_for(subject, parties)
    if speaker:
        actors += [speaker, *vocabulary.ancestors(speaker)]
    return list(dict.fromkeys(actors))

"""Step 6: theme keywords and actor names, and the actors a commitment is suggested for."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from ..models import Actor, Theme

NUMBER_WORDS = r"(?:two|three|four|five|six|seven|eight|nine|ten|twelve|\d+)"


# Keyword growth: a theme keyword also matches the words that obviously mean the same thing, so a
# theme named "Cyber" finds ransomware and a keyword "illicit finance" finds kleptocrats. Keyed on
# the keyword, not on any one theme: every theme that lists the keyword grows with it.
RELATED_TERMS = {
    "cyber": (
        "cybersecurity, cyber security, cyberspace, cybercrime, cyberattack, cyber-attack, ransomware, "
        "malware, hacking, hackers, cyber threats"
    ),
    "illicit finance": (
        "illicit financing, illicit financial flows, dirty money, ill-gotten, kleptocrats, asset freeze, "
        "freeze the assets, freezing the assets, financial sanctions, sanctions evasion, "
        "terrorist financing"
    ),
    "money laundering": "laundering, launder, launderers",
    "corruption": "bribery, bribes, kleptocracy",
    "organised crime": (
        "organized criminal, criminal networks, criminal organizations, criminal organisations, "
        "criminal groups, drug trafficking, drug traffickers, trafficking in persons, human trafficking, "
        "people smuggling, migrant smuggling, cartels, narcotics"
    ),
    "organized crime": "organised criminal, criminal networks, criminal organizations, criminal organisations",
    "terrorism": "counterterrorism, counter-terrorism, terror attacks, terrorist groups",
    "child sexual abuse": (
        "child abuse, sexual exploitation of children, child exploitation, abuse images, "
        "child sexual exploitation, grooming"
    ),
    "lawful access": (
        "access to encrypted data, access to data, access to evidence, electronic information, "
        "encrypted communications, data retention"
    ),
    "encryption": "end-to-end encryption, encrypted",
    "defence": "deterrence, troops, submarines, warships, fighter jets, missiles, weapons, navy, air force, army",
    "space": "outer space, satellites, orbit",
    "climate": "climate change, emissions, net zero, global warming",
    "health": "pandemic, vaccines, public health",
}


def _term_pattern(term: str) -> re.Pattern:
    # Short all-capital terms ("US", "NATO", "EU") only match in capitals, so "us" is not America.
    flags = 0 if term.isupper() and len(term) <= 5 else re.I
    if not term[-1].isalnum():
        return re.compile(rf"(?<![\w.]){re.escape(term)}", flags)
    last = term.split()[-1]
    if flags and len(last) >= 6 and last.isalpha() and last.islower():
        # A long lower-case word also matches its other forms: "finance" finds "financing".
        if term.endswith("e"):
            body, ending = term[:-1], "(?:e|es|ed|ing)"
        elif term.endswith("y"):
            body, ending = term[:-1], "(?:y|ies)"
        else:
            body, ending = term, "(?:s|es|ed|ing)?"
        return re.compile(rf"(?<![\w.]){re.escape(body)}{ending}(?![\w])", flags)
    return re.compile(rf"(?<![\w.]){re.escape(term)}(?:s|es)?(?![\w])", flags)


def grown(terms: Iterable[str]) -> list[str]:
    """A theme's keywords with the related terms of each."""
    terms = [t for t in terms if t]
    related = (r.strip() for t in terms for r in RELATED_TERMS.get(t.lower(), "").split(","))
    return list(dict.fromkeys([*terms, *(r for r in related if r)]))


@dataclass
class Term:
    slug: str
    pattern: re.Pattern
    length: int
    # Text every match contains (lower case unless the pattern is case-sensitive): a substring test
    # skips the regular expression for the many terms a text never mentions.
    needle: str = ""
    cased: bool = False

    @classmethod
    def of(cls, slug: str, term: str) -> Term:
        pattern = _term_pattern(term)
        cased = not pattern.flags & re.I
        needle = term if cased else term.lower()
        return cls(slug, pattern, len(term), needle[:-1] if needle[-1:] in "ey" else needle, cased)

    def in_text(self, text: str, lowered: str) -> bool:
        return self.needle in (text if self.cased else lowered)


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
            vocabulary.themes += [Term.of(slug, t) for t in grown(terms)]
        for slug, info in actors.items():
            names = {info.get("name", ""), *info.get("aliases", [])}
            vocabulary.actors += [Term.of(slug, t) for t in names if t]
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

    def within(self, text: str) -> Vocabulary:
        """Only the terms `text` can contain: each sentence of an article is then checked against those."""
        lowered = text.lower()
        return replace(
            self,
            themes=[t for t in self.themes if t.in_text(text, lowered)],
            actors=[t for t in self.actors if t.in_text(text, lowered)],
        )

    def themes_in(self, text: str) -> list[str]:
        found, lowered = [], text.lower()
        for term in self.themes:
            if term.slug not in found and term.in_text(text, lowered) and term.pattern.search(text):
                found.append(term.slug)
        return found

    def dominant_themes(self, body: str, limit: int = 1) -> list[str]:
        """The theme an article is about: named at least three times and in a third of all theme mentions."""
        counts, lowered = Counter(), body.lower()
        for term in self.themes:
            if term.in_text(body, lowered):
                counts[term.slug] += sum(1 for _ in term.pattern.finditer(body))
        total = sum(counts.values())
        return [slug for slug, n in counts.most_common(limit) if n >= 3 and n * 3 >= total]

    def actor_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, slug) of each actor named, longest names first so "U.K. Home Office" is not just "U.K."."""
        taken = bytearray(len(text))  # one flag per character: linear, however many names match
        spans, lowered = [], text.lower()
        for term in self.actors:
            if not term.in_text(text, lowered):
                continue
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
FIRST_PERSON = re.compile(r"(?:[\w,]+\s+){0,6}?(?:we|our|us)\b", re.I)
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
    elif FIRST_PERSON.match(subject) and not speaker and not actors:
        # "We will …" in a statement: the statement's parties, the ones the article names.
        actors += parties_for("", parties)
    if speaker:
        actors += [speaker, *vocabulary.ancestors(speaker)]
    return list(dict.fromkeys(actors))

"""Step 6: quoted speech and who said it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Actor
from .sentences import Sentence, sentence_spans, strip_quote_marks
from .vocabulary import Vocabulary


@dataclass
class FoundQuote:
    text: str
    speaker_name: str
    speaker: str = ""  # actor slug, when the speaker is a known actor
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (paragraph, start, end)

    def contains(self, sentence: Sentence) -> bool:
        return any(p == sentence.paragraph and s < sentence.end and sentence.start < e for p, s, e in self.spans)

    def part_of(self, sentence: Sentence, paragraphs: list[str]) -> str:
        """The words of `sentence` that lie inside this quote."""
        for p, s, e in self.spans:
            if p == sentence.paragraph and s < sentence.end and sentence.start < e:
                part = paragraphs[p][max(s, sentence.start) : min(e, sentence.end)]
                return re.sub(r"[,\s]+$", "", strip_quote_marks(part))
        return ""


SAYS = r"(?:said|says|added|stated|declared|wrote|continued|told\s+(?:\w+\s+)?(?:reporters|journalists|the \w+|\w+))"
# The verb of saying may carry when, where or how: "…,” Patel told reporters in London.
SAID_WHERE = (
    r"(?:\s+(?:on|in|at|during|after|before|to|from|while|yesterday|today|earlier|later|this|last)\b[^.!?“”\"]{0,60}?)?"
)
# Searched within one sentence only, so the name may hold the full stops of "U.K.".
SPEAKER_BEFORE = re.compile(rf"(?P<name>[^!?“”\"]+?)\s+{SAYS}{SAID_WHERE}\s*[:,]?\s*$")
SPEAKER_AFTER = re.compile(
    rf"^[,\s]*(?:(?P<name>[^.!?“”\"]+?)\s+{SAYS}{SAID_WHERE}|(?:said|says|added|according\s+to)\s+(?P<name2>[^.!?“”\"]+?))"
    r"\s*[.,;]",
)
# The speaker is named within this many characters of the quotation marks.
SPEAKER_REACH = 600
PRONOUN_SPEAKER = re.compile(r"^(?:he|she|they)$", re.I)


def find_quotes(paragraphs: list[str], vocabulary: Vocabulary | None = None) -> list[FoundQuote]:
    """Quoted speech with its speaker: `X said: “…”` (across paragraphs) and `“…,” X said.`"""
    quotes: list[FoundQuote] = []
    open_spans: list[tuple[int, int, int]] = []
    open_before = ""
    last_speaker = ("", "")
    for p, paragraph in enumerate(paragraphs):
        continuing = bool(open_spans) and paragraph.startswith(("“", '"'))
        if open_spans and not continuing:
            open_spans = []  # an unclosed quote that does not continue: not a quote we can use
        position = 1 if continuing else 0
        if continuing:
            open_spans.append((p, 1, len(paragraph)))
        for match in re.finditer(r"[“”\"]", paragraph[position:]):
            index = match.start() + position
            mark = match.group()
            if not open_spans and mark in '“"':
                open_spans = [(p, index + 1, len(paragraph))]
                open_before = paragraph[max(index - SPEAKER_REACH, 0) : index]
            elif open_spans and mark in '”"':
                last_p, start, _ = open_spans[-1]
                open_spans[-1] = (last_p, start, index)
                after = paragraph[index + 1 : index + 1 + SPEAKER_REACH]
                quote = _close_quote(paragraphs, open_spans, open_before, after, last_speaker, vocabulary)
                if quote:
                    quotes.append(quote)
                    last_speaker = (quote.speaker_name, quote.speaker)
                open_spans = []
    return quotes


def _close_quote(paragraphs, spans, before, after, last_speaker, vocabulary) -> FoundQuote | None:
    text = " ".join(paragraphs[p][s:e].strip() for p, s, e in spans).strip()
    text = re.sub(r"[,\s]+$", "", text)
    if len(text.split()) < 4:
        return None  # a phrase in quotation marks, not speech
    name = ""
    # The speaker is named in the same sentence as the opening mark ("U.K. Defence Secretary X said:").
    in_before = sentence_spans(before)
    sentence_before = before[in_before[-1][0] :] if in_before else before
    if match := SPEAKER_BEFORE.search(sentence_before):
        name = match["name"]
    elif match := SPEAKER_AFTER.match(after):
        name = match["name"] or match["name2"]
    if not name:
        return None
    name = " ".join(name.split())
    if PRONOUN_SPEAKER.match(name):
        if not last_speaker[0]:
            return None
        name, slug = last_speaker
    else:
        slug = speaker_actor(name, vocabulary) if vocabulary else ""
    return FoundQuote(text=text, speaker_name=name, speaker=slug, spans=list(spans))


def speaker_actor(name: str, vocabulary: Vocabulary) -> str:
    """The actor a speaker phrase names, preferring a person ("Defence Secretary Ben Wallace", not "U.K.")."""
    slugs = vocabulary.actors_in(name)
    people = [s for s in slugs if vocabulary.actor_kind.get(s) == Actor.Kind.PERSON]
    return (people or slugs or [""])[0]

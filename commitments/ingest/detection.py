"""Step 5: the sentences in which an actor pledges, agrees, commits, intends or says it will act.

Each candidate carries the words that made it one (trigger, subject), a short title, the target
wording and any amount pledged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .metadata import DATELINE, short_text
from .quotes import FoundQuote
from .sentences import Sentence, strip_quote_marks, word_set
from .vocabulary import NUMBER_WORDS, Vocabulary

# Triggers. A verb or modal counts only when its subject is an actor; the noun phrases and money
# pledged for a future period carry their own agent.
PLEDGE_VERB = (
    r"(?:pledg(?:e|es|ed)|promis(?:e|es|ed)|vow(?:s|ed)?|commit(?:s|ted)?|undert(?:ake|akes|ook)|"
    r"resolv(?:e|es|ed)|reaffirm(?:s|ed)?|reiterat(?:e|es|ed)|intend(?:s|ed)?|plan(?:s|ned)?|aim(?:s|ed)?|"
    r"decid(?:e|es|ed)|agree(?:s|d)?)"
)
# "is to be welcomed" judges; it does not oblige anyone.
EVALUATIVE = r"(?:welcomed|applauded|commended|praised|regretted|expected|seen|noted|feared|hoped)\b"
TRIGGERS = [
    ("modal", re.compile(r"\b(?:will|shall|won[’']t)\b|[’']ll\b", re.I)),
    ("modal", re.compile(r"\b(?:is|are|am)\s+(?:going|determined|set)\s+to\b", re.I)),
    (
        "verb",
        re.compile(
            rf"\b{PLEDGE_VERB}(?=\s+(?:to|on|upon|a|an|new|that|their|its|the)\b|\s+(?:[£$€¥]|[A-Z]{{1,3}}\$|\d))", re.I
        ),
    ),
    ("verb", re.compile(r"\b(?:signed up to|set out plans? to|announced (?:plans?|a plan) to)\b", re.I)),
    # Past forms are verbs whatever follows ("pledged support"); "pledge" and "promise" alone may be nouns.
    ("verb", re.compile(r"\b(?:pledged|promised|vowed|committed|undertook)\b", re.I)),
    ("modal", re.compile(r"\b(?:is|are)\s+(?:due\s+)?to\s+(?!be\b)[a-z]+", re.I)),
    # An agreement signed or endorsed "to do X", or "that commits them to X", carries the pledge.
    (
        "verb",
        re.compile(
            r"\b(?:[Ss]igned|[Rr]eached|[Ss]truck|[Cc]oncluded|[Aa]dopted|[Ee]ndorsed|[Aa]greed|[Aa]pproved)\s+"
            r"(?:(?:a|an|the)\s+)?(?:[\w-]+\s+){0,3}?(?:agreement|deal|pact|accord|declaration|treaty|memorandum|"
            r"plan|roadmap|communiqué|communique|statement|charter|framework)\b"
            r"(?=[^.;]{0,80}?\b(?:to\s+(?!the\b|a\b|an\b)[a-z]+|that\s+commits?|committing))"
        ),
    ),
    # Passive obligation: the agent is the one paying or acting, often named in the sentence before.
    ("noun", re.compile(r"\b(?:is|are)\s+(?:due\s+)?to\s+be\s+(?!" + EVALUATIVE + r")\w+(?:ed|en|t)\b", re.I)),
    # Reported future: "X said it would …", "announced that the government would …".
    (
        "reported",
        re.compile(
            r"\b(?:said|says|announced|confirmed|promised|pledged|told \w+|added|stated)\s+(?:that\s+)?"
            r"(?P<subject>[^,.;“”\"]{1,60}?)\s+would\b",
            re.I,
        ),
    ),
    ("noun", re.compile(r"\b(?:intent|intention|determination)\s+to\b", re.I)),
]
MONEY = re.compile(
    r"(?:(?<![A-Za-z])(?:[A-Z]{1,3})?[£$€¥]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?"
    r"|\b\d[\d,.]*\s*(?:million|billion|trillion)\s+(?:pounds|dollars|euros|yen)\b"
    r"|\b(?:GBP|USD|EUR|JPY|CAD|AUD)\s?\d[\d,.]*(?:\s*(?:million|billion|trillion|bn|m)\b)?)"
)
FUTURE_PERIOD = re.compile(
    r"\b(?:over|in|during) the (?:next|coming) (?:\w+ )?(?:years?|months?|decades?)\b|\bgoing forward\b|"
    r"\bwithin (?:the next )?\w+ (?:years?|months?)\b|\bnext (?:year|month|decade)\b",
    re.I,
)
TARGET_WORDING = re.compile(
    r"\b(?:(?:over|in|during) the (?:next|coming) (?:\w+ )?(?:years?|months?|decades?)|"
    r"over (?:\w+ )?(?:years?|months?)|within (?:the next )?\w+ (?:years?|months?)|"
    r"by (?:the end of |mid-|early |late )?(?:\w+ )?(?:19|20)\d\d|from (?:19|20)\d\d|next (?:year|month))\b",
    re.I,
)

PRONOUN_AGENTS = {"we", "they", "he", "she", "i", "both", "each", "all"}
# In reported speech ("Australia said it would host …") "it" is the speaker's own body or country.
REPORTED_PRONOUNS = PRONOUN_AGENTS | {"it"}
# Capitalised at the start of a sentence, but they stand for things, not for who acts.
NOT_AGENTS = {"it", "this", "that", "these", "those", "there", "which", "what", "such", "its"}

AGENT_NOUNS = word_set(
    """nation nations country countries government governments leader leaders minister ministers
    president presidents prime chancellor secretary secretaries official officials ally allies partner partners
    party parties member members state states side sides administration department ministry office agency
    council commission parliament congress bloc blocs alliance coalition authority authorities delegation
    delegations negotiator negotiators signatory signatories heads king queen premier mayor governor
    senator ambassador envoy company companies firm firms"""
)
AUXILIARIES = word_set("have has had is are was were be been remain remains also both jointly now")
NAME_GLUE = {"and", "of", "the", "for", "de", "von", "der", "du", "la", "&", "’s", "'s"}
CLAUSE_BREAK = re.compile(
    r"[,;:“\"]|\b(?:that|said|says|say|stated|states|continued|added|announced|told \w+|according to|"
    r"because|so|while|when|where|which|who|whom|whose|if|unless|although|but|expect|expects|expected|believe|"
    r"believes|think|thinks)\b",
    re.I,
)
PARENTHETICAL = re.compile(r"\([^)]*\)|\s[–—]\s[^–—]*\s[–—]\s|,\s*(?:which|who|whose|where)\b[^,]*,", re.I)
RELATIVE_CLAUSE = re.compile(r",?\s*\b(?:which|who|whose|where|when)\b[^,;]*", re.I)
COMMENTARY = re.compile(
    r"\b(?:analysts?|critics?|experts?|observers?|commentators?|economists?|sceptics?|skeptics?|opponents?)\b"
    r"[^.;]{0,60}?\b(?:say|says|said|expect|expects|expected|believe|believes|warn|warns|warned|predict|"
    r"predicts|argue|argues|argued|doubt|doubts|question|questioned|suggest|suggests)\b",
    re.I,
)
HISTORY = re.compile(
    r"\bhad\s+(?:\w+\s+)?(?:pledged|agreed|promised|committed|vowed|undertaken|intended|planned|aimed|resolved|decided)\b|"
    r"\b(?:first|previously|originally|earlier|once|already|formerly)\s+(?:\w+\s+)?"
    r"(?:pledged|agreed|promised|committed|vowed|undertook|announced)\b|"
    r"\blast (?:year|month|week|summer|autumn|winter|spring|decade)\b|"
    r"\b(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|several|many) (?:years?|months?|decades?) ago\b|"
    r"\bin the past\b|\bat the time\b|\b(?:previous|prior|earlier|last) (?:summit|meeting|statement|agreement|"
    r"declaration|review|government|administration|communiqué|communique)\b|"
    r"\b(?:failed to|did not|didn[’']t)\b",
    re.I,
)
PAST_YEAR = re.compile(
    r"\b(?:in|during)\s+(?:(?:early|late|mid)[- ]?)?(?:(?:january|february|march|april|may|june|july|august|"
    r"september|october|november|december)\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
PAST_TENSE_TRIGGER = re.compile(r"ed$|^(?:undertook|sought)$", re.I)


@dataclass
class Candidate:
    sentence: Sentence
    trigger: str
    kind: str
    subject: str = ""
    title: str = ""
    target_wording: str = ""
    amount: Decimal | None = None
    currency: str = ""

    quoted: str = ""  # the quoted words, when the sentence runs on past the quote ("…,” he said.)
    themes: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    quote: FoundQuote | None = None

    @property
    def wording(self) -> str:
        # A dateline ("OTTAWA, May 4, 2023 —") belongs to the article, not to the pledge.
        return self.quoted or DATELINE.sub("", strip_quote_marks(self.sentence.text), count=1)


def subject_before(text: str) -> str:
    """The words before a trigger that belong to its own clause: its subject, as far as rules can tell."""
    text = PARENTHETICAL.sub(" ", text)
    pieces = CLAUSE_BREAK.split(text)
    return " ".join(pieces[-1].split()) if pieces else ""


def is_agent(subject: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether a subject names who acts: a pronoun, a party ("the two countries"), a body, a name."""
    words = [w.strip(".,") for w in subject.split()]
    while words and words[0].lower() in {"the", "together", "also", "now", "today", "then", "and", "however"}:
        words.pop(0)
    if not words:
        return False
    lowered = [re.sub(r"[’']s$", "", w.lower()) for w in words]
    if lowered[0] in NOT_AGENTS:
        return False
    if lowered[0] in PRONOUN_AGENTS or re.fullmatch(NUMBER_WORDS, lowered[0]):
        return True
    if any(w in AGENT_NOUNS for w in lowered[:4]):
        return True
    if vocabulary and vocabulary.actors_in(" ".join(words[:4])):
        return True
    # A proper name: every word capitalised or an initialism, apart from glue words and auxiliaries.
    content = [w for w in words if w.lower() not in NAME_GLUE | AUXILIARIES]
    return bool(content) and all(w[:1].isupper() or w[:1].isdigit() for w in content)


def _strip_relative_clauses(text: str) -> str:
    return RELATIVE_CLAUSE.sub("", text)


def detect_commitment(
    text: str, *, reference_year: int | None = None, vocabulary: Vocabulary | None = None
) -> Candidate | None:
    """Whether one sentence states a commitment; the Candidate says which words made it one."""
    plain = strip_quote_marks(text)
    if plain.rstrip('”"’ ').endswith("?"):
        return None
    main = _strip_relative_clauses(plain)
    if COMMENTARY.search(main):
        return None
    found = None
    for kind, pattern in TRIGGERS:
        for match in pattern.finditer(plain):
            if kind == "reported":
                subject = match["subject"]
                accepted = subject.lower() in REPORTED_PRONOUNS or is_agent(subject, vocabulary)
            else:
                subject = subject_before(plain[: match.start()])
                accepted = kind == "noun" or is_agent(subject, vocabulary)
            if accepted:
                if found is None or match.start() < found[1].start():
                    found = (kind, match, subject)
                break
    if found is None and MONEY.search(plain) and FUTURE_PERIOD.search(plain):
        found = ("money", MONEY.search(plain), "")
    if found is None:
        return None
    kind, match, subject = found
    trigger = match.group()
    if HISTORY.search(main):
        return None
    if kind in ("verb", "money") and reference_year:
        past_tense = kind == "money" or PAST_TENSE_TRIGGER.search(trigger.split()[0])
        if past_tense and any(int(m["year"]) < reference_year for m in PAST_YEAR.finditer(main)):
            return None
    candidate = Candidate(sentence=Sentence(text, 0, 0, len(text)), trigger=trigger, kind=kind, subject=subject)
    candidate.title = commitment_title(plain, match.end() if kind != "money" else 0)
    target = TARGET_WORDING.search(plain)
    candidate.target_wording = target.group() if target else ""
    candidate.amount, candidate.currency = parse_amount(plain)
    return candidate


TITLE_LEAD = re.compile(r"^(?:also|further|jointly|both|now|together|to|on|upon|that|be able to)\s+", re.I)


def commitment_title(sentence: str, start: int) -> str:
    """A short headline: what is pledged, from the trigger on, cut at the first clause break."""
    rest = sentence[start:].strip()
    while TITLE_LEAD.match(rest):
        rest = TITLE_LEAD.sub("", rest, count=1)
    if len(rest.split()) < 3:
        rest = sentence
    for stop in ("”", '"', ";", ", so ", ", with ", ", including ", ", according to", ", which", ", in "):
        head = rest.split(stop, 1)[0]
        if stop in rest and len(head.split()) >= 5:
            rest = head
            break
    title = short_text(rest.rstrip(' .”"'), 14)
    return (title[:1].upper() + title[1:])[:300]


CURRENCY_SYMBOLS = {
    "£": "GBP",
    "$": "USD",
    "€": "EUR",
    "¥": "JPY",
    "A$": "AUD",
    "C$": "CAD",
    "US$": "USD",
    "NZ$": "NZD",
}
SCALES = {"million": 10**6, "m": 10**6, "billion": 10**9, "bn": 10**9, "trillion": 10**12}
AMOUNT = re.compile(
    r"(?P<symbol>A\$|C\$|US\$|NZ\$|[£$€¥])\s?(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|billion|trillion|bn|m)?\b"
)


def parse_amount(text: str) -> tuple[Decimal | None, str]:
    match = AMOUNT.search(text)
    if not match:
        return None, ""
    try:
        number = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        return None, ""
    amount = number * SCALES.get((match["scale"] or "").lower(), 1)
    # Commitment.amount holds 18 digits before the point; anything larger is a misreading.
    if amount >= Decimal(10) ** 18:
        return None, ""
    return amount, CURRENCY_SYMBOLS[match["symbol"]]


def find_candidates(
    sentences: list[Sentence], *, reference_year: int | None = None, vocabulary: Vocabulary | None = None
) -> list[Candidate]:
    candidates = []
    for sentence in sentences:
        candidate = detect_commitment(sentence.text, reference_year=reference_year, vocabulary=vocabulary)
        if candidate:
            candidate.sentence = sentence
            candidates.append(candidate)
    return candidates

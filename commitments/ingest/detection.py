"""Step 5: the sentences in which an actor pledges, agrees, commits, intends or says it will act.

Each candidate carries the words that made it one (trigger, subject), a short title, the target
wording and any amount pledged.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .metadata import DATELINE, short_text
from .normalising import item_text
from .quotes import FoundQuote
from .reading import Budget
from .sentences import Sentence, strip_quote_marks, word_set
from .vocabulary import NUMBER_WORDS, Vocabulary

# Triggers. A verb or modal counts only when its subject is an actor; the noun phrases and money
# pledged for a future period carry their own agent.
PLEDGE_VERB = (
    r"(?:pledg(?:e|es|ed)|promis(?:e|es|ed)|vow(?:s|ed)?|commit(?:s|ted)?|undert(?:ake|akes|ook)|"
    r"resolv(?:e|es|ed)|intend(?:s|ed)?|plan(?:s|ned)?|aim(?:s|ed)?|endors(?:e|es|ed)|"
    r"decid(?:e|es|ed)|agree(?:s|d)?)"
)
# Reaffirming or confirming binds only when what is reaffirmed is an undertaking: "We reaffirm our
# commitment to …", not "We reaffirm the importance of …".
AFFIRMING = (
    r"\b(?:(?:re)?affirm|confirm|reiterat|renew|restat|evinc|express|declar|underlin|underscor|demonstrat)"
    r"(?:e|es|ed|s|d)?\s+(?:our|its|their|the)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:commitments?|pledges?|resolve|determination|intentions?|intent|will|readiness|willingness|"
    r"undertakings?|efforts?|dedication)\b"
)
# "is to be welcomed" judges; it does not oblige anyone.
EVALUATIVE = r"(?:welcomed|applauded|commended|praised|regretted|expected|seen|noted|feared|hoped)\b"
TRIGGERS = [
    ("modal", re.compile(r"\b(?:will|shall|won[’']t)\b|[’']ll\b", re.I)),
    (
        "modal",
        re.compile(
            r"(?:\b(?:is|are|am|remains?|stands?)|[’']re)\s+(?:\w+ly\s+)?(?:going|determined|set|ready|prepared|"
            r"willing|dedicated|resolved|committed|resolute)\s+to\b",
            re.I,
        ),
    ),
    (
        "verb",
        re.compile(
            rf"\b{PLEDGE_VERB}(?:\s+(?:ourselves|themselves|itself))?"
            r"(?=\s+(?:to|on|upon|a|an|new|that|their|its|our|the)\b|\s+(?:[£$€¥]|[A-Z]{1,3}\$|\d))",
            re.I,
        ),
    ),
    ("verb", re.compile(AFFIRMING, re.I)),
    # Impersonal agreement in minutes and statements: "it was agreed to continue …".
    (
        "noun",
        re.compile(r"\bit\s+(?:was|has\s+been|is)\s+(?:\w+\s+)?(?:agreed|decided|resolved)\s+(?:to|that)\b", re.I),
    ),
    ("verb", re.compile(r"\b(?:signed up to|set out plans? to|announced (?:plans?|a plan) to)\b", re.I)),
    # Fact sheets: "the President is announcing the following new actions:".
    (
        "verb",
        re.compile(
            r"\b(?:announc|unveil|launch)(?:es|ed|ing)\s+(?:(?:the\s+following|new|additional|further)\s+){0,2}"
            r"(?:[\w-]+\s+){0,2}?(?:actions|steps|measures|commitments|initiatives|investments|deliverables)\b",
            re.I,
        ),
    ),
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
MONTH_NAMES = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
TARGET_WORDING = re.compile(
    r"\b(?:(?:over|in|during) the (?:next|coming) (?:\w+ )?(?:years?|months?|decades?)|"
    r"over (?:\w+ )?(?:years?|months?)|within (?:the next )?\w+ (?:years?|months?)|"
    rf"by (?:the end of |the middle of |mid-|early |late )?(?:(?:\d{{1,2}}(?:st|nd|rd|th)? )?{MONTH_NAMES},? |"
    rf"{MONTH_NAMES} \d{{1,2}}(?:st|nd|rd|th)?,? |\w+ )?(?:19|20)\d\d|"
    r"by the end of (?:this|the|next) (?:year|month|decade)|by next (?:year|month)|"
    r"from (?:19|20)\d\d|next (?:year|month))\b",
    re.I,
)
# Who said it, after the pledge: ", officials said.", "," said Home Secretary Priti Patel.",
# ", according to the ministry." The wording is the pledge; the speaker is a suggestion of its own.
TRAILING_ATTRIBUTION = re.compile(r"(?:,\s*[”\"’]?|[”\"’]\s*,?)\s*(?P<attribution>[^,;:“”\"]{1,120}?)[\s.!”\"]*$")
ATTRIBUTION_VERB = re.compile(
    r"^(?:according to\b.*|(?:[\w.’'-]+\s+){0,8}?(?:said|says|say|added|adds|stated|announced|confirmed|noted|wrote|"
    r"told\s+[\w.’'-]+)(?:\s+[\w.’'-]+){0,8})$"
)
# An attribution is a name and a verb of saying, not a clause of its own ("…, officials said it would …").
CLAUSE_WORDS = re.compile(r"\b(?:will|would|shall|that|to|and|but|which|because)\b", re.I)


def without_attribution(text: str) -> str:
    """The pledge without a trailing attribution or a stray quotation mark left by the quote it ended."""
    match = TRAILING_ATTRIBUTION.search(text)
    if match:
        attribution = " ".join(match["attribution"].split())
        said = re.sub(r"^according to\s+", "", attribution)
        if ATTRIBUTION_VERB.match(attribution) and not CLAUSE_WORDS.search(said):
            text = text[: match.start()].rstrip(" ,") + "."
    text = text.strip()
    # A closing mark with no opening one (or the reverse) belongs to a quote that began or ends elsewhere.
    odd_straight = text.count('"') % 2 == 1
    if text.endswith("”") and text.count("“") < text.count("”") or text.endswith('"') and odd_straight:
        text = text[:-1].rstrip()
    elif text.startswith("“") and text.count("“") > text.count("”") or text.startswith('"') and odd_straight:
        text = text[1:].lstrip()
    return text


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
    senator ambassador envoy company companies firm firms participant participants donor donors economy
    economies presidency"""
)
AUXILIARIES = word_set("have has had is are was were be been remain remains also both jointly now further")
# Events, documents and laws: capitalised or not, they do not act ("The Summit will provide …",
# "The Bill would require …", "The treaty guarantees …").
THING_NOUNS = word_set(
    """summit summits meeting meetings conference session talks visit report reports strategy concept plan plans
    programme program agreement agreements deal treaty treaties pact accord bill act law laws legislation
    regulation regulations rule rules measure measures declaration statement communiqué communique document
    framework roadmap package initiative construction announcement project projects system fund facility
    number share deadline process review resolution convention protocol charter memorandum mechanism"""
)
COMMON_NOUN_ENDING = re.compile(r"(?:tion|sion|ment|ness|ity|ance|ence|ure|ism|ship|ing)$")
PREPOSITIONS = word_set("of for from in on at by with between about under over among against across through")
CONTRACTION = re.compile(r"[’'](?:s|re|ve|ll|d)$")
NAME_GLUE = {"and", "of", "the", "for", "de", "von", "der", "du", "la", "&", "’s", "'s"}
CLAUSE_BREAK = re.compile(
    r"[,;:“\"]|\b(?:that|said|says|say|(?-i:stated|states)(?=\s*(?:that\b|:|,))|continued|added|announced|told \w+|according to|"
    r"because|so|while|when|where|which|who|whom|whose|if|unless|although|but|expect|expects|expected|believe|"
    r"believes|think|thinks)\b",
    re.I,
)
PARENTHETICAL = re.compile(r"\([^)]*\)|\s[–—]\s[^–—]*\s[–—]\s|,\s*(?:which|who|whose|where)\b[^,]*,", re.I)
RELATIVE_CLAUSE = re.compile(r",?\s*\b(?:which|who|whose|where|when)\b[^,;]*", re.I)
COMMENTARY = re.compile(
    r"\b(?:analysts?|critics?|experts?|observers?|commentators?|economists?|sceptics?|skeptics?|opponents?)\b"
    r"[^.;]{0,60}?\b(?:say|says|said|expect|expects|expected|believe|believes|warn|warns|warned|predict|"
    r"predicts|argue|argues|argued|doubt|doubts|question|questioned|suggest|suggests)\b"
    # A forecast attributed at the end: "Prices will rise, the central bank warned."
    r"|,\s*(?:[\w.’'-]+\s+){0,6}(?:warned|warns|predicted|predicts|forecast|forecasts|cautioned|feared|fears)\b"
    r"[^,;]{0,80}$",
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
    target_date: datetime.date | None = None  # read from target_wording once the article's date is known
    amount: Decimal | None = None
    currency: str = ""

    quoted: str = ""  # the quoted words, when the sentence runs on past the quote ("…,” he said.)
    lead: str = ""  # for a list item: the lead-in's subject and verb ("The leaders committed to")
    themes: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    quote: FoundQuote | None = None

    @property
    def wording(self) -> str:
        if self.lead:
            return f"{self.lead} {item_text(self.sentence.text)}"
        # A dateline ("OTTAWA, May 4, 2023 —") belongs to the article, not to the pledge.
        return without_attribution(self.quoted or DATELINE.sub("", strip_quote_marks(self.sentence.text), count=1))


def subject_before(text: str) -> str:
    """The words before a trigger that belong to its own clause: its subject, as far as rules can tell.

    After a relative pronoun with nothing but auxiliaries before the trigger ("54 countries who
    have committed"), the subject is the noun the clause hangs on.
    """
    text = PARENTHETICAL.sub(" ", text[-400:])
    pieces = CLAUSE_BREAK.split(text)
    last = " ".join(pieces[-1].split()) if pieces else ""
    if len(pieces) > 1 and last and all(w.lower() in AUXILIARIES for w in last.split()):
        breaks = list(CLAUSE_BREAK.finditer(text))
        if breaks and breaks[-1].group().lower() in ("who", "which", "that"):
            words = pieces[-2].split()
            start = max((i + 1 for i, w in enumerate(words) if w.lower() in PREPOSITIONS), default=0)
            return " ".join(words[start:][-8:])
    return last


def leading_subject(text: str, vocabulary: Vocabulary | None) -> str:
    """The subject the sentence opens with ("We, the leaders of …, condemn …"), for a verb that shares it."""
    head = CLAUSE_BREAK.split(PARENTHETICAL.sub(" ", text[:400]), maxsplit=1)[0]
    head = re.split(r"\b(?:will|shall|would|have|has|had|are|is|were|was|am)\b", head, maxsplit=1)[0]
    head = " ".join(head.split())
    return head if head and is_agent(head, vocabulary) else ""


# A verb sharing an earlier subject: "…, and agree to", "…, reaffirm our commitments".
SHARED_SUBJECT = re.compile(r"(?:,|\band\b)\s*(?:(?:also|further|\w+ly)\s+)*$", re.I)


def actor_subject(text: str, vocabulary: Vocabulary | None) -> str:
    """A known actor name (or several joined by "and") right before the trigger, before any clause rule."""
    if vocabulary is None:
        return ""
    spans = vocabulary.actor_spans(text[-300:])
    offset = max(len(text) - 300, 0)
    if not spans or not ACTOR_GAP.fullmatch(text[offset + spans[-1][1] :]):
        return ""
    start = spans[-1][0]
    for previous, current in zip(reversed(spans[:-1]), reversed(spans[1:]), strict=False):
        if not re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[offset + previous[1] : offset + current[0]]):
            break
        start = previous[0]
    # The names open the clause; after "between" or "of" they belong to another noun ("the agreement
    # between Canada and Mexico will …").
    if not ACTOR_OPENS.search(text[: offset + start]):
        return ""
    return text[offset + start :].strip()


ACTOR_OPENS = re.compile(
    r"(?:^|[,;:—–(“\"]|\b(?:that|and|but|while|as|when|where|so|said|says|both|all|now|then|together))\s*"
    r"(?:the\s+|both\s+|all\s+)?$",
    re.I,
)
ACTOR_GAP = re.compile(
    r"(?:\s*[’']s)?(?:\s+(?:have|has|is|are|also|now|jointly|both|together|today|each|all|further))*\s*"
)


def is_agent(subject: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether a subject names who acts: a pronoun, a party ("the two countries"), a body, a name."""
    words = [w.strip(".,'‘’“”\"") for w in subject.split()]
    words = [w for w in words if w]
    while words and words[0].lower() in {"the", "together", "also", "now", "today", "then", "and", "however"}:
        words.pop(0)
    if not words:
        return False
    lowered = [CONTRACTION.sub("", w.lower()) for w in words]
    if lowered[0] in NOT_AGENTS:
        return False
    if lowered[0] in PRONOUN_AGENTS or re.fullmatch(NUMBER_WORDS, lowered[0]):
        return True
    # "As part of this effort we are committed": the pronoun right before the verb is the subject.
    trimmed = [w for w in lowered if w not in AUXILIARIES] or lowered
    if trimmed[-1] in PRONOUN_AGENTS - {"both", "each", "all"}:
        return True
    # The head of the first noun phrase: its last word before a preposition ("the number of agencies").
    cut = next((i for i, w in enumerate(trimmed) if i and w in PREPOSITIONS), len(trimmed))
    head = trimmed[cut - 1]
    if head in AGENT_NOUNS:
        return True
    # A known actor in the head noun phrase ("the Green Climate Fund"), not after it ("the deal with Canada").
    first_preposition = next((i for i, w in enumerate(lowered) if i and w in PREPOSITIONS), len(lowered))
    if vocabulary and vocabulary.actors_in(" ".join(words[: min(first_preposition, 6)])):
        return True
    if head in THING_NOUNS or (len(words) == 1 and COMMON_NOUN_ENDING.search(head)):
        return False
    if any(w in AGENT_NOUNS for w in lowered[:4]):
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
            if found is not None and match.start() >= found[1].start():
                break
            if declined(kind, match, plain):
                continue
            subject, accepted = subject_of(kind, match, plain, vocabulary)
            if accepted and CONSEQUENCE.match(plain, match.end()) and not FIRST_PERSON.match(subject):
                continue  # "the nation will be able to trade" describes an effect; "we will be able to" pledges
            if accepted:
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
    pledge = without_attribution(plain)
    start = match.end() if kind != "money" else 0
    candidate.title = commitment_title(pledge, start) if start <= len(pledge) else commitment_title(plain, start)
    target = TARGET_WORDING.search(plain)
    candidate.target_wording = target.group() if target else ""
    candidate.amount, candidate.currency = parse_amount(plain)
    return candidate


# How far around a trigger the rules look, so a run-on "sentence" of a megabyte costs no more per
# trigger than a real one.
WINDOW = 400


def subject_of(kind: str, match: re.Match, plain: str, vocabulary: Vocabulary | None) -> tuple[str, bool]:
    """The trigger's subject, and whether it names who acts (a noun phrase trigger carries its own agent)."""
    if kind == "reported":
        subject = match["subject"]
        return subject, subject.lower() in REPORTED_PRONOUNS or is_agent(subject, vocabulary)
    before = plain[max(match.start() - WINDOW, 0) : match.start()]
    subject = actor_subject(before, vocabulary) or subject_before(before)
    if kind == "noun" or is_agent(subject, vocabulary):
        return subject, True
    if SHARED_SUBJECT.search(before) and (shared := leading_subject(plain, vocabulary)):
        return shared, True
    return subject, False


# Refusals and negations right before the trigger: "refused to commit", "has not agreed".
REFUSAL = re.compile(
    r"\b(?:refus\w*|declin\w*|reject\w*|resist\w*|balk\w*|hesitat\w*|reluctant|unwilling|stopped short of|"
    r"stop short of|ruled out|rule out|not|never|no longer)\s+(?:to\s+)?(?:\w+\s+)?$",
    re.I,
)
# Asking others to act is not an undertaking of one's own: "We urge all States to commit to …".
CALL_ON = re.compile(
    r"\b(?:urg(?:e|es|ed|ing)|call(?:s|ed|ing)?\s+(?:on|upon)|encourag(?:e|es|ed|ing)|invit(?:e|es|ed|ing)|"
    r"appeal(?:s|ed)?\s+to|ask(?:s|ed)|request(?:s|ed)?)\b",
    re.I,
)
AFTER_MODAL = re.compile(r"\s+(?:(?:also|then|directly|formally|jointly|first|both|all|personally|now|each)\s+)*")
# What "will" is followed by when it predicts, describes a consequence or announces a schedule.
NOT_A_PLEDGE_AFTER_MODAL = re.compile(
    r"(?:not\s+)?be\s+(?:a|an|the|one\s+of)\b"
    r"|be\s+(?:\w+ly\s+)?(?:debated|discussed|considered|presented|examined|heard|tabled|voted|held|published|"
    r"released|announced|unveiled|reduced|increased|known)\b"
    r"|have\s+(?:\w+ly\s+)?(?:been|\w+ed|spent|made|built|done|seen|given|taken|paid|sent|put|met|won|lost|become)\b"
    r"|not\s+(?:\w+\s+)?(?:commit|agree|pledge|promise|sign|endorse|accept)\b"
    r"|(?:participate|attend|hear|receive|convene|gather|arrive|front|sit|appear|testify|travel|speak)\b"
    r"|join\s+(?:the\s+|a\s+|an\s+)?(?:[\w’'-]+\s+){0,2}(?:discussions?|talks|dinner|meeting|summit|call|session|"
    r"ceremony|lunch|reception)\b",
    re.I,
)
CONSEQUENCE = re.compile(r"\s+(?:\w+\s+)?be\s+(?:better\s+)?(?:able|in\s+a\s+position)\s+to\b", re.I)
FIRST_PERSON = re.compile(r"(?:\w+\s+)*?(?:we|i)\b", re.I)
TIMED_VERB = re.compile(
    r"(?:announce|unveil|publish|present|release|outline|detail|set out|hold|meet|visit|discuss|debate|consider|"
    r"sign|host|launch)\b",
    re.I,
)
DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
APPOINTMENT = re.compile(
    rf"\b(?:on\s+{DAYS}|tomorrow|tonight|later\s+(?:today|this\s+week)|this\s+(?:week|weekend|afternoon|evening|"
    rf"morning)|next\s+week|at\s+\d{{1,2}}(?::\d\d)?\s*(?:am|pm|a\.m\.|p\.m\.)|on\s+{MONTH_NAMES}\s+\d{{1,2}}\b|"
    rf"on\s+\d{{1,2}}\s+{MONTH_NAMES})",
    re.I,
)


def declined(kind: str, match: re.Match, plain: str) -> bool:
    """Whether the words around a trigger take the pledge back: refusal, a call on others, a schedule."""
    before = plain[max(match.start() - WINDOW, 0) : match.start()]
    if REFUSAL.search(before[-60:]):
        return True
    if kind == "verb" and match.start() > 0 and match.group()[:1].isupper():
        return True  # a named document mid-sentence: "the Wales Pledge to increase …"
    call = next(reversed(list(CALL_ON.finditer(before[-300:]))), None)
    if call and not re.search(r"[;:]|\b(?:we|they|I)\b", before[-300:][call.end() :], re.I):
        return True
    if kind == "modal" and match.group().lower() in ("will", "shall", "’ll", "'ll"):
        rest = plain[match.end() : match.end() + WINDOW]
        rest = rest[AFTER_MODAL.match(rest).end() :] if AFTER_MODAL.match(rest) else rest.lstrip()
        if NOT_A_PLEDGE_AFTER_MODAL.match(rest):
            return True
        if TIMED_VERB.match(rest) and APPOINTMENT.search(rest):
            return True
    return False


TITLE_LEAD = re.compile(r"^(?:also|further|jointly|both|now|together|to|upon|that|be able to)\s+", re.I)
# When and where a pledge was made sits between its verb and what is pledged: "agreed on Thursday
# to create …", "pledged at the summit in Madrid to …", "agreed, after two days of talks, to …".
CIRCUMSTANCE_THEN_TO = re.compile(
    rf"^(?:(?:(?:on\s+(?:the\s+)?(?=(?:{DAYS}|{MONTH_NAMES}|\d))"
    r"|(?:in|at|during|after|before|following|earlier|later|late|early|this|last|next)\s+)"
    r"(?:(?:the|a|an|their|its|our)\s+)?(?:[\w’'-]+\s+){0,3}?[\w’'-]+"
    r"|today|yesterday|tonight|tomorrow|formally|jointly|unanimously|publicly|again|also|now|in\s+principle)"
    r"\s*,?\s*|,[^,;]{1,80},\s*)+to\s+(?=[a-z])",
    re.I,
)
# "on" opens what is agreed ("agreed on a plan"), unless it opens a day ("on Thursday").
ON_WHAT = re.compile(r"^on\s+(?!" + DAYS + r"\b|" + MONTH_NAMES + r"\b|\d)", re.I)


def commitment_title(sentence: str, start: int) -> str:
    """A short headline: the verb phrase of what is pledged, from the trigger on, cut at the first clause break."""
    rest = sentence[start:].strip()
    while True:
        shorter = CIRCUMSTANCE_THEN_TO.sub("", rest, count=1)
        shorter = TITLE_LEAD.sub("", shorter, count=1)
        shorter = ON_WHAT.sub("", shorter, count=1)
        if shorter == rest:
            break
        rest = shorter
    if len(rest.split()) < 3:
        rest = sentence
    for stop in ("”", '"', ";", ", so ", ", with ", ", including ", ", according to", ", which", ", in "):
        head = rest.split(stop, 1)[0]
        if stop in rest and len(head.split()) >= 5:
            rest = head
            break
    title = short_text(rest.rstrip(' .,”"'), 14)
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
    sentences: list[Sentence],
    *,
    reference_year: int | None = None,
    vocabulary: Vocabulary | None = None,
    lead_ins: dict[int, list[int]] | None = None,
    budget: Budget | None = None,
) -> list[Candidate]:
    """Commitment sentences, and each list item under a committing lead-in as a commitment of its own."""
    lead_ins = lead_ins or {}
    found: dict[int, Candidate | None] = {}  # by sentence position, each sentence detected once
    first_of: dict[int, int] = {}  # paragraph -> position of its first sentence
    last_of: dict[int, int] = {}
    for position, sentence in enumerate(sentences):
        first_of.setdefault(sentence.paragraph, position)
        last_of[sentence.paragraph] = position

    def detected(position: int) -> Candidate | None:
        if position not in found:
            sentence = sentences[position]
            candidate = detect_commitment(sentence.text, reference_year=reference_year, vocabulary=vocabulary)
            if candidate:
                candidate.sentence = sentence
            found[position] = candidate
        return found[position]

    def lead_for(chain: list[int]) -> Candidate | None:
        """The committing lead-in of an item: its chain's first paragraph must commit."""
        head = chain[0]
        if head not in last_of:
            return None
        if head in lead_ins and first_of[head] == last_of[head]:
            return items.get(first_of[head])  # a nested lead-in that is itself an item
        return detected(last_of[head])

    items: dict[int, Candidate] = {}
    candidates = []
    for position, sentence in enumerate(sentences):
        if budget and position % 256 == 0:
            budget.check()
        chain = lead_ins.get(sentence.paragraph)
        lead = lead_for(chain) if chain and position == first_of[sentence.paragraph] else None
        if lead:
            items[position] = item = item_candidate(sentence, lead, [sentences[first_of[p]] for p in chain[1:]])
            candidates.append(item)
        elif candidate := detected(position):
            candidates.append(candidate)
    return candidates


def item_candidate(sentence: Sentence, lead: Candidate, between: list[Sentence]) -> Candidate:
    """A list item as a commitment: the lead-in's subject and verb, the items above it, and its own words."""
    if lead.lead:
        words = lead.wording
    else:
        words = lead.wording.rstrip()
        start = words.rfind(lead.subject, 0, words.find(lead.trigger)) if lead.subject else -1
        words = words[start:] if start >= 0 else words
    words = " ".join(part.rstrip(" :") for part in [words, *(item_text(s.text) for s in between)])
    words = words[:1].upper() + words[1:]  # the lead-in's subject now opens the sentence
    text = item_text(sentence.text)
    candidate = Candidate(sentence=sentence, trigger=lead.trigger, kind="item", subject=lead.subject, lead=words)
    candidate.title = commitment_title(text, 0)
    target = TARGET_WORDING.search(text)
    candidate.target_wording = target.group() if target else ""
    candidate.amount, candidate.currency = parse_amount(text)
    return candidate

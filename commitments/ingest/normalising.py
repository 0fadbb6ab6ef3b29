"""Step 2a: from raw text to one line per paragraph or list item, before any furniture rule.

Real texts arrive hard-wrapped (e-mail at 72 columns, text taken out of a PDF), with page
numbers, running headers, footnotes and form feeds between the pages, with control characters,
and with lists whose items carry the undertakings. This step reflows wrapped lines into
paragraphs, joins words hyphenated across lines, drops what belongs to the page rather than to the
text (each removal listed with its reason), writes all-capital passages in sentence case and keeps
each list item on its own line, indented by its nesting level, so later steps can attach it to
its lead-in. Every rule is one pass over the lines.
"""

from __future__ import annotations

import re
from collections import Counter

# C0 controls other than tab and newline, DEL, zero-width characters and the soft hyphen: invisible
# in a browser, they break XML feeds and word matching.
CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff\u00ad]")
LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u00a0": " ", "\u202f": " ", "\u2007": " "})

BULLET = r"[-*•‣◦▪▫●○■□–]"
ROMAN = r"(?:i|ii|iii|iv|v|vi|vii|viii|ix|x|xi|xii)"
ITEM = re.compile(
    rf"^(?P<indent>\s*)(?P<marker>{BULLET}|\(?\d{{1,2}}[.)]|\(?[a-z][.)]|\({ROMAN}\)|{ROMAN}[.)])\s+(?=\S)",
)
# "1." alone on its line: the number of the paragraph that follows (resolutions, treaties).
PARAGRAPH_NUMBER = re.compile(r"^\s*\(?\d{1,3}[.)]\s*$")
PAGE_NUMBER = re.compile(
    r"(?:page\s+)?\d{1,4}\s*(?:/|of)\s*\d{1,4}|page\s+\d{1,4}|[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}", re.I
)
# A running header or footer that carries the page number: "JOINT DECLARATION      Page 2 of 3".
PAGE_MARK = r"(?:page\s+\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?|\d{1,4}\s*(?:/|of)\s*\d{1,4})"
PAGE_MARKED = re.compile(rf".{{0,80}}?\S\s{{3,}}{PAGE_MARK}|{PAGE_MARK}\s{{3,}}\S.{{0,80}}", re.I)
FOOTNOTE_RULE = re.compile(r"[_—–-]{5,}")
FOOTNOTE = re.compile(r"\d{1,3}\s+\S")
SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)]*$")
SOCIAL_SIGNATURE = re.compile(r"[—–-]\s*[^()]{2,80}\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}")
SOCIAL_LINK = re.compile(r"\s*\bpic\.twitter\.com/\w+")
LOWER_RUN = re.compile(r"[a-z]{3}.*[a-z]{3}")
INITIALISM = re.compile(r"\b[A-Z][A-Z0-9&]{1,4}\b")
# Words a headline or a newspaper's opening ("THE good thing is …") writes in capitals; never initialisms.
CAPITAL_WORDS = frozenset(
    re.findall(
        r"\S+",
        """A AN AND ARE AS AT BE BUT BY DO FOR FROM HE HOW I IF IN IS IT ITS ME MY NO NOT OF ON OR OUR SO THE THIS
        TO UP US WE WHAT WHEN WHO WHY WILL WITH""",
    )
)
CAPITAL_WORD = re.compile(r"[A-Z][A-Z’'&-]*")


def is_item(line: str) -> bool:
    return bool(ITEM.match(line))


def item_text(line: str) -> str:
    """The item's own words, without its marker and indentation."""
    return ITEM.sub("", line, count=1).strip()


def item_level(line: str) -> int:
    match = ITEM.match(line)
    return len(match["indent"]) // 2 if match else 0


def raw_lines(text: str) -> list[str]:
    """Lines with control characters gone and page breaks made blank lines; indentation kept."""
    text = LINE_BREAKS.sub(lambda m: "\n\n" if m.group() in "\x0c\x1c\x1d\x1e" else "\n", text)
    text = CONTROLS.sub("", text.translate(HYPHENS))
    return [line.rstrip() for line in text.split("\n")]


def plain_line(text: str) -> str:
    """One line of metadata (a page title, an author) without control characters or line breaks."""
    return " ".join(CONTROLS.sub("", LINE_BREAKS.sub(" ", text.translate(HYPHENS))).split())


def is_hard_wrapped(lines: list[str]) -> bool:
    """Wrapped text: many lines break mid-sentence, and no line is much longer than the rest."""
    filled = [line for line in lines if line.strip()]
    if len(filled) < 4:
        return False
    breaks = sum(
        1
        for line, after in zip(lines, lines[1:], strict=False)
        if line.strip() and after.strip()[:1].islower() and not SENTENCE_END.search(line)
    )
    lengths = sorted(len(line) for line in filled)
    return breaks >= max(2, len(filled) // 10) and lengths[(len(lengths) * 9) // 10 - 1] <= 120


def wrap_width(lines: list[str]) -> int:
    lengths = sorted(len(line.strip()) for line in lines if line.strip())
    return lengths[(len(lengths) * 9) // 10 - 1] if lengths else 0


def drop_page_furniture(lines: list[str], removed: list) -> list[str]:
    """Page numbers, running headers and footnotes of a paginated text (taken out of a PDF)."""
    counts = Counter(" ".join(line.split()) for line in lines if line.strip())
    kept = []
    footnote, runs_on = None, 0  # the footnote being read, from a rule line to the first line that is not one
    for line in lines:
        text = " ".join(line.split())
        if FOOTNOTE_RULE.fullmatch(text):
            footnote = ""
            removed.append(("footnote rule", text))
            continue
        if footnote is not None:
            # A footnote may run on to a line or two that do not start with its number.
            runs_on = runs_on + 1 if text and not FOOTNOTE.match(text) else 0
            if not text or FOOTNOTE.match(text) or (footnote and not SENTENCE_END.search(footnote) and runs_on <= 2):
                if text:
                    removed.append(("footnote", text))
                    footnote = text
                continue
            footnote = None
        if PAGE_NUMBER.fullmatch(text):
            removed.append(("page number", text))
        elif PAGE_MARKED.fullmatch(line.strip()) or (
            text and counts[text] >= 3 and len(text.split()) <= 12 and not SENTENCE_END.search(text)
        ):
            removed.append(("running header", text))
        else:
            kept.append(line)
    return kept


def reflow(lines: list[str]) -> list[str]:
    """Join the lines of each wrapped paragraph; a blank line, a list item or a short last line ends it.

    A blank line between a line that stops mid-sentence and one that goes on in lower case is
    where a page was cut (its header and footer already dropped), so the paragraph goes on.
    """
    width = wrap_width(lines)
    paragraphs: list[str] = []
    current: list[str] = []  # the lines of the paragraph being read, joined once it ends
    blank = False
    for line in lines:
        text = line.strip()
        if not text:
            blank = True
            continue
        starts_block = is_item(line) or PARAGRAPH_NUMBER.fullmatch(text)
        if not current or starts_block:
            goes_on = False
        elif blank:
            goes_on = text[:1].islower() and not SENTENCE_END.search(current[-1])
        else:
            goes_on = _continues(current[-1], text, width)
        if goes_on:
            _join(current, text)
        else:
            if current:
                paragraphs += ["".join(current), ""] if blank else ["".join(current)]
            current = [line.rstrip()]
        blank = False
    if current:
        paragraphs.append("".join(current))
    return _attach_paragraph_numbers(paragraphs)


def _continues(last_line: str, text: str, width: int) -> bool:
    if text[:1].islower() or last_line.endswith("-"):
        return True
    if SENTENCE_END.search(last_line):
        # A full line that happens to end a sentence goes on; a short one ends the paragraph.
        return len(last_line) >= width * 0.8
    # A short line without a full stop is a heading or a label, unless the next line carries on.
    return len(last_line) >= width * 0.6


def _join(current: list[str], text: str) -> None:
    """Add a line to the paragraph; a word hyphenated at the end of the line above is joined whole."""
    last = current[-1]
    if re.search(r"[A-Za-z]-$", last) and text[:1].islower() and not re.match(r"(?:and|or|to)\b", text):
        current[-1] = last[:-1]
        current.append(text)
    else:
        current.append(f" {text}")


def _attach_paragraph_numbers(paragraphs: list[str]) -> list[str]:
    """ "1." on its own line belongs to the paragraph below it."""
    joined: list[str] = []
    number = ""
    for paragraph in paragraphs:
        if PARAGRAPH_NUMBER.fullmatch(paragraph.strip()):
            number = paragraph.strip()
            continue
        if number and paragraph.strip():
            paragraph = f"{number} {paragraph.strip()}"
            number = ""
        joined.append(paragraph)
    return joined


def drop_social_embeds(lines: list[str], removed: list) -> list[str]:
    """An embedded post's signature line and picture link are the page's, not the article's."""
    kept = []
    for line in lines:
        text = line.strip()
        if SOCIAL_SIGNATURE.fullmatch(text):
            removed.append(("embedded post", text))
            continue
        if SOCIAL_LINK.search(text):
            removed += [("embedded post", m.group().strip()) for m in SOCIAL_LINK.finditer(text)]
            line = SOCIAL_LINK.sub("", line)
        kept.append(line)
    return kept


def is_all_caps(text: str) -> bool:
    if LOWER_RUN.search(text):
        return False  # the common case, decided without counting
    letters = [ch for ch in text if ch.isalpha()]
    return len(text.split()) >= 4 and len(letters) >= 12 and sum(ch.isupper() for ch in letters) >= 0.9 * len(letters)


def sentence_case(text: str, initialisms: frozenset[str] = frozenset()) -> str:
    """All-capital text in sentence case, keeping the initialisms the rest of the text writes in capitals.

    In capitals every word looks like an initialism ("LET US" is not the United States), so
    only those the mixed-case text also uses ("NATO", "EU") stay as they are.
    """
    lowered = CAPITAL_WORD.sub(lambda m: m.group() if m.group() in initialisms else m.group().lower(), text)
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), lowered)


def normalise_lines(raw: str, removed: list) -> list[str]:
    """One line per paragraph or list item; list items keep two spaces of indentation per level."""
    lines = raw_lines(raw)
    if is_hard_wrapped(lines):
        lines = reflow(drop_page_furniture(lines, removed))
    lines = drop_social_embeds(lines, removed)
    capitals = [is_all_caps(line) for line in lines]
    initialisms = frozenset(
        w
        for line, caps in zip(lines, capitals, strict=True)
        if not caps
        for w in INITIALISM.findall(line)
        if w not in CAPITAL_WORDS
    )
    normalised = []
    for line, caps in zip(lines, capitals, strict=True):
        text = " ".join(line.split())
        if is_item(line):
            indent = ITEM.match(line)["indent"].expandtabs(4)
            text = "  " * min(len(indent) // 2, 4) + text
        if caps:
            text = sentence_case(text, initialisms)
        normalised.append(text)
    return normalised


def lead_ins(paragraphs: list[str]) -> dict[int, list[int]]:
    """For each list item under a lead-in that ends with a colon: that lead-in and the items between.

    A top-level item's lead-in is the paragraph above its list. A nested item's chain runs from the
    nearest ancestor that ends with a colon down to its parent item, so "fund research" with the
    sub-items "on batteries" and "on grids" gives "… fund research on batteries".
    """
    found: dict[int, list[int]] = {}
    # (level, index) from the paragraph above the list (level -1) down to the item above this one.
    ancestors: list[tuple[int, int]] = []
    for index, paragraph in enumerate(paragraphs):
        if not is_item(paragraph):
            ancestors = [(-1, index)]
            continue
        level = item_level(paragraph)
        while ancestors and ancestors[-1][0] >= level:
            ancestors.pop()
        chain = [a for _, a in ancestors]
        first = next((i for i, a in enumerate(chain) if paragraphs[a].rstrip().endswith(":")), None)
        if first is not None:
            found[index] = chain[first:]
        ancestors.append((level, index))
    return found

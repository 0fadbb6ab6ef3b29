"""Time and peak memory of the article import's analysis on generated inputs of growing size.

    .venv/bin/python bench/ingest_scale.py                 # 50 KB, 500 KB and 2 MB
    .venv/bin/python bench/ingest_scale.py --sizes 100 1000 --styles wrapped

Each input is made of paragraphs in the styles real texts arrive in (news paragraphs, a
communiqué's numbered paragraphs, a fact sheet's bulleted lists, text wrapped at 72 columns with
page numbers), every paragraph different, until the size is reached. The analysis runs as an
import would (`commitments.ingest.analyse`, with the seed's themes and actors, no database). Time
is the best of `--rounds` runs; peak memory is measured by tracemalloc in one more run, since
tracing slows the code down.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLACES = ["Bergen", "Oslo", "Reykjavik", "Tromsø", "Akureyri", "Stavanger", "Tórshavn", "Nuuk", "Bodø", "Ísafjörður"]
TOPICS = ["fish stocks", "cyber attacks", "money laundering", "harbour security", "patrol vessels", "ransomware"]


def news(n: int) -> str:
    place, topic = PLACES[n % len(PLACES)], TOPICS[n % len(TOPICS)]
    return (
        f"The ministers met in {place} for the {n}th round of talks on {topic}, officials said. "
        f"The United States and the United Kingdom will fund {n % 9 + 2} new centres on {topic} by {2030 + n % 9}, "
        f"and both governments agreed to publish a report every {n % 11 + 1} months. "
        f"Critics said the plan, first discussed {n % 7 + 2} years ago, would not be enough."
    )


def communique(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    return (
        f"{n}. We reaffirm our commitment to address {topic} in all its forms, and we will share information "
        f"within {n % 5 + 2} days of any incident. We urge all States to ratify the convention on {topic}."
    )


def fact_sheet(n: int) -> str:
    topic = TOPICS[n % len(TOPICS)]
    items = "\n".join(f"- expand the work on {topic} in region {n}-{i} with {i + 2} partners" for i in range(4))
    return f"At meeting {n}, the leaders committed to:\n{items}"


def wrapped(n: int) -> str:
    words = news(n).split()
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) + 1 > 72:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines) + f"\n\n{n % 40 + 1}/40"


STYLES = {"news": news, "communique": communique, "fact_sheet": fact_sheet, "wrapped": wrapped}


def generate(size: int, styles: list[str]) -> str:
    parts, total, n = ["Ministers agree on the northern waters"], 0, 0
    while total < size:
        part = STYLES[styles[n % len(styles)]](n)
        parts.append(part)
        total += len(part.encode("utf-8")) + 2
        n += 1
    return "\n\n".join(parts)


def measure(text: str, vocabulary, rounds: int) -> tuple[float, float, int]:
    from commitments.ingest import analyse

    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        analysis = analyse(text, vocabulary=vocabulary, filename="generated.txt")
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    analyse(text, vocabulary=vocabulary, filename="generated.txt")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / (1024 * 1024), len(analysis.candidates)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    import yaml

    from bench.ingest_quality import SEED_VOCABULARY, vocabulary_for

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=[50, 500, 2048], help="sizes in KB")
    parser.add_argument("--styles", nargs="*", choices=sorted(STYLES), default=list(STYLES))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    vocabulary = vocabulary_for(yaml.safe_load(SEED_VOCABULARY.read_text(encoding="utf-8")), SEED_VOCABULARY)
    print(f"{'input':>8}  {'seconds':>8}  {'peak MB':>8}  {'candidates':>10}  {'s per MB':>8}")
    for size in args.sizes:
        text = generate(size * 1024, args.styles)
        seconds, peak, count = measure(text, vocabulary, args.rounds)
        megabytes = len(text.encode("utf-8")) / (1024 * 1024)
        print(f"{size:>6}KB  {seconds:>8.2f}  {peak:>8.1f}  {count:>10}  {seconds / megabytes:>8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

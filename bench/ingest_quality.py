"""Precision and recall of the article import against hand-labelled gold files or a labelled corpus.

    .venv/bin/python bench/ingest_quality.py            # the seed article and the test articles
    .venv/bin/python bench/ingest_quality.py FILE.gold.yaml ...
    .venv/bin/python bench/ingest_quality.py --corpus DIR [--vocabulary SEED.yaml]

A gold file names its article, the themes and actors it is labelled against (inline, or the seed
file given as `vocabulary`), and the article's commitment sentences with their themes and actors.
Every other sentence is labelled "not a commitment". The pipeline runs without a database
(`commitments.ingest.analysis.analyse`), with the gold file's vocabulary, exactly as an import would.

A corpus is a folder of articles and a `labels.json` that gives, per file name, substrings of the
text: `commitments` (each should be found in some candidate), `not_commitments` (traps: no
candidate should hold one), `ambiguous` (candidates holding one are not counted), `noise` (page
furniture that should not survive cleaning) and `themes_expected` (theme slugs the article's
candidates should carry). Its vocabulary is the seed file's (`--vocabulary`, by default the seed's
themes and actors, which is what an import sees after `load_seed`). The figures:

- recall: share of labelled commitments found in at least one candidate;
- precision: share of candidates holding a labelled commitment, among those not holding only an
  ambiguous one (a candidate that holds no label at all counts against it);
- traps taken: labelled traps held by a candidate that holds no labelled commitment;
- noise kept: noise strings still in the cleaned article body;
- themes missed: share of expected themes that no candidate of the article carries;
- deadlines dated: candidates whose target wording was read as a date, of those with a target
  wording (relative wordings need the article's date, so an undated article leaves them undated).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_VOCABULARY = ROOT / "seeds" / "us-uk-security-2021.yaml"
GOLD_FILES = [
    ROOT / "seeds" / "000_a468fed3cf8681fa.gold.yaml",
    *sorted((ROOT / "tests" / "ingest" / "fixtures").glob("*.gold.yaml")),
]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def __str__(self) -> str:
        return f"precision {self.precision:.2f}  recall {self.recall:.2f}  (tp {self.tp}, fp {self.fp}, fn {self.fn})"


@dataclass
class Report:
    name: str
    candidates: Counts = field(default_factory=Counts)
    themes: Counts = field(default_factory=Counts)
    actors: Counts = field(default_factory=Counts)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def add(self, other: Report) -> None:
        self.candidates.add(other.candidates)
        self.themes.add(other.themes)
        self.actors.add(other.actors)

    def lines(self) -> list[str]:
        lines = [
            f"{self.name}",
            f"  commitment sentences  {self.candidates}",
            f"  themes (on found)     {self.themes}",
            f"  actors (on found)     {self.actors}",
        ]
        lines += [f"  missed: {text[:100]}" for text in self.missed]
        lines += [f"  wrongly found: {text[:100]}" for text in self.extra]
        return lines


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w£$€%]+", " ", text.lower()).split())


def same_sentence(found: str, gold: str) -> bool:
    found, gold = normalise(found), normalise(gold)
    return bool(found and gold) and (gold in found or found in gold)


def vocabulary_for(gold: dict, gold_path: Path):
    import yaml

    from commitments.ingest.vocabulary import Vocabulary

    source = gold
    if gold.get("vocabulary"):
        source = yaml.safe_load((gold_path.parent / gold["vocabulary"]).read_text(encoding="utf-8"))
    themes = {row["slug"]: [row["name"], *row.get("keywords", [])] for row in source.get("themes", [])}
    actors = {
        row["slug"]: {
            "name": row["name"],
            "aliases": row.get("aliases", []),
            "kind": row["kind"],
            "parent": row.get("parent", ""),
        }
        for row in source.get("actors", [])
    }
    return Vocabulary.from_terms(themes, actors)


def measure(gold_path: Path) -> Report:
    import yaml

    from commitments.ingest import analyse

    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    article = gold_path.parent / gold["article"]
    analysis = analyse(
        article.read_text(encoding="utf-8"), vocabulary=vocabulary_for(gold, gold_path), filename=article.name
    )
    report = Report(gold["article"])
    labelled = gold["commitments"]
    matched = set()
    for candidate in analysis.candidates:
        index = next((i for i, row in enumerate(labelled) if same_sentence(candidate.sentence.text, row["text"])), None)
        if index is None:
            report.candidates.fp += 1
            report.extra.append(candidate.sentence.text)
            continue
        report.candidates.tp += 1
        matched.add(index)
        for name in ("themes", "actors"):
            found, expected = set(getattr(candidate, name)), set(labelled[index][name])
            counts = getattr(report, name)
            counts.add(Counts(len(found & expected), len(found - expected), len(expected - found)))
    for index, row in enumerate(labelled):
        if index not in matched:
            report.candidates.fn += 1
            report.missed.append(row["text"])
    return report


def measure_all(paths: list[Path] = GOLD_FILES) -> tuple[list[Report], Report]:
    reports = [measure(path) for path in paths]
    total = Report("all articles")
    for report in reports:
        total.add(report)
    return reports, total


@dataclass
class CorpusReport:
    name: str
    commitments: int = 0
    found: int = 0
    candidates: int = 0
    correct: int = 0
    ambiguous: int = 0
    traps: list[str] = field(default_factory=list)
    noise: list[str] = field(default_factory=list)
    themes_expected: int = 0
    themes_missed: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str = ""
    seconds: float = 0.0
    deadlines_worded: int = 0
    deadlines_dated: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.commitments if self.commitments else 1.0

    @property
    def precision(self) -> float:
        counted = self.candidates - self.ambiguous
        return self.correct / counted if counted else 1.0

    @property
    def themes_missed_share(self) -> float:
        return len(self.themes_missed) / self.themes_expected if self.themes_expected else 0.0

    def add(self, other: CorpusReport) -> None:
        for name in (
            "commitments",
            "found",
            "candidates",
            "correct",
            "ambiguous",
            "themes_expected",
            "seconds",
            "deadlines_worded",
            "deadlines_dated",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("traps", "noise", "themes_missed"):
            getattr(self, name).extend(getattr(other, name))
        if other.error:
            self.error = f"{self.error}; {other.name}" if self.error else f"errors in {other.name}"

    def summary(self) -> str:
        return (
            f"recall {self.recall:.2f} ({self.found}/{self.commitments})  "
            f"precision {self.precision:.2f} ({self.correct}/{self.candidates - self.ambiguous})  "
            f"traps {len(self.traps)}  noise {len(self.noise)}  "
            f"themes missed {self.themes_missed_share:.2f} ({len(self.themes_missed)}/{self.themes_expected})  "
            f"deadlines dated {self.deadlines_dated}/{self.deadlines_worded}"
        )

    def lines(self, verbose: bool = True) -> list[str]:
        lines = [f"{self.name}  ({self.seconds:.2f} s)", f"  {self.summary()}"]
        if self.error:
            lines.append(f"  ERROR: {self.error}")
        if verbose:
            lines += [f"  missed: {text[:100]}" for text in self.missed]
            lines += [f"  trap taken: {text[:100]}" for text in self.traps]
            lines += [f"  unlabelled: {text[:100]}" for text in self.extra]
            lines += [f"  noise kept: {text[:100]}" for text in self.noise]
            lines += [f"  theme missed: {slug}" for slug in self.themes_missed]
        return lines


def loose(text: str) -> str:
    """Case and spacing folded, for noise strings that are not words (`2/8`, `###`)."""
    return " ".join(text.lower().split())


def measure_text(path: Path, labels: dict, vocabulary) -> CorpusReport:
    import time

    from commitments.ingest import analyse

    report = CorpusReport(path.name)
    commitments, traps = labels.get("commitments", []), labels.get("not_commitments", [])
    ambiguous = labels.get("ambiguous", [])
    report.commitments = len(commitments)
    report.themes_expected = len(labels.get("themes_expected", []))
    started = time.perf_counter()
    try:
        raw = path.read_bytes().decode("utf-8-sig")
        analysis = analyse(raw, vocabulary=vocabulary, filename=path.name)
    except Exception as exc:  # a text that cannot be imported scores nothing and is reported
        report.error = f"{type(exc).__name__}: {exc}"
        report.missed = list(commitments)
        report.themes_missed = list(labels.get("themes_expected", []))
        return report
    finally:
        report.seconds = time.perf_counter() - started
    texts = [normalise(f"{c.wording} {c.sentence.text}") for c in analysis.candidates]
    found = set()
    for index, text in enumerate(texts):
        holds = [label for label in commitments if normalise(label) in text]
        found.update(holds)
        report.candidates += 1
        if holds:
            report.correct += 1
        elif any(normalise(label) in text for label in ambiguous):
            report.ambiguous += 1
        else:
            taken = [label for label in traps if normalise(label) in text]
            report.traps += [label for label in taken if label not in report.traps]
            if not taken:
                report.extra.append(analysis.candidates[index].wording)
    report.found = len(found)
    report.deadlines_worded = sum(1 for c in analysis.candidates if c.target_wording)
    report.deadlines_dated = sum(1 for c in analysis.candidates if c.target_wording and c.target_date)
    report.missed = [label for label in commitments if label not in found]
    body = loose(analysis.cleaned.body)
    report.noise = [label for label in labels.get("noise", []) if loose(label) in body]
    themes = {slug for c in analysis.candidates for slug in c.themes}
    report.themes_missed = [slug for slug in labels.get("themes_expected", []) if slug not in themes]
    return report


def measure_corpus(folder: Path, vocabulary_path: Path = SEED_VOCABULARY) -> tuple[list[CorpusReport], CorpusReport]:
    import yaml

    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    vocabulary = vocabulary_for(yaml.safe_load(vocabulary_path.read_text(encoding="utf-8")), vocabulary_path)
    reports = [measure_text(folder / name, labels[name], vocabulary) for name in sorted(labels)]
    total = CorpusReport(f"all texts in {folder.name}/")
    for report in reports:
        total.add(report)
    return reports, total


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("gold", nargs="*", type=Path, help="gold files (default: the seed and test articles)")
    parser.add_argument("--corpus", type=Path, help="a folder of articles with labels.json")
    parser.add_argument("--vocabulary", type=Path, default=SEED_VOCABULARY, help="seed file for the corpus")
    parser.add_argument("--brief", action="store_true", help="the corpus figures only, without the sentences")
    args = parser.parse_args(argv)
    if args.corpus:
        reports, total = measure_corpus(args.corpus.resolve(), args.vocabulary.resolve())
        for report in reports:
            print("\n".join(report.lines(verbose=not args.brief)))
        print("\n".join(total.lines(verbose=False)))
        return 0
    paths = [path.resolve() for path in args.gold] or GOLD_FILES
    reports, total = measure_all(paths)
    for report in [*reports, total]:
        print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Precision and recall of the article import against hand-labelled gold files.

    .venv/bin/python bench/ingest_quality.py            # the seed article and the test articles
    .venv/bin/python bench/ingest_quality.py FILE.gold.yaml ...

A gold file names its article, the themes and actors it is labelled against (inline, or the seed
file given as `vocabulary`), and the article's commitment sentences with their themes and actors.
Every other sentence is labelled "not a commitment". The pipeline runs without a database
(`commitments.ingest.analysis.analyse`), with the gold file's vocabulary, exactly as an import would.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    paths = [Path(arg).resolve() for arg in argv] or GOLD_FILES
    reports, total = measure_all(paths)
    for report in [*reports, total]:
        print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

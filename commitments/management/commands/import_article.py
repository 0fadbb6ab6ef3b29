"""Import an article as draft commitments, quotes and suggestions for an analyst to review."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.ingest import ImportRefused, import_article
from commitments.ingest.reading import max_bytes


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published-on {value!r} is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = (
        "Import an article (.txt, .html or .htm; '-' reads standard input) as a draft statement with draft "
        "commitments, article links, theme and actor suggestions, and quotes. Nothing is published."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The article file, or - for standard input.")
        parser.add_argument("--url", default="", help="The article's address; a second import of it is refused.")
        parser.add_argument("--publisher", default="", help="Who published it, if the text does not say.")
        parser.add_argument("--published-on", default="", help="Publication date, YYYY-MM-DD.")
        parser.add_argument("--statement", default="", help="Attach the candidates to this existing statement (slug).")
        parser.add_argument("--dry-run", action="store_true", help="Show what would be created; write nothing.")
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, path: str, **options):
        published_on = iso_date(options["published_on"]) if options["published_on"] else None
        data, filename = self.read(path)
        try:
            result = import_article(
                data=data,
                filename=filename,
                url=options["url"],
                publisher=options["publisher"],
                published_on=published_on,
                statement_slug=options["statement"],
                dry_run=options["dry_run"],
            )
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(self.summary(result.as_dict()))

    def read(self, path: str) -> tuple[bytes, str]:
        # One byte over the limit is enough to refuse; never read a huge file whole.
        limit = max_bytes() + 1
        if path == "-":
            return sys.stdin.buffer.read(limit), ""
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            with file.open("rb") as handle:
                return handle.read(limit), file.name
        except OSError as exc:
            raise CommandError(f"{path}: cannot be read ({exc.strerror}).") from None

    def summary(self, result: dict) -> str:
        article, statement = result["article"], result["statement"]
        lines = [
            ("Dry run, nothing written. " if result["dry_run"] else "")
            + f"Article {article['id'] or '(new)'}: {article['title']}",
            f"  published on: {article['published_on'] or 'unknown'} ({article['published_on_source']})",
        ]
        if statement:
            verb = "new draft statement" if statement["created"] else "attached to statement"
            lines.append(f"  {verb}: {statement['title']}")
        lines.append(f"Candidates ({len(result['candidates'])}), all drafts:")
        for row in result["candidates"]:
            lines.append(f"  - {row['title']}")
            themes, actors = ", ".join(row["theme_names"]) or "–", ", ".join(row["actor_names"]) or "–"
            lines.append(f"    themes: {themes}; actors: {actors}")
            if row["target_wording"]:
                lines.append(f"    target: {row['target_date'] or 'no date'} (“{row['target_wording']}”)")
        lines.append(f"Quotes ({len(result['quotes'])}):")
        lines += [f"  - {row['speaker']}: “{' '.join(row['text'].split()[:12])}…”" for row in result["quotes"]]
        lines.append(f"Related published commitments ({len(result['related_commitments'])}):")
        lines += [
            f"  - {row['slug']} ({row['label']}; shares: {', '.join(row['shared'])})"
            for row in result["related_commitments"]
        ]
        lines += [f"Note: {note}" for note in result["notes"]]
        if result["removed"]:
            lines.append(f"Removed from the text ({len(result['removed'])}):")
            lines += [f"  - {row['reason']}: {' '.join(row['text'].split()[:12])}" for row in result["removed"]]
        return "\n".join(lines)

"""`manage.py import_dataset PATH` (or `-` for standard input): restore an export_dataset document."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.data.dataset import DatasetError, import_dataset


class Command(BaseCommand):
    help = (
        "Restore a dataset export into an empty database in one transaction, keeping ids and times. "
        "With --merge, add only the records whose natural key is not already present."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to read, or - for standard input.")
        parser.add_argument(
            "--merge",
            action="store_true",
            help="Allow a database that already holds records: existing ones (same slug, article URL or text, "
            "update date and status, link pair, quote) are skipped, the others added with new ids.",
        )

    def handle(self, *args, path: str, merge: bool, **options) -> None:
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        try:
            report = import_dataset(data, merge=merge)
        except DatasetError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Dataset restored." if not merge else "Dataset merged."))

"""`manage.py export_dataset PATH` (or `-` for standard output): every record as one JSON document.

The full export is private (drafts, article texts, staff usernames); `--public` writes only what
the public may see, to publish as open data.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.data.dataset import export_dataset


class Command(BaseCommand):
    help = "Write every record (themes, actors, articles, statements, commitments, updates, links, quotes) as versioned JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="File to write, or - for standard output.")
        parser.add_argument(
            "--public",
            action="store_true",
            help="Only published records, without staff usernames or article texts (cannot be restored).",
        )

    def handle(self, *args, path: str, public: bool, **options) -> None:
        data = export_dataset(public=public)
        if path == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        # Written beside the target and renamed, so an interrupted export never leaves half a file
        # where a good one is expected.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, target)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise CommandError(f"Cannot write {target}: {exc}") from None
        self.stderr.write(f"Wrote {len(data):,} bytes to {target}.")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from commitments.data.seed import SEED_FILE, SeedError, SeedLoader


class Command(BaseCommand):
    help = "Load the curated seed data. Safe to run again: records already up to date are left alone."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(SEED_FILE), help="Seed YAML file (default: %(default)s).")

    def handle(self, *args, path: str, **options):
        try:
            counts = SeedLoader(Path(path)).load()
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        for (kind, outcome), n in sorted(counts.items()):
            self.stdout.write(f"{kind}: {n} {outcome}")
        changed = sum(n for (_, outcome), n in counts.items() if outcome != "unchanged")
        self.stdout.write(self.style.SUCCESS(f"Seed loaded from {path}: {changed} records created or updated."))

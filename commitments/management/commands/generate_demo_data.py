"""Fill the database with realistic demo data at scale (see commitments/data/demo.py)."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commitments.data.demo import (
    DEFAULT_RANDOM_SEED,
    DemoGenerator,
    Progress,
    check_statuses,
    delete_demo_data,
    demo_commitment_count,
    demo_summary,
    real_data_counts,
    refresh_statistics,
)


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate N demo commitments with statements, articles, status updates, themes and actors in "
        "proportion. Earlier demo data is replaced; real data is never touched, and its presence stops "
        "the command unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--commitments", type=positive_int, required=True, help="How many commitments (≥ 1).")
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_RANDOM_SEED,
            help=f"Random seed; the same seed gives the same data (default {DEFAULT_RANDOM_SEED}).",
        )
        parser.add_argument(
            "--batch-size",
            type=positive_int,
            default=2000,
            help="Rows per INSERT and commitments per batch (default 2000).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add demo data next to real data (the curated seed counts as real). Meant for a scratch copy.",
        )

    def handle(self, *args, commitments: int, seed: int, batch_size: int, force: bool, **options) -> None:
        real = real_data_counts()
        if real and not force:
            found = ", ".join(f"{n:,} {name}" for name, n in real.items())
            raise CommandError(
                f"This database holds real data ({found}). Demo data belongs in its own database: point "
                "DATABASE_URL at an empty one, or pass --force to mix them anyway."
            )
        previous = demo_commitment_count()
        if previous:
            self.stderr.write(f"Removing the earlier demo data ({previous:,} commitments)…")
            delete_demo_data()

        progress = Progress(DemoGenerator.expected_rows(commitments), stream=self.stderr)
        generator = DemoGenerator(commitments=commitments, seed=seed, batch_size=batch_size, progress=progress.advance)
        result = generator.run()
        progress.finish()

        refreshing = time.perf_counter()
        refresh_statistics()
        refresh_seconds = time.perf_counter() - refreshing
        mismatched = check_statuses()
        if mismatched:
            # Should never happen: the generator applies sync_status's rule. Say so loudly.
            raise CommandError(f"{mismatched:,} demo commitments have a status that differs from their latest update.")
        summary = demo_summary()
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.rows:,} rows in {result.seconds:.1f} s ({result.rows_per_second:,.0f} rows/s), "
                f"seed {seed}."
            )
        )
        self.stdout.write(
            f"  of which commit {result.commit_seconds:.1f} s; generator CPU {result.cpu_seconds:.1f} s; "
            f"then statistics refreshed in {refresh_seconds:.1f} s"
        )
        for label, n in summary.items():
            self.stdout.write(f"  {label}: {n:,}")
        self.stdout.write("  statuses consistent with the latest updates: yes")

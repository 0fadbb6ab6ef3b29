"""Demo data at scale: decades of summits, generated in bulk for load tests and the benchmark.

Everything is drawn from one seeded random generator in a fixed order, so the same seed and
size give the same data on any machine and on any day. Demo records are marked: slugs start
with ``demo-`` and article addresses with ``DEMO_URL_PREFIX``. Anything else in the tracker's
tables is real data (the curated seed data included), which the generator never touches.

Rows go in with ``bulk_create`` in batches, many-to-many links through their through-tables.
That bypasses ``save()`` and signals, hence three deliberate differences from normal writes:

- ``Commitment.status`` is normally written only by ``services.sync_status``. Calling it once
  per commitment would cost a locked read and a write per row (100,000 of them at full size),
  so the generator applies the same rule in Python (the status of the latest update by
  ``as_of``, then ``created_at``, then id; ``not_rated`` without updates), writes the result
  with the commitment, and ``check_statuses`` verifies the rule in SQL afterwards.
- No django-simple-history records: they would double the rows and the time, and generated
  data has no editorial history worth showing. Records edited later in the admin get history
  as usual.
- ``Article.save`` fills ``content_hash``; here it is computed explicitly.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter

from django.db import connection, models, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify

from commitments.data.demo_vocabulary import (
    BODIES,
    CITIES,
    COUNTRIES,
    DEMO_CURRENCIES,
    EVENTS,
    FIRST_NAMES,
    LAST_NAMES,
    ORGANISATIONS,
    PUBLISHERS,
    QUALIFIERS,
    RATIONALES,
    STATUS_NEXT,
    STATUS_START,
    THEMES,
    VERBS,
)
from commitments.domain.search_index import refresh_search_documents
from commitments.infra.cache import bump_data_version
from commitments.models import (
    RATED_STATUSES,
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
    content_hash,
    latest_in,
    latest_status,
    latest_status_in,
)

DEMO_PREFIX = "demo-"
DEMO_URL_PREFIX = "https://demo.example.org/"
# Fixed ends of the generated timeline: with a moving "today" the same seed would not give the
# same data tomorrow. Target dates run past the end, so some are in the future.
DEMO_FROM = datetime.date(1995, 1, 1)
DEMO_UNTIL = datetime.date(2026, 6, 30)
DEFAULT_RANDOM_SEED = 2021


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights)[0]


@dataclass
class DemoResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    commit_seconds: float = 0.0  # of `seconds`: PostgreSQL checks the deferred foreign keys here
    cpu_seconds: float = 0.0  # this process only, not the database server

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


class Progress:
    """A one-line text progress bar on stderr, redrawn at most a few times a second."""

    def __init__(self, total: int, stream=None, width: int = 30):
        self.total = max(total, 1)
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.done = 0
        self.started = time.perf_counter()
        self.last_drawn = 0.0
        self.interactive = getattr(self.stream, "isatty", lambda: False)()

    def advance(self, rows: int) -> None:
        self.done += rows
        now = time.perf_counter()
        # Without a terminal, a line every ten seconds keeps logs short.
        if now - self.last_drawn >= (0.25 if self.interactive else 10):
            self.draw(now)

    def draw(self, now: float | None = None, end: str = "") -> None:
        now = now or time.perf_counter()
        self.last_drawn = now
        fraction = min(self.done / self.total, 1.0)
        filled = int(fraction * self.width)
        rate = self.done / (now - self.started) if now > self.started else 0.0
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {self.done:,} rows, {rate:,.0f} rows/s"
        self.stream.write(("\r" if self.interactive else "") + line + (end or ("" if self.interactive else "\n")))
        self.stream.flush()

    def finish(self) -> None:
        self.draw(end="\n")


def demo_filters() -> dict[type[models.Model], Q]:
    """How a demo record is recognised, per model that carries the mark."""
    slugged = Q(slug__startswith=DEMO_PREFIX)
    return {
        Theme: slugged,
        Actor: slugged,
        Statement: slugged,
        Commitment: slugged,
        Article: Q(url__startswith=DEMO_URL_PREFIX),
    }


def real_data_counts() -> dict[str, int]:
    """Records that are not demo data, per model; the curated seed data counts as real."""
    counts = {}
    for model, is_demo in demo_filters().items():
        n = model._default_manager.exclude(is_demo).count()
        if n:
            counts[model._meta.verbose_name_plural] = n
    return counts


def demo_commitment_count() -> int:
    return Commitment.objects.filter(slug__startswith=DEMO_PREFIX).count()


def delete_demo_data() -> int:
    """Delete every demo record with plain DELETE statements, leaving real data alone.

    The ORM's delete() would load each row, run the status-recomputing receiver for every
    status update and write nothing faster than one row at a time; a raw delete per table in
    dependency order takes seconds. Foreign keys are deferred to the end of the transaction,
    so parent links between actors need no special order.
    """
    demo_commitment = Q(commitment__slug__startswith=DEMO_PREFIX)
    demo_statement = Q(statement__slug__startswith=DEMO_PREFIX)
    steps: list[models.QuerySet] = [
        StatusUpdate.evidence.through.objects.filter(statusupdate__commitment__slug__startswith=DEMO_PREFIX),
        StatusUpdate.objects.filter(demo_commitment),
        ArticleLink.objects.filter(demo_commitment),
        Quote.commitments.through.objects.filter(demo_commitment),
        Quote.objects.filter(demo_statement),
        Commitment.themes.through.objects.filter(demo_commitment),
        Commitment.actors.through.objects.filter(demo_commitment),
        Commitment.objects.filter(slug__startswith=DEMO_PREFIX),
        Statement.parties.through.objects.filter(demo_statement),
        Statement.articles.through.objects.filter(demo_statement),
        Statement.objects.filter(slug__startswith=DEMO_PREFIX),
        Article.objects.filter(url__startswith=DEMO_URL_PREFIX),
        Actor.objects.filter(slug__startswith=DEMO_PREFIX),
        Theme.objects.filter(slug__startswith=DEMO_PREFIX),
    ]
    deleted = 0
    with transaction.atomic():
        for queryset in steps:
            deleted += queryset._raw_delete(queryset.db)
    bump_data_version()
    return deleted


class DemoGenerator:
    """Generates `commitments` demo commitments with everything around them, in proportion.

    Per commitment on average: 3 articles (each linked to it), about 10 status updates, 2 themes,
    2 actors; statements carry 3 to 12 commitments, their parties, reporting articles and a quote.
    """

    def __init__(
        self,
        *,
        commitments: int,
        seed: int = DEFAULT_RANDOM_SEED,
        batch_size: int = 2000,
        progress: Callable[[int], None] | None = None,
    ):
        if commitments < 1:
            raise ValueError("The number of commitments must be at least 1.")
        if batch_size < 1:
            raise ValueError("The batch size must be at least 1.")
        self.target = commitments
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.progress = progress or (lambda rows: None)
        self.counts: dict[str, int] = {}
        self.n_commitments = 0
        self.n_articles = 0
        self.use_copy = connection.vendor == "postgresql"
        self.now = timezone.now()

    @staticmethod
    def expected_rows(commitments: int) -> int:
        """About how many rows a run writes (for the progress bar); measured ratio, rounded up."""
        return commitments * 65 // 2 + 340

    def _count(self, label: str, n: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + n
        self.progress(n)

    def _insert(self, model: type[models.Model], objs: list) -> list:
        """Insert model instances in bulk; afterwards each carries its id."""
        if not objs:
            return objs
        if self.use_copy:
            self._copy_objects(model, objs)
        else:
            model._default_manager.bulk_create(objs, batch_size=self.batch_size)
        self._count(model._meta.verbose_name_plural, len(objs))
        return objs

    def _link(self, through: type[models.Model], columns: tuple[str, str], pairs: list[tuple[int, int]]) -> None:
        """Insert many-to-many rows, given as (id, id) pairs, into a through-table."""
        if not pairs:
            return
        if self.use_copy:
            self._copy_rows(through._meta.db_table, columns, pairs)
        else:
            through._default_manager.bulk_create(
                [through(**dict(zip(columns, pair, strict=True))) for pair in pairs], batch_size=self.batch_size
            )
        self._count(through._meta.db_table, len(pairs))

    # PostgreSQL: COPY instead of INSERT. Measured at 10,000 commitments, bulk_create spent most
    # of its time building the SQL and adapting parameter arrays in Python; COPY streams rows
    # straight to the server and about triples the rows per second.

    def _copy_objects(self, model: type[models.Model], objs: list) -> None:
        table = model._meta.db_table
        fields = model._meta.concrete_fields
        pk = model._meta.pk
        with connection.cursor() as cursor:
            # Ids come from the table's own sequence, so later inserts continue after them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, len(objs)],
            )
            for obj, (pk_value,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk_value
        stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        for obj in objs:
            for name in stamped:
                setattr(obj, name, self.now)
        row = attrgetter(*(f.attname for f in fields))
        self._copy_rows(table, [f.column for f in fields], (row(obj) for obj in objs))

    @staticmethod
    def _copy_rows(table: str, columns, rows) -> None:
        from psycopg import sql

        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for values in rows:
                copy.write_row(values)

    # Reference data ------------------------------------------------------------------------

    def create_themes(self) -> list[Theme]:
        taken = set(Theme.objects.values_list("name", flat=True))
        themes = []
        for i, (name, nouns) in enumerate(THEMES, start=1):
            # Theme names are unique; with --force next to real themes, a clash gets a suffix.
            display = name if name not in taken else f"{name} (demo)"
            themes.append(
                Theme(
                    name=display,
                    slug=f"{DEMO_PREFIX}{slugify(name)}",
                    description=f"Pledges on {nouns[0]}, {nouns[1]} and {nouns[2]}.",
                    keywords="\n".join(nouns),
                )
            )
            themes[-1].nouns = nouns
            themes[-1].weight = 1 / i**0.7  # a few big themes and a long tail, like real trackers
        return self._insert(Theme, themes)

    def create_actors(self) -> tuple[list[Actor], list[Actor], dict[int, list[Actor]]]:
        """~300 actors: countries, international organisations, government bodies, people."""
        rng = self.rng
        parties = [
            Actor(name=name, slug=f"{DEMO_PREFIX}{slugify(name)}", kind=Actor.Kind.COUNTRY, aliases=name)
            for name in COUNTRIES
        ] + [
            Actor(
                name=name,
                slug=f"{DEMO_PREFIX}{slugify(name)}",
                kind=Actor.Kind.INTERNATIONAL_ORGANISATION,
                aliases=name,
            )
            for name in ORGANISATIONS
        ]
        self._insert(Actor, parties)
        countries = [a for a in parties if a.kind == Actor.Kind.COUNTRY]
        bodies: list[Actor] = []
        for country in countries:
            for body_name, role in rng.sample(BODIES, 2):
                body = Actor(
                    name=f"{body_name} of {country.name}",
                    slug=f"{DEMO_PREFIX}{slugify(country.name)}-{slugify(body_name)}",
                    kind=Actor.Kind.GOVERNMENT_BODY,
                    parent=country,
                )
                body.minister_role = role
                bodies.append(body)
        self._insert(Actor, bodies)
        people: list[Actor] = []
        seen_slugs = set()
        while len(people) < 300 - len(parties) - len(bodies):
            body = rng.choice(bodies)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            slug = f"{DEMO_PREFIX}{slugify(name)}"
            if slug in seen_slugs:
                slug = f"{slug}-{len(people)}"
            seen_slugs.add(slug)
            people.append(Actor(name=name, slug=slug, kind=Actor.Kind.PERSON, parent=body, role=body.minister_role))
        self._insert(Actor, people)
        bodies_of: dict[int, list[Actor]] = {}
        for body in bodies:
            bodies_of.setdefault(body.parent_id, []).append(body)
        return parties, people, bodies_of

    # Statements and everything under them -----------------------------------------------

    def run(self) -> DemoResult:
        started, cpu_started = time.perf_counter(), time.process_time()
        with transaction.atomic():
            # Rows go in without signals: their search documents are written once, at the end.
            last_before = Commitment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            themes = self.create_themes()
            parties, people, bodies_of = self.create_actors()
            theme_weights = [t.weight for t in themes]
            made = 0
            n_statement = 0
            batch: list[dict] = []
            batch_commitments = 0
            while made < self.target:
                n_statement += 1
                size = min(self.rng.randint(3, 12), self.target - made)
                batch.append(self._plan_statement(n_statement, size, themes, theme_weights, parties, bodies_of))
                made += size
                batch_commitments += size
                if batch_commitments >= self.batch_size:
                    self._write(batch, people)
                    batch, batch_commitments = [], 0
            self._write(batch, people)
            refresh_search_documents(Commitment.objects.filter(pk__gt=last_before).values_list("pk", flat=True))
            committing = time.perf_counter()
        finished = time.perf_counter()
        bump_data_version()
        return DemoResult(
            counts=dict(self.counts),
            seconds=finished - started,
            commit_seconds=finished - committing,
            cpu_seconds=time.process_time() - cpu_started,
        )

    def _plan_statement(
        self,
        n: int,
        size: int,
        themes: list[Theme],
        theme_weights: list[float],
        parties: list[Actor],
        bodies_of: dict[int, list[Actor]],
    ) -> dict:
        """Draw one statement and its commitments as plain values; ids come at write time."""
        rng = self.rng
        span = (DEMO_UNTIL - DEMO_FROM).days - 10
        made_on = DEMO_FROM + datetime.timedelta(days=rng.randrange(span))
        event = rng.choice(EVENTS)
        kind = rng.choice(Statement.Kind.values)
        title = f"{event} {made_on.year}: {Statement.Kind(kind).label.lower()} {n}"
        state = _weighted(rng, [(PublicationState.PUBLISHED, 88), (PublicationState.REVIEW, 7), ("draft", 5)])
        statement_parties = rng.sample(parties, rng.randint(2, 4))
        focus = list(dict.fromkeys(rng.choices(themes, theme_weights, k=4)))
        statement = Statement(
            title=title[:300],
            slug=f"{DEMO_PREFIX}{slugify(title)[:60]}-{n}",
            kind=kind,
            made_on=made_on,
            place=rng.choice(CITIES),
            event=f"{event} {made_on.year}",
            summary=f"Leaders of {', '.join(p.name for p in statement_parties)} set out {size} pledges.",
            state=state,
        )
        party_names = " and ".join(p.name for p in statement_parties[:2])
        commitments = []
        for _ in range(size):
            commitments.append(
                self._plan_commitment(statement, state, statement_parties, focus, bodies_of, party_names)
            )
        return {"statement": statement, "parties": statement_parties, "commitments": commitments}

    def _plan_commitment(
        self,
        statement: Statement,
        statement_state: str,
        statement_parties: list[Actor],
        focus: list[Theme],
        bodies_of: dict[int, list[Actor]],
        party_names: str,
    ) -> dict:
        rng = self.rng
        self.n_commitments += 1
        n = self.n_commitments
        themes = rng.sample(focus, min(len(focus), rng.choice((1, 2, 2, 3))))
        noun = rng.choice(themes[0].nouns)
        verb = rng.choice(VERBS)
        qualifier = rng.choice(QUALIFIERS)
        title = f"{verb} {noun}" + (f" {qualifier}" if qualifier else "")
        actors = rng.sample(statement_parties, rng.randint(1, min(2, len(statement_parties))))
        for actor in list(actors):
            if actor.id in bodies_of and rng.random() < 0.4:
                actors.append(rng.choice(bodies_of[actor.id]))
        target_date, target_wording = None, ""
        if rng.random() < 0.7:
            target_date = statement.made_on + datetime.timedelta(days=rng.randint(180, 8 * 365))
            target_wording = rng.choice((f"by {target_date.year}", f"by the end of {target_date.year}"))
        amount, currency = None, ""
        if rng.random() < 0.15:
            amount = Decimal(rng.choice((1, 2, 5, 10, 12, 24, 50, 100)) * 10 ** rng.randint(6, 10))
            currency = rng.choice(DEMO_CURRENCIES)
        if statement_state == PublicationState.PUBLISHED:
            state = _weighted(rng, [(PublicationState.PUBLISHED, 92), (PublicationState.REVIEW, 5), ("draft", 3)])
        else:
            # Never published under an unpublished statement: published() would hide it anyway,
            # and the admin's workflow publishes the statement first.
            state = rng.choice((PublicationState.DRAFT, PublicationState.REVIEW))
        commitment = Commitment(
            title=title[:300],
            slug=f"{DEMO_PREFIX}{slugify(title)[:60]}-{n}",
            wording=f"{party_names} will {verb.lower()} {noun}{' ' + qualifier if qualifier else ''}"
            f"{' ' + target_wording if target_wording else ''}.",
            summary=f"A pledge to {verb.lower()} {noun}, made at the {statement.event}.",
            target_date=target_date,
            target_wording=target_wording,
            amount=amount,
            currency=currency,
            state=state,
        )
        articles = [self._plan_article(statement, noun) for _ in range(rng.randint(2, 4))]
        updates = self._plan_updates(statement.made_on, noun, len(articles))
        commitment.status = latest_status_in(updates)
        return {
            "commitment": commitment,
            "themes": themes,
            "actors": actors,
            "articles": articles,
            "updates": updates,
        }

    def _plan_article(self, statement: Statement, noun: str) -> Article:
        rng = self.rng
        self.n_articles += 1
        n = self.n_articles
        publisher = rng.choice(PUBLISHERS)
        published_on = min(statement.made_on + datetime.timedelta(days=rng.randint(0, 900)), DEMO_UNTIL)
        body = (
            f"{statement.event}, {statement.place}. Leaders returned to {noun} in talks that officials "
            f"described as frank. The communiqué sets out steps and a timetable; critics said the money "
            f"pledged falls short. Report number {n} by {publisher}."
        )
        return Article(
            title=f"{statement.event}: leaders weigh next steps on {noun}",
            url=f"{DEMO_URL_PREFIX}articles/{n}",
            publisher=publisher,
            author=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            kind=rng.choice(Article.Kind.values),
            published_on=published_on,
            published_on_source=Article.DateSource.DOCUMENT,
            retrieved_on=DEMO_UNTIL,
            summary=f"Reports progress on {noun}.",
            body=body,
            content_hash=content_hash(body),
        )

    def _plan_updates(self, made_on: datetime.date, noun: str, n_articles: int) -> list[dict]:
        rng = self.rng
        first = made_on + datetime.timedelta(days=30)
        days = (DEMO_UNTIL - first).days
        if days <= 0:
            return []
        k = min(rng.randint(0, 20), days)  # mean 10 when the timeline allows
        offsets = sorted(rng.sample(range(days), k))
        status = None
        updates = []
        for offset in offsets:
            status = _weighted(rng, STATUS_START) if status is None else _weighted(rng, STATUS_NEXT[status])
            as_of = first + datetime.timedelta(days=offset)
            updates.append(
                {
                    "status": status,
                    "as_of": as_of,
                    "created_at": datetime.datetime.combine(
                        as_of, datetime.time(9 + rng.randrange(9), rng.randrange(60)), tzinfo=datetime.UTC
                    ),
                    "rationale": RATIONALES[status].format(noun=noun, publisher=rng.choice(PUBLISHERS)),
                    # A rated verdict is published only with evidence (domain/services.py).
                    "evidence": rng.sample(range(n_articles), max(rng.choice((0, 1, 1, 2)), status in RATED_STATUSES)),
                }
            )
        return updates

    def _write(self, batch: list[dict], people: list[Actor]) -> None:
        """Insert one batch of planned statements in dependency order, through-tables in bulk."""
        if not batch:
            return
        rng = self.rng
        self._insert(Statement, [s["statement"] for s in batch])
        self._link(
            Statement.parties.through,
            ("statement_id", "actor_id"),
            [(s["statement"].id, actor.id) for s in batch for actor in s["parties"]],
        )
        commitments = []
        for s in batch:
            for c in s["commitments"]:
                c["commitment"].statement = s["statement"]
                commitments.append(c["commitment"])
        self._insert(Commitment, commitments)
        self._insert(Article, [a for s in batch for c in s["commitments"] for a in c["articles"]])

        links, theme_pairs, actor_pairs, statement_articles, updates, quotes = [], [], [], [], [], []
        for s in batch:
            statement = s["statement"]
            for c in s["commitments"]:
                commitment = c["commitment"]
                theme_pairs += [(commitment.id, theme.id) for theme in c["themes"]]
                actor_pairs += [(commitment.id, actor.id) for actor in dict.fromkeys(c["actors"])]
                for i, article in enumerate(c["articles"]):
                    links.append(
                        ArticleLink(
                            commitment=commitment,
                            article=article,
                            relation=ArticleLink.Relation.REPORTS if i == 0 else ArticleLink.Relation.PROGRESS,
                            excerpt=article.body.split(". ")[1] + ".",
                        )
                    )
                latest = latest_in(c["updates"])
                for u in c["updates"]:
                    # Demo verdicts stand for reviewed ones: published, the latest in force.
                    update = StatusUpdate(
                        commitment=commitment,
                        status=u["status"],
                        as_of=u["as_of"],
                        created_at=u["created_at"],
                        rationale=u["rationale"],
                        state=PublicationState.PUBLISHED,
                        state_changed_at=u["created_at"],
                        is_current=u is latest,
                    )
                    update.evidence_articles = [c["articles"][i] for i in u["evidence"]]
                    updates.append(update)
            reporting = [c["articles"][0] for c in s["commitments"][:2]]
            statement_articles += [(statement.id, article.id) for article in reporting]
            quote = Quote(
                speaker=rng.choice(people),
                text=f"Today we agreed {len(s['commitments'])} concrete steps, and we will be judged on delivery.",
                article=reporting[0],
                statement=statement,
            )
            quote.commitment_ids = [c["commitment"].id for c in s["commitments"][:2]]
            quotes.append(quote)
        self._insert(ArticleLink, links)
        self._link(Commitment.themes.through, ("commitment_id", "theme_id"), theme_pairs)
        self._link(Commitment.actors.through, ("commitment_id", "actor_id"), actor_pairs)
        self._link(Statement.articles.through, ("statement_id", "article_id"), statement_articles)
        self._insert(StatusUpdate, updates)
        self._link(
            StatusUpdate.evidence.through,
            ("statusupdate_id", "article_id"),
            [(u.id, article.id) for u in updates for article in u.evidence_articles],
        )
        self._insert(Quote, quotes)
        self._link(
            Quote.commitments.through,
            ("quote_id", "commitment_id"),
            [(q.id, commitment_id) for q in quotes for commitment_id in q.commitment_ids],
        )


def refresh_statistics() -> None:
    """Give the query planner fresh statistics after a bulk load, as autovacuum would later.

    On PostgreSQL, VACUUM also marks the pages all-visible, which lets the count queries of the
    public pages use index-only scans. VACUUM cannot run inside a transaction (tests run in one),
    so there only ANALYZE runs.
    """
    tables = [
        m._meta.db_table for m in (Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote)
    ]
    tables += [
        f.remote_field.through._meta.db_table
        for m in (Statement, Commitment, StatusUpdate, Quote)
        for f in m._meta.local_many_to_many
    ]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{'ANALYZE' if connection.in_atomic_block else 'VACUUM (ANALYZE)'} {quoted}")
        else:
            cursor.execute("ANALYZE")


def check_statuses() -> int:
    """Demo commitments whose status differs from their latest update's (should be 0)."""
    return (
        Commitment.objects.filter(slug__startswith=DEMO_PREFIX)
        .annotate(expected=latest_status())
        .exclude(status=F("expected"))
        .count()
    )


def demo_summary() -> dict[str, int]:
    """Counts of demo records, for the command's report and the tests."""
    commitments = Commitment.objects.filter(slug__startswith=DEMO_PREFIX)
    return {
        "statements": Statement.objects.filter(slug__startswith=DEMO_PREFIX).count(),
        "commitments": commitments.count(),
        "published commitments": commitments.published().count(),
        "articles": Article.objects.filter(url__startswith=DEMO_URL_PREFIX).count(),
        "status updates": StatusUpdate.objects.filter(commitment__slug__startswith=DEMO_PREFIX).count(),
        "themes": Theme.objects.filter(slug__startswith=DEMO_PREFIX).count(),
        "actors": Actor.objects.filter(slug__startswith=DEMO_PREFIX).count(),
        "themes in use": Theme.objects.filter(slug__startswith=DEMO_PREFIX)
        .annotate(n=Count("commitments"))
        .filter(n__gt=0)
        .count(),
    }

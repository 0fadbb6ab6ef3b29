import datetime
import io
from statistics import mean

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from commitments.data.demo import (
    DEMO_PREFIX,
    DEMO_UNTIL,
    DEMO_URL_PREFIX,
    DemoGenerator,
    Progress,
    check_statuses,
    delete_demo_data,
    real_data_counts,
)
from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)
from tests.factories import CommitmentFactory

pytestmark = pytest.mark.django_db


def generate(n: int, *args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_demo_data", "--commitments", str(n), *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def snapshot() -> list[tuple]:
    """The generated data by natural keys: ids and timestamps of the run differ by design."""
    commitments = Commitment.objects.filter(slug__startswith=DEMO_PREFIX).order_by("slug")
    return [
        (
            c.slug,
            c.title,
            c.wording,
            c.status,
            c.state,
            c.target_date,
            c.amount,
            c.currency,
            c.statement.slug,
            c.statement.made_on,
            c.statement.state,
            sorted(c.themes.values_list("slug", flat=True)),
            sorted(c.actors.values_list("slug", flat=True)),
            list(c.updates.values_list("status", "as_of", "rationale", "created_at")),
            sorted(c.links.values_list("article__url", "relation")),
        )
        for c in commitments.select_related("statement")
    ]


def test_it_generates_data_in_proportion():
    generate(120, "--seed", "3")

    commitments = Commitment.objects.filter(slug__startswith=DEMO_PREFIX)
    assert commitments.count() == 120
    sizes = sorted(Statement.objects.annotate(n=Count("commitments")).values_list("n", flat=True))
    # 3 to 12 commitments a statement; only the last one drawn may be cut short.
    assert all(3 <= n <= 12 for n in sizes[1:]) and sizes[-1] <= 12
    assert 120 / 12 <= len(sizes) <= 120 / 3 + 1
    assert 2.5 <= Article.objects.count() / 120 <= 3.5
    assert ArticleLink.objects.count() == Article.objects.count()
    assert 7 <= StatusUpdate.objects.count() / 120 <= 13
    assert Theme.objects.count() == 40
    assert Actor.objects.count() == 300


def test_it_reuses_a_realistic_pool_of_themes_and_actors():
    generate(120, "--seed", "3")

    kinds = dict(Actor.objects.values_list("kind").annotate(n=Count("id")))
    assert set(kinds) == set(Actor.Kind.values)
    for person in Actor.objects.filter(kind=Actor.Kind.PERSON).select_related("parent__parent"):
        assert person.parent.kind == Actor.Kind.GOVERNMENT_BODY
        assert person.parent.parent.kind == Actor.Kind.COUNTRY
    per_commitment = Commitment.objects.annotate(t=Count("themes", distinct=True), a=Count("actors", distinct=True))
    assert all(1 <= c.t <= 3 and c.a >= 1 for c in per_commitment)
    used = Theme.objects.annotate(n=Count("commitments")).filter(n__gt=0)
    assert mean(t.n for t in used) > 2  # themes are shared, not one per commitment


def test_it_mixes_drafts_dates_and_amounts_like_real_data():
    generate(200, "--seed", "3")

    commitments = Commitment.objects.all()
    assert set(commitments.values_list("state", flat=True)) == set(PublicationState.values)
    assert Statement.objects.exclude(state=PublicationState.PUBLISHED).exists()
    assert commitments.filter(target_date__lt=DEMO_UNTIL).exists()
    assert commitments.filter(target_date__gt=DEMO_UNTIL).exists()
    assert commitments.filter(target_date__isnull=True).exists()
    with_amount = commitments.filter(amount__isnull=False)
    assert with_amount.exists() and not with_amount.filter(currency="").exists()
    assert commitments.filter(status=Status.NOT_RATED).exists()
    assert commitments.filter(status=Status.MET).exists()


def test_it_publishes_no_commitment_under_an_unpublished_statement():
    generate(200, "--seed", "4")

    published = Commitment.objects.filter(state=PublicationState.PUBLISHED)
    assert published.exists()
    assert not published.exclude(statement__state=PublicationState.PUBLISHED).exists()


def test_statuses_follow_the_latest_update():
    generate(80, "--seed", "5")

    for commitment in Commitment.objects.prefetch_related("updates"):
        updates = sorted(commitment.updates.all(), key=lambda u: (u.as_of, u.created_at, u.id))
        assert commitment.status == (updates[-1].status if updates else Status.NOT_RATED)
    assert check_statuses() == 0


def test_the_status_check_catches_a_commitment_out_of_step():
    generate(20, "--seed", "5")
    rated = Commitment.objects.exclude(status=Status.NOT_RATED).first()
    wrong = Status.BROKEN if rated.status != Status.BROKEN else Status.MET
    Commitment.objects.filter(pk=rated.pk).update(status=wrong)

    assert check_statuses() == 1


def test_the_same_seed_gives_the_same_data():
    generate(40, "--seed", "11")
    first = snapshot()
    generate(40, "--seed", "11")

    assert snapshot() == first
    assert len(first) == 40


def test_another_seed_gives_other_data():
    generate(40, "--seed", "11")
    first = snapshot()
    generate(40, "--seed", "12")

    assert snapshot() != first


def test_a_second_run_replaces_the_earlier_demo_data():
    generate(50)
    generate(20)

    assert Commitment.objects.count() == 20
    assert not StatusUpdate.objects.exclude(commitment__in=Commitment.objects.all()).exists()
    linked = Article.objects.filter(links__isnull=False).distinct().count()
    assert Article.objects.count() == linked  # no article left behind by the first run


def test_it_refuses_a_database_holding_real_data(seeded):
    before = Commitment.objects.count()

    with pytest.raises(CommandError, match="holds real data"):
        generate(10)

    assert Commitment.objects.count() == before
    assert not Theme.objects.filter(slug__startswith=DEMO_PREFIX).exists()


def test_it_adds_demo_data_next_to_real_data_when_forced(seeded):
    real = list(Commitment.objects.values_list("slug", "title", "status", "state").order_by("slug"))

    generate(10, "--force")
    generate(10, "--force")  # replacing the demo data leaves the real data alone

    assert Commitment.objects.filter(slug__startswith=DEMO_PREFIX).count() == 10
    after = Commitment.objects.exclude(slug__startswith=DEMO_PREFIX).values_list("slug", "title", "status", "state")
    assert list(after.order_by("slug")) == real
    assert real_data_counts()["commitments"] == len(real)


def test_one_real_commitment_counts_as_real_data():
    CommitmentFactory()

    assert real_data_counts() == {"statements": 1, "commitments": 1}
    with pytest.raises(CommandError, match="1 commitments"):
        generate(5)


def test_demo_data_has_no_history_records():
    generate(10)

    assert Commitment.objects.exists()
    assert not Commitment.history.exists()
    assert not StatusUpdate.history.exists()


def test_it_rejects_a_size_below_one():
    with pytest.raises(CommandError, match="--commitments"):
        generate(0)
    assert not Commitment.objects.exists()


def test_delete_demo_data_removes_only_demo_records(seeded):
    generate(15, "--force")

    delete_demo_data()

    assert not Commitment.objects.filter(slug__startswith=DEMO_PREFIX).exists()
    assert not Article.objects.filter(url__startswith=DEMO_URL_PREFIX).exists()
    assert Commitment.objects.count() == 13


def test_it_reports_progress_and_speed():
    output = generate(10)

    assert "rows/s" in output
    assert "statuses consistent with the latest updates: yes" in output


def test_the_progress_bar_draws_a_fraction_and_a_rate():
    stream = io.StringIO()
    progress = Progress(200, stream=stream)
    progress.advance(50)
    progress.finish()

    assert "25%" in stream.getvalue()
    assert "50 rows" in stream.getvalue()


def test_the_generator_rejects_nonsense_sizes():
    with pytest.raises(ValueError):
        DemoGenerator(commitments=0)
    with pytest.raises(ValueError):
        DemoGenerator(commitments=5, batch_size=0)


def test_dates_never_run_past_the_fixed_end_of_the_timeline():
    generate(60)

    assert not StatusUpdate.objects.filter(as_of__gt=DEMO_UNTIL).exists()
    assert not Article.objects.filter(published_on__gt=DEMO_UNTIL).exists()
    assert Statement.objects.filter(made_on__lt=datetime.date(2010, 1, 1)).exists()

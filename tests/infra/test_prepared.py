"""Lookups by lists of ids, compiled once and run as plain SQL (commitments/infra/prepared.py)."""

import datetime

import pytest

from commitments.infra.prepared import PreparedLookup
from commitments.models import Commitment, Status, StatusUpdate, Theme
from tests.factories import CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db


def themes_of(of):
    return (
        Commitment.themes.through.objects.filter(of("commitment_id"))
        .order_by("theme__name", "commitment_id")
        .values_list("commitment_id", "theme__slug")
    )


def test_the_rows_are_those_of_the_queryset_for_the_same_ids():
    a, b, c = ThemeFactory(name="A"), ThemeFactory(name="B"), ThemeFactory(name="C")
    first, second, other = CommitmentFactory(), CommitmentFactory(), CommitmentFactory()
    first.themes.set([b, a])
    second.themes.set([c])
    other.themes.set([a, b, c])
    lookup = PreparedLookup(themes_of)

    rows = lookup.rows([first.pk, second.pk])

    expected = list(
        Commitment.themes.through.objects.filter(commitment_id__in=[first.pk, second.pk])
        .order_by("theme__name", "commitment_id")
        .values_list("commitment_id", "theme__slug")
    )
    assert rows == expected
    assert rows == [(first.pk, a.slug), (first.pk, b.slug), (second.pk, c.slug)]
    assert lookup.rows([other.pk]) == [(other.pk, a.slug), (other.pk, b.slug), (other.pk, c.slug)]


def test_the_queryset_is_built_once_and_only_the_ids_change():
    built = []

    def build(of):
        built.append(True)
        return themes_of(of)

    commitment = CommitmentFactory()
    commitment.themes.set([ThemeFactory()])
    lookup = PreparedLookup(build)

    assert lookup.rows([commitment.pk]) != []
    assert lookup.rows([commitment.pk + 1000]) == []
    assert lookup.rows([commitment.pk]) != []
    assert built == [True]


def test_columns_come_converted_as_the_orm_gives_them():
    # SQLite returns dates as text; the ORM's converters turn them into dates on both databases.
    commitment = CommitmentFactory()
    as_of = commitment.statement.made_on + datetime.timedelta(days=3)
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=as_of)
    lookup = PreparedLookup(
        lambda of: StatusUpdate.objects.filter(of("commitment_id")).values_list("as_of", "created_at")
    )

    ((day, moment),) = lookup.rows([commitment.pk])

    assert day == as_of
    assert moment == StatusUpdate.objects.get(commitment=commitment).created_at


def test_each_list_of_ids_is_bound_where_it_belongs():
    first, second = CommitmentFactory(), CommitmentFactory()
    third = CommitmentFactory(
        predecessor=first, predecessor_relation="restates", statement__made_on=datetime.date(2030, 1, 1)
    )
    lookup = PreparedLookup(
        lambda up, down: Commitment.objects.filter(up("pk") | down("predecessor_id")).order_by("pk").values_list("pk"),
        lists=2,
    )

    assert lookup.rows([second.pk], [first.pk]) == [(second.pk,), (third.pk,)]
    assert lookup.rows([], [first.pk]) == [(third.pk,)]
    assert lookup.rows([first.pk], []) == [(first.pk,)]


def test_no_ids_run_no_query(django_assert_num_queries):
    lookup = PreparedLookup(themes_of)
    lookup.rows([CommitmentFactory().pk])  # compiled

    with django_assert_num_queries(0):
        assert lookup.rows([]) == []


def test_a_list_of_ids_the_query_does_not_use_is_refused():
    lookup = PreparedLookup(lambda used, unused: themes_of(used), lists=2)

    with pytest.raises(ValueError, match="exactly once"):
        lookup.rows([1], [2])


def test_texts_such_as_slugs_are_looked_up_and_rows_come_as_values_gives_them():
    from commitments.models import published_commitment_count

    ThemeFactory(slug="cyber", name="Cyber")
    ThemeFactory(slug="nato", name="NATO")
    ThemeFactory(slug="other", name="Other")
    CommitmentFactory(themes=[Theme.objects.get(slug="cyber")])

    def themes_by_slug(of):
        # An annotation between two fields: values() puts it last in the SQL and names it.
        return (
            Theme.objects.annotate(published=published_commitment_count("themes"))
            .filter(of("slug", "text"))
            .order_by("name")
            .values("slug", "published", "name")
        )

    lookup = PreparedLookup(themes_by_slug)
    expected = [{"slug": "cyber", "published": 1, "name": "Cyber"}, {"slug": "nato", "published": 0, "name": "NATO"}]
    assert lookup.dicts(["nato", "cyber", "missing"]) == expected
    assert lookup.dicts(["other"]) == [{"slug": "other", "published": 0, "name": "Other"}]
    assert lookup.dicts([]) == []
    with pytest.raises(ValueError):
        PreparedLookup(lambda of: Theme.objects.filter(of("slug", "json"))).rows(["x"])


def test_rows_are_read_where_the_router_sends_reads_of_the_model(monkeypatch):
    # An anonymous reader's lookups read the replica, as the querysets beside them do
    # (tracker/routers.py); here the router is asked, and its answer is the alias used.
    from django.db import router

    commitment, theme = CommitmentFactory(), ThemeFactory()
    commitment.themes.set([theme])
    asked = []

    def db_for_read(model, **hints):
        asked.append(model)
        return "elsewhere"

    monkeypatch.setattr(router, "db_for_read", db_for_read)
    lookup = PreparedLookup(themes_of)

    with pytest.raises(Exception, match="elsewhere"):
        lookup.rows([commitment.pk])
    assert asked == [Commitment.themes.through]
    assert lookup.rows([commitment.pk], using="default") == [(commitment.pk, theme.slug)]
    assert asked == [Commitment.themes.through]  # an explicit alias is not the router's question


# --- Read together (pipelined) -----------------------------------------------------------------


def _names_of(of):
    return Theme.objects.filter(of("pk")).order_by("pk").values_list("pk", "name")


def test_lookups_read_together_answer_as_each_alone(django_assert_num_queries):
    from commitments.infra.prepared import pipelined

    a, b, c = ThemeFactory(name="A"), ThemeFactory(name="B"), ThemeFactory(name="C")
    first, second = CommitmentFactory(), CommitmentFactory()
    first.themes.set([a, b])
    second.themes.set([c])
    links, names = PreparedLookup(themes_of), PreparedLookup(_names_of)
    alone = (links.rows([first.pk, second.pk]), names.rows([c.pk, a.pk]))

    # Both read, and logged, on entering the block.
    with django_assert_num_queries(2), pipelined((links, [[first.pk, second.pk]]), (names, [[a.pk, c.pk]])):
        together = (links.rows([second.pk, first.pk]), names.rows({c.pk, a.pk}))  # any order
    assert together == alone
    assert together[1] == [(a.pk, "A"), (c.pk, "C")]


def test_other_ids_inside_the_block_are_read_as_usual(django_assert_num_queries):
    from commitments.infra.prepared import pipelined

    a, b = ThemeFactory(name="A"), ThemeFactory(name="B")
    names = PreparedLookup(_names_of)
    with pipelined((names, [[a.pk]])):
        with django_assert_num_queries(1):
            assert names.rows([b.pk]) == [(b.pk, "B")]
        with django_assert_num_queries(0):
            assert names.rows([a.pk]) == [(a.pk, "A")]
        # Read already; nothing to read.
        with django_assert_num_queries(0), pipelined((names, [[a.pk]]), (names, [[]])):
            assert names.rows([a.pk]) == [(a.pk, "A")]
    with django_assert_num_queries(1):  # the block is over
        assert names.rows([a.pk]) == [(a.pk, "A")]


def test_on_postgresql_the_queries_go_in_one_pipeline(monkeypatch):
    from django.db import connection

    from commitments.infra.prepared import pipelined

    if connection.vendor != "postgresql":
        pytest.skip("pipelines are PostgreSQL's; elsewhere the queries run one after another")
    a, b = ThemeFactory(name="A"), ThemeFactory(name="B")
    names, others = PreparedLookup(_names_of), PreparedLookup(_names_of)
    connection.ensure_connection()
    entered = []
    real = type(connection.connection).pipeline

    def spy(self, *args, **kwargs):
        entered.append(True)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(connection.connection), "pipeline", spy)
    with pipelined((names, [[a.pk]]), (others, [[b.pk]])):
        assert (names.rows([a.pk]), others.rows([b.pk])) == ([(a.pk, "A")], [(b.pk, "B")])
    assert entered == [True]


def test_a_failing_query_in_a_pipeline_raises_a_database_error():
    from django.db import DatabaseError, connection, transaction
    from django.db.models.expressions import RawSQL

    from commitments.infra.prepared import pipelined

    if connection.vendor != "postgresql":
        pytest.skip("SQLite divides by zero without an error")
    theme = ThemeFactory(name="A")
    names = PreparedLookup(_names_of)
    broken = PreparedLookup(
        lambda of: (
            Theme.objects.filter(of("pk"))
            .annotate(x=RawSQL('1 / ("commitments_theme"."id" - "commitments_theme"."id")', []))
            .values_list("x")
        )
    )
    reading = pipelined((names, [[theme.pk]]), (broken, [[theme.pk]]))
    with pytest.raises(DatabaseError, match="division by zero"), transaction.atomic(), reading:
        pass
    assert names.rows([theme.pk]) == [(theme.pk, "A")]  # the connection is usable again

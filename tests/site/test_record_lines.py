"""The CSV download written by PostgreSQL (domain.record_lines) is byte for byte the one the
Python writer (rows.records through infra.spreadsheet.csv_lines) writes, on records chosen to
catch every rule: formula starts, quotes, commas and line breaks, runs of verdicts, corrections,
drafts, party verdicts, evidence without an address, predecessors the public may or may not see."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from commitments.domain import record_lines
from commitments.domain.rows import RECORD_COLUMNS, records
from commitments.infra.spreadsheet import csv_lines
from commitments.lineage import Relation
from commitments.models import PublicationState, Status
from commitments.site.filters import filter_commitments
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the database writes the lines on PostgreSQL only"),
]

ORIGIN = "http://testserver"


def python_csv(query: str = "") -> str:
    queryset = filter_commitments(QueryDict(query)).qs
    return "".join(csv_lines(records(queryset, ORIGIN), RECORD_COLUMNS))


def database_csv(query: str = "") -> str:
    return "".join(record_lines.csv_text(filter_commitments(QueryDict(query)).qs, ORIGIN))


@pytest.fixture
def tricky(db):
    """Commitments whose cells exercise each rule of the CSV writer."""
    when = datetime.date(2022, 3, 1)
    statement = StatementFactory(title='The "Quoted", statement', slug="quoted-statement", made_on=when)
    later = StatementFactory(title="=HYPERLINK(1)", slug="later-statement", made_on=datetime.date(2023, 1, 5))
    draft_statement = StatementFactory(slug="draft-statement", state=PublicationState.DRAFT)
    zeta, alpha = ThemeFactory(name="Zeta", slug="zeta"), ThemeFactory(name="Alpha", slug="alpha")
    middle = ThemeFactory(name="Middle", slug="a-middle")
    norway, austria = ActorFactory(name="Norway", slug="norway"), ActorFactory(name="Austria", slug="austria")
    made = [
        CommitmentFactory(
            statement=statement,
            title="=SUM(A1:A9)",
            slug="formula",
            wording='They said "yes", then\nthey said\r\nno.',
            summary="@mention, +44 20 and\ttabs",
            target_date=datetime.date(2020, 1, 1),
            target_wording="-by spring",
            amount=Decimal("-5.00"),
            currency="EUR",
            themes=[zeta, alpha, middle],
            actors=[norway, austria],
        ),
        CommitmentFactory(statement=statement, title="+44 is a number? no: -12 is", slug="numbers", summary="-12.50"),
        CommitmentFactory(statement=later, title="Ünïcödé — «quotes» and ‘single’", slug="unicode"),
        CommitmentFactory(statement=later, title="Past and met", slug="met", target_date=datetime.date(2020, 5, 1)),
    ]
    hidden = CommitmentFactory(statement=statement, slug="hidden", state=PublicationState.DRAFT)
    CommitmentFactory(statement=draft_statement, slug="under-a-draft-statement")
    made[1].predecessor, made[1].predecessor_relation = made[0], Relation.RESTATES
    made[1].save()
    made[2].predecessor, made[2].predecessor_relation = hidden, Relation.STRENGTHENS
    made[2].save()
    formula = made[0]
    # A run: not started, then in progress twice (the status holds since the earlier of the two).
    verdict(commitment=formula, status=Status.NOT_STARTED, as_of=datetime.date(2022, 4, 1), rationale="Not yet")
    verdict(commitment=formula, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 6, 1))
    copy_only = ArticleFactory(url="", published_on=None)
    latest = verdict(
        commitment=formula,
        status=Status.IN_PROGRESS,
        as_of=datetime.date(2022, 9, 1),
        rationale='=cmd|" /C calc"!A0, said "someone"',
        articles=[ArticleFactory(url="https://news.example.org/=a,b", published_on=when), copy_only],
    )
    verdict(commitment=formula, status=Status.BROKEN, as_of=datetime.date(2022, 10, 1), state=PublicationState.DRAFT)
    verdict(commitment=formula, status=Status.STALLED, as_of=datetime.date(2022, 9, 1), party=norway)
    verdict(commitment=formula, status=Status.MET, as_of=datetime.date(2022, 9, 2), party=austria)
    # A correction: the corrected verdict no longer counts, the correction does.
    wrong = verdict(commitment=made[1], status=Status.MET, as_of=datetime.date(2022, 5, 1))
    verdict(commitment=made[1], status=Status.STALLED, as_of=datetime.date(2022, 5, 1), corrects=wrong)
    verdict(commitment=made[3], status=Status.MET, as_of=datetime.date(2023, 7, 1))
    assert latest.is_current
    return made


def test_the_database_writes_the_same_bytes_as_python(tricky):
    expected = python_csv()
    assert expected.count("\r\n") > len(tricky)  # the header, the lines and the breaks inside cells
    assert database_csv() == expected


def test_the_cells_follow_the_spreadsheet_rules(tricky):
    text = database_csv("ordering=title")
    assert "'=SUM(A1:A9)" in text and '"\'@mention, +44 20 and\ttabs"' in text
    assert ",-5.00,EUR," in text and ",'-by spring," in text  # a number stays, a formula start does not
    assert '"They said ""yes"", then\nthey said\r\nno."' in text
    assert "alpha|a-middle|zeta" in text and "austria|norway" in text  # by name, not by slug
    assert "austria=met|norway=stalled" in text
    assert "2022-06-01,2022-09-01" in text  # since the earlier verdict of the run; last assessed
    assert "'https://news.example.org/=a,b" not in text  # an address starting with https is not a formula
    assert "/api/v1/articles/" in text  # evidence held only as a copy is given by its API address
    assert (
        "hidden" not in text
        and "under-a-draft-statement" not in text
        and ",restates," in text
        and "strengthens" not in text
    )


@pytest.mark.parametrize(
    "query",
    ["", "ordering=title", "ordering=-target_date", "ordering=status,-title", "theme=alpha", "overdue=true",
     "search=said", "status=in_progress"],
)  # fmt: skip
def test_every_filter_and_order_gives_the_same_lines(tricky, query):
    assert database_csv(query) == python_csv(query)


def test_the_seed_data_comes_out_the_same(seeded):
    assert database_csv() == python_csv()


def test_the_download_is_one_query_streamed(client, tricky):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/export/commitments.csv?bom=1")
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert body == "\ufeff" + python_csv()
    lines = [q["sql"] for q in queries.captured_queries if "string_agg" in q["sql"]]
    assert len(lines) == 1, "the lines come from one query"

"""The worked example of docs/data-example.md runs against a live tracker, as a reader would run it."""

import datetime
import importlib.util
import re
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

DOCS = Path(__file__).resolve().parents[2] / "docs"


def load_example():
    spec = importlib.util.spec_from_file_location("data_example", DOCS / "data_example.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_page_shows_the_example_as_it_is_in_its_file():
    page = (DOCS / "data-example.md").read_text(encoding="utf-8")
    [shown] = re.findall(r"```python\n(.*?)```", page, flags=re.DOTALL)
    assert shown == (DOCS / "data_example.py").read_text(encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_the_worked_example_reads_the_downloads_and_validates_the_package(live_server, capsys):
    nato = ThemeFactory(slug="nato", name="NATO")
    statement = StatementFactory(made_on=datetime.date(2021, 6, 10))
    met = CommitmentFactory(slug="fund-nato", title="Fund NATO in full", statement=statement, themes=[nato])
    CommitmentFactory(slug="overdue-pledge", themes=[nato], statement=statement, target_date=datetime.date(2022, 1, 1))
    CommitmentFactory(slug="not-nato", statement=statement)
    evidence = ArticleFactory(url="https://news.example/nato-budget")
    verdict(commitment=met, status="met", as_of=datetime.date(2023, 7, 1), articles=[evidence])

    result = load_example().main(live_server.url)

    assert result == {
        "count": 2,
        "by_status": {"met": 1, "not_rated": 1},
        "valid": True,
        "overdue": ["overdue-pledge"],
        "licence": "CC-BY-4.0",
        "key": ["id"],
    }
    printed = capsys.readouterr().out
    assert (
        "Fund NATO in full: Met since 2023-07-01, last assessed 2023-07-01; evidence: https://news.example/nato-budget"
        in printed
    )

"""CSV and JSON downloads: streamed, parseable, and the same rows as the list page."""

import csv
import datetime
import io
import json
import re

import pytest

from commitments.infra.spreadsheet import csv_cell
from commitments.site.exports import COLUMNS
from tests.factories import ActorFactory, CommitmentFactory, verdict

pytestmark = pytest.mark.django_db


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.streaming, "downloads are streamed"
    return response, b"".join(response.streaming_content).decode()


def listed_slugs(client, query=""):
    html = client.get("/commitments/" + query).content.decode()
    return re.findall(r'<h3 class="item-title"><a href="/commitments/([^/]+)/">', html)


@pytest.mark.parametrize("query", ["", "?theme=data-access", "?status=met", "?q=NATO&sort=title", "?overdue=yes"])
def test_csv_and_json_match_the_list(client, seeded, query):
    _, text = download(client, "/export/commitments.csv" + query)
    rows = list(csv.DictReader(io.StringIO(text)))
    _, raw = download(client, "/export/commitments.json" + query)
    data = json.loads(raw)
    expected = listed_slugs(client, query)
    assert expected
    assert [row["slug"] for row in rows] == expected
    assert [item["slug"] for item in data["commitments"]] == expected


def test_the_csv_has_every_column_and_the_facts(client, seeded):
    response, text = download(client, "/export/commitments.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="commitments.csv"' in response["Content-Disposition"]
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert list(next(iter(rows.values()))) == COLUMNS
    row = rows["lawful-access-data-access-agreement"]
    assert row["status"] == "met" and row["status_label"] == "Met" and row["score"] == "1"
    assert row["themes"] == "data-access;organised-crime"
    assert row["statement"] == "us-uk-security-cooperation-2021"
    assert row["url"] == "http://testserver/commitments/lawful-access-data-access-agreement/"
    money = rows["uk-extra-defence-spending-24bn"]
    assert money["amount"] == "24000000000.00" and money["currency"] == "GBP"
    assert money["target_date"] == "2025-03-31" and money["overdue"] == "yes"
    assert rows["space-safe-and-secure"]["score"] == ""  # not rated: no score


def test_the_json_has_typed_values(client, seeded):
    response, raw = download(client, "/export/commitments.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(raw)
    assert data["columns"] == COLUMNS
    item = next(i for i in data["commitments"] if i["slug"] == "lawful-access-data-access-agreement")
    assert item["score"] == 1 and item["overdue"] is False and item["target_date"] is None
    assert item["themes"] == ["data-access", "organised-crime"]


def test_an_empty_export_is_still_valid(client, db):
    _, raw = download(client, "/export/commitments.json")
    assert json.loads(raw)["commitments"] == []
    _, text = download(client, "/export/commitments.csv")
    assert text.strip() == ",".join(COLUMNS)


@pytest.mark.parametrize(
    "query", ["?status=bogus", "?due_before=31/12/2024", "?theme=nope", "?q=%00", "?sort=up", "?overdue=2"]
)
def test_bad_filters_refuse_the_download_with_a_message(client, seeded, query):
    for url in ("/export/commitments.csv", "/export/commitments.json"):
        response = client.get(url + query)
        assert response.status_code == 400
        assert response.content.decode().startswith("The download was not made because of these parameters:")


def test_spreadsheet_formulas_are_defused(client, db):
    CommitmentFactory(slug="formula", title='=HYPERLINK("http://evil")', wording="+1 and more")
    _, text = download(client, "/export/commitments.csv")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["wording"] == "'+1 and more"
    assert csv_cell(-1) == "-1"  # numbers are left alone
    assert csv_cell("-5.00") == "-5.00"
    assert csv_cell("-1+2") == "'-1+2"


def test_a_large_export_is_read_in_chunks(client, db, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("commitments.site.exports.CHUNK_SIZE", 2)
    for _ in range(5):
        CommitmentFactory()
    # One cursor over the rows (+ statements), read in 3 chunks (2 + 2 + 1); each chunk's themes,
    # actors and parties' verdicts are fetched as it is read: 1 + 3 × 3.
    with django_assert_num_queries(10):
        _, text = download(client, "/export/commitments.csv")
    assert len(text.strip().splitlines()) == 6


def test_downloads_carry_each_partys_verdict_in_force(client, db):
    uk, us = ActorFactory(slug="uk"), ActorFactory(slug="us")
    commitment = CommitmentFactory(slug="joint", actors=[uk, us])
    first = verdict(commitment=commitment, status="met", as_of=datetime.date(2023, 1, 1), party=uk)
    verdict(commitment=commitment, status="stalled", as_of=datetime.date(2022, 1, 1), party=uk, corrects=first)
    verdict(commitment=commitment, status="broken", as_of=datetime.date(2023, 2, 1), party=us)
    verdict(commitment=commitment, status="met", as_of=datetime.date(2024, 1, 1), party=us, state="draft")
    _, text = download(client, "/export/commitments.csv")
    assert next(csv.DictReader(io.StringIO(text)))["party_statuses"] == "uk:stalled;us:broken"
    _, body = download(client, "/export/commitments.json")
    record = json.loads(body)["commitments"][0]
    assert record["party_statuses"] == [
        {"party": "uk", "status": "stalled", "as_of": "2022-01-01"},
        {"party": "us", "status": "broken", "as_of": "2023-02-01"},
    ]

"""The downloads: streamed, read by data tools as they are, and the same rows as the list page."""

import csv
import datetime
import io
import json
import re

import frictionless
import pandas
import pytest
from django.utils import timezone

from commitments.domain.rows import RECORD_COLUMNS
from commitments.infra.spreadsheet import csv_cell
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StatementFactory, verdict

pytestmark = pytest.mark.django_db

DOWNLOADS = ("/export/commitments.csv", "/export/commitments.json", "/export/commitments.ndjson")


def download(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content if not response.streaming else url
    assert response.streaming, "downloads are streamed"
    return response, b"".join(response.streaming_content).decode()


def csv_rows(client, url="/export/commitments.csv") -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(client, url)[1])))


def listed_slugs(client, query=""):
    html = client.get("/commitments/" + query).content.decode()
    return re.findall(r'<h3 class="item-title"><a href="/commitments/([^/]+)/">', html)


@pytest.mark.parametrize(
    "query", ["", "?theme=data-access", "?status=met", "?search=NATO&ordering=title", "?overdue=true"]
)
def test_every_download_matches_the_list(client, seeded, query):
    expected = listed_slugs(client, query)
    assert expected
    assert [row["slug"] for row in csv_rows(client, "/export/commitments.csv" + query)] == expected
    _, raw = download(client, "/export/commitments.json" + query)
    assert [record["slug"] for record in json.loads(raw)] == expected
    _, lines = download(client, "/export/commitments.ndjson" + query)
    assert [json.loads(line)["slug"] for line in lines.splitlines()] == expected


def test_the_csv_has_every_column_and_the_facts(client, seeded):
    response, text = download(client, "/export/commitments.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert not text.startswith("\ufeff")
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(text))}
    assert tuple(next(iter(rows.values()))) == RECORD_COLUMNS
    row = rows["lawful-access-data-access-agreement"]
    assert row["status"] == "met" and row["status_label"] == "Met" and row["score"] == "1"
    assert row["themes"] == "data-access|organised-crime"
    assert row["statement_slug"] == "us-uk-security-cooperation-2021"
    assert row["url"] == "http://testserver/commitments/lawful-access-data-access-agreement/"
    assert row["id"].isdigit() and row["status_as_of"] == row["last_assessed"] != ""
    assert row["status_rationale"] and row["status_evidence"].startswith("http")
    money = rows["uk-extra-defence-spending-24bn"]
    assert money["amount"] == "24000000000.00" and money["currency"] == "GBP"
    assert money["target_date"] == "2025-03-31" and money["is_overdue"] == "true"
    assert rows["space-safe-and-secure"]["score"] == ""  # not rated: no score
    assert rows["space-safe-and-secure"]["status_as_of"] == ""


def test_the_json_download_is_an_array_of_typed_records(client, seeded):
    response, raw = download(client, "/export/commitments.json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(raw)
    assert isinstance(data, list) and tuple(data[0]) == RECORD_COLUMNS
    item = next(i for i in data if i["slug"] == "lawful-access-data-access-agreement")
    assert item["score"] == 1 and item["is_overdue"] is False and item["target_date"] is None
    assert item["themes"] == ["data-access", "organised-crime"]


def test_pandas_reads_the_json_and_the_ndjson_as_they_are(client, seeded):
    _, raw = download(client, "/export/commitments.json")
    frame = pandas.read_json(io.StringIO(raw), dtype=False)
    _, lines = download(client, "/export/commitments.ndjson")
    assert list(frame.columns) == list(RECORD_COLUMNS)
    assert frame.equals(pandas.read_json(io.StringIO(lines), lines=True, dtype=False))
    assert frame["id"].is_unique


def test_an_empty_export_is_still_valid(client, db):
    _, raw = download(client, "/export/commitments.json")
    assert json.loads(raw) == []
    _, lines = download(client, "/export/commitments.ndjson")
    assert lines == ""
    _, text = download(client, "/export/commitments.csv")
    assert text.strip() == ",".join(RECORD_COLUMNS)


@pytest.mark.parametrize(
    "query, named",
    [
        ("?status=bogus", "status"),
        ("?target_before=31/12/2024", "target_before"),
        ("?theme=nope", "theme"),
        ("?search=%00", "search"),
        ("?ordering=up", "ordering"),
        ("?ordering=title,--status", "ordering"),
        ("?overdue=2", "overdue"),
        ("?overdue=%25", "overdue"),
        ("?colour=blue", "colour"),
        ("?utm_source=newsletter", "utm_source"),  # ignored by the pages only
        ("?page=2", "page"),
    ],
)
def test_bad_or_unknown_parameters_refuse_the_download_naming_them(client, seeded, query, named):
    for url in (*DOWNLOADS, "/export/datapackage.json"):
        response = client.get(url + query)
        assert response.status_code == 400, url + query
        body = response.content.decode()
        assert body.startswith("The download was not made because of these parameters:")
        assert f"\n{named}: " in body


def test_bom_is_for_the_csv_only_and_takes_1(client, seeded):
    _, text = download(client, "/export/commitments.csv?bom=1")
    assert text.startswith("\ufeffid,slug,")
    _, text = download(client, "/export/commitments.csv?bom=0")
    assert text.startswith("id,slug,")
    assert client.get("/export/commitments.csv?bom=yes").status_code == 400
    assert client.get("/export/commitments.json?bom=1").status_code == 400


def test_file_names_say_what_was_filtered_and_when(client, seeded):
    today = timezone.localdate().isoformat()
    response, _ = download(client, "/export/commitments.csv")
    assert response["Content-Disposition"] == f'attachment; filename="commitments_all_{today}.csv"'
    response, _ = download(client, "/export/commitments.json?theme=nato&status=met&status=broken")
    expected = f"commitments_theme-nato_status-met_status-broken_{today}.json"
    assert response["Content-Disposition"] == f'attachment; filename="{expected}"'
    response, _ = download(client, "/export/commitments.ndjson?search=U.S.–U.K.+%22funding%22")
    assert re.fullmatch(
        r'attachment; filename="commitments_search-usuk-funding_[-0-9]+\.ndjson"', response["Content-Disposition"]
    )


@pytest.mark.parametrize(
    "old, new",
    [
        ("/export/commitments.csv?q=NATO&sort=title", "/export/commitments.csv?search=NATO&ordering=title"),
        ("/export/commitments.json?overdue=yes&due_after=2024-01-01", "/export/commitments.json?overdue=true&target_after=2024-01-01"),
        ("/export/commitments.ndjson?due_before=2024-01-01&sort=newest", "/export/commitments.ndjson?target_before=2024-01-01&ordering=-made_on"),
    ],
)  # fmt: skip
def test_download_addresses_in_the_former_names_redirect_permanently(client, seeded, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_spreadsheet_formulas_are_defused(client, db):
    CommitmentFactory(slug="formula", title='=HYPERLINK("http://evil")', wording="+1 and more")
    [row] = csv_rows(client)
    assert row["title"] == '\'=HYPERLINK("http://evil")'
    assert row["wording"] == "'+1 and more"
    assert csv_cell(-1) == "-1"  # numbers are left alone
    assert csv_cell("-5.00") == "-5.00"
    assert csv_cell("-1+2") == "'-1+2"


def test_a_large_export_is_read_in_chunks_without_a_query_per_row(client, db, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr("commitments.site.exports.CHUNK_SIZE", 2)
    for _ in range(5):
        verdict(commitment=CommitmentFactory(), status="met", as_of=datetime.date(2023, 1, 1))
    # One cursor over the rows (statements joined), read in 3 chunks (2 + 2 + 1); for each chunk
    # its themes, actors, parties' verdicts, verdicts in force and their evidence: 1 + 3 × 5.
    # (The records of the JSON downloads, and of the CSV where the database does not write it.)
    with django_assert_num_queries(16):
        _, text = download(client, "/export/commitments.ndjson")
    assert len(text.strip().splitlines()) == 5


def test_downloads_carry_each_partys_verdict_in_force(client, db):
    uk, us = ActorFactory(slug="uk", name="United Kingdom"), ActorFactory(slug="us", name="United States")
    commitment = CommitmentFactory(slug="joint", actors=[uk, us])
    first = verdict(commitment=commitment, status="met", as_of=datetime.date(2023, 1, 1), party=uk)
    verdict(commitment=commitment, status="stalled", as_of=datetime.date(2022, 1, 1), party=uk, corrects=first)
    verdict(commitment=commitment, status="broken", as_of=datetime.date(2023, 2, 1), party=us)
    verdict(commitment=commitment, status="met", as_of=datetime.date(2024, 1, 1), party=us, state="draft")
    assert csv_rows(client)[0]["party_statuses"] == "uk=stalled|us=broken"
    _, body = download(client, "/export/commitments.json")
    assert json.loads(body)[0]["party_statuses"] == [
        {"party": "uk", "status": "stalled", "as_of": "2022-01-01"},
        {"party": "us", "status": "broken", "as_of": "2023-02-01"},
    ]


def test_status_as_of_is_when_the_status_began_and_last_assessed_the_latest_verdict(client, db):
    commitment = CommitmentFactory(slug="pledge", statement=StatementFactory(made_on=datetime.date(2020, 1, 1)))
    own = ArticleFactory(url="https://news.example/report")
    copy = ArticleFactory(url="")
    verdict(commitment=commitment, status="in_progress", as_of=datetime.date(2021, 1, 1))
    verdict(commitment=commitment, status="stalled", as_of=datetime.date(2022, 1, 1))
    began = verdict(commitment=commitment, status="in_progress", as_of=datetime.date(2022, 6, 1))
    wrong = verdict(commitment=commitment, status="met", as_of=datetime.date(2023, 1, 1))
    verdict(commitment=commitment, status="in_progress", as_of=datetime.date(2023, 1, 1), corrects=wrong)
    kept = verdict(
        commitment=commitment, status="in_progress", as_of=datetime.date(2024, 3, 1), rationale="Still going.",
        articles=[own, copy],
    )  # fmt: skip
    verdict(commitment=commitment, status="broken", as_of=datetime.date(2024, 6, 1), state="draft")
    expected = {
        "status": "in_progress",
        "status_as_of": began.as_of.isoformat(),  # the corrected "met" no longer breaks the run
        "last_assessed": kept.as_of.isoformat(),
        "status_rationale": "Still going.",
    }
    [row] = csv_rows(client)
    assert {key: row[key] for key in expected} == expected
    assert set(row["status_evidence"].split("|")) == {own.url, f"http://testserver/api/v1/articles/{copy.pk}/"}
    _, body = download(client, "/export/commitments.json")
    [record] = json.loads(body)
    assert {key: record[key] for key in expected} == expected
    api = client.get("/api/v1/commitments/").json()["results"][0]
    assert {key: api[key] for key in expected} == expected
    assert sorted(api["status_evidence"]) == sorted(record["status_evidence"])


def test_the_data_package_describes_the_csv_and_validates(client, seeded, tmp_path):
    response = client.get("/export/datapackage.json?theme=nato&status=not_rated")
    assert response.status_code == 200
    package = response.json()
    [resource] = package["resources"]
    # Absolute, with the same filters, so the package validates wherever it is read from.
    assert resource["path"] == "http://testserver/export/commitments.csv?theme=nato&status=not_rated"
    assert [field["name"] for field in resource["schema"]["fields"]] == list(RECORD_COLUMNS)
    assert resource["schema"]["primaryKey"] == ["id"]
    assert package["licenses"] and package["sources"]
    # The validator reads the CSV the address gives, here written to a file beside the package.
    _, text = download(client, "/export/commitments.csv?theme=nato&status=not_rated")
    (tmp_path / "commitments.csv").write_text(text, encoding="utf-8")
    resource["path"] = "commitments.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == len(text.strip().splitlines()) - 1 > 0


def test_the_validator_catches_a_csv_that_breaks_the_package(client, seeded, tmp_path):
    # The same check fails when a value does not fit its declared type: the test above can fail.
    package = client.get("/export/datapackage.json").json()
    _, text = download(client, "/export/commitments.csv")
    broken = text.replace(",false,", ",maybe,", 1)
    (tmp_path / "commitments.csv").write_text(broken, encoding="utf-8")
    package["resources"][0]["path"] = "commitments.csv"
    (tmp_path / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    assert not frictionless.validate(str(tmp_path / "datapackage.json")).valid

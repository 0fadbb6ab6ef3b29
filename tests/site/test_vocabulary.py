"""One vocabulary: the list page, the downloads and the API take the same parameters, with the
same values, and answer the same commitments in the same order."""

import csv
import datetime
import io
import re

import pytest
from django.utils import timezone

from commitments.api.filters import CommitmentFilter
from commitments.site.filters import CommitmentListFilter
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

# What only the API has: incremental sync, for mirrors.
API_ONLY = {"changed_since"}


def test_the_site_and_the_api_name_the_same_filters():
    assert set(CommitmentListFilter.base_filters) == set(CommitmentFilter.base_filters) - API_ONLY


@pytest.fixture
def three():
    today = timezone.localdate()
    nato, cyber = ThemeFactory(slug="nato", name="NATO"), ThemeFactory(slug="cyber", name="Cyber")
    uk, us = ActorFactory(slug="uk", name="United Kingdom"), ActorFactory(slug="us", name="United States")
    old = StatementFactory(slug="old", made_on=datetime.date(2019, 1, 1))
    new = StatementFactory(slug="new", made_on=datetime.date(2022, 1, 1))
    CommitmentFactory(slug="a", title="Alpha networks", statement=old, themes=[cyber], actors=[us],
                      target_date=today - datetime.timedelta(days=5))  # fmt: skip
    b = CommitmentFactory(slug="b", title="Bravo funding", statement=new, themes=[nato], actors=[uk],
                          target_date=today + datetime.timedelta(days=50))  # fmt: skip
    c = CommitmentFactory(slug="c", title="Charlie funding", statement=new, themes=[nato, cyber], actors=[uk, us])
    verdict(commitment=b, status="met", as_of=datetime.date(2023, 1, 1))
    verdict(commitment=c, status="stalled", as_of=datetime.date(2023, 1, 1))


QUERIES = [
    "",
    "search=funding",
    "theme=nato",
    "theme=nato&theme=cyber",
    "actor=us",
    "status=met&status=stalled",
    "statement=old",
    "overdue=true",
    "overdue=false",
    "target_after=2000-01-01",
    f"target_before={datetime.date.today().isoformat()}",
    "ordering=title",
    "ordering=-status,title",
    "ordering=target_date",
    "ordering=-target_date",
    "ordering=made_on,-title",
    "search=funding&ordering=-title",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_page_the_downloads_and_the_api_answer_alike(client, three, query):
    html = client.get(f"/commitments/?{query}").content.decode()
    page = re.findall(r'<h3 class="item-title"><a href="/commitments/([^/]+)/">', html)
    text = b"".join(client.get(f"/export/commitments.csv?{query}").streaming_content).decode()
    download = [row["slug"] for row in csv.DictReader(io.StringIO(text))]
    api = [row["slug"] for row in client.get(f"/api/v1/commitments/?{query}").json()["results"]]
    api_csv = [
        row["slug"]
        for row in csv.DictReader(io.StringIO(client.get(f"/api/v1/commitments/?{query}&format=csv").content.decode()))
    ]
    if "ordering" in query or "search" not in query:
        assert page == download == api == api_csv
    else:  # best match first on PostgreSQL: the same set on each
        assert set(page) == set(download) == set(api) == set(api_csv)
    assert page


@pytest.mark.parametrize(
    "query, named",
    [("overdue=maybe", "overdue"), ("overdue=%25", "overdue"), ("ordering=sideways", "ordering"),
     ("target_after=01/01/2020", "target_after"), ("theme=nowhere", "theme"), ("status=done", "status")],
)  # fmt: skip
def test_a_bad_value_is_refused_alike_by_the_downloads_and_the_api(client, three, query, named):
    download = client.get(f"/export/commitments.csv?{query}")
    assert download.status_code == 400 and f"\n{named}: " in download.content.decode()
    api = client.get(f"/api/v1/commitments/?{query}")
    assert api.status_code == 400 and list(api.json()) == [named]


def test_both_csvs_have_the_same_columns_and_cells(client, three):
    download = b"".join(client.get("/export/commitments.csv?ordering=title").streaming_content).decode()
    api = client.get("/api/v1/commitments/?ordering=title&format=csv").content.decode()
    assert download == api

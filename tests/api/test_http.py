"""HTTP behaviour of the API: caching validators, CORS, throttling, CSV and JSON errors."""

import csv
import io

import pytest

from commitments.api.tokens import issue_token
from commitments.models import Commitment
from tests.factories import ActorFactory, CommitmentFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment():
    return CommitmentFactory(
        slug="nato-funding",
        title='=HYPERLINK("http://evil.example")',
        themes=[ThemeFactory(slug="nato"), ThemeFactory(slug="defence")],
        actors=[ActorFactory(slug="uk")],
        amount=24_000_000_000,
        currency="GBP",
    )


# --- ETag / 304 -----------------------------------------------------------------------------------


def test_an_unchanged_answer_is_not_sent_twice(client, commitment):
    first = client.get("/api/v1/commitments/")
    etag = first["ETag"]
    again = client.get("/api/v1/commitments/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_a_change_gives_a_new_etag(client, commitment):
    etag = client.get("/api/v1/commitments/nato-funding/")["ETag"]
    Commitment.objects.filter(pk=commitment.pk).update(summary="Now with a summary.")
    response = client.get("/api/v1/commitments/nato-funding/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_errors_carry_no_etag(client, db):
    assert not client.get("/api/v1/commitments/?status=done").has_header("ETag")


def test_answers_vary_with_the_accept_header(client, db):
    assert "Accept" in client.get("/api/v1/themes/")["Vary"]


# --- CORS -----------------------------------------------------------------------------------------


def test_browser_apps_on_any_origin_may_read(client, commitment):
    response = client.get("/api/v1/commitments/", HTTP_ORIGIN="https://newsroom.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_a_preflight_offers_reads_only(client, db):
    response = client.options(
        "/api/v1/commitments/",
        HTTP_ORIGIN="https://newsroom.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" not in response["Access-Control-Allow-Methods"]
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_the_site_itself_sends_no_cors_header(client, commitment):
    response = client.get("/commitments/nato-funding/", HTTP_ORIGIN="https://newsroom.example")
    assert not response.has_header("Access-Control-Allow-Origin")


# --- Throttling -----------------------------------------------------------------------------------


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "editor": "5/min"},
    }


def test_anonymous_clients_are_throttled_with_retry_after(client, low_rates):
    assert [client.get("/api/v1/themes/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/themes/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"]


def test_each_address_has_its_own_allowance(client, low_rates):
    for _ in range(3):
        client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.1")
    assert client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count(client, low_rates):
    for n in range(3):
        client.get("/api/v1/themes/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.get("/api/v1/themes/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


@pytest.fixture
def cached_pages(settings):
    settings.PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}
    }
    from django.core.cache import cache

    cache.clear()


def test_answers_from_the_page_cache_are_throttled_too(client, low_rates, cached_pages):
    answers = [client.get("/api/v1/themes/") for _ in range(4)]

    assert [a.get("X-Cache") for a in answers[:3]] == ["miss", "hit", "hit"]
    assert answers[3].status_code == 429
    assert 0 < int(answers[3]["Retry-After"]) <= 60
    assert "throttled" in answers[3].json()["detail"]
    assert "X-Cache" not in answers[3]


def test_cached_and_uncached_answers_share_one_allowance(client, low_rates, cached_pages):
    client.get("/api/v1/themes/")  # miss: counted by the view
    client.get("/api/v1/themes/")  # hit: counted before the replay
    client.get("/api/v1/actors/")  # another miss

    assert client.get("/api/v1/themes/").status_code == 429
    assert client.get("/api/v1/actors/").status_code == 429
    assert client.get("/api/v1/themes/", REMOTE_ADDR="192.0.2.50").status_code == 200


def test_cached_html_pages_are_not_throttled_by_the_api_rate(client, low_rates, cached_pages):
    assert {client.get("/methodology/").status_code for _ in range(6)} == {200}


def test_editors_have_their_own_rate(client, low_rates):
    headers = {"HTTP_AUTHORIZATION": f"Token {issue_token(UserFactory())[0]}"}
    assert [client.get("/api/v1/themes/", **headers).status_code for _ in range(6)] == [200] * 5 + [429]


# --- CSV ------------------------------------------------------------------------------------------


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_lists_download_as_csv_with_flat_columns(client, commitment):
    response = client.get("/api/v1/commitments/", {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="commitments.csv"'
    [row] = read_csv(response)
    assert row["slug"] == "nato-funding"
    assert row["statement_slug"] == commitment.statement.slug
    assert sorted(row["themes"].split("|")) == ["defence", "nato"]
    assert row["actors"] == "uk"
    assert (row["amount"], row["currency"], row["score"], row["is_overdue"]) == ("24000000000.00", "GBP", "", "false")


def test_csv_cells_never_start_a_formula(client, commitment):
    [row] = read_csv(client.get("/api/v1/commitments/", {"format": "csv"}))
    assert row["title"] == '\'=HYPERLINK("http://evil.example")'


def test_an_empty_csv_still_has_its_header(client, db):
    response = client.get("/api/v1/status-updates/", {"format": "csv"})
    header = response.content.decode().splitlines()[0]
    assert header.startswith("id,commitment.id,commitment.slug,")


def test_csv_follows_the_filters_and_pages(client, commitment):
    CommitmentFactory(slug="other")
    response = client.get("/api/v1/commitments/", {"format": "csv", "theme": "nato"})
    assert [row["slug"] for row in read_csv(response)] == ["nato-funding"]
    response = client.get("/api/v1/commitments/", {"format": "csv", "page_size": 1})
    assert len(read_csv(response)) == 1
    assert 'rel="next"' in response["Link"]


def test_a_csv_request_with_a_bad_parameter_explains_in_json(client, db):
    response = client.get("/api/v1/commitments/", {"format": "csv", "overdue": "maybe"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "overdue" in response.json()


# --- Addresses and formats ---------------------------------------------------------------------


def test_unknown_addresses_under_the_api_answer_json_404(client, db):
    for path in ("/api/v1/nothing/", "/api/v1/commitments/not%20a%20slug/", "/api/v1/articles/abc/", "/api/v1/x%00/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not found."}


def test_a_missing_trailing_slash_is_redirected(client, db):
    response = client.get("/api/v1/commitments?status=met")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/commitments/?status=met"


def test_huge_ids_are_simply_not_found(client, db):
    assert client.get("/api/v1/quotes/99999999999999999999999/").status_code == 404


def test_json_is_the_default_and_browsers_get_the_browsable_api(client, commitment):
    assert client.get("/api/v1/commitments/")["Content-Type"] == "application/json"
    response = client.get("/api/v1/commitments/", HTTP_ACCEPT="text/html")
    assert response["Content-Type"].startswith("text/html")
    assert b"nato-funding" in response.content

"""The API's edges: its index, JSON for every answer under /api/, and Authorization headers it refuses."""

import pytest
from django.test import Client

from commitments.api.tokens import issue_token
from tests.api.conftest import EDITING, user_with
from tests.factories import StaffFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_json(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- The index ------------------------------------------------------------------------------------


def test_the_index_lists_every_resource_with_an_address_that_answers(client):
    index = assert_json(client.get("/api/v1/"), 200)

    assert {"themes", "actors", "commitments", "statements", "status-updates", "stats", "schema", "docs"} <= set(index)
    assert index["commitments"] == "http://testserver/api/v1/commitments/"
    for name, address in index.items():
        assert client.get(address.removeprefix("http://testserver")).status_code == 200, name


def test_the_index_refuses_writes_in_json(client):
    assert_json(client.post("/api/v1/", {}), 405)


# --- Errors are JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/nothing", "/api/v2/commitments/", "/api/"])
def test_unknown_addresses_anywhere_under_the_api_are_json_404(client, path):
    assert assert_json(client.get(path), 404) == {"detail": "Not found."}


def test_site_pages_still_answer_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_unsupported_method_is_a_json_405(client):
    assert "not allowed" in assert_json(client.delete("/api/v1/stats/"), 405)["detail"]


def test_a_write_without_its_csrf_token_is_a_json_403():
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(StaffFactory())

    assert "CSRF" in assert_json(browser.post("/api/v1/nothing/", {}), 403)["detail"]
    assert "CSRF" in assert_json(browser.post("/api/v1/themes/", {}), 403)["detail"]


def test_a_body_over_the_upload_limit_is_a_json_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = "a" * 32  # the check reads the form body, so the limit trips first

    response = browser.post("/api/v1/nothing/", "x=" + "y" * 500, content_type="application/x-www-form-urlencoded")

    assert assert_json(response, 400) == {"detail": "The request body is larger than the 100 bytes accepted."}


def test_a_server_error_is_a_json_500_with_the_request_id(monkeypatch):
    def fail():
        raise RuntimeError("boom")

    monkeypatch.setattr("commitments.api.views.public_stats", fail)
    response = Client(raise_request_exception=False).get("/api/v1/stats/")

    body = assert_json(response, 500)
    assert body["request_id"] == response["X-Request-ID"]
    assert "boom" not in response.content.decode()


def test_a_server_error_on_the_site_stays_an_html_page(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("commitments.site.views.MethodologyView.get", fail)
    response = Client(raise_request_exception=False).get("/methodology/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- Authorization --------------------------------------------------------------------------------


@pytest.fixture
def token():
    ThemeFactory(slug="nato")
    return issue_token(UserFactory())[0]


@pytest.mark.parametrize("scheme", ["Token", "Bearer", "bearer", "TOKEN"])
def test_a_token_is_accepted_with_either_scheme(client, token, scheme):
    assert client.get("/api/v1/themes/", HTTP_AUTHORIZATION=f"{scheme} {token}").status_code == 200


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Bearer",
        "Bearer not-a-real-token",
        "Token one two",
        "Digest username=x",
        "just-a-token",
    ],
)
def test_an_authorization_header_the_api_does_not_accept_is_401_not_anonymous(client, token, header):
    for path in ("/api/v1/themes/", "/api/v1/themes/nato/", "/api/v1/stats/", "/api/v1/"):
        response = client.get(path, HTTP_AUTHORIZATION=header)
        assert assert_json(response, 401)["detail"], (path, header)
        assert response["WWW-Authenticate"] == "Token"


def test_without_an_authorization_header_reads_are_anonymous(client, token):
    assert client.get("/api/v1/themes/").status_code == 200


def test_a_bearer_token_writes_like_a_token(client):
    raw = issue_token(user_with(*EDITING, username="bearer-editor"))[0]
    anonymous = client.post("/api/v1/statements/", {}, content_type="application/json")
    bearer = client.post("/api/v1/statements/", {}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert anonymous.status_code == 401
    assert bearer.status_code == 400  # authenticated and allowed: the empty body is what is refused

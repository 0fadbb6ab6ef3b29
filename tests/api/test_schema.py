"""The OpenAPI contract and its offline documentation page."""

import re

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db

LIST_PATHS = [
    "/api/v1/themes/",
    "/api/v1/actors/",
    "/api/v1/articles/",
    "/api/v1/statements/",
    "/api/v1/commitments/",
    "/api/v1/status-updates/",
    "/api/v1/quotes/",
    "/api/v1/article-links/",
]


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn turns every drf-spectacular warning (an unresolvable type, an enum clash) into an error.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/commitments/" in (tmp_path / "schema.yaml").read_text()


def test_every_endpoint_is_documented(schema):
    for path in LIST_PATHS:
        assert "get" in schema["paths"][path], path
        detail = [p for p in schema["paths"] if p.startswith(path) and p != path]
        assert len(detail) == 1, path
    assert "get" in schema["paths"]["/api/v1/stats/"]


def test_every_error_code_is_documented_with_its_body(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            expected = {"400", "401", "429"} | ({"403"} if method != "get" else set())
            if "{" in path or (method == "get" and path in LIST_PATHS):
                expected.add("404")
            assert expected <= codes, (method, path, codes)
            for code in expected:
                assert "application/json" in operation["responses"][code]["content"], (method, path, code)
            assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    assert schema["components"]["schemas"]["ValidationError"]["additionalProperties"]["type"] == "array"


def parameters(schema, path: str) -> dict:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_filters_are_documented_with_types_and_allowed_values(schema):
    params = parameters(schema, "/api/v1/commitments/")
    assert set(params) == {
        "theme", "actor", "status", "statement", "overdue", "target_before", "target_after", "changed_since",
        "search", "ordering", "page", "page_size", "cursor", "format",
    }  # fmt: skip
    assert "count` is null" in params["cursor"]["description"]
    assert params["status"]["schema"]["items"]["enum"] == sorted(
        ["not_rated", "not_started", "in_progress", "stalled", "partially_met", "met", "broken"]
    )
    assert params["status"]["explode"] is True
    assert params["overdue"]["schema"]["type"] == "boolean"
    assert params["target_before"]["schema"]["format"] == "date"
    assert params["changed_since"]["schema"]["format"] == "date-time"
    assert "title" in params["ordering"]["schema"]["items"]["enum"]
    assert params["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert params["format"]["schema"]["enum"] == ["csv", "json"]
    for path in LIST_PATHS:
        for name, param in parameters(schema, path).items():
            assert param.get("description"), (path, name)
    detail = parameters(schema, "/api/v1/commitments/{slug}/")
    assert detail["format"]["schema"]["enum"] == ["json"]  # no CSV for a single record
    updates = parameters(schema, "/api/v1/status-updates/")
    assert {"commitment", "status", "as_of_after", "as_of_before", "changed_since"} <= set(updates)


def test_reads_need_no_credentials_and_writes_do(schema):
    assert "security" not in schema  # no requirement for the whole API
    assert {} not in schema["paths"]["/api/v1/commitments/"]["post"]["security"]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/commitments/"]["post"]["security"]
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schema["components"]["securitySchemes"]["tokenAuth"]["description"],
    }


def test_public_reads_are_documented_without_a_lock(schema):
    reads = [operations["get"] for operations in schema["paths"].values() if "get" in operations]
    assert len(reads) > 10
    # An operation with a security requirement is drawn with a lock in the docs.
    assert [read["operationId"] for read in reads if read.get("security")] == []


def test_writes_answer_with_the_full_record(schema):
    created = schema["paths"]["/api/v1/commitments/"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"] == "#/components/schemas/CommitmentDetail"
    assert "delete" not in schema["paths"]["/api/v1/commitments/{slug}/"]
    # A status update is moved (PATCH of its state) or, as a draft, deleted; never replaced (no PUT).
    assert set(schema["paths"]["/api/v1/status-updates/{id}/"]) == {"get", "patch", "delete"}


def test_the_docs_page_uses_only_local_assets(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert addresses
    for address in addresses:
        assert address.startswith("/"), address  # same origin: no CDN
        assert not address.startswith("//"), address
        if address.startswith("/static/"):
            assert finders.find(address.removeprefix("/static/").split("?")[0]), address
    assert any("swagger-ui-bundle.js" in a for a in addresses)
    # No inline script, so a Content-Security-Policy without 'unsafe-inline' scripts allows the page.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_the_docs_script_reads_our_schema(client):
    response = client.get("/api/v1/docs/", {"script": ""})
    assert response.status_code == 200
    assert "/api/v1/schema/" in response.content.decode()
    assert "http" not in response.content.decode().split("url:")[1].split(",")[0]

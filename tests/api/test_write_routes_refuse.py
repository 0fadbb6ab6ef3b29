"""No API route lets an anonymous or unprivileged user change anything.

The routes come from the OpenAPI schema, so a write route added later is covered without editing
this file.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

from commitments.api.tokens import issue_token
from commitments.models import Actor, Article, ArticleLink, Commitment, Quote, Statement, StatusUpdate, Theme
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
MODELS = [Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote]


def write_routes() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(
        (method, path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    )


def fill(path: str, seeded_ids: dict) -> str:
    # Point detail routes at a real record, so a refusal is about rights, not a missing row.
    return path.replace("{slug}", seeded_ids["slug"]).replace("{id}", str(seeded_ids["id"]))


def snapshot() -> dict:
    return {model.__name__: sorted(model.objects.values_list("pk", "updated_at")) for model in MODELS}


@pytest.fixture
def seeded_ids(seeded):
    update = StatusUpdate.objects.get()
    return {"slug": update.commitment.slug, "id": update.pk}


def test_the_schema_lists_write_routes():
    routes = write_routes()
    assert ("post", "/api/v1/status-updates/") in routes
    assert ("patch", "/api/v1/commitments/{slug}/") in routes


@pytest.mark.parametrize(("method", "path"), write_routes())
def test_anonymous_users_cannot_write_through_any_route(client, seeded_ids, method, path):
    before = snapshot()
    response = getattr(client, method)(fill(path, seeded_ids), {}, content_type="application/json")
    assert response.status_code == 401, response.content
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), write_routes())
def test_users_without_model_permissions_cannot_write_through_any_route(client, seeded_ids, method, path):
    reader = UserFactory(username="reader")
    token, _ = issue_token(reader)
    before = snapshot()
    response = getattr(client, method)(
        fill(path, seeded_ids), {}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 403, (response.status_code, response.content)
    assert snapshot() == before

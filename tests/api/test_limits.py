"""Bounded work: JSON depth, list length and NUL characters in API writes (commitments/api/limits.py)."""

import json

import pytest
from django.contrib.auth.models import Group, Permission

from commitments.api.limits import check_bounds
from commitments.api.tokens import issue_token
from commitments.models import Commitment, Statement
from tests.factories import ActorFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    user = UserFactory(username="editor")
    group = Group.objects.create(name="writers")
    group.permissions.set(
        Permission.objects.filter(codename__in=["add_statement", "change_statement", "add_commitment"])
    )
    user.groups.add(group)
    return {"HTTP_AUTHORIZATION": f"Token {issue_token(user)[0]}"}


def post_raw(client, path, body, headers, content_type="application/json"):
    return client.generic("POST", path, body, content_type=content_type, **headers)


def statement(**extra) -> dict:
    return {"title": "G7 communique", "made_on": "2021-06-13", "kind": "communique", **extra}


def test_a_list_at_the_limit_is_accepted(client, editor, settings):
    settings.API_MAX_LIST_ITEMS = 3
    for n in range(3):
        ActorFactory(slug=f"actor-{n}")

    response = post_raw(
        client, "/api/v1/statements/", json.dumps(statement(parties=["actor-0", "actor-1", "actor-2"])), editor
    )

    assert response.status_code == 201, response.content


def test_a_longer_list_is_refused_before_any_lookup(client, editor, django_assert_max_num_queries):
    parties = [f"p{n}" for n in range(200_000)]  # 1.6 MB, under the upload limit
    body = json.dumps(statement(parties=parties))

    # The token's user, and nothing per item.
    with django_assert_max_num_queries(3):
        response = post_raw(client, "/api/v1/statements/", body, editor)

    assert response.status_code == 400
    assert response.json()["detail"] == "parties: 200000 items; at most 100 are accepted."
    assert not Statement.objects.exists()


def test_deep_json_is_a_400_not_a_500(client, editor):
    for depth in (40, 5_000):
        body = "[" * depth + "]" * depth
        response = post_raw(client, "/api/v1/statements/", body, editor)
        assert response.status_code == 400, depth
        assert "nested deeper than 32 levels" in response.json()["detail"]


def test_json_within_the_depth_reaches_the_serializer(client, editor):
    body = json.dumps(statement(summary=[[[["too deep for a summary, but allowed as JSON"]]]]))

    response = post_raw(client, "/api/v1/statements/", body, editor)

    assert response.status_code == 400
    assert "summary" in response.json()  # a field error from the serializer, not a parse error


@pytest.mark.parametrize(
    ("path", "data", "where"),
    [
        ("/api/v1/statements/", statement(title="G7\u0000communique"), "title"),
        ("/api/v1/statements/", statement(parties=["uk\u0000"]), "parties[0]"),
        ("/api/v1/commitments/", {"statement": "carbis\u0000bay", "title": "x", "wording": "y"}, "statement"),
        ("/api/v1/statements/", {**statement(), "ti\u0000tle": "x"}, "the body"),
    ],
)
def test_a_nul_character_in_any_field_is_a_400(client, editor, path, data, where):
    StatementFactory(slug="carbis-bay")
    before = (Statement.objects.count(), Commitment.objects.count())

    response = post_raw(client, path, json.dumps(data), editor)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{where}: the NUL character")
    assert (Statement.objects.count(), Commitment.objects.count()) == before


def test_a_nul_character_in_a_form_post_is_a_400(client, editor):
    response = client.post("/api/v1/statements/", {"title": "G7\x00", "made_on": "2021-06-13"}, **editor)

    assert response.status_code == 400
    assert "NUL character" in response.json()["detail"]


def test_a_form_repeating_a_field_too_often_is_a_400(client, editor, settings):
    settings.API_MAX_LIST_ITEMS = 2

    response = client.post("/api/v1/statements/", {"title": "x", "parties": ["a", "b", "c"]}, **editor)

    assert response.status_code == 400
    assert response.json()["detail"] == "parties: 3 items; at most 2 are accepted."


def test_malformed_json_is_still_a_clear_400(client, editor):
    response = post_raw(client, "/api/v1/statements/", '{"title": ', editor)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_body_over_the_upload_limit_is_refused(client, editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = post_raw(client, "/api/v1/statements/", json.dumps(statement(summary="x" * 2000)), editor)

    assert response.status_code in (400, 413)
    assert not Statement.objects.exists()


def test_the_bounds_walk_nested_places_and_name_them():
    check_bounds({"a": [{"b": "fine"}]})
    with pytest.raises(Exception, match=r"a\[0\]\.b: the NUL"):
        check_bounds({"a": [{"b": "x\x00"}]})

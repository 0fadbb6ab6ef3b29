"""`lineage` on the API's commitments, and the predecessor written by editors."""

import pytest

from commitments.api.serializers import CommitmentDetailSerializer
from commitments.models import Commitment, PublicationState
from tests.api.conftest import patch
from tests.domain.test_lineage import HAGUE, VILNIUS, WALES, chain, made_on
from tests.factories import CommitmentFactory, StatementFactory

pytestmark = pytest.mark.django_db


def expected(*commitments, relations):
    return [
        {"slug": c.slug, "title": c.title, "made_on": c.statement.made_on.isoformat(), "relation": relation}
        for c, relation in zip(commitments, relations, strict=True)
    ]


def test_the_detail_and_the_list_carry_the_lineage_first_to_latest(client):
    wales, vilnius, hague = chain()
    line = expected(wales, vilnius, hague, relations=[None, "restates", "replaces"])
    for commitment in (wales, vilnius, hague):
        assert client.get(f"/api/v1/commitments/{commitment.slug}/").json()["lineage"] == line
    results = client.get("/api/v1/commitments/").json()["results"]
    assert {row["slug"]: row["lineage"] for row in results} == {c.slug: line for c in (wales, vilnius, hague)}


def test_a_commitment_alone_lists_itself(client):
    alone = made_on(WALES)
    body = client.get(f"/api/v1/commitments/{alone.slug}/").json()
    assert body["lineage"] == expected(alone, relations=[None])


def test_an_unpublished_predecessor_is_not_in_the_lineage(client):
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=vilnius.pk).update(state=PublicationState.DRAFT)
    body = client.get(f"/api/v1/commitments/{hague.slug}/").json()
    assert body["lineage"] == expected(hague, relations=[None])
    assert vilnius.slug not in client.get("/api/v1/commitments/").content.decode()


def test_the_list_costs_the_same_queries_for_one_lineage_or_fifty(client, django_assert_num_queries):
    wales, vilnius, hague = (StatementFactory(made_on=day) for day in (WALES, VILNIUS, HAGUE))

    def lineage_of_three():
        first = CommitmentFactory(statement=wales)
        second = CommitmentFactory(statement=vilnius, predecessor=first, predecessor_relation="restates")
        CommitmentFactory(statement=hague, predecessor=second, predecessor_relation="replaces")

    lineage_of_three()
    # The statement filter's lookup; count; page with statement; themes; actors; party statuses;
    # verdicts in force (none, so no evidence to read); the lineages in three steps (the page's
    # rows, their predecessors, the first ones).
    with django_assert_num_queries(10):
        results = client.get("/api/v1/commitments/", {"statement": hague.slug}).json()["results"]
    assert len(results) == 1
    for _ in range(49):
        lineage_of_three()
    with django_assert_num_queries(10):
        results = client.get("/api/v1/commitments/", {"statement": hague.slug, "page_size": 50}).json()["results"]
    assert len(results) == 50 and all(len(row["lineage"]) == 3 for row in results)


def test_an_editor_sets_a_predecessor(client, editor):
    first, second = made_on(WALES), made_on(HAGUE, state=PublicationState.DRAFT)
    response = patch(
        client,
        f"/api/v1/commitments/{second.slug}/",
        {"predecessor": first.slug, "predecessor_relation": "strengthens"},
        editor,
    )
    assert response.status_code == 200, response.content
    second.refresh_from_db()
    assert (second.predecessor, second.predecessor_relation) == (first, "strengthens")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"predecessor": "SELF", "predecessor_relation": "restates"}, "predecessor"),
        ({"predecessor": "LATER", "predecessor_relation": "restates"}, "predecessor"),
        ({"predecessor": "EARLIER"}, "predecessor_relation"),
        ({"predecessor_relation": "restates"}, "predecessor_relation"),
        ({"predecessor": "EARLIER", "predecessor_relation": "doubles"}, "predecessor_relation"),
        ({"predecessor": "no-such-commitment", "predecessor_relation": "restates"}, "predecessor"),
    ],
)
def test_bad_lineage_is_refused_with_400_and_nothing_changes(client, editor, payload, field):
    earlier, this, later = made_on(WALES), made_on(WALES.replace(year=2020)), made_on(HAGUE)
    names = {"SELF": this.slug, "LATER": later.slug, "EARLIER": earlier.slug}
    payload = {key: names.get(value, value) for key, value in payload.items()}
    response = patch(client, f"/api/v1/commitments/{this.slug}/", payload, editor)
    assert response.status_code == 400 and field in response.json(), response.content
    this.refresh_from_db()
    assert (this.predecessor_id, this.predecessor_relation) == (None, "")


def test_a_cycle_is_refused_through_the_api(client, editor):
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=hague.pk).update(statement=wales.statement)  # same day: only the cycle is wrong
    response = patch(
        client,
        f"/api/v1/commitments/{wales.slug}/",
        {"predecessor": hague.slug, "predecessor_relation": "restates"},
        editor,
    )
    assert response.status_code == 400 and "circle" in response.content.decode()


def test_the_serializer_and_the_row_built_json_agree_on_the_lineage(client, rf):
    _, vilnius, _ = chain()
    from_rows = client.get(f"/api/v1/commitments/{vilnius.slug}/").json()["lineage"]
    from_serializer = CommitmentDetailSerializer(vilnius, context={"request": rf.get("/")}).data["lineage"]
    assert from_serializer == from_rows and len(from_rows) == 3

"""The admin's autocomplete: the record named ranks first, and each result says its kind."""

import pytest
from django.urls import reverse

from commitments.models import Actor
from tests.factories import ActorFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def lookup(client, term, model="commitment", field="actors"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "commitments", "model_name": model, "field_name": field},
    )
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


@pytest.fixture
def actors():
    ActorFactory(name="Boris Johnson", kind=Actor.Kind.PERSON, role="Prime Minister of the United Kingdom")
    ActorFactory(name="United Kingdom", kind=Actor.Kind.COUNTRY, aliases="UK, Britain")
    ActorFactory(name="United Kingdom Space Agency", kind=Actor.Kind.GOVERNMENT_BODY)
    ActorFactory(name="America", kind=Actor.Kind.COUNTRY, aliases="U.S., US, United States")


def test_the_exact_name_comes_before_a_match_in_a_role(client, editor, actors):
    client.force_login(editor)
    assert lookup(client, "United Kingdom") == [
        "United Kingdom — country",
        "United Kingdom Space Agency — government body",
        "Boris Johnson — person",
    ]


def test_an_exact_alias_comes_before_a_prefix_of_a_name(client, editor, actors):
    ActorFactory(name="USAID", kind=Actor.Kind.GOVERNMENT_BODY)
    client.force_login(editor)
    assert lookup(client, "US")[0] == "America — country"


def test_a_term_in_a_name_comes_before_one_only_in_a_role(client, editor, actors):
    client.force_login(editor)
    assert lookup(client, "kingdom")[-1] == "Boris Johnson — person"


def test_themes_rank_their_name_first(client, editor):
    ThemeFactory(name="Defence & interoperability", keywords="cyber defence")
    ThemeFactory(name="Cyber", keywords="ransomware")
    client.force_login(editor)
    assert lookup(client, "cyber", field="themes") == ["Cyber", "Defence & interoperability"]

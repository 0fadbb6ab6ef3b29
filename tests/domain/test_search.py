import pytest

from commitments.domain.search import search_commitments
from commitments.models import Commitment

pytestmark = pytest.mark.django_db


def slugs(q):
    return {c.slug for c in search_commitments(Commitment.objects.published(), q)}


def test_it_finds_words_in_the_wording(seeded):
    assert "lawful-access-data-access-agreement" in slugs("communications content")
    assert "lawful-access-data-access-agreement" not in slugs("carrier strike")


def test_it_matches_theme_and_actor_names(seeded):
    assert "space-safe-and-secure" in slugs("Space")
    assert slugs("Priti Patel") == {"organised-crime-protect-children"}


def test_an_empty_query_keeps_everything(seeded):
    assert len(slugs("  ")) == Commitment.objects.published().count()


def test_nothing_matches_nonsense(seeded):
    assert slugs("zzzqqq") == set()

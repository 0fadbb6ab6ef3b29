import pytest

from commitments.data.seed import SEED_FILE, SeedLoader

from .factories import UserFactory


@pytest.fixture
def seeded(db):
    """The curated seed data, loaded once per test."""
    return SeedLoader(SEED_FILE).load()


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _pages_uncached(settings):
    """Pages and counts are tested uncached (a cached page would outlive the test's rolled-back
    data); tests/infra/test_cache.py turns the caches on where they are the subject."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.COUNT_CACHE_SECONDS = 0  # likewise for pagination counts


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttle counters live in the cache; each test starts with none, whatever ran before it."""
    from django.core.cache import cache

    cache.clear()
    yield

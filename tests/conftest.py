import pytest
from django.db import connections, transaction
from django.test import override_settings

from commitments.data.seed import SEED_FILE, SeedLoader

from .factories import UserFactory


def pytest_configure(config) -> None:
    from django.conf import settings

    # PBKDF2 is slow on purpose (about 0.2 s of CPU a hash) and every UserFactory user is
    # hashed; the tests check who may do what, not the hash. Subprocess tests (manage.py in a
    # fresh interpreter) still run the production hashers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Outside the development server the cache is shared (Redis or the database's table). Tests
    # use memory, so a query count pins the page's own queries and not the cache's; the tests of
    # the shared caches (tests/infra/test_shared_cache.py) switch them on.
    override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}).enable()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Within each module the tests that read the seed run last: it is loaded once for them
    # (_seed_for_module) and stays until the module ends, so the module's other tests, which
    # expect a database without it, must have run before.
    first_seen: dict[str, int] = {}
    for index, item in enumerate(items):
        first_seen.setdefault(item.nodeid.split("::")[0], index)
    items.sort(key=lambda item: (first_seen[item.nodeid.split("::")[0]], "seeded" in item.fixturenames))


@pytest.fixture(scope="module")
def _seed_for_module(django_db_setup, django_db_blocker):
    """The seed, loaded once for a test module inside a transaction that is rolled back after
    it; each test runs in a savepoint inside it (pytest-django's `db`), so what one test changes
    is gone before the next."""
    with django_db_blocker.unblock():
        outer = [transaction.atomic(using=alias) for alias in connections]
        for atomic in outer:
            atomic.__enter__()
        try:
            yield SeedLoader(SEED_FILE).load()
        finally:
            for alias, atomic in zip(connections, outer, strict=True):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(_seed_for_module, db):
    """The curated seed data: loaded once per test module, as it was loaded for each test."""
    return _seed_for_module


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


@pytest.fixture(scope="session", autouse=True)
def _recomputation_thread_released(django_db_setup):
    """The recomputation thread keeps its database connection between jobs
    (commitments/infra/recomputations.py); it lets go of it before the test database is dropped."""
    from commitments.infra.recomputations import release_connections

    yield
    release_connections()

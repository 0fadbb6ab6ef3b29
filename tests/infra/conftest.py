import uuid

import pytest


@pytest.fixture
def count_cache(settings):
    """Counts cached, pages not: each request runs its view, so the queries show the count's fate."""
    from commitments.infra import cache as cache_module

    settings.COUNT_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    # Outside a request nothing resets the served-stale flag; each test starts without it.
    token = cache_module._served_stale.set(False)
    yield
    cache_module._served_stale.reset(token)

"""Settings for the benchmark: the tracker's own, with debug off as in production.

Debug stays on while tracker.settings is read (so it keeps the development key and plain static
storage, and needs no collectstatic), then is switched off: Django then keeps no query log and
renders templates without debug bookkeeping, as a production server does.
"""

import warnings

from tracker.settings import *  # noqa: F403
from tracker.settings import ALLOWED_HOSTS, env_int

# WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

DEBUG = False
# "testserver" is the host of Django's test client, which the benchmark drives in-process.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]
# Production default; the peer comparison turns it off to compare uncached work.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)
# tracker.settings derived its default from the development value (0, off): derived again here,
# so the counts and the dashboard's aggregates are kept as in production.
COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", PAGE_CACHE_SECONDS)

# Anonymous API throttling would turn a load test into a test of the 429 answer.
if "REST_FRAMEWORK" in globals():
    REST_FRAMEWORK = {**globals()["REST_FRAMEWORK"], "DEFAULT_THROTTLE_CLASSES": []}  # noqa: F405

# A 404 for an endpoint not built yet is reported by the benchmark; no need to log each one.
LOGGING = {**LOGGING, "loggers": {"django.request": {"level": "ERROR"}}}  # noqa: F405

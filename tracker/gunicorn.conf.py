"""gunicorn's settings for `make serve` (docs/operations.md, "Serving").

Every value can be changed from the environment; gunicorn's own GUNICORN_CMD_ARGS works too.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")

# Processes: about two per core plus one, the usual rule for a database-bound site. Each holds its
# own connections to PostgreSQL (one per thread), so workers × threads must stay below the
# database's max_connections (with the other app servers).
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
# Threads: a worker answers other requests while one thread streams a large download or waits
# for the database. With the gthread worker, `timeout` is the worker's heartbeat, not a limit on
# a request: a download streaming for minutes is not killed, while a hung worker still is.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", 30))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))  # behind a balancer that reuses connections

# A fresh process now and then, so a slow leak cannot grow for ever; the jitter keeps the workers
# from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", 200))

# Only requests from these addresses may say they came over HTTPS (X-Forwarded-Proto); Django's
# own DJANGO_SECURE_PROXY_SSL_HEADER and DJANGO_TRUSTED_PROXY_COUNT decide what the app trusts.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# The request id (X-Request-ID, tracker/middleware.py) ties an access-log line to the app's logs.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'

"""Settings for the commitment tracker, read from the environment.

Every variable has a safe default for a laptop demo (SQLite, debug on). A value that
cannot be understood stops start-up with a message naming the variable, rather than
quietly falling back to a default.
"""

import base64
import hashlib
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name}={raw!r} has an empty entry; separate values with single commas.")
    return items


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "development-only-key-never-used-with-debug-off"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the site's host names when DJANGO_DEBUG=0.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "simple_history",
    "import_export",
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite file next to manage.py unless DATABASE_URL names another one.
_database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
# PostgreSQL compiles a plan to machine code when its estimated cost is high. For the tracker's
# pagination counts and aggregates that took 35-350 ms per query at 100,000 commitments, more than
# it saved (bench/README.md), so it is off for the tracker's connections unless DATABASE_JIT=1.
if IS_POSTGRES and not env_bool("DATABASE_JIT", False):
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()

# Cache: one for every worker and app server, because it holds the anonymous page cache and its
# data version, the pagination counts and the API throttle counters. A per-process memory cache
# would let each worker replay its own stale copy of an unpublished record and count its own
# allowance, so it is only used by the development server (`runserver`, one process) and the tests.
# Redis when REDIS_URL is set; otherwise a table in the database, created by `migrate`.
REDIS_URL = os.environ.get("REDIS_URL", "")
_DEVELOPMENT_SERVER = sys.argv[1:2] == ["runserver"]
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://.")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
elif _DEVELOPMENT_SERVER:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "tracker.dbcache.DatabaseCache",
            "LOCATION": "tracker_cache",
            # Django's default of 300 entries would cull the page cache every few pages; past
            # this many a third of the entries go, the oldest keys first.
            "OPTIONS": {"MAX_ENTRIES": env_int("DATABASE_CACHE_MAX_ENTRIES", 20_000)},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
# ISO dates (YYYY-MM-DD) wherever Django formats or reads a date: tracker/formats/.
FORMAT_MODULE_PATH = ["tracker.formats"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SITE_NAME = os.environ.get("SITE_NAME", "Commitment Tracker")

# Logs go to standard error, each line with the id of the request it belongs to (X-Request-ID);
# DJANGO_LOG_FORMAT=json writes one JSON object a line for a log collector.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r} must be text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tracker.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "tracker.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Error reporting to Sentry (or a compatible service) only when SENTRY_DSN is set: without it the
# SDK is not even imported, so nothing is ever sent. No personal data (addresses, cookies, users).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=0.0,
    )

# Spreadsheets (django-import-export, in the admin): exported cells that a spreadsheet would run
# as a formula are escaped (texts come from outside articles), and an upload waits for its
# confirmation in the shared cache, private to the session that uploaded it (commitments/infra/imports.py).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_TMP_STORAGE_CLASS = "commitments.infra.imports.SessionCacheStorage"

# Article import (commitments/ingest/): pasted text and uploaded files larger than this are refused.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
# Seconds an import from the admin page may take (one web request); an article that would take
# longer is refused with a pointer to `manage.py import_article`, which has no such limit.
IMPORT_WEB_SECONDS = env_int("IMPORT_WEB_SECONDS", 10)

# Editorial rules (commitments/domain/services.py). Four eyes: a statement, commitment or status
# update is published by a publisher who did not write or last change it. Turn off only for a
# one-person newsroom: the methodology page then says so.
FOUR_EYES = env_bool("FOUR_EYES", True)
# A mean score is headlined only when it rests on at least this many rated commitments; below
# it, pages say the score is not yet meaningful (the figure and its basis are still given).
SCORE_MIN_RATED = env_int("SCORE_MIN_RATED", 3)

# --- The analysts' workspace (commitments/admin/desk.py): the admin's front page lists published
# commitments whose latest assessment is older than this many months, for re-assessment.
REASSESS_AFTER_MONTHS = env_int("REASSESS_AFTER_MONTHS", 12)
if REASSESS_AFTER_MONTHS < 1:
    raise ImproperlyConfigured("REASSESS_AFTER_MONTHS must be at least 1.")

# --- Security: HTTPS, headers, login lockout. Production safety switches on with DJANGO_DEBUG=0;
# every switch can be set explicitly. docs/operations.md explains each variable.

INSTALLED_APPS += ["axes", "csp"]
# Right after SecurityMiddleware, so responses cut short by a later middleware (a bad Host
# header) carry the policy too; then the health endpoints (tracker/health.py), answered before
# host validation, sessions and the page cache because balancers probe by address over HTTP.
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1, "tracker.health.HealthCheckMiddleware")
# Outermost: every response, whichever middleware made it, carries its request id and the policy.
MIDDLEWARE[:0] = ["tracker.middleware.RequestIdMiddleware", "tracker.middleware.PermissionsPolicyMiddleware"]
# Features no page of the tracker uses, denied to it and to anything it could ever embed.
PERMISSIONS_POLICY_DENIED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "usb",
    "interest-cohort",
    "browsing-topics",
]
# Last, as django-axes asks: it turns a locked-out login into the lockout response.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` or `X-Forwarded-Proto: https` → ("HTTP_X_FORWARDED_PROTO", "https")."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    header, _, value = raw.partition(":")
    header, value = header.strip(), value.strip() or "https"
    if not header or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"{name}={raw!r} must be a header name, optionally with its value: X-Forwarded-Proto: https"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value


# Only set this behind a proxy that always overwrites the header: otherwise a client could
# claim HTTPS on a plain connection.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
# Balancers probe the health endpoints over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
# Only staff sign in. A session ends after DJANGO_SESSION_IDLE_MINUTES without a request (requests
# renew it: tracker.middleware.SessionIdleMiddleware) and when the browser closes, whichever comes first.
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_IDLE_MINUTES", 8 * 60) * 60
if SESSION_COOKIE_AGE <= 0:
    raise ImproperlyConfigured("DJANGO_SESSION_IDLE_MINUTES must be a positive number of minutes.")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# JSON under /api/, Django's page elsewhere.
CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# A switch turned off on purpose in production (say, the proxy already redirects to HTTPS) is a
# decision, not an oversight: silence the deploy check that would flag it, and nothing else.
SILENCED_SYSTEM_CHECKS = []
if not DEBUG:
    for _variable, _is_off, _check in [
        ("DJANGO_SECURE_SSL_REDIRECT", not SECURE_SSL_REDIRECT, "security.W008"),
        ("DJANGO_HSTS_SECONDS", not SECURE_HSTS_SECONDS, "security.W004"),
        ("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not SECURE_HSTS_INCLUDE_SUBDOMAINS, "security.W005"),
        ("DJANGO_HSTS_PRELOAD", not SECURE_HSTS_PRELOAD, "security.W021"),
    ]:
        if _is_off and _variable in os.environ:
            SILENCED_SYSTEM_CHECKS.append(_check)

# Content-Security-Policy (django-csp 4). No inline scripts anywhere: the admin ships its
# scripts as files, and a page that needs one uses the per-request nonce. Inline *styles* stay
# allowed because the admin and the status badges use style attributes.
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402


def _handler_hash(handler: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(handler.encode()).digest()).decode() + "'"


# The one inline event handler an admin page needs: the "Select all" box of django-import-export's
# export form (`onchange="onSelectToggleChange(event)"`). 'unsafe-hashes' with its hash allows
# exactly that attribute, and no other handler or inline script.
IMPORT_EXPORT_SELECT_ALL_HANDLER = "onSelectToggleChange(event)"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, "'unsafe-hashes'", _handler_hash(IMPORT_EXPORT_SELECT_ALL_HANDLER)],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Admin login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, that pair is refused, even with the right password, for the cool-off period; after
# LOGIN_ADDRESS_FAILURE_LIMIT failures from one address over any usernames, the address is
# (tracker/auth.py). `manage.py axes_reset` (or axes_reset_username, axes_reset_ip) lifts a lockout early.
AUTHENTICATION_BACKENDS = [
    "tracker.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", 50)
if not 0 < AXES_FAILURE_LIMIT <= LOGIN_ADDRESS_FAILURE_LIMIT:
    raise ImproperlyConfigured(
        "DJANGO_LOGIN_FAILURE_LIMIT must be at least 1 and DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT at least as large."
    )
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "tracker.auth.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "tracker.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "tracker.auth.client_ip"
# How many proxies append to X-Forwarded-For in front of the app; 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

# Whole-response cache for anonymous readers (commitments/infra/cache.py). It sits right after
# AuthenticationMiddleware because it must know whether the reader is logged in; the middleware
# above it (sessions, CSRF, security headers) still runs on replayed responses. Entries are
# invalidated by any change to a tracker record; PAGE_CACHE_SECONDS=0 turns the cache off, and is
# the default with debug on, so template edits show at once.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "commitments.infra.cache.AnonymousCacheMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("commitments.infra.cache.AnonymousCacheMiddleware") + 1,
    "commitments.infra.imports.ImportOwnerMiddleware",
)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "tracker.middleware.SessionIdleMiddleware",
)
# Read replica (tracker/routers.py): with DATABASE_REPLICA_URL, anonymous readers' pages and API
# reads come from it; writes, signed-in users, the admin and transactions use DATABASE_URL. Both
# must be PostgreSQL: the page cache compares their write-ahead log positions.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "")
if _replica_url:
    try:
        _replica = dj_database_url.parse(_replica_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL could not be read: {exc}") from None
    if not IS_POSTGRES or _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL, for it and for DATABASE_URL.")
    _replica["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {}))
    # The test runner makes no database for it: in tests it is the primary under another name.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["tracker.routers.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("commitments.infra.cache.AnonymousCacheMiddleware"), "tracker.routers.ReplicaReadsMiddleware"
    )

PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 0 if DEBUG else 300)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", 5_000_000)
PAGE_CACHE_EXCLUDE = ("/admin/",)
# A replayed API answer still counts against the client's throttle (the views' own check is skipped).
PAGE_CACHE_REPLAY_CHECKS = ["commitments.api.throttling.throttle_replay"]
API_PATH_PREFIX = "/api/"
# Pagination counts of the site and the API, cached under the same data version (exact until the
# next change); 0 counts on every request.
COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", PAGE_CACHE_SECONDS)
# From this many rows a list's count may be served from before an edit while it is recounted.
COUNT_STALE_FROM = env_int("COUNT_STALE_FROM", 10_000)
# Connections writing one CSV download at once on PostgreSQL (commitments.domain.record_lines).
DOWNLOAD_THREADS = env_int("DOWNLOAD_THREADS", 2)

# --- Public REST API v1 (commitments/api/) -------------------------------------------------
# Reads are open and throttled per client address; editors write with a token or a session.
INSTALLED_APPS += [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
]
# Before CommonMiddleware, so even its redirects carry the CORS headers.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)

REST_FRAMEWORK = {
    # Token first: an anonymous write then answers 401 with a WWW-Authenticate header, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commitments.api.tokens.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_RENDERER_CLASSES": [
        "commitments.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Depth, list length and NUL bounds on every write body (commitments/api/limits.py).
    "DEFAULT_PARSER_CLASSES": [
        "commitments.api.limits.BoundedJSONParser",
        "commitments.api.limits.BoundedFormParser",
        "commitments.api.limits.BoundedMultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "commitments.api.renderers.StrictFormatNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "commitments.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "commitments.api.schema.TrackerAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "commitments.api.throttling.AnonymousThrottle",
        "commitments.api.throttling.EditorThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_ANON_THROTTLE", "120/min"),
        "editor": os.environ.get("API_EDITOR_THROTTLE", "600/min"),
    },
    # The same proxy count as the login lockout (DJANGO_TRUSTED_PROXY_COUNT): 0 trusts only the
    # connecting address, so clients cannot dodge throttling with a forged X-Forwarded-For.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 50,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32)
API_MAX_LIST_ITEMS = env_int("API_MAX_LIST_ITEMS", 100)

# Editors' API tokens are stored as digests and expire this many days after they are made
# (commitments/api/tokens.py; `manage.py rotate_api_tokens`).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
if API_TOKEN_DAYS <= 0:
    raise ImproperlyConfigured("API_TOKEN_DAYS must be a positive number of days.")

SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment Tracker API",
    "DESCRIPTION": "Public, read-only data on government commitments and whether they are delivered; "
    "writes for editors. See docs/api.md for a worked example.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Offline docs: assets come from drf-spectacular-sidecar through our own static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Without deep links, as links inside each operation's expand button are nested controls that
    # screen readers and keyboards cannot tell apart (axe: nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "commitments.models.Status",
        "PublicationStateEnum": "commitments.models.PublicationState",
        "ActorKindEnum": "commitments.models.Actor.Kind",
        "ArticleKindEnum": "commitments.models.Article.Kind",
        "StatementKindEnum": "commitments.models.Statement.Kind",
        "DateSourceEnum": "commitments.models.Article.DateSource",
        "RelationEnum": "commitments.models.ArticleLink.Relation",
        "LineageRelationEnum": "commitments.lineage.Relation",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "commitments.api.schema.document_response_headers",
    ],
}

# Browser apps on any origin may read the API; only reads are offered across origins.
CORS_URLS_REGEX = r"^/api/v1/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Link", "Retry-After"]

# --- Reader submissions (/commitments/<slug>/suggest/) --------------------------------------
# Per client address, counted in the shared cache like the API's throttles; refused with 429.
READER_SUBMISSIONS_PER_HOUR = env_int("READER_SUBMISSIONS_PER_HOUR", 5)

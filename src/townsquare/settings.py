"""The one settings module. It is the only place that reads the environment.

Every variable is listed in docs/configuration.md (a test checks it).
"""

from __future__ import annotations

import re
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from townsquare import env

django_stubs_ext.monkeypatch()  # generic admin and queryset classes, for the type checker

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT = PACKAGE_DIR.parents[1]
IN_CHECKOUT = (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "src" / "townsquare").is_dir()

# --- The env file -----------------------------------------------------------------------
# Variables may be kept in a file (see .env.example): ``.env`` of the source checkout, or the
# file TOWNSQUARE_ENV_FILE names (empty: none). The environment always wins over the file.
env.load_env_file(CHECKOUT / ".env" if IN_CHECKOUT else None)

# --- Mode and secrets -------------------------------------------------------------------
ENVIRONMENT = env.choice("TOWNSQUARE_ENV", "development", ("development", "production"))
PRODUCTION = ENVIRONMENT == "production"
DEFAULT_SECRET_KEY = "townsquare-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env.string("TOWNSQUARE_SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env.boolean("TOWNSQUARE_DEBUG", default=not PRODUCTION)

if PRODUCTION and SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "TOWNSQUARE_ENV=production needs TOWNSQUARE_SECRET_KEY (or TOWNSQUARE_SECRET_KEY_FILE): "
        "refusing to start with the default development key."
    )
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "TOWNSQUARE_ENV=production refuses TOWNSQUARE_DEBUG=true: debug pages leak settings."
    )
if PRODUCTION and len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("TOWNSQUARE_SECRET_KEY must be at least 32 characters long.")


def _default_data_dir() -> Path:
    """The same folder wherever a command runs: ``var/`` of the source checkout Townsquare runs
    from (``make demo``), else the user's data folder (``$XDG_DATA_HOME/townsquare``)."""
    if IN_CHECKOUT:
        return CHECKOUT / "var"
    home = env.string("XDG_DATA_HOME", "") or str(Path.home() / ".local" / "share")
    return Path(home) / "townsquare"


DATA_DIR = Path(env.string("TOWNSQUARE_DATA_DIR", "") or _default_data_dir()).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database and files live here
SITE_URL = env.string("TOWNSQUARE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.string("TOWNSQUARE_SITE_NAME", "Townsquare")
ALLOWED_HOSTS = env.string_list("TOWNSQUARE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("TOWNSQUARE_CSRF_TRUSTED_ORIGINS", [])

# --- Applications -----------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.sitemaps",
    "townsquare.core",
    "townsquare.accounts",
    "townsquare.catalog",
    "townsquare.governance",
    "townsquare.audit",
    "townsquare.quality",
    "townsquare.datastore",
    "townsquare.upkeep",
    "townsquare.readiness",
    "townsquare.interop",
    "townsquare.demo",
]

MIDDLEWARE = [
    "townsquare.core.uploads.UploadLimitMiddleware",
    "townsquare.core.middleware.NulCharacterMiddleware",
    "townsquare.audit.context.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "townsquare.core.middleware.ThrottleMiddleware",
    "townsquare.readiness.middleware.BeforeLaunchMiddleware",
]

ROOT_URLCONF = "townsquare.urls"
WSGI_APPLICATION = "townsquare.wsgi.application"
# Loaded by each web process of `townsquare serve` as it starts, so that its first requests do
# not wait for them (catalog search's snapshot: 3 s at 100,000 datasets).
WARM_UP = ["townsquare.catalog.search.snapshot.warm"]
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "townsquare.core.context.site",
                "townsquare.interop.context.may",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env.string("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'townsquare.sqlite3'}",
        conn_max_age=env.integer("TOWNSQUARE_DB_CONN_MAX_AGE", 60, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's default random_page_cost (4) assumes spinning disks and makes it scan whole
    # tables instead of using the full-text (GIN) index; 1.1 is the usual value for SSDs.
    _page_cost = env.string("TOWNSQUARE_PG_RANDOM_PAGE_COST", "1.1")
    if _page_cost:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c random_page_cost={_page_cost}"
        )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Connections are kept and reused (TOWNSQUARE_DB_CONN_MAX_AGE) on both databases: a new SQLite
# connection per request (Django registers its functions on each, then the PRAGMAs) cost about
# 3 ms of every request. A kept connection is checked before it is reused.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Files ------------------------------------------------------------------------------
STORAGE_BACKEND = env.choice("TOWNSQUARE_STORAGE", "local", ("local", "s3"))
MEDIA_ROOT = DATA_DIR / "files"
UPLOAD_MAX_BYTES = env.integer("TOWNSQUARE_UPLOAD_MAX_BYTES", 1024 * 1024 * 1024, minimum=1)
FILE_UPLOAD_HANDLERS = ["townsquare.core.uploads.LimitedTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env.string("TOWNSQUARE_UPLOAD_TEMP_DIR", "") or None
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

if STORAGE_BACKEND == "s3":
    _s3_options = {
        "bucket_name": env.string("TOWNSQUARE_S3_BUCKET"),
        "endpoint_url": env.string("TOWNSQUARE_S3_ENDPOINT_URL") or None,
        "access_key": env.string("TOWNSQUARE_S3_ACCESS_KEY_ID") or None,
        "secret_key": env.string("TOWNSQUARE_S3_SECRET_ACCESS_KEY") or None,
        "region_name": env.string("TOWNSQUARE_S3_REGION") or None,
        "location": env.string("TOWNSQUARE_S3_PREFIX"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    if not _s3_options["bucket_name"]:
        raise ImproperlyConfigured("TOWNSQUARE_STORAGE=s3 needs TOWNSQUARE_S3_BUCKET.")
    _files_storage = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_options}
else:
    _files_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }

STORAGES = {
    "default": _files_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic (townsquare serve); must exist before
STATICFILES_DIRS = [PACKAGE_DIR / "static"]

# --- Datastore --------------------------------------------------------------------------
DATASTORE_MEMORY_LIMIT = env.string("TOWNSQUARE_DATASTORE_MEMORY_LIMIT", "1GB")
DATASTORE_THREADS = env.integer("TOWNSQUARE_DATASTORE_THREADS", 2, minimum=1)
DATASTORE_ALLOW_PRIVATE_URLS = env.boolean("TOWNSQUARE_DATASTORE_ALLOW_PRIVATE_URLS", False)
# host:port pairs fetched from even on a private or loopback address (the demo's own sources:
# `make demo` allows 127.0.0.1:8000); link-local and metadata addresses stay refused.
DATASTORE_ALLOW_HOSTS = env.string_list("TOWNSQUARE_DATASTORE_ALLOW_HOSTS", [])
# The demo town's live source at /demo/sources/… (`make demo` turns it on).
DEMO_SOURCES = env.boolean("TOWNSQUARE_DEMO_SOURCES", False)
# Freshness (catalog/freshness.py): the least and the most time between due, overdue and
# delinquent, in days.
FRESHNESS_GRACE_DAYS = env.integer("TOWNSQUARE_FRESHNESS_GRACE_DAYS", 1, minimum=1)
FRESHNESS_MAX_STEP_DAYS = env.integer("TOWNSQUARE_FRESHNESS_MAX_STEP_DAYS", 60, minimum=1)
# Whether this worker runs the scheduled jobs (upkeep/jobs.py); any number of workers may.
SCHEDULER_ENABLED = env.boolean("TOWNSQUARE_SCHEDULER", True)
# Stewards are reminded this many days before a dataset's update is due.
FRESHNESS_REMINDER_DAYS = env.integer("TOWNSQUARE_FRESHNESS_REMINDER_DAYS", 7, minimum=0)
DATASTORE_DOWNLOAD_SECONDS = env.integer("TOWNSQUARE_DATASTORE_DOWNLOAD_SECONDS", 600, minimum=1)
# How long a download (an upload from a URL, a refresh) waits for the server at each step.
DATASTORE_READ_TIMEOUT = env.integer("TOWNSQUARE_DATASTORE_READ_TIMEOUT", 30, minimum=1)
# Scheduled refreshes: failures in a row before the schedule pauses, and the first retry's
# wait in minutes (doubled at each failure, never past the schedule's own next run).
REFRESH_MAX_FAILURES = env.integer("TOWNSQUARE_REFRESH_MAX_FAILURES", 5, minimum=1)
REFRESH_RETRY_MINUTES = env.integer("TOWNSQUARE_REFRESH_RETRY_MINUTES", 5, minimum=1)
DATASTORE_MAX_UNPACKED_BYTES = env.integer(
    "TOWNSQUARE_DATASTORE_MAX_UNPACKED_BYTES", 10 * 1024**3, minimum=1
)
DATASTORE_MAX_UNPACK_RATIO = env.integer("TOWNSQUARE_DATASTORE_MAX_UNPACK_RATIO", 100, minimum=2)
DATASTORE_STALLED_SECONDS = env.integer("TOWNSQUARE_DATASTORE_STALLED_SECONDS", 30, minimum=10)
DATASTORE_QUERY_SECONDS = env.integer("TOWNSQUARE_DATASTORE_QUERY_SECONDS", 10, minimum=1)
DATASTORE_EXPORT_SECONDS = env.integer("TOWNSQUARE_DATASTORE_EXPORT_SECONDS", 600, minimum=1)
DATASTORE_RESULT_CACHE_MB = env.integer("TOWNSQUARE_DATASTORE_RESULT_CACHE_MB", 64, minimum=0)
DATASTORE_SQL_MAX_ROWS = env.integer("TOWNSQUARE_DATASTORE_SQL_MAX_ROWS", 10_000, minimum=1)
DATASTORE_SQL_MEMORY_LIMIT = env.string("TOWNSQUARE_DATASTORE_SQL_MEMORY_LIMIT", "500MB")
# The severities: the checks whose findings are errors (they block publication); every other
# finding is a warning.
QUALITY_ERRORS = env.string_list(
    "TOWNSQUARE_QUALITY_ERRORS",
    [
        "required",
        "unique",
        "enum",
        "minimum",
        "maximum",
        "pattern",
        "min_length",
        "max_length",
        "cast_failure",
    ],
)
# The privacy scan: counts below this in an aggregate table are a re-identification risk, and
# the regions whose phone numbers are recognized (ISO 3166 codes).
QUALITY_SMALL_CELL = env.integer("TOWNSQUARE_QUALITY_SMALL_CELL", 5, minimum=1)
QUALITY_PHONE_REGIONS = env.string_list("TOWNSQUARE_QUALITY_PHONE_REGIONS", ["US"])
# DuckDB's memory for the checks of a data version (they spill to disk beyond it).
QUALITY_MEMORY_LIMIT = env.string("TOWNSQUARE_QUALITY_MEMORY_LIMIT", "500MB")
# Privacy findings with at least this confidence (percent) need a privacy officer's sign-off
# (or the column withheld) before the data is published; weaker ones are shown as warnings.
QUALITY_PRIVACY_SIGN_OFF = env.integer("TOWNSQUARE_QUALITY_PRIVACY_SIGN_OFF", 50, minimum=0)
# Link checks (a background task, queued when a dataset's links change): on or off, seconds per
# address, and days before `townsquare check_links` checks an address again.
QUALITY_CHECK_LINKS = env.boolean("TOWNSQUARE_QUALITY_CHECK_LINKS", True)
QUALITY_LINK_TIMEOUT = env.integer("TOWNSQUARE_QUALITY_LINK_TIMEOUT", 10, minimum=1)
QUALITY_LINK_RECHECK_DAYS = env.integer("TOWNSQUARE_QUALITY_LINK_RECHECK_DAYS", 7, minimum=0)
# Who sees every version of the governance documents and their signatures: "public" or
# "staff" (coordinators, admins, organization members). The current text is always public.
DOCUMENT_HISTORY = env.choice("TOWNSQUARE_DOCUMENT_HISTORY", "public", ("public", "staff"))
MAP_TILES_URL = env.string(
    "TOWNSQUARE_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
MAP_TILES_ATTRIBUTION = env.string(
    "TOWNSQUARE_MAP_TILES_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

# --- Accounts and security --------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "catalog:home"
LOGOUT_REDIRECT_URL = "catalog:home"

AXES_FAILURE_LIMIT = env.integer("TOWNSQUARE_LOCKOUT_ATTEMPTS", 5, minimum=1)
# Residents may create their own accounts (verified by email): "open", or "closed" (only
# coordinators invite people).
REGISTRATION = env.choice("TOWNSQUARE_REGISTRATION", "open", ("open", "closed"))
# Before the launch: "coming-soon" (the public sees the purpose statement and a coming-soon
# page; staff work as usual) or "open" (the portal is open but unannounced).
BEFORE_LAUNCH = env.choice("TOWNSQUARE_BEFORE_LAUNCH", "coming-soon", ("coming-soon", "open"))
AXES_COOLOFF_TIME = env.integer("TOWNSQUARE_LOCKOUT_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
PROXY_COUNT = env.integer("TOWNSQUARE_PROXY_COUNT", 0, minimum=0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION and SITE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION and SITE_URL.startswith("https://"):
    SECURE_HSTS_SECONDS = env.integer("TOWNSQUARE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION and SITE_URL.startswith("https://"):
    # Plain HTTP is redirected (load balancers' health checks excepted), HSTS for a year on
    # the portal's host and its subdomains by default.
    SECURE_SSL_REDIRECT = env.boolean("TOWNSQUARE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("TOWNSQUARE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env.boolean("TOWNSQUARE_HSTS_PRELOAD", True)

# --- Content Security Policy (django-csp) ------------------------------------------------
# No inline script or style anywhere: scripts, styles, images and connections from the portal
# itself, map tiles from their server. The API's browsable docs page is its own exception.
_TILES = re.match(r"^(https?://[^/{]+)", MAP_TILES_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *([_TILES.group(1)] if _TILES else [])],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Rate limits (townsquare.core.throttle) and the cache that counts them ---------------
RATE_VARIABLES = {
    "api": ("TOWNSQUARE_RATE_API", "1200/m"),
    "queries": ("TOWNSQUARE_RATE_QUERIES", "600/m"),
    "sql": ("TOWNSQUARE_RATE_SQL", "60/m"),
    "bad_token": ("TOWNSQUARE_RATE_BAD_TOKENS", "10/m"),
    "password_reset": ("TOWNSQUARE_RATE_PASSWORD_RESETS", "5/h"),
    "registration": ("TOWNSQUARE_RATE_REGISTRATIONS", "5/h"),
}
RATE_LIMITS = {rule: env.string(name, default) for rule, (name, default) in RATE_VARIABLES.items()}
for _rule, (_name, _) in RATE_VARIABLES.items():
    if not re.fullmatch(r"0|off|\d+/[smh]", RATE_LIMITS[_rule].strip().lower()):
        raise ImproperlyConfigured(
            f"{_name} must be a number per s, m or h (for example 600/m), or 0 for none: "
            f"{RATE_LIMITS[_rule]!r}."
        )
CACHE_URL = env.string("TOWNSQUARE_CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("TOWNSQUARE_CACHE_URL must be a redis:// address (or empty).")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# --- Mail -------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.string("TOWNSQUARE_EMAIL_FROM", "Townsquare <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env.string("TOWNSQUARE_SMTP_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.integer("TOWNSQUARE_SMTP_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env.string("TOWNSQUARE_SMTP_USER")
    EMAIL_HOST_PASSWORD = env.string("TOWNSQUARE_SMTP_PASSWORD")
    EMAIL_USE_TLS = env.boolean("TOWNSQUARE_SMTP_STARTTLS", True)
    EMAIL_USE_SSL = env.boolean("TOWNSQUARE_SMTP_SSL", False)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# --- Background tasks -------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- Localisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.string("TOWNSQUARE_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- API --------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20

# The audit trail's newest (number, hash), appended after every event commits, outside the
# database: `townsquare audit verify` compares the trail with it (a removed tail, forged
# appends, a rewritten chain). Keep it on another disk or volume than the database, backed up.
AUDIT_HEAD_FILE = Path(env.string("TOWNSQUARE_AUDIT_HEAD_FILE", str(DATA_DIR / "audit-head.log")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.string("TOWNSQUARE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # Presidio tells at INFO of every value it looks at without a language model.
        "presidio-analyzer": {"level": "WARNING"},
        "decision_process": {"level": "WARNING"},
    },
}

CSRF_FAILURE_VIEW = "townsquare.audit.views.csrf_failure"
WHITENOISE_USE_FINDERS = DEBUG

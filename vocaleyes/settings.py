"""VocalEyes settings, read from the environment (twelve-factor).

One module for every environment: what differs between a laptop, CI and production is the
environment, never a second settings file. See the configuration table in README.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Set by pytest-env (pyproject.toml) for the test suite only.
TESTING = env_bool("VOCALEYES_TESTING", False)
DEBUG = env_bool("DEBUG", False)

# --- Secrets ------------------------------------------------------------------------------
_DEV_SECRET_KEY = "django-insecure-vocaleyes-development-only-never-use-in-production"  # noqa: S105 - refused when DEBUG is off
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production mode (DEBUG=false) VocalEyes refuses to start "
            "without a real secret key: set SECRET_KEY to a long random value, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`. "
            "For local development set DEBUG=true (the README's run command does)."
        )
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production mode: use at least 50 random characters."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "vocaleyes",
    "conversations",
    "budgeting",
    "timecredits",
    "vocaleyes.admin_site.VocalEyesAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from this site (no CDN)
    "django_filters",
    "django_htmx",
]

MIDDLEWARE = [
    # First, so every line logged while a request is handled carries its id (issue 14).
    "vocaleyes.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (no inline script or style) and Permissions-Policy (issue 14).
    "vocaleyes.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # On /api/ paths, Accept-Language chooses the answer's language (vocaleyes/api/language.py).
    "vocaleyes.api.language.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view, form or query: PostgreSQL refuses NUL characters (vocaleyes/middleware.py).
    "vocaleyes.middleware.ControlCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "vocaleyes.urls"
WSGI_APPLICATION = "vocaleyes.wsgi.application"
ASGI_APPLICATION = "vocaleyes.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vocaleyes.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# Postgres in production (DATABASE_URL=postgres://...); a SQLite file in the project otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the in-process tasks write; IMMEDIATE transactions take the
    # write lock up front so two writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if os.environ.get("DATABASE_TEST_NAME"):
    # CI points the Celery worker at the very database pytest creates, so both see one world.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["DATABASE_TEST_NAME"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "vocaleyes.User"

# --- Accounts (django-allauth) ------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's, finding the signed-in person with a compiled query (see the module).
    "vocaleyes.backends.ModelBackend",
    "vocaleyes.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "vocaleyes.forms.SignupForm"
ACCOUNT_ADAPTER = "vocaleyes.adapters.AccountAdapter"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[VocalEyes] "
LOGIN_URL = "account_login"
# Flash messages added as lazy text are shown in the language of the page that shows them.
MESSAGE_STORAGE = "vocaleyes.flash.PageLanguageStorage"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else {}
# Who the visitor is, for the rate limits' per-address counts (vocaleyes/client_ip.py): behind
# our proxy every request comes from the proxy, so the visitor's address is read from the header
# the proxy writes. Trust a header only if the app cannot be reached except through the proxy.
# TRUSTED_CLIENT_IP_HEADER: a header the proxy sets to the visitor's address (e.g. X-Real-IP);
# else TRUSTED_PROXY_COUNT: how many proxies of ours append to X-Forwarded-For (0: ignore it).
TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER", "").strip()
_proxy_count = os.environ.get("TRUSTED_PROXY_COUNT", "0").strip()
if not _proxy_count.isdigit():
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT is a number of proxies (0 or more), not {_proxy_count!r}."
    )
TRUSTED_PROXY_COUNT = int(_proxy_count)

# Rate limits on writes (vocaleyes/throttle.py; README "Rate limits"): how many of each a person,
# and a client address, may do in a window, e.g. "idea=10/h,comment=30/h". Named limits left
# out keep their defaults. An address is shared by everyone in a library or a council office, so
# its budgets are larger. The test suite gets budgets no test reaches; its own tests set small ones.
_DEFAULT_RATE_LIMITS = (
    "idea=10/h,comment=30/h,rating=300/h,report=20/h,pledge=30/h,gift=20/h,token=10/h,ballot=20/h"
)
_DEFAULT_RATE_LIMITS_PER_IP = (
    "idea=50/h,comment=150/h,rating=1500/h,report=100/h,pledge=150/h,gift=100/h,token=50/h,ballot=100/h"
)


def env_rate_limits(name: str, default: str) -> dict[str, str]:
    limits: dict[str, str] = {}
    known = [item.partition("=")[0] for item in _DEFAULT_RATE_LIMITS.split(",")]
    for text in (default, os.environ.get(name, "")):
        for item in text.split(","):
            if not item.strip():
                continue
            key, _, budget = item.partition("=")
            if key.strip() not in known:
                raise ImproperlyConfigured(f"{name}: {key.strip()!r} is not one of {', '.join(known)}")
            if not re.fullmatch(r"\s*\d+\s*/\s*\d*\s*[smhd]\s*", budget):
                raise ImproperlyConfigured(
                    f"{name}: {item.strip()!r} is not like 'idea=10/h' or 'idea=5/15m'"
                )
            limits[key.strip()] = budget.strip()
    return limits


_TESTING_RATE_LIMITS = ",".join(
    f"{key}=100000/h" for key in ("idea", "comment", "rating", "report", "pledge", "gift", "token", "ballot")
)
VOCALEYES_RATE_LIMITS = env_rate_limits(
    "VOCALEYES_RATE_LIMITS", _TESTING_RATE_LIMITS if TESTING else _DEFAULT_RATE_LIMITS
)
VOCALEYES_RATE_LIMITS_PER_IP = env_rate_limits(
    "VOCALEYES_RATE_LIMITS_PER_IP", _TESTING_RATE_LIMITS if TESTING else _DEFAULT_RATE_LIMITS_PER_IP
)

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
# locale/ is our own catalogue (makemessages writes it); locale/vendor/ holds Welsh for the
# third-party strings our pages show (django-allauth has no Welsh; Django's admin is incomplete).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "vendor"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed files in production; plain files while developing and testing,
        # so neither needs `collectstatic` first.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Uploaded and generated files ----------------------------------------------------------
# Large exports are written here by the worker and handed out by a view that checks who asks;
# nothing under MEDIA_ROOT is served directly. Web and worker must share it (a volume in
# docker-compose.yml).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "/media/"

# --- Exports (conversations app) ----------------------------------------------------------
# Action lists with more ideas than this are made by a background task with a progress page;
# smaller ones stream straight into the response.
EXPORT_SYNC_LIMIT = int(os.environ.get("EXPORT_SYNC_LIMIT", "5000"))
# Rows read from the database per round trip while exporting (bounded memory).
EXPORT_CHUNK_SIZE = int(os.environ.get("EXPORT_CHUNK_SIZE", "2000"))
# Files of background exports are deleted after this many days (beat: expire_exports).
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))

# --- Email --------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "VocalEyes <noreply@vocaleyes.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where residents write about the service itself (accessibility, moderation questions) when the
# organisation running a conversation has given no contact of its own.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "help@vocaleyes.localhost")
# People's data rights (issue 14): accounts nobody has signed in to for this many years are
# deleted by beat (vocaleyes.deletion.accounts_delete_inactive); 0 keeps every account.
ACCOUNT_RETENTION_YEARS = int(os.environ.get("ACCOUNT_RETENTION_YEARS", "3"))
# Where links in emails sent by background tasks (no request to build them from) point.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

# --- Celery -------------------------------------------------------------------------------
# With REDIS_URL set, tasks go to Redis and a worker runs them. Without it (the embedded default)
# the same tasks run in-process, eagerly, so one machine needs nothing but Python.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "heartbeat": {"task": "vocaleyes.tasks.heartbeat", "schedule": 60.0},
    "rankings": {
        "task": "conversations.tasks.recompute_rankings",
        "schedule": float(os.environ.get("RANKING_BEAT_SECONDS", "600")),
    },
    "exports": {"task": "conversations.tasks.expire_exports", "schedule": 24 * 3600.0},
    # Followers' digests: at most one email per person per day, however often this runs.
    "follow-digests": {
        "task": "conversations.tasks.send_follow_digests",
        "schedule": float(os.environ.get("DIGEST_BEAT_SECONDS", str(24 * 3600))),
    },
    # Action groups: conditional pledges whose deadline passed lapse (and their pledgers are told).
    "pledge-lapses": {
        "task": "conversations.tasks.lapse_due_pledges",
        "schedule": float(os.environ.get("PLEDGE_LAPSE_BEAT_SECONDS", "300")),
    },
    # Participatory budgeting: count each round soon after its voting closes.
    "budget-tallies": {
        "task": "budgeting.tasks.tally_closed_rounds",
        "schedule": float(os.environ.get("BUDGET_TALLY_BEAT_SECONDS", "60")),
    },
    # People's data rights: accounts inactive for ACCOUNT_RETENTION_YEARS are deleted (0: none).
    "account-retention": {"task": "vocaleyes.tasks.delete_inactive_accounts", "schedule": 24 * 3600.0},
}
# Priority rankings (conversations app): a burst of ratings within RANKING_DELAY_SECONDS makes
# one recompute; a queued recompute not started within RANKING_QUEUE_STALE_SECONDS is presumed
# lost and queued again.
RANKING_DELAY_SECONDS = float(os.environ.get("RANKING_DELAY_SECONDS", "2"))
RANKING_QUEUE_STALE_SECONDS = int(os.environ.get("RANKING_QUEUE_STALE_SECONDS", "300"))

CACHES = {
    # Django's Redis cache, reusing its client objects (vocaleyes/cache.py).
    "default": {"BACKEND": "vocaleyes.cache.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if REDIS_URL and TESTING:
    # Test processes running side by side (pytest-xdist) share one Redis database: each keeps
    # its keys apart, so one clearing its cache signs nobody out in another.
    CACHES["default"]["KEY_PREFIX"] = "test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")
# Sessions: with Redis (production) a signed-in request reads its session from the cache and
# touches the database only on a miss; every write still goes to both, so a restart of Redis
# signs nobody out. Without Redis the cache is each process's own memory, which would keep a
# signed-out session alive in the other processes, so sessions stay in the database alone.
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
)

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Every operation's error answers, with the one error body (vocaleyes/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "vocaleyes.api.schema.ApiSchema",
    # Per-person API tokens (vocaleyes/api/authentication.py), or the browser's session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "vocaleyes.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["vocaleyes.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "vocaleyes.api.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": ["vocaleyes.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The platform's rate limits on writes; a view names its limit (``rate_limit = "idea"``).
    "DEFAULT_THROTTLE_CLASSES": ["vocaleyes.api.throttling.RateLimit"],
    "PAGE_SIZE": 20,
    # One error body, {"detail", "code", "fields"}, in the request's language (vocaleyes.errors).
    "EXCEPTION_HANDLER": "vocaleyes.errors.api_exception_handler",
}
# The largest JSON body the API reads (vocaleyes/api/parsers.py).
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(64 * 1024)))
SPECTACULAR_SETTINGS = {
    "TITLE": "VocalEyes API",
    "DESCRIPTION": (
        "Conversations, ideas, ratings, action groups, participatory budgeting and time credits. "
        "Reads are public where the pages are; to act as yourself, send a personal API token "
        "(made on your profile page) as `Authorization: Bearer <token>`. Errors have one body: "
        "`detail`, `code` and `fields`, in the language asked for (`Accept-Language`, or `/cy/`)."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/(cy/)?api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status": each choice set gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ConversationStatusEnum": "conversations.models.Conversation.Status",
        "ActionGroupStatusEnum": "conversations.models.ActionGroup.Status",
        "PledgeStatusEnum": "conversations.models.Pledge.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG and not TESTING:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # /healthz is probed over plain HTTP inside the cluster.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if TESTING:
    # Fast hashing keeps the suite quick; production uses Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# One JSON object a line, with the request id (vocaleyes/logging.py), for production's log
# collector; plain text for a developer's terminal (``make run``).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "not_a_static_file": {
            "()": "django.utils.log.CallbackFilter",
            "callback": "ext://vocaleyes.log_filters.not_a_static_file",
        }
    },
    "formatters": {
        "json": {"()": "vocaleyes.logging.JsonFormatter"},
        "text": {"format": "%(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "loggers": {
        # runserver's request lines (``make run``), without the static files'.
        "django.server": {"handlers": ["console"], "filters": ["not_a_static_file"], "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}


if DEBUG or TESTING:
    # Serve static files straight from static/ (no collectstatic) in development and tests.
    WHITENOISE_USE_FINDERS = True
    # Rescanning the static folders on every request is for editing them while the server runs;
    # tests and benchmarks get production's lookup (files indexed once at start).
    WHITENOISE_AUTOREFRESH = DEBUG
    if not DEBUG:
        # Tests and benchmarks never collect static files: no STATIC_ROOT for whitenoise to index
        # (it would warn that the folder is missing).
        STATIC_ROOT = None

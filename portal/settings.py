"""Settings of the portal, read from the environment.

Embedded defaults (SQLite and a file-system Celery broker under var/) let one
command run everything on a fresh machine; production chooses PostgreSQL,
Redis, mail and hosts through environment variables (see README).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_rate, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Absolute address of the portal, used for links in emails.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "simple_history",
    "csp",
    "axes",
    "apps.core",
    "apps.accounts",
    "apps.notifications",
    "apps.products",
    "apps.conversation",
    "apps.home",
    "apps.backlog",
    "apps.sprints",
    "apps.hypotheses",
    "apps.retros",
    "apps.requests",
    "apps.roadmap",
    "apps.reports",
    "apps.delivery",
    "apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # After sign-in and CSRF: a repeated form post or API call gets the first answer (apps.core.idempotency).
    "apps.core.idempotency.IdempotencyMiddleware",
    "apps.core.middleware.ServiceErrorMiddleware",
    "apps.core.outage.DatabaseOutageMiddleware",
    # Last, as django-axes asks: turns a sign-in lockout into its 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.products.context_processors.product_switcher",
                "apps.notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web server, worker and beat share one file: WAL lets readers work while
    # one writes, IMMEDIATE transactions queue writers instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ------------------------------------------------------------------
# Shared by every process (gunicorn workers, Celery), because API throttles
# count in it: the database by default (table created by a core migration),
# Redis in production if you like. locmem:// counts per process: tests only.
CACHE_URL = env_str("CACHE_URL", "db://")
CACHES: dict[str, dict[str, object]]
if CACHE_URL.startswith("redis://") or CACHE_URL.startswith("rediss://"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL == "db://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_cache"}}
elif CACHE_URL == "locmem://":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(f"CACHE_URL must be db://, redis://host:port/n or locmem://, got {CACHE_URL!r}")
# Rendered fragments (board cards, list rows) keyed by everything they show: a
# change makes a new key, so nothing is ever stale. Per process and bounded
# (about 1 KB a fragment). Never cache what differs per person or request (a
# CSRF token, "you" markers) unless it is part of the key.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5_000},
}
# Every request reads its session: with Redis as the cache, from Redis (no SQL
# query; written through to the database, which stays the record and serves a
# cache miss); with the database cache that would be two tables for one read.
if CACHE_URL.startswith(("redis://", "rediss://")):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:my-work"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# How many proxies in front of the portal set X-Forwarded-For: the client
# address used by sign-in lockouts, throttles and reset limits is the one
# the nearest trusted proxy saw. 0 trusts the header not at all.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1 if env_bool("BEHIND_TLS_PROXY", False) else 0)

# Sign-in lockout (django-axes; failures counted in the database, so across
# processes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is refused for LOGIN_COOLOFF_MINUTES, counted from
# the last failure. The same person elsewhere and others here are unaffected.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # failures are kept; successful sign-ins are not logged per person
AXES_LOCKOUT_CALLABLE = "apps.accounts.limits.lockout_response"
AXES_CLIENT_IP_CALLABLE = "apps.core.http.client_ip"
AXES_VERBOSE = False

# API tokens (apps.accounts): how long one made with username+password lives,
# and the longest lifetime anyone may choose (pipelines: a year, then rotate).
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 30)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)

# How long the first answer to a form or API call with an idempotency key is
# kept to be returned again for a repeat (counted in the database).
IDEMPOTENCY_WINDOW_MINUTES = env_int("IDEMPOTENCY_WINDOW_MINUTES", 60)

# Password-reset emails (counted in the database, so across processes), per
# rolling hour: to one address, and asked for from one client address.
PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 3)
PASSWORD_RESETS_PER_CLIENT_PER_HOUR = env_int("PASSWORD_RESETS_PER_CLIENT_PER_HOUR", 20)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG  # serve static/ directly in development, no collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Email ----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (strict unless DEBUG) ---------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy (django-csp) ---------------------------------
# No inline script anywhere: scripts come from static/ only, so an injected
# <script> or on*= handler does not run. Inline *styles* stay allowed (style=
# attributes for bar widths and label colours, htmx's indicator style).
# Enforced; CSP_ENFORCE=0 turns it into report-only while a violation is investigated.
CSP_ENFORCE = env_bool("CSP_ENFORCE", True)
_CSP_POLICY: dict[str, dict[str, str | list[str]]] = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report/",
    }
}
CONTENT_SECURITY_POLICY = _CSP_POLICY if CSP_ENFORCE else None
CONTENT_SECURITY_POLICY_REPORT_ONLY = None if CSP_ENFORCE else _CSP_POLICY

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "apps.accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "apps.accounts.authentication.ScopedTokenLimits",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "apps.core.api.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.Pagination",
    # orjson, with DRF's output (apps/core/renderers.py); the browsable API stays.
    "DEFAULT_RENDERER_CLASSES": [
        "apps.core.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.exception_handler",
    # Counted in the shared cache (CACHE_URL), so across processes. Over the
    # rate: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("API_RATE_ANONYMOUS", "60/minute"),
        "user": env_rate("API_RATE_PER_USER", "600/minute"),
        # Username + password for a token, per client address (on top of the sign-in lockout).
        "auth_token": env_rate("API_TOKEN_REQUESTS_RATE", "10/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Data-science product portal API",
    "DESCRIPTION": "Products, backlogs, sprints, hypotheses, roadmaps and stakeholder requests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the error answers it may give (apps.core.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.schema.document_errors",
    ],
    # Choice sets whose field names ("status", "kind") recur across apps get explicit names.
    "ENUM_NAME_OVERRIDES": {
        "BacklogItemStatusEnum": "apps.backlog.models.BacklogItem.Status",
        "BacklogItemKindEnum": "apps.backlog.models.BacklogItem.Kind",
        "ProductKindEnum": "apps.products.models.Product.Kind",
        "SprintStatusEnum": "apps.sprints.models.Sprint.Status",
        "SprintKindEnum": "apps.sprints.models.Sprint.Kind",
        "RoadmapItemStatusEnum": "apps.roadmap.models.RoadmapItem.Status",
        "RetroPhaseEnum": "apps.retros.models.Phase",
        "RetroActionStatusEnum": "apps.retros.models.ActionItem.Status",
        "HealthRatingEnum": "apps.retros.models.Rating",
        "MoveToEdgeEnum": ["top", "bottom"],
        "NotificationKindEnum": "apps.notifications.kinds.KIND_CHOICES",
        "HypothesisStatusEnum": "apps.hypotheses.models.Hypothesis.Status",
        "ExperimentStatusEnum": "apps.hypotheses.models.Experiment.Status",
        "ExperimentOpenStatusEnum": "apps.hypotheses.serializers.EXPERIMENT_OPEN_STATUSES",
        "ModelVersionStatusEnum": "apps.hypotheses.models.ModelVersion.Status",
        "LearningEntryKindEnum": "apps.hypotheses.models.LearningEntry.Kind",
        "FeasibilityDecisionEnum": "apps.hypotheses.models.FeasibilityAssessment.Decision",
        "NonEpicKindEnum": "apps.hypotheses.forms.FOLLOW_UP_KINDS",
    },
}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    # The embedded broker: queues are files under var/, no server needed.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Every task is idempotent (DESIGN.md), so each is acknowledged only when it is
# done, and a task whose worker process dies is put back in the queue.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# The longest any task may run (the sweeps have 600 s) plus the longest retry
# countdown (120 s, apps/*/tasks.py RETRY) must fit in the broker's visibility
# timeout: Redis hands an unacknowledged task to another worker once it has
# passed (a task of a worker killed outright comes back after that time),
# and a timeout shorter than a task would run it twice.
LONGEST_TASK_SECONDS = max(CELERY_TASK_TIME_LIMIT, 600) + 120
CELERY_BROKER_VISIBILITY_TIMEOUT = env_int("CELERY_BROKER_VISIBILITY_TIMEOUT", LONGEST_TASK_SECONDS + 180)
if CELERY_BROKER_VISIBILITY_TIMEOUT <= LONGEST_TASK_SECONDS:
    raise ImproperlyConfigured(
        f"CELERY_BROKER_VISIBILITY_TIMEOUT must exceed the longest task ({LONGEST_TASK_SECONDS} s), "
        "or a slow task would be handed to a second worker while the first still runs it."
    )
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT,
        # A broker that does not answer fails a send quickly (the web request
        # goes on, apps.core.queue logs it) instead of hanging the request.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# Sending a task: a few quick tries, then give up (apps.core.queue logs it; the sweeps catch up).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A worker waits for a broker that is down, however long it takes.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"without_expected_tracebacks": {"()": "apps.core.logging.WithoutExpectedTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["without_expected_tracebacks"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Lockouts are warnings; django-axes' chatter about every sign-in is not worth a line.
        "axes": {"level": "WARNING"},
    },
}

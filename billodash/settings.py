"""Settings for billodash, read from the environment.

Two profiles share this module:
- the embedded default (DJANGO_ENV unset or "development"): SQLite, an in-process cache and
  the built-in Billogram sandbox, with local secrets created under var/ on first use;
- production (DJANGO_ENV=production): refuses to start without SECRET_KEY, ALLOWED_HOSTS and
  BILLODASH_CREDENTIAL_KEYS, DEBUG off, secure cookies, sandbox off unless enabled.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from billodash.env import (
    BILLOGRAM_DEADLINE_DEFAULT,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    local_secret,
    random_secret_key,
    require,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BILLODASH_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = require("SECRET_KEY", env_str("SECRET_KEY"), DJANGO_ENV)
    ALLOWED_HOSTS = require("ALLOWED_HOSTS", env_list("ALLOWED_HOSTS"), DJANGO_ENV)
    CREDENTIAL_KEYS = require(
        "BILLODASH_CREDENTIAL_KEYS", env_list("BILLODASH_CREDENTIAL_KEYS"), DJANGO_ENV
    )
    DEBUG = False
else:
    SECRET_KEY = env_str("SECRET_KEY") or local_secret(VAR_DIR / "secret.key", random_secret_key)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    CREDENTIAL_KEYS = env_list("BILLODASH_CREDENTIAL_KEYS") or [
        local_secret(VAR_DIR / "credential.key", lambda: Fernet.generate_key().decode())
    ]
    DEBUG = env_bool("DJANGO_DEBUG", False)
# Earlier secret keys, still accepted for signatures (sessions, password-reset links) while a
# new SECRET_KEY takes over: rotating the key logs no one out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "csp",
    "billodash",
    "audit",
    "connections",
    "customers",
    "sandbox",
]

MIDDLEWARE = [
    "billodash.request_id.RequestIdMiddleware",
    "billodash.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "billodash.middleware.NoStoreForUsersMiddleware",
    "billodash.middleware.SessionLimitsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "billodash.urls"
WSGI_APPLICATION = "billodash.wsgi.application"

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
                "connections.context_processors.connections",
            ],
        },
    },
]

# Connections are kept between requests (one per worker thread): opening one, and for SQLite
# running its set-up pragmas, costs more than the rest of a cached search page. A kept
# connection is checked at the start of each request and reopened if the database went away.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads and processes write sessions and audit entries: WAL lets readers carry
    # on during a write, IMMEDIATE takes the write lock up front instead of failing midway.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The embedded profile caches in process. REDIS_URL puts the cache in Redis, shared by every
# app server: Billogram answers, the single-flight locks and rendered tables. django-redis
# rather than Django's built-in Redis backend, because IGNORE_EXCEPTIONS turns a Redis outage
# into cache misses (each logged) instead of error pages. Short socket timeouts bound what
# an unanswering Redis costs: a page makes about six cache calls.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "billodash"),
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
                "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.25),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "billodash.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "billodash",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# billodash speaks English only: the translation machinery stays off, which Django offers for
# speed (0.7 ms off a cache miss in A/B runs). Numbers and dates keep English formats.
LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "Europe/Stockholm")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The embedded profile serves static files straight from the source folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG

# Sessions live in the database: 30 minutes idle, 12 hours at most after login.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)

# Brute-force protection: lock a username on one address after a few failures, for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
if AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_COOLOFF_MINUTES must be at least 1: lockouts always end")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Content-Security-Policy: only billodash's own scripts, styles and images; no plugins,
# no <base>, no framing. Templates carry no inline script or style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# Security headers that hold in both profiles.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
    STATIC_ROOT = BASE_DIR / "staticfiles"
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Billogram client: connect and read timeouts per attempt, and an overall deadline per call.
BILLOGRAM_CONNECT_TIMEOUT = env_float("BILLOGRAM_CONNECT_TIMEOUT", 3.05)
BILLOGRAM_READ_TIMEOUT = env_float("BILLOGRAM_READ_TIMEOUT", 15.0)
BILLOGRAM_DEADLINE = env_float("BILLOGRAM_DEADLINE", BILLOGRAM_DEADLINE_DEFAULT)
# GET retries on connection failures and 502/503/504, with jittered exponential backoff;
# a Retry-After longer than the cap is shown to the user instead of waited out.
BILLOGRAM_RETRIES = env_int("BILLOGRAM_RETRIES", 2)
BILLOGRAM_BACKOFF = env_float("BILLOGRAM_BACKOFF", 0.25)
BILLOGRAM_RETRY_AFTER_CAP = env_float("BILLOGRAM_RETRY_AFTER_CAP", 3.0)

# How long a Billogram answer is reused, in seconds.
BILLODASH_CACHE_TTL = env_int("BILLODASH_CACHE_TTL", 60)
# How long an older answer is kept to show, marked as such, while Billogram is failing.
BILLODASH_STALE_TTL = env_int("BILLODASH_STALE_TTL", 600)

# CSV export: the most rows one export may hold, and Billogram pages fetched at once.
BILLODASH_EXPORT_MAX_ROWS = env_int("BILLODASH_EXPORT_MAX_ROWS", 100_000)
BILLODASH_EXPORT_IN_FLIGHT = env_int("BILLODASH_EXPORT_IN_FLIGHT", 4)

# Audit entries older than this are deleted by `manage.py prune_audit`.
BILLODASH_AUDIT_RETENTION_DAYS = env_int("BILLODASH_AUDIT_RETENTION_DAYS", 180)

# The built-in Billogram sandbox: on for the embedded default, off in production unless enabled.
SANDBOX_ENABLED = env_bool("BILLODASH_SANDBOX_ENABLED", not PRODUCTION)
SANDBOX_FAULTS = env_str("BILLODASH_SANDBOX_FAULTS", "")
# Where the demo login's connection finds the sandbox (the address `make run` serves on).
SANDBOX_BASE_URL = env_str("BILLODASH_SANDBOX_URL", "http://127.0.0.1:8000/sandbox/api/v2")

LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "plain")
if LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "billodash.logs.RequestIdLogFilter"},
        "redact": {"()": "billodash.logs.RedactSecretsFilter"},
    },
    "formatters": {
        "plain": {
            "()": "billodash.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"()": "billodash.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # urllib3 logs full URLs at DEBUG; keep it quiet.
        "urllib3": {"level": "INFO"},
        # billodash.request writes one line per request; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

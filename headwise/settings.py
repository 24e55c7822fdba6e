"""Headwise settings, read from the environment.

Safe defaults serve the embedded demo (SQLite under ``var/``, DEBUG on only when asked for).
Production sets ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL`` and ``HEADWISE_HTTPS=1``;
``headwise check --deploy`` is then clean.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HEADWISE_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    """Read a boolean; anything but the usual spellings is an error, not a guess."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {raw!r}") from exc


# --- privacy: secrets from the environment or from a file ------------------------------------
def envsecret(name: str, default: str = "") -> str:
    """A secret from ``NAME`` or from the file that ``NAME_FILE`` names (container secrets).

    The file's content is used with its trailing newline stripped. Both set, an unreadable or
    an empty file are configuration errors, named, never a silent fallback.
    """
    raw = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if raw and path:
        raise ImproperlyConfigured(f"set {name} or {name}_FILE, not both")
    if not path:
        return raw or default
    try:
        value = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc.strerror}") from exc
    if not value:
        raise ImproperlyConfigured(f"{name}_FILE={path!r} is empty")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
TESTING = envbool("HEADWISE_TESTING", False)
_INSECURE_KEY = "insecure-demo-key-do-not-use-in-production"
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING or envbool("HEADWISE_DEMO", False):
        SECRET_KEY = _INSECURE_KEY
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set (or run the demo with HEADWISE_DEMO=1)")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    # Swagger UI's files for /api/docs, served from here rather than a CDN (works offline).
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "headwise.accounts",
    "headwise.practice",
    "headwise.clients",
    "headwise.care",
    "headwise.diary",
    "headwise.outcomes",
    "headwise.privacy",
    "headwise.web",
    "headwise.demo",
    # public: the practice's public page and its booking requests.
    "headwise.public",
    # audit: the append-only, hash-chained trail of who saw and changed what (docs/audit.md)
    "headwise.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "headwise.common.middleware.NoStoreMiddleware",
    "headwise.common.middleware.ApiErrorShapeMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "headwise.accounts.middleware.ActivateUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "headwise.accounts.middleware.SignInPolicyMiddleware",
    "headwise.clients.middleware.ProcessingConsentMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # audit: a staff member's read of a client's record is one audit entry (headwise/audit/reads.py)
    "headwise.audit.reads.AuditReadsMiddleware",
]

ROOT_URLCONF = "headwise.urls"
WSGI_APPLICATION = "headwise.wsgi.application"

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
                "django.template.context_processors.i18n",
                "headwise.web.context_processors.headwise",
            ],
        },
    },
]

# Form widgets (every radio, checkbox and option of the diary's forms) are rendered with
# Django's own Jinja2 widget templates: the same markup as the Django-template ones, rendered
# several times faster. The diary's attack page has about 120 widgets; see docs/performance.md.
FORM_RENDERER = "django.forms.renderers.Jinja2"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(envsecret("DATABASE_URL", f"sqlite:///{VAR_DIR / 'headwise.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server and a background worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# PASSWORD_HASHERS: see the perf block below.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Sessions end after a working day of inactivity and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 60 * 60)
# SESSION_SAVE_EVERY_REQUEST: see the perf block below.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: lock out after repeated failures (signin: three patterns, docs/sign-in.md).
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 15) / 60  # hours
# Axes counts each combination and compares the largest count with the limit; the limit is a
# callable (headwise.accounts.throttle) that gives each pattern its own threshold.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_FAILURE_LIMIT = "headwise.accounts.throttle.failure_limit"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

# --- signin: two-step sign-in, fresh authentication, idle logout, throttling (docs/sign-in.md)
#: One e-mail from one address (the old axes rule).
HEADWISE_LOCK_PAIR_FAILURES = envint("AXES_FAILURE_LIMIT", 5)
#: One address trying many accounts.
HEADWISE_LOCK_ADDRESS_FAILURES = envint("HEADWISE_LOCK_ADDRESS_FAILURES", 20)
#: Many addresses trying one account; not applied from an address that signed in to it before.
HEADWISE_LOCK_ACCOUNT_FAILURES = envint("HEADWISE_LOCK_ACCOUNT_FAILURES", 10)
#: How long an address stays "known" to an account after a successful sign-in (days).
HEADWISE_KNOWN_ADDRESS_DAYS = envint("HEADWISE_KNOWN_ADDRESS_DAYS", 90)
#: Idle logout: staff after 30 minutes, clients after 7 days (docs/sign-in.md says why).
HEADWISE_STAFF_IDLE_MINUTES = envint("HEADWISE_STAFF_IDLE_MINUTES", 30)
HEADWISE_CLIENT_IDLE_MINUTES = envint("HEADWISE_CLIENT_IDLE_MINUTES", 7 * 24 * 60)
#: The last-seen stamp is written at most this often (seconds), not on every request.
HEADWISE_SEEN_EVERY_SECONDS = 60
#: Security settings ask for the password (and code) again when the last one is older.
HEADWISE_FRESH_AUTH_MINUTES = envint("HEADWISE_FRESH_AUTH_MINUTES", 10)
#: Between the password and the code of a two-step sign-in (seconds).
HEADWISE_TWO_STEP_SECONDS = 300
OTP_TOTP_ISSUER = "Headwise"
PASSWORD_RESET_TIMEOUT = 60 * 60  # an e-mailed reset link works for one hour
# --- end signin

LANGUAGE_CODE = "en"
# Only languages with a complete catalogue are offered (headwise/locale/).
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "headwise" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not (DEBUG or TESTING)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Background work (reminders, reports, imports): django-tasks with its database backend, so no
# extra server is needed. Run `headwise db_worker` beside the web process.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "HEADWISE_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Headwise <headwise@localhost>")

# HTTPS hardening: on in production (HEADWISE_HTTPS=1), off for the loopback demo.
HTTPS = envbool("HEADWISE_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The JSON API's lists that grow come in pages (headwise.common.api_access.StablePages).
NINJA_PAGINATION_PER_PAGE = 100
NINJA_PAGINATION_MAX_LIMIT = 1000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The address people use to reach Headwise, for links in e-mails (reminders).
#: How long an e-mailed intake link stays valid (days), whatever the practice.
HEADWISE_INTAKE_LINK_DAYS = 7
HEADWISE_BASE_URL = os.environ.get("HEADWISE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Clinical parameters a practice may change (docs/clinical-definitions.md) live on the
# Practice (e.g. red_flag_onset_age), not here.


# --- perf (#14): database connections, sessions, password hashing ------------------------------
# docs/deployment.md and docs/performance.md say why and what each bought.
from headwise.common.dbconfig import ConfigError, database_options  # noqa: E402 - this block stands alone

try:
    _connections = database_options(DATABASES["default"]["ENGINE"], os.environ, testing=TESTING)
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc
DATABASES["default"].setdefault("OPTIONS", {}).update(_connections.pop("OPTIONS", {}))
DATABASES["default"].update(_connections)  # type: ignore[typeddict-item]

# A request that changes nothing writes no session row. The session is saved when it changes
# (sign-in, messages, a form's state); the idle timeout that needs a fresh expiry keeps it fresh
# by modifying the session itself, at most once a minute.
SESSION_SAVE_EVERY_REQUEST = False

# Argon2id with OWASP's lower-memory parameters (m=19 MiB, t=2, p=1) instead of Django's
# (m=100 MiB, t=2, p=8): a sign-in costs about a fifth of the memory and one core, not eight
# threads. Any Argon2 hash verifies with its own stored parameters and is rehashed with these
# at the next sign-in; PBKDF2 stays listed so that such hashes still verify (and are upgraded).
PASSWORD_HASHERS = [
    "headwise.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# --- public: the practice's public page (booking requests) -------------------------------------
# A visitor's booking requests are limited per client address and per e-mail address, counted
# in Django's cache (CACHES; the default local-memory cache counts per process: with several
# app processes set a shared cache, e.g. the database cache, so the limit holds across them).
#: At most this many requests ...
HEADWISE_BOOKING_REQUESTS_PER_WINDOW = envint("HEADWISE_BOOKING_REQUESTS_PER_WINDOW", 5)
#: ... per this many minutes, per client address and per e-mail address.
HEADWISE_BOOKING_REQUEST_WINDOW_MINUTES = envint("HEADWISE_BOOKING_REQUEST_WINDOW_MINUTES", 60)
# --- privacy: hardening (docs/security.md) -----------------------------------------------------
# Content-Security-Policy (django-csp 4): no inline script or style anywhere; plots and QR codes
# may be data: images. htmx's own indicator <style> is switched off in base.html's htmx-config.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    },
}
# Request bodies: Django refuses a bigger one with 400 when a view reads it (the API's error shape
# under /api/). No view takes file uploads; should one come, a file over the second limit is
# streamed to a temporary file, never held in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("HEADWISE_MAX_BODY_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Backups may be encrypted with this key (a Fernet key: `headwise backup --new-key`).
HEADWISE_BACKUP_KEY = envsecret("HEADWISE_BACKUP_KEY")

"""Django settings. Everything an operator may change comes from `schakel.web.env`."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.utils.translation import gettext_lazy as _

from schakel.web import env

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.read(env.DATA_DIR) or "var").resolve()
# Whatever Schakel writes (the database, exports, ground truth, mail, keys) is the owner's alone.
os.umask(0o077)

SECRET_KEY = env.require(env.SECRET_KEY)
DEBUG = env.read_bool(env.DEBUG)
ALLOWED_HOSTS = env.read_list(env.ALLOWED_HOSTS)
ENCRYPTION_KEYS = env.read_list(env.ENCRYPTION_KEYS)
SEARCH_KEY = env.read(env.SEARCH_KEY) or ""
AUDIT_KEY = env.read(env.AUDIT_KEY) or ""
AUDIT_CHECKPOINT_FILE = env.read(env.AUDIT_CHECKPOINT_FILE) or ""

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "django_countries",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "ninja",
    "template_partials",
    "schakel.web.core",
    "schakel.web.organisations",
    "schakel.web.audit",
    "schakel.web.trajectories",
    "schakel.web.signals",
    "schakel.web.knowledge",
    "schakel.web.socialmap",
    "schakel.web.training",
    "schakel.web.accounts",
    "schakel.web.monitor",
    "schakel.web.linkage",
    "schakel.web.site",
    "schakel.web.retention",
    "schakel.web.api",
    "django_tasks",
    "django_tasks_db",
    "schakel.web.jobs",
    "schakel.web.demo",
    "schakel.web.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "schakel.web.core.middleware.HtmxRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "schakel.web.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "schakel.web.site.security.SessionExpiryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "schakel.web.site.two_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "schakel.web.core.middleware.NoStoreMiddleware",
    "schakel.web.core.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]
MIDDLEWARE.insert(1, "schakel.web.core.middleware.BodyLimitMiddleware")
MIDDLEWARE.insert(2, "schakel.web.site.security.AnonymousRateMiddleware")
MIDDLEWARE.insert(3, "schakel.web.core.middleware.ApiMethodMiddleware")

ROOT_URLCONF = "schakel.web.urls"
WSGI_APPLICATION = "schakel.web.wsgi.application"

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
                "schakel.web.site.context_processors.membership",
                "schakel.web.site.context_processors.menu",
            ],
        },
    }
]


CONNECTION_SECONDS = 60
"""A worker keeps its database connection for a minute instead of opening one per request:
with SQLite each new connection ran its PRAGMAs and registered Django's SQL functions again
(benchmarks/page_cpu.py closes connections after each request as a WSGI server does)."""


def _database() -> dict[str, object]:
    url = env.read(env.DATABASE_URL)
    if url:
        parsed = dj_database_url.parse(url, conn_max_age=CONNECTION_SECONDS)
        config: dict[str, object] = dict(parsed)
        return config
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    DATA_DIR.chmod(0o700)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "schakel.sqlite3",
        "CONN_MAX_AGE": CONNECTION_SECONDS,
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASK_BACKENDS = {"database": "django_tasks_db.DatabaseBackend", "rq": "django_tasks_rq.RQBackend"}
_task_backend = env.read(env.TASK_BACKEND) or "database"
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend)}}
if TASKS["default"]["BACKEND"].startswith("django_tasks_rq."):
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.require(env.REDIS_URL)}}
JOB_STALE_SECONDS = env.read_int(env.JOB_STALE_SECONDS, minimum=1)
LINKAGE_SCHEDULE = env.read(env.LINKAGE_SCHEDULE) or "02:30"

EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env.read(env.EMAIL_BACKEND) or "file"
EMAIL_BACKEND = EMAIL_BACKENDS.get(_email_backend, _email_backend)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = env.read(env.EMAIL_HOST) or "localhost"
EMAIL_PORT = env.read_int(env.EMAIL_PORT, minimum=1)
EMAIL_HOST_USER = env.read(env.EMAIL_USER) or ""
EMAIL_HOST_PASSWORD = env.read(env.EMAIL_PASSWORD) or ""
EMAIL_USE_TLS = env.read_bool(env.EMAIL_USE_TLS)
DEFAULT_FROM_EMAIL = env.read(env.EMAIL_FROM)
BASE_URL = (env.read(env.BASE_URL) or "").rstrip("/")

AUTH_USER_MODEL = "organisations.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["schakel.web.formats"]  # "6 december 2026" / "6 December 2026", 24 h

STATIC_URL = "static/"
STATIC_ROOT = Path(env.read(env.STATIC_ROOT) or DATA_DIR / "static").resolve()
STATIC_PREBUILT = env.read_bool(env.STATIC_PREBUILT)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "schakel.web.core.storage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 365 * 24 * 60 * 60  # hashed names change with the content
FORM_RENDERER = "schakel.web.core.forms.NLDesignFormRenderer"

DEMO = env.read_bool(env.DEMO)
ONE_STEP_SIGN_IN = DEMO
"""The demo's synthetic accounts sign in with a password only; `check --deploy` refuses it."""
HTTPS = env.read_bool(env.HTTPS) if env.read(env.HTTPS) else not DEMO

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.read_int(env.SESSION_IDLE_MINUTES, minimum=1) * 60
SESSION_MAX_SECONDS = env.read_int(env.SESSION_MAX_HOURS, minimum=1) * 60 * 60
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = (
    env.read_bool(env.SECURE_COOKIES) if env.read(env.SECURE_COOKIES) else not DEMO
)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer's check may speak plain HTTP
SECURE_HSTS_SECONDS = 365 * 24 * 60 * 60 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS  # check --deploy W021; submit the domain only when all of it is HTTPS
PROXY_COUNT = env.read_int(env.PROXY_COUNT)
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.read_int(env.MAX_BODY_KIB, minimum=1) * 1024
ANONYMOUS_RATE_PER_MINUTE = env.read_int(env.ANONYMOUS_RATE, minimum=1)
REVEALS_PER_HOUR = env.read_int(env.REVEALS_PER_HOUR, minimum=1)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
OIDC_RP_CLIENT_ID = env.read(env.OIDC_CLIENT_ID) or ""
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.read(env.OIDC_CLIENT_SECRET) or ""
OIDC_OP_AUTHORIZATION_ENDPOINT = env.read(env.OIDC_AUTHORIZATION_ENDPOINT) or ""
OIDC_OP_TOKEN_ENDPOINT = env.read(env.OIDC_TOKEN_ENDPOINT) or ""
OIDC_OP_USER_ENDPOINT = env.read(env.OIDC_USERINFO_ENDPOINT) or ""
OIDC_OP_JWKS_ENDPOINT = env.read(env.OIDC_JWKS_ENDPOINT) or None
OIDC_RP_SIGN_ALGO = env.read(env.OIDC_SIGN_ALGO) or "RS256"
OIDC_CREATE_USER = False  # an account is matched, never made: memberships decide
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10  # seconds: a provider that hangs must not hold a web worker
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/inloggen/"  # mozilla-django-oidc takes a path
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("schakel.web.site.oidc.OrganisationIdentityBackend")
OTP_TOTP_ISSUER = "Schakel"
OTP_WEBAUTHN_RP_NAME = "Schakel"
OTP_WEBAUTHN_RP_ID_CALLABLE = "schakel.web.site.passkeys.relying_party_id"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False  # a passkey is the second factor, not the first
# WebAuthn works on HTTPS (and on localhost, for a demo): the installation's own address.
OTP_WEBAUTHN_ALLOWED_ORIGINS = (
    [BASE_URL] if BASE_URL.startswith("https://") else ["http://localhost:8000"]
)
AXES_FAILURE_LIMIT = env.read_int(env.LOGIN_FAILURE_LIMIT, minimum=1)
AXES_COOLOFF_TIME = env.read_int(env.LOGIN_LOCK_MINUTES, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "schakel.web.site.security.client_address"
AXES_LOCKOUT_CALLABLE = "schakel.web.site.signin.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "schakel.web.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.read(env.LOG_FORMAT) or "json",
        }
    },
    # Request logs carry no query strings or bodies; personal data never appears in URLs.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Sign-ins, sign-outs, refusals and lockouts: account ids and addresses, no names.
        "schakel.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

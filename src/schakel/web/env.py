"""The one place where settings are read from the environment.

Every variable is declared once with a help text, so `schakel settings` and the operator
documentation can list them and a missing secret fails with a message that names it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Variable:
    name: str
    help: str
    default: str | None = None
    secret: bool = False


VARIABLES: dict[str, Variable] = {}


def declare(name: str, help: str, default: str | None = None, secret: bool = False) -> Variable:
    variable = Variable(name=name, help=help, default=default, secret=secret)
    VARIABLES[name] = variable
    return variable


def read(variable: Variable) -> str | None:
    value = os.environ.get(variable.name)
    if value is None or value == "":
        return variable.default
    return value


def require(variable: Variable) -> str:
    value = read(variable)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {variable.name} is not set. {variable.help}"
        )
    return value


def read_bool(variable: Variable) -> bool:
    value = (read(variable) or "").strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"", "0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{variable.name} must be true or false, not {value!r}.")


def read_list(variable: Variable) -> list[str]:
    return [item.strip() for item in (read(variable) or "").split(",") if item.strip()]


def read_int(variable: Variable, *, minimum: int = 0) -> int:
    value = (read(variable) or "").strip()
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{variable.name} must be a whole number, not {value!r}."
        ) from None
    if number < minimum:
        raise ImproperlyConfigured(f"{variable.name} must be at least {minimum}, not {number}.")
    return number


SECRET_KEY = declare(
    "SCHAKEL_SECRET_KEY",
    "Django's secret key for signing sessions and tokens. `schakel demo` generates one.",
    secret=True,
)
ENCRYPTION_KEYS = declare(
    "SCHAKEL_ENCRYPTION_KEYS",
    "Comma-separated Fernet master keys that wrap the per-person data keys (identity and free "
    "text at rest); the first encrypts, all decrypt. To retire a key: put a new one first, run "
    "`schakel keys rotate`, then remove the old one. Make one with `schakel keys new`. "
    "`schakel demo` generates one.",
    secret=True,
)
SEARCH_KEY = declare(
    "SCHAKEL_SEARCH_KEY",
    "Secret for the keyed hashes that let the duplicate check find a person without storing "
    "names in the clear. Changing it needs `schakel keys reindex`. "
    "`schakel demo` generates one.",
    secret=True,
)
LINKAGE_KEY = declare(
    "SCHAKEL_LINKAGE_KEY",
    "Secret shared by the organisations that link records (keyed hashes and Bloom filters); "
    "never given to the linking party. Make one with `schakel link key`. "
    "`schakel demo` generates one.",
    secret=True,
)
DATABASE_URL = declare(
    "DATABASE_URL",
    "Database to use, e.g. postgres://user@host:5432/schakel. Default: SQLite under var/.",
)
DEBUG = declare("SCHAKEL_DEBUG", "Show debug pages (never in production).", default="false")
ALLOWED_HOSTS = declare(
    "SCHAKEL_ALLOWED_HOSTS",
    "Comma-separated host names the app answers to.",
    default="127.0.0.1,localhost",
)
DATA_DIR = declare(
    "SCHAKEL_DATA_DIR",
    "Folder for the embedded database, generated demo secrets and exports.",
    default="var",
)
SECURE_COOKIES = declare(
    "SCHAKEL_SECURE_COOKIES",
    "Send session and CSRF cookies only over HTTPS. Default: true, except in demo mode.",
)

TASK_BACKEND = declare(
    "SCHAKEL_TASK_BACKEND",
    "Where background jobs wait for a worker: `database` (the default: the database above, run "
    "`schakel worker`), `rq` (Redis through RQ: needs the `rq` extra and SCHAKEL_REDIS_URL), or "
    "another django-tasks backend's dotted path. See docs/adr/0009-job-queue.md.",
    default="database",
)
REDIS_URL = declare(
    "SCHAKEL_REDIS_URL",
    "Redis for the `rq` job backend, e.g. redis://127.0.0.1:6379/0.",
)
JOB_STALE_SECONDS = declare(
    "SCHAKEL_JOB_STALE_SECONDS",
    "A running job whose worker has not reported for this many seconds is taken as lost: "
    "retried when it may be, else marked failed.",
    default="120",
)
LINKAGE_SCHEDULE = declare(
    "SCHAKEL_LINKAGE_SCHEDULE",
    "Local time of the nightly linkage run that looks for possible returns, as HH:MM; `off` "
    "schedules none (runs then start from the data steward's page or `schakel link returns`).",
    default="02:30",
)
BASE_URL = declare(
    "SCHAKEL_BASE_URL",
    "The address users open Schakel at; links in e-mails point here.",
    default="http://127.0.0.1:8000",
)
EMAIL_BACKEND = declare(
    "SCHAKEL_EMAIL_BACKEND",
    "How e-mail leaves: `file` (the default: one file per message under the data folder's "
    "mail/), `console`, `smtp` (set the SCHAKEL_EMAIL_* variables), or a Django e-mail "
    "backend's dotted path.",
    default="file",
)
EMAIL_HOST = declare("SCHAKEL_EMAIL_HOST", "SMTP server for the `smtp` e-mail backend.")
EMAIL_PORT = declare("SCHAKEL_EMAIL_PORT", "SMTP port.", default="587")
EMAIL_USER = declare("SCHAKEL_EMAIL_USER", "SMTP user name, if the server wants one.")
EMAIL_PASSWORD = declare("SCHAKEL_EMAIL_PASSWORD", "SMTP password.", secret=True)
EMAIL_USE_TLS = declare("SCHAKEL_EMAIL_USE_TLS", "Use STARTTLS to the SMTP server.", default="true")
EMAIL_FROM = declare(
    "SCHAKEL_EMAIL_FROM",
    "Sender address of Schakel's e-mail.",
    default="schakel@localhost",
)

WEB_WORKERS = declare(
    "SCHAKEL_WEB_WORKERS",
    "Gunicorn worker processes for `schakel serve` (default: 2 per CPU core plus 1, at most 9).",
)
WEB_THREADS = declare(
    "SCHAKEL_WEB_THREADS",
    "Threads per gunicorn worker; above 1 the workers are threaded (gthread).",
    default="1",
)
WEB_TIMEOUT = declare(
    "SCHAKEL_WEB_TIMEOUT",
    "Seconds a request may take before gunicorn restarts its worker (long work runs as a job).",
    default="30",
)
WEB_GRACEFUL_TIMEOUT = declare(
    "SCHAKEL_WEB_GRACEFUL_TIMEOUT",
    "Seconds a worker gets to finish its requests after a restart or stop signal.",
    default="30",
)
WEB_MAX_REQUESTS = declare(
    "SCHAKEL_WEB_MAX_REQUESTS",
    "Restart a worker after this many requests (0: never), with some jitter, to bound memory.",
    default="1000",
)
STATIC_ROOT = declare(
    "SCHAKEL_STATIC_ROOT",
    "Folder the static files (CSS, JavaScript, fonts) are collected into. Default: static/ "
    "under the data folder.",
)
STATIC_PREBUILT = declare(
    "SCHAKEL_STATIC_PREBUILT",
    "The static files were collected when the image was built (read-only root filesystem): "
    "`schakel serve` does not collect them again.",
    default="false",
)
DEMO = declare(
    "SCHAKEL_DEMO",
    "Demo mode (set by `schakel demo`): one-step sign-in for the synthetic accounts and plain "
    "HTTP. `schakel check --deploy` refuses it; never set it on an installation with real data.",
    default="false",
)
HTTPS = declare(
    "SCHAKEL_HTTPS",
    "Redirect HTTP to HTTPS and send HSTS (a year, subdomains). Default: true, except in demo "
    "mode.",
)
PROXY_COUNT = declare(
    "SCHAKEL_PROXY_COUNT",
    "How many reverse proxies stand in front of Schakel. With 1 or more, the client address is "
    "read from X-Forwarded-For (that many hops from the right) and HTTPS from "
    "X-Forwarded-Proto; with 0 (the default) both headers are ignored.",
    default="0",
)
SESSION_IDLE_MINUTES = declare(
    "SCHAKEL_SESSION_IDLE_MINUTES",
    "A signed-in session ends after this many minutes without a request.",
    default="30",
)
SESSION_MAX_HOURS = declare(
    "SCHAKEL_SESSION_MAX_HOURS",
    "A signed-in session ends this many hours after sign-in, active or not.",
    default="10",
)
LOGIN_FAILURE_LIMIT = declare(
    "SCHAKEL_LOGIN_FAILURE_LIMIT",
    "Wrong passwords, per user name and per address, before sign-in is locked.",
    default="5",
)
LOGIN_LOCK_MINUTES = declare(
    "SCHAKEL_LOGIN_LOCK_MINUTES",
    "How long a locked sign-in stays locked.",
    default="30",
)
ANONYMOUS_RATE = declare(
    "SCHAKEL_ANONYMOUS_RATE",
    "Requests per minute one address may send to the public endpoints (signal check, signal "
    "API, sign-in) without being signed in before it gets 429.",
    default="120",
)
MAX_BODY_KIB = declare(
    "SCHAKEL_MAX_BODY_KIB",
    "The largest request body accepted, in KiB; larger requests get 413.",
    default="1024",
)
LOG_FORMAT = declare(
    "SCHAKEL_LOG_FORMAT",
    "`json` (one object per line: time, level, logger, message; an exception by class and place, "
    "never its message) or `plain` text.",
    default="json",
)
AUDIT_KEY = declare(
    "SCHAKEL_AUDIT_KEY",
    "Secret that keys the audit trail's hash chain (HMAC) and signs its checkpoints; keep it "
    "outside the database. Default: derived from SCHAKEL_SECRET_KEY. `schakel demo` generates "
    "one.",
    secret=True,
)
AUDIT_CHECKPOINT_FILE = declare(
    "SCHAKEL_AUDIT_CHECKPOINT_FILE",
    "File (on storage the database account cannot write, e.g. append-only or shipped to a log "
    "server) where the hourly job appends a signed checkpoint of the audit trail's head; "
    "verification compares the chain with every line.",
)
REVEALS_PER_HOUR = declare(
    "SCHAKEL_REVEALS_PER_HOUR",
    "Identity reveals one person may do per hour before a supervisor must release more.",
    default="20",
)

OIDC_CLIENT_ID = declare(
    "SCHAKEL_OIDC_CLIENT_ID",
    "Client id at the organisation's OpenID Connect identity provider; set, it switches on "
    "'Sign in with your organisation' (memberships still decide what a user may do).",
)
OIDC_CLIENT_SECRET = declare(
    "SCHAKEL_OIDC_CLIENT_SECRET", "Client secret at the identity provider.", secret=True
)
OIDC_AUTHORIZATION_ENDPOINT = declare(
    "SCHAKEL_OIDC_AUTHORIZATION_ENDPOINT", "The identity provider's authorization endpoint."
)
OIDC_TOKEN_ENDPOINT = declare(
    "SCHAKEL_OIDC_TOKEN_ENDPOINT", "The identity provider's token endpoint."
)
OIDC_USERINFO_ENDPOINT = declare(
    "SCHAKEL_OIDC_USERINFO_ENDPOINT", "The identity provider's userinfo endpoint."
)
OIDC_JWKS_ENDPOINT = declare(
    "SCHAKEL_OIDC_JWKS_ENDPOINT", "The identity provider's JWKS endpoint (keys of RS256/ES256)."
)
OIDC_SIGN_ALGO = declare(
    "SCHAKEL_OIDC_SIGN_ALGO", "Algorithm of the identity provider's ID tokens.", default="RS256"
)

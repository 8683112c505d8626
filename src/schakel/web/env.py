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


SECRET_KEY = declare(
    "SCHAKEL_SECRET_KEY",
    "Django's secret key for signing sessions and tokens. `schakel demo` generates one.",
    secret=True,
)
ENCRYPTION_KEYS = declare(
    "SCHAKEL_ENCRYPTION_KEYS",
    "Comma-separated Fernet keys that encrypt identity records at rest; the first encrypts, "
    "all decrypt (key rotation). Make one with `schakel keys new`. `schakel demo` generates one.",
    secret=True,
)
SEARCH_KEY = declare(
    "SCHAKEL_SEARCH_KEY",
    "Secret for the keyed hashes that let the duplicate check find a person without storing "
    "names in the clear. Changing it needs `schakel manage reindex_identities`. "
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
    "Send session and CSRF cookies only over HTTPS (set true behind TLS).",
    default="false",
)

"""What every command shares: the data directory, the demo's secrets, Django set up and checked."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TypeAlias

DEMO_ENV = "demo.env"
DEMO_ACCOUNTS = "demo-accounts.txt"

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a command module adds its commands (`schakel.cli.build_parser` calls it in help order)."""


class CommandError(Exception):
    """A problem the operator can fix; printed without a traceback."""


def data_dir() -> Path:
    return Path(os.environ.get("SCHAKEL_DATA_DIR") or "var").resolve()


def load_demo_secrets(*, create: bool) -> Path:
    """Load the demo's own secrets (made once by `schakel demo`, completed when new ones appear).

    Variables already set in the environment win, so an operator's keys are never replaced.
    """
    import secrets

    from cryptography.fernet import Fernet

    path = data_dir() / DEMO_ENV
    if not path.exists() and not create:
        return path
    makers = {
        "SCHAKEL_SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "SCHAKEL_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
        "SCHAKEL_SEARCH_KEY": lambda: secrets.token_urlsafe(32),
        "SCHAKEL_LINKAGE_KEY": lambda: secrets.token_urlsafe(48),
        "SCHAKEL_AUDIT_KEY": lambda: secrets.token_urlsafe(48),
        "SCHAKEL_DEMO": lambda: "true",  # one-step sign-in, plain HTTP: check --deploy refuses
    }
    values: dict[str, str] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            name, _, value = line.partition("=")
            if name:
                values[name] = value
    missing = {name: make() for name, make in makers.items() if name not in values}
    if missing:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        values.update(missing)
        path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
        path.chmod(0o600)
    for name, value in values.items():
        if not os.environ.get(name):
            os.environ[name] = value
    return path


def setup_django() -> None:
    load_demo_secrets(create=False)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "schakel.web.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        raise CommandError(str(error)) from None
    from django.core.checks import ERROR, run_checks

    problems = [m for m in run_checks() if m.level >= ERROR]
    if problems:
        raise CommandError("\n".join(f"{m.id}: {m.msg}" for m in problems))
    check_database()


def check_database() -> None:
    from django.db import connection
    from django.db.utils import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        settings = connection.settings_dict
        where = f"{settings.get('HOST') or 'local'}:{settings.get('PORT') or ''}/{settings['NAME']}"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CommandError(
            f"Cannot connect to the database {where} (from DATABASE_URL): {reason}"
        ) from None

"""Running Schakel's commands as separate processes against a database of their own."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import schakel

SRC = Path(schakel.__file__).resolve().parents[1]
WAIT = 240.0  # seconds; generous: the machine may be busy with other work


def database_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for the processes under test, pointing at a database of their own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="schakel.web.test_settings",
        PYTHONPATH=os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]),
        SCHAKEL_DATA_DIR=str(tmp_path),
        SCHAKEL_JOB_STALE_SECONDS="3",
    )
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    import psycopg

    base, _, query = url.partition("?")
    server, _, test_database = base.rpartition("/")
    name = f"{test_database}_worker_{secrets.token_hex(4)}"
    admin = f"{server}/postgres" + (f"?{query}" if query else "")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{server}/{name}" + (f"?{query}" if query else "")
    try:
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env: dict[str, str], *args: str, timeout: float = WAIT) -> str:
    done = subprocess.run(  # noqa: S603  (arguments of this test's own making)
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def scenario(env: dict[str, str], *args: str) -> dict[str, object]:
    out = run(env, "-m", "schakel.web.jobs.tests.scenario", *args)
    return dict(json.loads(out.strip().splitlines()[-1]))

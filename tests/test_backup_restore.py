"""Backup and restore as an operator runs them: dump, restore into a fresh database, verify.

On SQLite always; on PostgreSQL too when the suite runs there (DATABASE_URL), each in fresh
databases of its own. The erasure case is the one issue 19 asks for: a backup made before an
erasure, restored with the data keys as they are after it, cannot open the erased person.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from test_cli import KEY, run

SECRETS = {
    "SCHAKEL_SECRET_KEY": "x" * 50,
    "SCHAKEL_ENCRYPTION_KEYS": KEY,
    "SCHAKEL_SEARCH_KEY": "backup-test",
}
PG = os.environ.get("DATABASE_URL", "")


def _databases() -> list[str]:
    return ["sqlite", "postgresql"] if PG.startswith("postgres") else ["sqlite"]


def _psql(url: str, sql: str) -> None:
    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    subprocess.run(["psql", admin, "-qc", sql], check=True, capture_output=True)  # noqa: S607


@pytest.fixture
def fresh(tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Makes fresh, empty places (a data folder, and a PostgreSQL database when asked)."""
    made: list[str] = []

    def make(kind: str, name: str) -> dict[str, str]:
        folder = tmp_path / name
        env = {"SCHAKEL_DATA_DIR": str(folder)}
        if kind == "postgresql":
            database = f"h_ops_bk_{name}_{uuid.uuid4().hex[:8]}"
            _psql(PG, f"CREATE DATABASE {database}")
            made.append(database)
            env["DATABASE_URL"] = urlparse(PG)._replace(path=f"/{database}").geturl()
        return env

    yield make
    for database in made:
        _psql(PG, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = run(args, Path(env["SCHAKEL_DATA_DIR"]), timeout=900, **SECRETS, **env)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("kind", _databases())
def test_backup_restores_into_a_fresh_database_and_verifies(  # type: ignore[no-untyped-def]
    kind: str, fresh, tmp_path: Path
) -> None:
    source = fresh(kind, "source")
    # Trajectories closed long ago, so that the retention run below has persons to erase.
    cli(["seed", "--persons", "60", "--years", "2", "--start-year", "2012"], source)
    backup = tmp_path / "backup"
    made = cli(["backup", "--out", str(backup)], source)
    assert "data keys" in made.stdout
    assert (backup / "data-keys.json").stat().st_mode & 0o077 == 0

    target = fresh(kind, "target")
    restored = cli(["restore", str(backup)], target)
    assert "intact" in restored.stdout and "BROKEN" not in restored.stdout
    assert "first master key: yes" in restored.stdout
    assert ", 0 erased since the backup" in restored.stdout
    opened = int(restored.stdout.split("identities: ")[1].split(",")[0].replace(",", ""))
    assert opened > 0

    # Erase on the source after the backup; restore the old backup with today's keys.
    erased = cli(["retention", "apply"], source)
    count = int(erased.stdout.split("closed_trajectory: ")[1].split()[0].replace(",", ""))
    assert count > 0
    keys_now = tmp_path / "keys-now.json"
    cli(["backup", "--out", str(tmp_path / "later"), "--keys-out", str(keys_now)], source)
    again = fresh(kind, "again")
    old = cli(["restore", str(backup), "--keys", str(keys_now)], again)
    assert f"{count} erased since the backup" in old.stdout.replace(",", "")
    assert "intact" in old.stdout

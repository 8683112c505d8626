"""The command line as an operator meets it: in a fresh process, with a real environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from schakel.cli import build_parser

KEY = "Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtbG9uZy1rZXk="


def run(
    args: list[str], tmp_path: Path, *, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("SCHAKEL_", "DATABASE_URL"))
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update({"SCHAKEL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "schakel.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


def test_every_command_has_help() -> None:
    parser = build_parser()
    for command in ("seed", "serve", "demo", "migrate", "settings", "keys", "audit"):
        with pytest.raises(SystemExit) as done:
            parser.parse_args([command, "--help"])
        assert done.value.code == 0


def test_missing_secret_key_is_named(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, SCHAKEL_ENCRYPTION_KEYS=KEY)
    assert result.returncode == 1
    assert "SCHAKEL_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_encryption_key_is_named(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, SCHAKEL_SECRET_KEY="x" * 50)
    assert result.returncode == 1
    assert "SCHAKEL_ENCRYPTION_KEYS is not set" in result.stderr


def test_malformed_encryption_key_is_named(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, SCHAKEL_SECRET_KEY="x" * 50, SCHAKEL_ENCRYPTION_KEYS="abc")
    assert result.returncode == 1
    assert "key 1 is not a valid Fernet key" in result.stderr


def test_unreachable_database_is_named(tmp_path: Path) -> None:
    result = run(
        ["audit", "verify"],
        tmp_path,
        SCHAKEL_SECRET_KEY="x" * 50,
        SCHAKEL_ENCRYPTION_KEYS=KEY,
        DATABASE_URL="postgres://nobody:hunter2@127.0.0.1:1/schakel",
    )
    assert result.returncode == 1
    assert "Cannot connect to the database 127.0.0.1:1/schakel (from DATABASE_URL)" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_settings_lists_every_variable_and_docs_agree() -> None:
    from schakel.web import env

    operations = (Path(__file__).parents[1] / "docs" / "operations.md").read_text()
    for name in env.VARIABLES:
        assert f"`{name}`" in operations, f"{name} is missing from docs/operations.md"


def test_demo_prepares_everything_on_an_empty_folder(tmp_path: Path) -> None:
    result = run(["demo", "--no-serve", "--persons", "60"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Seeded a synthetic region" in result.stdout
    accounts = (tmp_path / "demo-accounts.txt").read_text().splitlines()[1:]
    assert {line.split()[0] for line in accounts} == {
        "frontline",
        "coordinator",
        "analyst",
        "supervisor",
        "editor",
        "steward",
        "admin",
    }
    secrets = (tmp_path / "demo.env").read_text()
    for name in ("SCHAKEL_SECRET_KEY", "SCHAKEL_ENCRYPTION_KEYS", "SCHAKEL_SEARCH_KEY"):
        assert f"{name}=" in secrets
    again = run(["demo", "--no-serve"], tmp_path)
    assert again.returncode == 0 and "already holds data" in again.stdout
    assert run(["audit", "verify"], tmp_path).returncode == 0

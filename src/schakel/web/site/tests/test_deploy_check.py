"""`check --deploy` on the production settings gives zero warnings, and refuses demo mode."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

SRC = Path(__file__).resolve().parents[4]


def _check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SCHAKEL_", "DJANGO_", "DATABASE_URL"))
    }
    env.update(
        {
            "PYTHONPATH": str(SRC),
            "DJANGO_SETTINGS_MODULE": "schakel.web.settings",
            "SCHAKEL_DATA_DIR": str(tmp_path),
            "SCHAKEL_SECRET_KEY": secrets.token_urlsafe(50),
            "SCHAKEL_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SCHAKEL_SEARCH_KEY": secrets.token_urlsafe(32),
            "SCHAKEL_ALLOWED_HOSTS": "schakel.example.org",
            **extra,
        }
    )
    command = [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(  # noqa: S603  (arguments of this test's own making)
        command, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_production_settings_pass_check_deploy_without_warnings(tmp_path: Path) -> None:
    result = _check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.slow
def test_check_deploy_refuses_demo_mode(tmp_path: Path) -> None:
    result = _check(tmp_path, SCHAKEL_DEMO="true")
    assert result.returncode != 0
    assert "schakel.E002" in result.stdout + result.stderr

"""Gunicorn's server hooks for `schakel serve` (passed as `--config=python:<this module>`)."""

from __future__ import annotations

from typing import Any


def when_ready(server: Any) -> None:
    """Say where Schakel runs once gunicorn listens (before that, a browser opening the address
    gets "connection refused"). Called in the master process, before the workers start;
    connections made meanwhile wait for the first worker."""
    for listener in server.LISTENERS:
        print(f"\nSchakel runs at {listener}/  (Ctrl+C stops it)", flush=True)

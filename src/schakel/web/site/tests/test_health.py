"""Liveness and readiness: open to the orchestrator, telling which check fails."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from schakel.web.site import health

pytestmark = pytest.mark.django_db


def test_health_answers_without_signing_in() -> None:
    response = Client().get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_when_database_migrations_queue_and_keys_are_there() -> None:
    response = Client().get(reverse("ready"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": True, "migrations": True, "job_queue": True, "keys": True},
    }


def test_not_ready_without_encryption_keys() -> None:
    with override_settings(ENCRYPTION_KEYS=[]):
        response = Client().get(reverse("ready"))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["keys"] is False and body["checks"]["database"] is True


def test_not_ready_with_a_migration_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    class Pending:
        def __init__(self, connection: object) -> None:
            self.loader = type("L", (), {"graph": type("G", (), {"leaf_nodes": list})()})()

        def migration_plan(self, targets: object) -> list[str]:
            return ["0099_pending"]

    monkeypatch.setattr(health, "MigrationExecutor", Pending)
    response = Client().get(reverse("ready"))
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] is False


def test_ready_refuses_post() -> None:
    assert Client().post(reverse("ready")).status_code == 405

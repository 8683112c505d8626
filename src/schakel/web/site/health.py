"""Liveness and readiness for the operator's orchestrator (compose, Kubernetes, a load
balancer). Neither says more than ok or which check failed: no versions, paths or data."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from schakel.web.core.crypto import cipher, search_token
from schakel.web.jobs.service import queue_reachable


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """The process answers: restart it only when this fails (no database needed)."""
    return JsonResponse({"status": "ok"})


def _database() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def _migrations() -> bool:
    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _keys() -> bool:
    cipher()
    search_token("ready")
    return True


CHECKS: dict[str, Callable[[], bool]] = {
    "database": _database,
    "migrations": _migrations,
    "job_queue": queue_reachable,
    "keys": _keys,
}


def readiness() -> dict[str, bool]:
    results: dict[str, bool] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = bool(check())
        except (DatabaseError, ImproperlyConfigured, OSError, ConnectionError):
            results[name] = False
    return results


@login_not_required
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    """May this instance take requests: database reachable, migrations applied, job queue
    reachable, encryption and search keys present. 503 names the failing checks."""
    results = readiness()
    ok = all(results.values())
    body = {"status": "ok" if ok else "unavailable", "checks": results}
    return JsonResponse(body, status=200 if ok else 503)

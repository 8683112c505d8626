"""Schemathesis against the committed OpenAPI file on a seeded installation (issue 18, item 7).

Every operation in `docs/api/openapi.json` gets generated requests, data that fits the schema
and data that does not, sent through the whole WSGI application (middleware, CSRF, session) as
the demo coordinator of a small seeded region; the operations with a trajectory in their path
get it both generated and pointed at one of the coordinator's own trajectories, so the success
answers are checked too. Every answer must be documented (status, content type, body schema)
and none may be a server error. Bounded: `EXAMPLES` per operation and mode, under a minute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from schakel.web.core.tests.test_crawl_pages import seed_small_region
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
OPENAPI = Path(__file__).resolve().parents[5] / "docs" / "api" / "openapi.json"
EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


class Run:
    def __init__(self, app: WSGIHandler, cookies: dict[str, str], token: str) -> None:
        self.app, self.cookies = app, cookies
        self.headers = {"X-CSRFToken": token}
        self.examples = 0
        self.statuses: dict[int, int] = {}
        self.failures: list[str] = []

    def send(self, case: Any) -> None:
        self.examples += 1
        try:
            response = case.call(
                base_url="http://localhost",
                app=self.app,
                cookies=self.cookies,
                headers=self.headers,
            )
            self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except (Exception, BaseExceptionGroup) as failure:  # collected, reported at the end
            first = str(failure).strip().splitlines()[:6]
            self.failures.append(f"{case.operation.label}: " + " | ".join(first))

    def explore(self, strategy: Any) -> None:
        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def one(case: Any) -> None:
            self.send(case)

        one()


@pytest.fixture
def requests_keep_the_test_transaction() -> Any:
    """The WSGI handler closes an unusable database connection before and after each request
    (as in production); inside a test's transaction PostgreSQL's connection counts as such, so
    that would end the test. Django's own test client disconnects both signals too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _run_as(member: Membership) -> Run:
    client = Client()
    client.force_login(member.user)
    token = _get_new_csrf_string()
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": token}
    return Run(WSGIHandler(), cookies, token)


def test_every_operation_keeps_the_committed_contract(
    tmp_path: Path, requests_keep_the_test_transaction: None
) -> None:
    seed_small_region(tmp_path)
    coordinator = Membership.objects.get(user__username="coordinator", ended_on=None)
    own = Trajectory.objects.writable_by(coordinator).order_by("opened_at").first()
    assert own is not None
    run = _run_as(coordinator)
    results = list(schemathesis.openapi.from_path(OPENAPI).get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results), "every operation in the file can be tested"
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.explore(operation.as_strategy(generation_mode=mode))
        if "{trajectory_id}" in operation.path:
            run.explore(operation.as_strategy(path_parameters={"trajectory_id": str(own.pk)}))
    print(
        f"\nschemathesis: {len(operations)} operations, {run.examples} examples, "
        f"answers {dict(sorted(run.statuses.items()))}, {len(run.failures)} failures"
    )
    assert len(operations) >= 14
    assert 200 in run.statuses and 201 in run.statuses, "the success answers were reached"
    assert not run.failures, "\n".join(run.failures[:20])


def test_a_broken_contract_is_reported(
    coordinator_a: Membership, trajectory_a: Trajectory, requests_keep_the_test_transaction: None
) -> None:
    """The run is not a test that cannot fail: a file that says a count is a string, or that
    leaves out the 200 of the task list, gives failures naming the operation and the check."""
    spec = json.loads(OPENAPI.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["TrajectoryPage"]["properties"]["count"]["type"] = "string"
    del spec["paths"]["/api/v1/coordination/tasks"]["get"]["responses"]["200"]
    run = _run_as(coordinator_a)
    schema = schemathesis.openapi.from_dict(spec)
    for path in ("/api/v1/trajectories", "/api/v1/coordination/tasks"):
        operation = schema[path]["GET"]
        run.explore(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    assert any("GET /api/v1/trajectories" in f and "violates schema" in f for f in run.failures)
    assert any(
        "GET /api/v1/coordination/tasks" in f and "Undocumented status" in f for f in run.failures
    )

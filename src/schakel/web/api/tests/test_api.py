from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from schakel.web.api.main import api
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent
from schakel.web.trajectories.service import do_open_trajectory

pytestmark = pytest.mark.django_db
OPENAPI = Path(__file__).resolve().parents[5] / "docs" / "api" / "openapi.json"


def test_openapi_file_is_current() -> None:
    current = json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True) + "\n"
    assert OPENAPI.exists(), "run `make openapi` to write docs/api/openapi.json"
    assert OPENAPI.read_text() == current, "the API changed: run `make openapi` and commit"


def test_unauthenticated_gets_401_in_the_error_format() -> None:
    response = Client().get("/api/v1/trajectories")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_scope_holds_for_every_endpoint(
    coordinator_b: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_b)
    assert client.get("/api/v1/trajectories").json()["count"] == 0
    assert client.get(f"/api/v1/trajectories/{trajectory_a.pk}").status_code == 404
    response = client.post(
        f"/api/v1/trajectories/{trajectory_a.pk}/events",
        {"event_type": "intake", "occurred_at": timezone.now().isoformat(), "payload": {}},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not TrajectoryEvent.objects.exists()


def test_record_and_read_events(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    client = signed_in(coordinator_a)
    url = f"/api/v1/trajectories/{trajectory_a.pk}/events"
    now = timezone.now().isoformat()
    bad = client.post(
        url,
        {"event_type": "placement_start", "occurred_at": now, "payload": {"placement_id": "p"}},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"][0]["field"] == "placement_type"
    good = client.post(
        url,
        {"event_type": "intake", "occurred_at": now, "payload": {}},
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["stage"] == "in_care"
    detail = client.get(f"/api/v1/trajectories/{trajectory_a.pk}").json()
    assert [e["event_type"] for e in detail["events"]] == ["intake"]
    assert AuditEntry.objects.filter(object_type="trajectory", action="read").exists()


def test_list_endpoint_query_count(
    coordinator_a: Membership,
    trajectory_a: Trajectory,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(coordinator_a)
    client.get("/api/v1/trajectories")
    for _ in range(5):
        do_open_trajectory(actor=coordinator_a, person=trajectory_a.person)
    with django_assert_num_queries(10):  # the same for 1 or 100 rows: no N+1
        body = client.get("/api/v1/trajectories").json()
    assert body["count"] == 6 and len(body["items"]) == 6


def test_api_docs_call_no_third_party() -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "swagger" in page.lower()
    assert "https://" not in page and "http://" not in page

"""The authorisation matrix across organisations: every page and endpoint (from the URL
resolver and the OpenAPI schema) x every role of ANOTHER organisation, against organisation
A's trajectory. Nothing of A may show (its pseudonym) and nothing of A may change. The same
pages for A's own roles and for anonymous visitors are in test_capability_walk."""

from __future__ import annotations

import re
from typing import Any

import pytest

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.site.tests.test_capability_walk import _bodies, _url, operations, pages
from schakel.web.trajectories.models import Consent, Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db
CELLS: list[int] = []


@pytest.fixture
def world(coordinator_a: Membership, trajectory_a: Trajectory) -> dict[str, Any]:
    return {"organisation": coordinator_a.organisation, "trajectory": trajectory_a}


def _state(trajectory: Trajectory) -> tuple[int, int, int | None]:
    trajectory.refresh_from_db()
    events = TrajectoryEvent.objects.filter(trajectory=trajectory).count()
    consents = Consent.objects.filter(trajectory=trajectory).count()
    return events, consents, trajectory.coordinator_id


@pytest.mark.parametrize("role", list(Role))
def test_another_organisation_sees_and_changes_nothing(
    role: Role, world: dict[str, Any], org_b: Organisation, member: Any
) -> None:
    trajectory: Trajectory = world["trajectory"]
    secret = trajectory.person.pseudonym.encode()
    before = _state(trajectory)
    client = signed_in(member(org_b, role))
    client.raise_request_exception = False
    leaks, cells = [], 0
    for page in pages():
        if page.capability is None or "UUIDConverter" not in page.converters.values():
            continue
        url = _url(page, world)
        for response in (client.get(url), client.post(url, {})):
            cells += 1
            if response.status_code < 300 and secret in response.content:
                leaks.append(f"{page.name} {response.request['REQUEST_METHOD']}")
    bodies = _bodies(world)
    for method, path, capability in operations():
        if capability is None or "{trajectory_id}" not in path:
            continue
        url = re.sub(r"\{trajectory_id\}", str(trajectory.pk), path)
        url = re.sub(r"\{[a-z_]+\}", "1", url)
        cells += 1
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, bodies[(method, path)], content_type="application/json")
        if response.status_code < 300:
            leaks.append(f"{method.upper()} {path}: {response.status_code}")
    CELLS.append(cells)
    assert _state(trajectory) == before, "another organisation changed A's trajectory"
    assert (
        not AuditEntry.objects.filter(action__in=["append", "update"], object_id=str(trajectory.pk))
        .exclude(organisation_id=world["organisation"].pk)
        .exists()
    )
    assert not leaks, f"as {role.value} of another organisation: {leaks}"
    assert cells > 10

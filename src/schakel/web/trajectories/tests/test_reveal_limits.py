"""Insider limits on identity reveals: a purpose from the list and a reference, at most
REVEALS_PER_HOUR an hour until a supervisor releases more, bursts shown to the supervisor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _reveal(client: Client, trajectory: Trajectory, **data: str) -> Any:
    url = reverse("trajectory-identity", args=[trajectory.pk])
    return client.post(url, data)


def test_a_purpose_outside_the_list_or_without_reference_is_refused(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    assert _reveal(client, trajectory_a, purpose="x", reference="y").status_code == 422
    assert _reveal(client, trajectory_a, purpose="contact", reference=" ").status_code == 422
    assert not AuditEntry.objects.filter(object_type="identity", action="read").exists()
    shown = _reveal(client, trajectory_a, purpose="contact", reference="call 2026-114")
    assert shown.status_code == 200
    read = AuditEntry.objects.get(object_type="identity", action="read")
    assert read.purpose == "contact: call 2026-114"


def test_no_purpose_is_chosen_beforehand(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    page = client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).content.decode()
    select = page[
        page.index('name="purpose"') : page.index("</select>", page.index('name="purpose"'))
    ]
    assert '<option value="" selected>Kies …</option>' in select
    assert select.count(" selected") == 1
    assert _reveal(client, trajectory_a, purpose="", reference="call 2026-114").status_code == 422
    assert not AuditEntry.objects.filter(object_type="identity", action="read").exists()


@override_settings(REVEALS_PER_HOUR=3)
def test_more_than_the_hourly_limit_needs_a_supervisors_release(
    org_a: Organisation,
    coordinator_a: Membership,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
) -> None:
    client = signed_in(coordinator_a)
    answers = [
        _reveal(client, trajectory_a, purpose="contact", reference=f"call {n}").status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 200, 429]
    assert AuditEntry.objects.filter(action="denied", purpose="reveal limit reached").count() == 1
    supervisor = signed_in(member(org_a, Role.SUPERVISOR))
    page = supervisor.get(reverse("reveal-releases"))
    assert page.status_code == 200
    assert [b.user for b in page.context["bursts"]] == [coordinator_a.user]
    frontline = signed_in(member(org_a, Role.FRONTLINE))
    frontline.raise_request_exception = False
    refused = frontline.post(reverse("reveal-releases"), {"user": coordinator_a.user_id})
    assert refused.status_code == 403
    supervisor.post(reverse("reveal-releases"), {"user": coordinator_a.user_id})
    assert AuditEntry.objects.filter(object_type="reveal_release").count() == 1
    again = _reveal(client, trajectory_a, purpose="safety", reference="call 5")
    assert again.status_code == 200


@override_settings(REVEALS_PER_HOUR=1)
def test_a_supervisor_of_another_organisation_cannot_release(
    org_b: Organisation,
    coordinator_a: Membership,
    member: Callable[..., Membership],
    trajectory_a: Trajectory,
) -> None:
    stranger = signed_in(member(org_b, Role.SUPERVISOR))
    response = stranger.post(reverse("reveal-releases"), {"user": coordinator_a.user_id})
    assert response.status_code == 404

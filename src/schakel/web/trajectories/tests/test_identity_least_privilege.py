"""Least privilege for identities: a frontline professional sees who a person is only for
whom they registered, signalled or referred themselves; a coordinator for everyone in scope;
the other roles never. Every reveal and every refusal is audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, roles_with
from schakel.web.trajectories.actions import (
    do_find_duplicates,
    do_record_event,
    do_register_and_open,
)
from schakel.web.trajectories.models import Person, Trajectory

pytestmark = pytest.mark.django_db


def _reveal(client: Client, trajectory: Trajectory) -> Any:
    url = reverse("trajectory-identity", args=[trajectory.pk])
    return client.post(url, {"purpose": "contact", "reference": "call 7"})


def _identity_lines(actor: Membership, action: str) -> list[str]:
    lines = AuditEntry.objects.filter(actor_id=actor.user_id, object_type="identity", action=action)
    return list(lines.values_list("object_id", flat=True))


def test_only_a_coordinator_sees_every_identity_in_scope() -> None:
    assert roles_with(Capability.VIEW_IDENTITY) == {Role.COORDINATOR}
    assert roles_with(Capability.VIEW_OWN_IDENTITY) == {Role.COORDINATOR, Role.FRONTLINE}


def test_a_frontline_professional_cannot_reveal_someone_elses_registration_by_url(
    member: Callable[..., Membership], org_a: Organisation, trajectory_a: Trajectory
) -> None:
    frontline = member(org_a, Role.FRONTLINE)
    client = signed_in(frontline)
    client.raise_request_exception = False
    page = client.get(reverse("trajectory-detail", args=[trajectory_a.pk]))
    assert page.status_code == 200 and page.context["may_identify"] is False
    answer = _reveal(client, trajectory_a)
    assert answer.status_code == 404
    assert IDENTITY["family_name"] not in answer.content.decode()
    assert _identity_lines(frontline, "read") == []
    assert _identity_lines(frontline, "denied") == [str(trajectory_a.person_id)]


def test_a_frontline_professional_sees_whom_they_registered_or_signalled(
    member: Callable[..., Membership], org_a: Organisation, trajectory_a: Trajectory
) -> None:
    frontline = member(org_a, Role.FRONTLINE)
    own = do_register_and_open(actor=frontline, identity={**IDENTITY, "given_names": "Ana"})
    client = signed_in(frontline)
    page = client.get(reverse("trajectory-detail", args=[own.pk]))
    assert page.context["may_identify"] is True
    answer = _reveal(client, own)
    assert answer.status_code == 200 and "Ana" in answer.content.decode()

    do_record_event(
        actor=frontline,
        trajectory=trajectory_a,
        event_type="signal",
        occurred_at=timezone.now(),
        payload={"observed_by_role": "police", "suspected_form": "labour", "minor": False},
    )
    assert _reveal(client, trajectory_a).status_code == 200
    assert sorted(_identity_lines(frontline, "read")) == sorted(
        [str(own.person_id), str(trajectory_a.person_id)]
    )


def test_a_frontline_duplicate_check_searches_only_their_own_persons(
    member: Callable[..., Membership],
    org_a: Organisation,
    coordinator_a: Membership,
    trajectory_a: Trajectory,
) -> None:
    frontline = member(org_a, Role.FRONTLINE)
    assert do_find_duplicates(actor=frontline, identity=IDENTITY) == []
    own = do_register_and_open(actor=frontline, identity=IDENTITY)
    found = do_find_duplicates(actor=frontline, identity=IDENTITY)
    assert [c.person.pk for c in found] == [own.person_id]
    everyone = {c.person.pk for c in do_find_duplicates(actor=coordinator_a, identity=IDENTITY)}
    assert everyone == {own.person_id, trajectory_a.person_id}
    assert set(Person.objects.identifiable_by(frontline)) == {own.person}


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ANALYST, Role.ADMINISTRATOR])
def test_roles_without_identity_are_refused_and_audited(
    role: Role, member: Callable[..., Membership], org_a: Organisation, trajectory_a: Trajectory
) -> None:
    someone = member(org_a, role)
    client = signed_in(someone)
    client.raise_request_exception = False
    assert _reveal(client, trajectory_a).status_code == 403
    assert _identity_lines(someone, "read") == []

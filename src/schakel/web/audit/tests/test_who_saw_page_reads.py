"""'Who saw this person?' finds the reads audited per page (ADR 0024): a list that showed the
person's trajectory names it in the entry's detail, not in its object id."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _who_saw(supervisor: Membership, pseudonym: str) -> list[AuditEntry]:
    page = signed_in(supervisor).get(reverse("audit-log"), {"person": pseudonym})
    assert page.status_code == 200
    return list(page.context["page"].entries)


def test_a_list_page_that_showed_the_person_is_found(
    member: Callable[..., Membership],
    org_a: Organisation,
    coordinator_a: Membership,
    coordinator_b: Membership,
    trajectory_a: Trajectory,
) -> None:
    signed_in(coordinator_a).get(reverse("trajectory-list"))
    listed = AuditEntry.objects.get(object_type="trajectory_list")
    assert str(trajectory_a.pk) in listed.detail["trajectories"]
    elsewhere = do_register_person(actor=coordinator_b, identity=IDENTITY)
    do_open_trajectory(actor=coordinator_b, person=elsewhere, opened_at=timezone.now())
    signed_in(coordinator_b).get(reverse("trajectory-list"))  # another organisation's trail
    later = do_register_person(actor=coordinator_a, identity=IDENTITY)
    do_open_trajectory(actor=coordinator_a, person=later, opened_at=timezone.now())

    supervisor = member(org_a, Role.SUPERVISOR)
    found = _who_saw(supervisor, trajectory_a.person.pseudonym)
    assert listed in found
    assert [e for e in found if e.object_type == "trajectory_list"] == [listed]
    unseen = _who_saw(supervisor, later.pseudonym)  # opened after the list was read
    assert unseen and not [e for e in unseen if e.object_type == "trajectory_list"]

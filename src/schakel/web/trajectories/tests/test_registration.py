from __future__ import annotations

import pytest
from django.urls import reverse

from schakel.engine.identity import parse_identity
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.actions import do_find_duplicates, do_merge_persons
from schakel.web.trajectories.models import Identity, IdentityKey, Person, Trajectory

pytestmark = pytest.mark.django_db

VARIANT = {"given_names": "Popesku", "family_name": "Joana", "date_of_birth": "1999"}


def test_duplicate_found_despite_swapped_transliterated_names(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    found = do_find_duplicates(actor=coordinator_a, identity=VARIANT)
    assert [c.person for c in found] == [trajectory_a.person]
    assert "names alike" in found[0].likeness.reasons
    assert AuditEntry.objects.filter(purpose="duplicate check").count() == 1


def test_duplicates_stay_within_scope(coordinator_b: Membership, trajectory_a: Trajectory) -> None:
    assert do_find_duplicates(actor=coordinator_b, identity=VARIANT) == []


def test_search_keys_hold_no_names_in_the_clear(trajectory_a: Trajectory) -> None:
    tokens = list(IdentityKey.objects.values_list("token", flat=True))
    assert tokens and not any("popescu" in t or "p120" in t for t in tokens)
    assert "Popescu" not in Identity.objects.get().ciphertext


def test_register_page_checks_before_creating(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("register-person")
    checked = client.post(url, {**VARIANT, "sex": "female", "check": "1"})
    assert checked.status_code == 200 and trajectory_a.person.pseudonym.encode() in checked.content
    assert Person.objects.count() == 1
    reused = client.post(url, {**VARIANT, "sex": "female", "use": str(trajectory_a.person.pk)})
    assert reused.status_code == 302
    assert Trajectory.objects.filter(person=trajectory_a.person).count() == 2
    created = client.post(
        url, {"family_name": "Kowalska", "sex": "female", "nationality": "PL", "create": "1"}
    )
    assert created.status_code == 302 and Person.objects.count() == 2


def test_bad_identity_is_named_on_the_form(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    response = client.post(
        reverse("register-person"),
        {"family_name": "Nowak", "sex": "male", "bsn": "123456789", "create": "1"},
    )
    assert response.status_code == 422 and Person.objects.count() == 0
    assert b"BSN" in response.content


def test_merge_keeps_both_histories(coordinator_a: Membership, trajectory_a: Trajectory) -> None:
    from schakel.web.trajectories.actions import do_open_trajectory, do_register_person

    other = do_register_person(actor=coordinator_a, identity=IDENTITY)
    second = do_open_trajectory(actor=coordinator_a, person=other)
    do_merge_persons(actor=coordinator_a, keep=trajectory_a.person, merge=other, reason="same")
    second.refresh_from_db()
    assert second.person == trajectory_a.person
    assert Person.objects.get(pk=other.pk).merged_into == trajectory_a.person
    assert Identity.objects.filter(person=other).exists()
    assert AuditEntry.objects.filter(action="merge").count() == 1
    assert parse_identity(IDENTITY).family_name == "Popescu"

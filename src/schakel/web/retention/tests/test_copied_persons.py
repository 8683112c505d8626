"""The data-protection benchmark seeds by copying closed persons (benchmarks/closed_persons.py):
its copies are rows the actions would make. A person recorded through the actions and its
copies read, verify, rotate and erase alike."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from schakel.web.audit.service import verify_chain
from schakel.web.core import crypto
from schakel.web.core.keys import check_keys
from schakel.web.organisations.models import Membership
from schakel.web.retention.actions import do_apply_retention
from schakel.web.retention.tests.test_erasure import JOB, NOTE, closed_trajectory
from schakel.web.trajectories.actions import do_read_identity
from schakel.web.trajectories.models import Identity, IdentityKey, Person, TrajectoryEvent

pytestmark = pytest.mark.django_db
HELPER = Path(__file__).resolve().parents[5] / "benchmarks" / "closed_persons.py"


@pytest.fixture(scope="module")
def closed_persons() -> ModuleType:
    spec = importlib.util.spec_from_file_location("closed_persons", HELPER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_copies_read_verify_and_erase_like_the_original(
    coordinator_a: Membership, closed_persons: ModuleType
) -> None:
    original = closed_trajectory(coordinator_a, closed_days_ago=8 * 365)
    copied = closed_persons.copy_closed_persons(3)
    assert (copied.persons, copied.trajectories, copied.events) == (3, 3, 12)
    copies = Person.objects.exclude(pk=original.person_id)
    assert copies.count() == 3 and len(set(copies.values_list("pseudonym", flat=True))) == 3
    crypto.forget_keys()
    for person in copies:
        identity = do_read_identity(actor=coordinator_a, person=person, purpose="test")
        assert identity.family_name == "Popescu"
        tokens = set(IdentityKey.objects.filter(person=person).values_list("token", flat=True))
        assert tokens == set(
            IdentityKey.objects.filter(person=original.person).values_list("token", flat=True)
        )
        events = TrajectoryEvent.objects.filter(trajectory__person=person)
        notes = [e.full_payload.get("note") for e in events.exclude(sealed__isnull=True)]
        assert notes.count(NOTE) == 2
    raw = Identity.objects.exclude(person=original.person).values_list("ciphertext", flat=True)
    assert {crypto.subject_of(value) for value in raw} == {str(p.pk) for p in copies}
    assert verify_chain().intact  # the copies' audit entries cover their events
    assert check_keys().ok
    assert do_apply_retention(actor=JOB, dry_run=True).due["closed_trajectory"] == 4
    report = do_apply_retention(actor=JOB)
    assert report.erased["closed_trajectory"] == 4
    assert not Identity.objects.exists() and verify_chain().intact

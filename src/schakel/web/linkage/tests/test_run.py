from __future__ import annotations

import pytest
from django.db.models import F

from schakel.engine.linkage import load_key
from schakel.engine.linkage.explain import FIELDS, NAMES
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import verify_chain
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.linkage.actions import do_link_and_detect_returns
from schakel.web.linkage.models import ReturnCandidate
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db

KEY = "a-test-only-linkage-key-of-at-least-thirty-two-bytes-long"


def test_linkage_run_finds_returns_across_organisations() -> None:
    do_seed_region(seed_parameters(persons=600, seed=3))
    key = load_key(environ={"SCHAKEL_LINKAGE_KEY": KEY})
    run = do_link_and_detect_returns(key=key)
    assert run.records == Trajectory.objects.count()
    assert run.candidates > 0 and run.new_candidates == ReturnCandidate.objects.count()
    crossing = ReturnCandidate.objects.exclude(earlier__organisation=F("later__organisation"))
    assert crossing.exists()  # returns seen by another organisation are the point
    # Each candidate keeps why it was linked: levels per field, computed from the encodings.
    agreements = list(ReturnCandidate.objects.values_list("agreement", flat=True))
    # Format 6 holds both names in one filter, so the reviewer is told about them together.
    fields = {role.value for role in FIELDS} - {"given_names", "family_name"} | {NAMES}
    assert all(set(a) == fields for a in agreements)
    names_agree = [a[NAMES] in {"same", "close", "similar"} for a in agreements]
    assert sum(names_agree) >= 0.5 * len(agreements)
    again = do_link_and_detect_returns(key=key)
    assert again.new_candidates == 0
    reads = AuditEntry.objects.filter(actor_name="linkage", purpose__startswith="record linkage")
    assert reads.count() == 2 * run.records
    assert verify_chain().intact

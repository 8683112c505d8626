"""Every page and API endpoint that shows person-linked data writes an audit entry, as every
demo role, on a seeded region (issue 18, item 4).

The pages come from the URL resolver and the endpoints from the live OpenAPI description (see
`walk.py`), so a new page is walked the day it is added; the addresses are built from what
each role can see in the seed, plus the few things a seed does not make (a pending referral,
a consultation, a consent, an erasure request).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.web.audit.tests import walk as walker
from schakel.web.core.testing import IDENTITY, signed_in
from schakel.web.core.tests.test_crawl_pages import seed_small_region
from schakel.web.demo.actions import DEMO_ROLES
from schakel.web.organisations.models import Membership
from schakel.web.retention.actions import do_request_erasure
from schakel.web.retention.models import ErasureRequest
from schakel.web.signals.actions import do_ask_consultation
from schakel.web.signals.catalogue import current_catalogue
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.signals.tests.test_referrals import refer
from schakel.web.site.tests.test_capability_walk import pages
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_consent,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def test_every_page_is_classified() -> None:
    """A new page must be put in PERSON_PAGES (and is then walked) or say why it is not."""
    names = [p.name for p in pages() if p.capability is not None]
    assert not walker.unclassified(names), "classify in audit/tests/walk.py"
    stale = (walker.PERSON_PAGES | set(walker.NO_PERSON_DATA)) - set(names)
    assert not stale, f"walk.py names pages that do not exist: {stale}"


def _member(username: str) -> Membership:
    return Membership.objects.select_related("user", "organisation").get(
        user__username=username, ended_on=None
    )


def _complete_the_seed() -> None:
    """What the seed does not make: a referral waiting in the demo coordinator's inbox, a
    consultation between the demo frontline worker and coordination, a consent and a
    pending erasure request in the demo coordinator's organisation."""
    coordinator, frontline = _member("coordinator"), _member("frontline")
    sender = do_open_trajectory(
        actor=frontline, person=do_register_person(actor=frontline, identity=IDENTITY)
    )
    consent = do_record_consent(
        actor=frontline,
        trajectory=sender,
        purpose="disclosure",
        given_on=timezone.localdate(),
        source="written",
        organisation=coordinator.organisation,
    )
    do_record_event(
        actor=frontline,
        trajectory=sender,
        event_type="referral_sent",
        occurred_at=timezone.now(),
        payload={
            "referral_id": "R-walk0001",
            "to_organisation_id": coordinator.organisation_id,
            "consent_id": str(consent.pk),
        },
    )
    do_ask_consultation(
        actor=frontline,
        state=None,
        evaluation=None,
        catalogue=current_catalogue(),
        question="Wat kan ik doen?",
        region=coordinator.organisation.region,
    )
    own = Trajectory.objects.writable_by(coordinator).order_by("opened_at").first()
    assert own is not None
    do_record_consent(
        actor=coordinator,
        trajectory=own,
        purpose="disclosure",
        given_on=timezone.localdate(),
        source="written",
        organisation=frontline.organisation,
    )
    do_request_erasure(actor=coordinator, trajectory=own, ground="wrong_person", reference="W-1")
    assert ErasureRequest.objects.exists()
    client = signed_in(frontline)
    complete_check(client)
    assert refer(client).status_code == 302, "a referral after a signal check"


@pytest.mark.slow
def test_every_person_page_and_endpoint_writes_an_audit_entry(tmp_path: Path) -> None:
    seed_small_region(tmp_path)
    _complete_the_seed()
    walk = walker.Walk()
    found = pages()
    for username, _role, _kind in DEMO_ROLES:
        m = _member(username)
        client = signed_in(m)
        walker.walk_pages(walk, client, m, found)
        walker.walk_endpoints(walk, client, m)
    missing = walker.PERSON_PAGES - walk.post_only - set(walk.walked)
    missing |= {"GET " + p for p in walker.person_endpoints()} - set(walk.walked)
    assert not (missing or walk.unaudited), (
        f"no role could walk: {sorted(missing)}; answered without an audit entry:\n"
        + "\n".join(walk.unaudited)
    )
    visits = sum(len(v) for v in walk.walked.values())
    print(f"walked {len(walk.walked)} pages and endpoints in {visits} visits; ", end="")
    print(f"POST-only: {sorted(walk.post_only)}")


def test_the_walk_fails_when_a_view_stops_auditing(
    coordinator_a: Membership, trajectory_a: Trajectory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk is not a test that cannot fail: remove one view's audit call and it reports
    that page."""
    from schakel.web.trajectories import coordination_views

    client = signed_in(coordinator_a)
    dashboard = [p for p in pages() if p.name == "coordinator-dashboard"]
    audited = walker.Walk()
    walker.walk_pages(audited, client, coordinator_a, dashboard)
    assert audited.walked and not audited.unaudited

    monkeypatch.setattr(coordination_views, "do_record_page_read", lambda **kwargs: None)
    removed = walker.Walk()
    walker.walk_pages(removed, client, coordinator_a, dashboard)
    url = reverse("coordinator-dashboard")
    assert removed.unaudited == [f"coordinator coordinator-dashboard {url}"]

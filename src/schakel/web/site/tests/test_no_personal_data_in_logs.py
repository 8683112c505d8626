"""A whole journey on a seeded region, with every logger at DEBUG: not one seeded name, BSN
or date of birth appears in any log line (issue 19)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.core import crypto
from schakel.web.core.logs import JsonFormatter
from schakel.web.core.testing import MembershipFactory, signed_in
from schakel.web.demo.actions import do_seed_region
from schakel.web.demo.seeding import seed_parameters
from schakel.web.organisations.models import Membership
from schakel.web.retention.models import ErasureRequest
from schakel.web.trajectories.models import Identity, Trajectory

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def logs() -> Iterator[Collect]:
    handler = Collect()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def seeded_secrets() -> set[str]:
    """Every name part, BSN and date of birth of the seeded persons, as they could be written."""
    secrets: set[str] = set()
    rows = list(Identity.objects.values_list("person_id", "ciphertext"))
    crypto.load_keys([str(p) for p, _ in rows])
    for _, ciphertext in rows:
        identity = crypto.decrypt_json(ciphertext)
        for part in f"{identity.get('given_names', '')} {identity.get('family_name', '')}".split():
            if len(part) >= 4:
                secrets.add(part)
        bsn = (identity.get("identifiers") or {}).get("bsn")
        if bsn:
            secrets.add(str(bsn))
        born = identity.get("date_of_birth")
        if born and len(born) == 10:
            secrets.add(born)
            year, month, day = born.split("-")
            secrets.add(f"{day}-{month}-{year}")
    return secrets


def test_a_whole_journey_logs_no_personal_data(logs: Collect) -> None:
    do_seed_region(seed_parameters(persons=60, seed=11))
    secrets = seeded_secrets()
    assert len(secrets) > 60
    trajectory = Trajectory.objects.select_related("organisation").first()
    assert trajectory is not None
    organisation = trajectory.organisation
    coordinator: Membership = MembershipFactory.create(organisation=organisation)
    supervisor = MembershipFactory.create(organisation=organisation, role=Role.SUPERVISOR)
    analyst = MembershipFactory.create(organisation=organisation, role=Role.ANALYST)
    identity = crypto.decrypt_json(Identity.objects.get(person=trajectory.person).ciphertext)
    name = f"{identity['given_names']} {identity['family_name']}"

    client = signed_in(coordinator)
    detail = reverse("trajectory-detail", args=[trajectory.pk])
    for url in (reverse("home"), reverse("trajectory-list"), detail, reverse("referral-inbox")):
        client.get(url)
    client.post(reverse("trajectory-identity", args=[trajectory.pk]), {"purpose": "contact"})
    client.post(
        reverse("register-time", args=[trajectory.pk]),
        {"task_type": "coordination", "on": timezone.localdate(), "minutes": 15, "note": name},
    )
    when = (timezone.localtime() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("record-event", args=[trajectory.pk, "consultation"]),
        {"occurred_at": when, "topic": name, "note": f"{name} {identity['date_of_birth']}"},
    )
    client.post(reverse("register-person"), {"given_names": identity["given_names"]})
    client.get(reverse("trajectory-detail", args=["00000000-0000-0000-0000-000000000000"]))
    client.post(reverse("retention-request", args=[trajectory.pk]), {"ground": "data_subject"})
    boss = signed_in(supervisor)
    boss.get(reverse("retention-overview"))
    request = ErasureRequest.objects.first()
    if request is not None:
        boss.post(
            reverse("retention-decide", args=[request.pk]),
            {"decision": "approve", "confirm": "yes"},
        )
    boss.get(reverse("audit-log"))
    signed_in(analyst).get(reverse("monitor-home") if _has("monitor-home") else reverse("home"))

    assert logs.lines, "the journey logged nothing: the test would prove nothing"
    text = "\n".join(logs.lines)
    found = sorted(s for s in secrets if s in text)
    assert not found, f"personal data in the logs: {found[:5]}"


def _has(name: str) -> bool:
    from django.urls import NoReverseMatch

    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True

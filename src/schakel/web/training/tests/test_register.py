"""Expiring certificates, scope and coverage, on small fixtures with known answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from schakel.engine.vocabulary import Region, Role
from schakel.web.core.testing import OrganisationFactory, days_ago
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.training.models import Training, TrainingRecord
from schakel.web.training.selectors import CoverageRow, coverage, total_coverage

pytestmark = pytest.mark.django_db


def test_expiring_lists_valid_certificates_lapsing_within_60_days_not_renewed(
    org_a: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    today = timezone.localdate()
    a, b, c, d = (member(org_a, Role.FRONTLINE) for _ in range(4))
    # 24-month validity: completed 2 years minus 30 days ago -> expires in about 30 days.
    soon = completed(a, signalling, today - dt.timedelta(days=700))
    completed(b, signalling, today - dt.timedelta(days=600))  # expires in ~130 days
    completed(c, signalling, today - dt.timedelta(days=800))  # already expired
    old = completed(d, signalling, today - dt.timedelta(days=700))
    completed(d, signalling, days_ago(10))  # renewed
    assert 0 < (soon.expires_on - today).days <= 60 and old.expires_on == soon.expires_on
    assert list(TrainingRecord.objects.expiring(today)) == [soon]
    assert list(TrainingRecord.objects.expiring(soon.expires_on - dt.timedelta(days=60))) == [soon]
    assert list(TrainingRecord.objects.expiring(soon.expires_on)) == []


def test_records_are_scoped_to_the_role(
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
    registrar: Membership,
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    here, there = member(org_a, Role.FRONTLINE), member(org_b, Role.FRONTLINE)
    mine = completed(here, signalling, days_ago(5))
    theirs = completed(there, signalling, days_ago(5))
    supervisor = member(org_a, Role.SUPERVISOR)
    assert set(TrainingRecord.objects.visible_to(registrar)) == {mine, theirs}
    assert list(TrainingRecord.objects.visible_to(supervisor)) == [mine]
    assert list(TrainingRecord.objects.visible_to(there)) == [theirs]


def test_coverage_per_organisation_and_role_is_exact(
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    meldcode_training: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    a = [member(org_a, Role.FRONTLINE) for _ in range(4)]
    completed(a[0], signalling, days_ago(30))
    completed(a[1], signalling, days_ago(30))
    completed(a[1], signalling, days_ago(400))  # two certificates: counted once
    completed(a[2], signalling, days_ago(800))  # expired
    completed(a[3], meldcode_training, days_ago(30))  # another topic
    left = member(org_a, Role.FRONTLINE)
    completed(left, signalling, days_ago(30))
    Membership.objects.filter(pk=left.pk).update(ended_on=days_ago(1))  # no longer counted
    coordinator = member(org_a, Role.COORDINATOR)
    completed(coordinator, signalling, days_ago(30))
    b = [member(org_b, Role.FRONTLINE) for _ in range(2)]
    completed(b[0], signalling, days_ago(5))
    member(OrganisationFactory.create(name="Leeg", region=Region.LIMBURG), Role.ANALYST)

    # any topic (the default): a[3]'s meldcode certificate counts too
    any_topic = coverage(roles=(Role.FRONTLINE,))
    assert [(r.organisation, r.members, r.trained) for r in any_topic] == [
        ("Zorgcoördinatie B", 2, 1),
        ("Zorgcoördinatie A", 4, 3),
    ]
    rows = coverage(roles=(Role.FRONTLINE, Role.COORDINATOR), topic="signalling")
    assert rows == [
        CoverageRow(org_a.pk, "Zorgcoördinatie A", "rotterdam", "frontline", 4, 2),
        CoverageRow(org_b.pk, "Zorgcoördinatie B", "amsterdam", "frontline", 2, 1),
        CoverageRow(org_a.pk, "Zorgcoördinatie A", "rotterdam", "coordinator", 1, 1),
    ]
    assert [r.percentage for r in rows] == [50, 50, 100]
    assert coverage(region="amsterdam", topic="signalling") == [rows[1]]
    meldcode = coverage(region="rotterdam", topic="meldcode")
    assert [(r.members, r.trained) for r in meldcode] == [(4, 1)]
    total = total_coverage(coverage(topic="signalling"))
    assert total is not None and (total.members, total.trained) == (6, 3)
    # A certificate is valid up to the day before it expires.
    expiry = TrainingRecord.objects.get(user=a[0].user).expires_on
    day_before = coverage(region="rotterdam", topic="signalling", today=expiry - dt.timedelta(1))
    assert day_before[0].trained == 2
    assert coverage(region="rotterdam", topic="signalling", today=expiry)[0].trained == 0


def test_coverage_is_one_query(
    org_a: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    completed: Callable[..., TrainingRecord],
    django_assert_num_queries,
) -> None:
    for _ in range(5):
        completed(member(org_a, Role.FRONTLINE), signalling, days_ago(3))
    with django_assert_num_queries(1):
        coverage()

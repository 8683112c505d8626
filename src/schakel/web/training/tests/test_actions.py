from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import days_ago
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SYSTEM
from schakel.web.training.actions import (
    do_change_validity,
    do_register_training,
    do_register_training_record,
)
from schakel.web.training.models import Training, TrainingRecord, expiry_date

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("completed", "months", "expires"),
    [
        (dt.date(2024, 3, 15), 12, dt.date(2025, 3, 15)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 11, 30), 3, dt.date(2025, 2, 28)),
        (dt.date(2024, 12, 1), 25, dt.date(2027, 1, 1)),
    ],
)
def test_expiry_date(completed: dt.date, months: int, expires: dt.date) -> None:
    assert expiry_date(completed, months) == expires


@pytest.mark.parametrize("months", [0, -6])
def test_validity_must_be_positive(registrar: Membership, months: int) -> None:
    with pytest.raises(ValidationError) as caught:
        do_register_training(
            actor=registrar, name="X", topic="signalling", provider="Y", validity_months=months
        )
    assert caught.value.message_dict == {
        "validity_months": ["The validity period must be at least one month."]
    }
    assert not Training.objects.exists()


def test_same_training_from_the_same_provider_is_refused(
    registrar: Membership, signalling: Training
) -> None:
    with pytest.raises(ValidationError, match="already offers a training with this name"):
        do_register_training(
            actor=registrar,
            name="basistraining SIGNALEREN",
            topic="signalling",
            provider="OPLEIDER A",
            validity_months=12,
        )


def test_record_expires_after_the_validity_period_and_is_audited(
    registrar: Membership, coordinator_a: Membership, signalling: Training
) -> None:
    record = do_register_training_record(
        actor=registrar,
        user=coordinator_a.user,
        training=signalling,
        completed_on=dt.date(2024, 5, 1),
    )
    assert record.expires_on == dt.date(2026, 5, 1)
    assert record.registered_by_id == registrar.user_id
    entry = AuditEntry.objects.get(object_type="training_record")
    assert entry.action == "create" and entry.object_id == str(record.pk)
    assert entry.detail == {"user": coordinator_a.user_id, "training": signalling.pk}


def test_a_completion_date_in_the_future_is_refused(
    registrar: Membership, coordinator_a: Membership, signalling: Training
) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        do_register_training_record(
            actor=registrar, user=coordinator_a.user, training=signalling, completed_on=tomorrow
        )
    assert caught.value.message_dict == {
        "completed_on": ["The completion date cannot lie in the future."]
    }
    assert not TrainingRecord.objects.exists()
    assert not AuditEntry.objects.filter(object_type="training_record").exists()


def test_the_same_record_twice_is_refused(
    coordinator_a: Membership, signalling: Training, completed: Callable[..., TrainingRecord]
) -> None:
    completed(coordinator_a, signalling, days_ago(3))
    with pytest.raises(ValidationError, match="already registered"):
        completed(coordinator_a, signalling, days_ago(3))


def test_only_registrars_write(coordinator_a: Membership, signalling: Training) -> None:
    with pytest.raises(PermissionDenied):
        do_register_training_record(
            actor=coordinator_a,
            user=coordinator_a.user,
            training=signalling,
            completed_on=days_ago(1),
        )


def test_changing_validity_moves_every_expiry(
    registrar: Membership,
    coordinator_a: Membership,
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    record = completed(coordinator_a, signalling, dt.date(2024, 1, 31))
    assert do_change_validity(actor=registrar, training=signalling, validity_months=1) == 1
    record.refresh_from_db()
    assert record.expires_on == dt.date(2024, 2, 29)
    with pytest.raises(ValidationError, match="at least one month"):
        do_change_validity(actor=registrar, training=signalling, validity_months=0)
    signalling.refresh_from_db()
    assert signalling.validity_months == 1


def test_demo_seed_gives_a_varied_register_once(org_a, member: Callable[..., Membership]) -> None:
    from schakel.engine.vocabulary import Role
    from schakel.web.training.actions import do_seed_training_register
    from schakel.web.training.selectors import coverage

    for _ in range(20):
        member(org_a, Role.FRONTLINE)
    member(org_a, Role.ANALYST)
    made = do_seed_training_register(actor=SYSTEM)
    assert 0 < made == TrainingRecord.objects.count()
    assert AuditEntry.objects.filter(object_type="training_record").count() == made
    assert do_seed_training_register(actor=SYSTEM) == 0
    (row,) = coverage()
    assert row.members == 20 and 0 < row.trained < 20
    assert all(r.completed_on <= timezone.localdate() for r in TrainingRecord.objects.all())

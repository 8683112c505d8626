"""Writing the training register. Records are about staff, so every write is audited."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_access, do_record_accesses
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Actor, Capability, require
from schakel.web.training.access import access_training
from schakel.web.training.models import Training, TrainingRecord, expiry_date

A = AuditEntry.Action


def _require_registrar(actor: Membership) -> None:
    require(actor, Capability.REGISTER_TRAINING)


def do_register_training(
    *,
    actor: Membership,
    name: str,
    topic: str,
    provider: str,
    validity_months: int,
    description: str = "",
) -> Training:
    """Add a training to the catalogue; zero or negative validity is refused."""
    _require_registrar(actor)
    training = Training(
        name=name.strip(),
        topic=topic,
        provider=provider.strip(),
        validity_months=validity_months,
        description=description.strip(),
    )
    training.full_clean()
    with transaction.atomic():
        training.save()
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="training",
            object_id=training.pk,
            purpose="add a training",
        )
    return training


def do_change_validity(*, actor: Membership, training: Training, validity_months: int) -> int:
    """Change how long a training stays valid; every record's expiry follows. Returns how
    many records changed."""
    with transaction.atomic():
        training = access_training(actor, training.pk, write=True)
        training.validity_months = validity_months
        training.full_clean()
        training.save(update_fields=["validity_months"])
        records = list(TrainingRecord.objects.filter(training=training))
        for record in records:
            record.expires_on = expiry_date(record.completed_on, validity_months)
        TrainingRecord.objects.bulk_update(records, ["expires_on"], batch_size=500)
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="training",
            object_id=training.pk,
            purpose="change the validity period",
            detail={"validity_months": validity_months, "records": len(records)},
        )
    return len(records)


def do_register_training_record(
    *, actor: Membership, user: User, training: Training, completed_on: dt.date
) -> TrainingRecord:
    """Record that `user` completed `training` on `completed_on` (not in the future).

    The training stays locked until the record is saved, so its expiry follows the validity
    period in force (a change of validity cannot slip in between)."""
    with transaction.atomic():
        training = access_training(actor, training.pk, write=True)
        record = TrainingRecord(
            user=user,
            training=training,
            completed_on=completed_on,
            expires_on=expiry_date(completed_on, training.validity_months),
            registered_by_id=actor.user_id,
        )
        record.full_clean()
        record.save()
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="training_record",
            object_id=record.pk,
            purpose="register a completed training",
            detail={"user": user.pk, "training": training.pk},
        )
    return record


SEED_TRAININGS = (
    ("Signaleren van mensenhandel (voorbeeld)", "signalling", "Voorbeeldacademie (fictief)", 24),
    ("Meldcode en afwegingskader (voorbeeld)", "meldcode", "Voorbeeldacademie (fictief)", 12),
    (
        "Criminele uitbuiting herkennen (voorbeeld)",
        "criminal_exploitation",
        "Voorbeeldopleider (fictief)",
        24,
    ),
)


def do_seed_training_register(*, actor: Actor, seed: int = 2024, trained_share: float = 0.6) -> int:
    """Demo trainings, and records for about `trained_share` of the current frontline staff
    and coordinators, completed over the past three years (so some have lapsed and some are
    about to). Safe to run again: it does nothing when the register already has records.
    Returns how many records it made."""
    if TrainingRecord.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        trainings = [
            Training.objects.get_or_create(
                name=name, provider=provider, defaults={"topic": topic, "validity_months": months}
            )[0]
            for name, topic, provider, months in SEED_TRAININGS
        ]
        people = sorted(
            set(
                Membership.objects.active()
                .with_capability(Capability.RECORD_EVENTS)
                .values_list("user_id", flat=True)
            )
        )
        records = []
        for user_id in people:
            for training in trainings:
                if rng.random() >= trained_share:
                    continue
                completed = today - dt.timedelta(days=rng.randint(1, 3 * 365))
                records.append(
                    TrainingRecord(
                        user_id=user_id,
                        training=training,
                        completed_on=completed,
                        expires_on=expiry_date(completed, training.validity_months),
                    )
                )
        created = TrainingRecord.objects.bulk_create(records, batch_size=2000)
        do_record_accesses(
            actor=actor,
            accesses=[
                Access(A.CREATE, "training_record", str(r.pk), "synthetic training register")
                for r in created
            ],
        )
    return len(created)

"""Writing to and checking the audit trail.

Every read and write of personal data calls `do_record_access` (or `do_record_accesses` for a
batch) inside the same transaction as the work it records, so the work and its audit entry
land together or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from schakel.web.audit.chain import entry_content, entry_hash
from schakel.web.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from schakel.web.organisations.roles import Actor, SystemActor


@dataclass(frozen=True)
class Access:
    """One thing to record: what was done to which object, and why."""

    action: str
    object_type: str
    object_id: str
    purpose: str
    detail: dict[str, Any] = field(default_factory=dict)


def _locked_head() -> AuditHead:
    AuditHead.objects.get_or_create(id=1)
    return AuditHead.objects.select_for_update().get(id=1)


def do_record_accesses(*, actor: Actor, accesses: Sequence[Access]) -> list[AuditEntry]:
    """Append entries for `accesses` by `actor` (a `SystemActor` for the seed, jobs, commands)."""
    if not accesses:
        return []
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        entries = []
        previous, sequence = head.hash, head.sequence
        who = _who(actor)
        for access in accesses:
            sequence += 1
            fields: dict[str, Any] = {
                "sequence": sequence,
                "at": now,
                **who,
                "action": access.action,
                "object_type": access.object_type,
                "object_id": str(access.object_id),
                "purpose": access.purpose,
                "detail": access.detail,
            }
            digest = entry_hash(previous, entry_content(**fields))
            entries.append(AuditEntry(**fields, previous_hash=previous, hash=digest))
            previous = digest
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        AuditHead.objects.filter(id=1).update(sequence=sequence, hash=previous)
    return entries


def _who(actor: Actor) -> dict[str, Any]:
    if isinstance(actor, SystemActor):
        return {"actor_id": None, "actor_name": actor.name, "role": "", "organisation_id": None}
    return {
        "actor_id": actor.user_id,
        "actor_name": actor.user.get_username(),
        "role": actor.role,
        "organisation_id": actor.organisation_id,
    }


def do_record_access(
    *,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    purpose: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    access = Access(action, object_type, str(object_id), purpose, detail or {})
    return do_record_accesses(actor=actor, accesses=[access])[0]


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def _entries(batch: int = 5000) -> Iterator[AuditEntry]:
    return AuditEntry.objects.order_by("sequence").iterator(chunk_size=batch)


def verify_chain() -> ChainReport:
    """Walk the chain from the start; report the first entry that does not fit."""
    previous, expected, checked = GENESIS_HASH, 1, 0
    for entry in _entries():
        if entry.sequence != expected:
            return ChainReport(checked, expected, f"entry #{expected} is missing")
        if entry.previous_hash != previous:
            return ChainReport(checked, entry.sequence, "it does not follow the entry before it")
        content = entry_content(
            sequence=entry.sequence,
            at=entry.at,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
            role=entry.role,
            organisation_id=entry.organisation_id,
            action=entry.action,
            object_type=entry.object_type,
            object_id=entry.object_id,
            purpose=entry.purpose,
            detail=entry.detail,
        )
        if entry_hash(previous, content) != entry.hash:
            return ChainReport(checked, entry.sequence, "its content was altered")
        previous, expected, checked = entry.hash, expected + 1, checked + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.sequence != checked or head.hash != previous):
        return ChainReport(checked, checked + 1, f"entries after #{checked} were removed")
    return ChainReport(checked)

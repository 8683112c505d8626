"""Checking the audit trail: a read that walks the whole chain and reports where it breaks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from schakel.web.audit.chain import entry_content, entry_hash
from schakel.web.audit.models import GENESIS_HASH, AuditEntry, AuditHead


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

"""Checking the audit trail: walk the chain, the records it covers and the checkpoints.

What each check catches (issue 18's seven tamperings): an altered entry (its hash), a removed
entry (a gap in the sequence), a removed tail (the head, and the checkpoints when the head was
rewound with it), a chain re-hashed from an entry on (the keyed hash and the checkpoints), an
altered or deleted trajectory event (its content hash in the audit entry that recorded it).

After `schakel audit prune` (ADR 0025) the walk starts after `AuditHead.pruned_through`, from
the hash on the signed pruning line that names it: removing the start of the chain is accepted
only with that line (which takes the key to write) and only for entries past their retention
period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from schakel.web.audit.chain import entry_content, entry_hash, sign
from schakel.web.audit.models import GENESIS_HASH, AuditEntry, AuditHead
from schakel.web.audit.periods import RETENTION_DAYS

RecordDigests = Callable[[list[str]], dict[str, str]]
COVERED: dict[str, RecordDigests] = {}
"""Kinds of record whose content hash an audit entry carries, each with a function that gives
the current hash of records by id (registered by the app that owns them, e.g. trajectories)."""


def register_covered_records(kind: str, digests: RecordDigests) -> None:
    COVERED[kind] = digests


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    records_checked: int = 0
    checkpoints_checked: int = 0

    @property
    def intact(self) -> bool:
        return self.broken_at is None


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    keyed_from: int | None
    line: int
    at: str | None = None
    """The time of the entry it names: only on a pruning line."""
    pruned: bool = False
    """Written by `schakel audit prune`: the entries up to here were archived and removed."""


def _entries(start: int = 1, batch: int = 5000) -> Iterator[AuditEntry]:
    rows = AuditEntry.objects.filter(sequence__gte=start).order_by("sequence")
    return rows.iterator(chunk_size=batch)


def checkpoint_line(
    sequence: int, digest: str, keyed_from: int | None, *, pruned_at: dt.datetime | None = None
) -> str:
    """A signed line for the checkpoint file; with `pruned_at` (the time of the entry at
    `sequence`), the line that records a pruning through that entry."""
    body: dict[str, Any] = {"sequence": sequence, "hash": digest, "keyed_from": keyed_from}
    if pruned_at is not None:
        body |= {"pruned": True, "at": pruned_at.astimezone(dt.UTC).isoformat()}
    text = json.dumps(body, sort_keys=True)
    return json.dumps({**body, "mac": sign(text)}, sort_keys=True)


def read_checkpoints() -> tuple[list[Checkpoint], int | None]:
    """The signed checkpoints in the operator's file, and the first line that is not signed
    with the key (None when every line is)."""
    path = getattr(settings, "AUDIT_CHECKPOINT_FILE", "")
    if not path or not Path(path).exists():
        return [], None
    found: list[Checkpoint] = []
    for number, raw in enumerate(Path(path).read_text().splitlines(), start=1):
        try:
            data = json.loads(raw)
            mac = data.pop("mac")
        except (ValueError, KeyError, AttributeError):
            return found, number
        if sign(json.dumps(data, sort_keys=True)) != mac:
            return found, number
        found.append(
            Checkpoint(
                data["sequence"],
                data["hash"],
                data.get("keyed_from"),
                number,
                data.get("at"),
                data.get("pruned") is True,
            )
        )
    return found, None


def stored_content(entry: AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers, as it is stored."""
    return entry_content(
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


def _walk(head: AuditHead | None, start: int, previous: str) -> tuple[ChainReport, dict[str, Any]]:
    keyed_from = head.keyed_from if head is not None else None
    expected, checked = start, 0
    covered: dict[str, dict[str, tuple[int, str]]] = {}
    for entry in _entries(start):
        if entry.sequence != expected:
            return ChainReport(checked, expected, f"entry #{expected} is missing"), {}
        if entry.previous_hash != previous:
            reason = "it does not follow the entry before it"
            return ChainReport(checked, entry.sequence, reason), {}
        content = stored_content(entry)
        keyed = keyed_from is not None and entry.sequence >= keyed_from
        if entry_hash(previous, content, keyed=keyed) != entry.hash:
            reason = "its content was altered, or it was re-hashed without the key"
            return ChainReport(checked, entry.sequence, reason), {}
        for kind, digests in (entry.detail or {}).get("covers", {}).items():
            for record_id, digest in digests.items():
                covered.setdefault(kind, {})[record_id] = (entry.sequence, digest)
        previous, expected, checked = entry.hash, expected + 1, checked + 1
    return ChainReport(checked), {"previous": previous, "last": expected - 1, "covered": covered}


def _check_records(covered: dict[str, dict[str, tuple[int, str]]]) -> tuple[int, str, int]:
    """(entry, reason) of the first covered record that was changed or removed, else (0, '')."""
    checked = 0
    for kind, wanted in covered.items():
        digests = COVERED.get(kind)
        if digests is None:
            continue
        ids = sorted(wanted)
        for start in range(0, len(ids), 2000):
            batch = ids[start : start + 2000]
            current = digests(batch)
            for record_id in batch:
                sequence, digest = wanted[record_id]
                if record_id not in current:
                    return sequence, f"the {kind} it records was deleted", checked
                if current[record_id] != digest:
                    return sequence, f"the {kind} it records was altered", checked
                checked += 1
    return 0, "", checked


def pruning_anchor(
    head: AuditHead | None, checkpoints: list[Checkpoint]
) -> tuple[Checkpoint | None, str]:
    """The signed pruning line for the head's `pruned_through` (None when nothing was pruned),
    or the reason the removal of the chain's start is not accepted."""
    if head is None or not head.pruned_through:
        return None, ""
    pruned = head.pruned_through
    lines = [p for p in checkpoints if p.pruned and p.sequence == pruned]
    if not lines:
        return None, f"entries up to #{pruned} were removed without a signed pruning line"
    anchor = lines[-1]
    if anchor.keyed_from != head.keyed_from:
        return None, "the start of the keyed chain was moved"
    cutoff = timezone.now() - dt.timedelta(days=RETENTION_DAYS)
    if anchor.at is None or dt.datetime.fromisoformat(anchor.at) >= cutoff:
        return None, f"entries up to #{pruned} were removed before their retention period ended"
    return anchor, ""


def verify_chain(*, incremental: bool = False) -> ChainReport:
    """Walk the chain (from the last good checkpoint when `incremental`; after a pruning, from
    its signed line), the records its entries cover, and the signed checkpoints written outside
    the database."""
    head = AuditHead.objects.filter(id=1).first()
    checkpoints, bad_line = read_checkpoints()
    if bad_line is not None:
        return ChainReport(0, 0, f"checkpoint line {bad_line} is not signed with the key")
    pruning, refused = pruning_anchor(head, checkpoints)
    if refused:
        assert head is not None and head.pruned_through is not None
        return ChainReport(0, head.pruned_through, refused)
    start, previous = 1, GENESIS_HASH
    if pruning is not None:
        start, previous = pruning.sequence + 1, pruning.hash
        checkpoints = [p for p in checkpoints if p.sequence > pruning.sequence]
    if incremental and checkpoints:
        last = checkpoints[-1]
        anchor = AuditEntry.objects.filter(sequence=last.sequence).first()
        if anchor is not None and anchor.hash == last.hash:
            start, previous = last.sequence + 1, anchor.hash
    report, state = _walk(head, start, previous)
    if not report.intact:
        return report
    last_sequence = state["last"]
    if head is not None and (head.sequence != last_sequence or head.hash != state["previous"]):
        return ChainReport(
            report.checked, last_sequence + 1, f"entries after #{last_sequence} were removed"
        )
    sequence, reason, records = _check_records(state["covered"])
    if sequence:
        return ChainReport(report.checked, sequence, reason, records)
    for point in checkpoints:
        if point.sequence > last_sequence:
            return ChainReport(
                report.checked,
                last_sequence + 1,
                f"entries after #{last_sequence} were removed (checkpoint #{point.sequence})",
                records,
                len(checkpoints),
            )
        entry = AuditEntry.objects.filter(sequence=point.sequence).first()
        if entry is None or entry.hash != point.hash:
            reason = f"it differs from the checkpoint on line {point.line}: the chain was rewritten"
            return ChainReport(report.checked, point.sequence, reason, records, len(checkpoints))
        if head is not None and point.keyed_from != head.keyed_from:
            reason = "the start of the keyed chain was moved"
            return ChainReport(report.checked, point.sequence, reason, records, len(checkpoints))
    return ChainReport(report.checked, None, "", records, len(checkpoints))

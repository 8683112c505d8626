"""Pruning the start of the audit trail once it has passed its retention period (ADR 0025).

An operator's command run as the tables' owner (`schakel audit prune`), never a job of the
application: the application's role has no DELETE on the entries. The steps, in order:

1. verify the whole chain and every checkpoint; refuse unless the last entry to remove is named
   by a signed checkpoint line and every entry up to it is older than the audit period;
2. write the entries to a JSON Lines archive with a signed manifest (`check_archive` re-walks
   its hashes, so the archive can be verified without the database);
3. in one transaction (`actions.do_prune_audit_trail`): move `AuditHead.pruned_through`
   forward (a trigger lets DELETE through only at or below it), delete the entries, record
   the pruning as a new entry and append a signed pruning line (with the newest removed
   entry's time) to the checkpoint file.

`verify_chain` then starts after the pruning line. A `pruned_through` without such a line, or
with a line whose time is within the period, is named as tampering: the key that signs the line
lives outside the database, so someone who can only write to the database cannot make a removal
of recent entries look like a pruning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from schakel.web.audit.chain import entry_hash, sign
from schakel.web.audit.models import AuditEntry, AuditHead
from schakel.web.audit.periods import RETENTION_DAYS
from schakel.web.audit.selectors import (
    read_checkpoints,
    stored_content,
    verify_chain,
)

PURPOSE = "audit trail pruned: retention period passed"


class PruneRefused(Exception):
    """A pruning that may not or cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class PrunePlan:
    first: int
    through: int
    entries: int
    newest_at: dt.datetime
    hash: str
    keyed_from: int | None


@dataclass(frozen=True)
class PruneReport:
    plan: PrunePlan
    archive: Path
    manifest: Path
    line: str


def newest_eligible(cutoff: dt.datetime, after: int) -> int | None:
    """The last checkpoint line up to which every entry is older than `cutoff`."""
    young = AuditEntry.objects.filter(at__gte=cutoff).aggregate(first=Min("sequence"))["first"]
    lines, _ = read_checkpoints()
    fits = [
        p.sequence
        for p in lines
        if not p.pruned and p.sequence > after and (young is None or p.sequence < young)
    ]
    return max(fits, default=None)


def plan_prune(*, through: int, now: dt.datetime | None = None) -> PrunePlan:
    """Check that entries up to `through` may be pruned, and what that removes."""
    if not getattr(settings, "AUDIT_CHECKPOINT_FILE", ""):
        raise PruneRefused(
            "SCHAKEL_AUDIT_CHECKPOINT_FILE is not set: a pruning must be recorded in the "
            "checkpoint file, outside the database, or `audit verify` cannot accept it."
        )
    head = AuditHead.objects.filter(id=1).first()
    done = (head.pruned_through or 0) if head is not None else 0
    if head is None or through < 1 or through > head.sequence:
        raise PruneRefused(f"There is no entry #{through} in the audit trail.")
    if through <= done:
        raise PruneRefused(f"Entries up to #{done} were pruned already.")
    report = verify_chain()
    if not report.intact:
        raise PruneRefused(
            f"The audit trail does not verify (entry #{report.broken_at}: {report.reason}); "
            "prune nothing until that is explained."
        )
    days = RETENTION_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    lines, _ = read_checkpoints()
    if not any(p.sequence == through and not p.pruned for p in lines):
        problem = f"No signed checkpoint line names #{through}."
        raise PruneRefused(_suggestion(problem, cutoff, done))
    entries = AuditEntry.objects.filter(sequence__gt=done, sequence__lte=through)
    newest = entries.aggregate(at=Max("at"))["at"]
    if newest is None or newest >= cutoff:
        raise PruneRefused(
            _suggestion(
                f"Entries up to #{through} are not all older than the audit trail's retention "
                f"period ({days // 365} years).",
                cutoff,
                done,
            )
        )
    last = AuditEntry.objects.get(sequence=through)
    return PrunePlan(done + 1, through, through - done, newest, last.hash, head.keyed_from)


def _suggestion(problem: str, cutoff: dt.datetime, done: int) -> str:
    eligible = newest_eligible(cutoff, done)
    if eligible is None:
        return f"{problem} No checkpoint line is old enough yet; nothing can be pruned."
    return f"{problem} The newest checkpoint that may be pruned through is #{eligible}."


def _archive_paths(folder: Path, plan: PrunePlan) -> tuple[Path, Path]:
    stem = f"audit-{plan.first:09d}-{plan.through:09d}"
    return folder / f"{stem}.jsonl", folder / f"{stem}.manifest.json"


def write_archive(plan: PrunePlan, folder: Path) -> tuple[Path, Path, str]:
    """The entries as JSON Lines (each with what its hash covers), a signed manifest, and the
    archive's SHA-256."""
    archive, manifest = _archive_paths(folder, plan)
    if archive.exists() or manifest.exists():
        raise PruneRefused(f"{archive} exists already; keep it, and choose another folder.")
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    first_previous = ""
    with archive.open("w", encoding="utf-8") as out:
        rows = AuditEntry.objects.filter(sequence__gte=plan.first, sequence__lte=plan.through)
        for entry in rows.order_by("sequence").iterator(chunk_size=5000):
            first_previous = first_previous or entry.previous_hash
            record = {
                "content": stored_content(entry),
                "previous_hash": entry.previous_hash,
                "hash": entry.hash,
            }
            line = json.dumps(record, sort_keys=True, default=str) + "\n"
            digest.update(line.encode())
            out.write(line)
    body = {
        "file": archive.name,
        "sha256": digest.hexdigest(),
        "first": plan.first,
        "through": plan.through,
        "entries": plan.entries,
        "previous_hash": first_previous,
        "hash": plan.hash,
        "keyed_from": plan.keyed_from,
        "newest_at": plan.newest_at.astimezone(dt.UTC).isoformat(),
    }
    mac = sign(json.dumps(body, sort_keys=True))
    manifest.write_text(json.dumps({**body, "mac": mac}, sort_keys=True, indent=1) + "\n")
    return archive, manifest, digest.hexdigest()


def check_archive(manifest: Path) -> int:
    """Check an archive against its signed manifest and re-walk its hashes; returns the number
    of entries. Raises `PruneRefused` naming the first thing that does not fit."""
    data: dict[str, Any] = json.loads(manifest.read_text())
    mac = data.pop("mac", "")
    if sign(json.dumps(data, sort_keys=True)) != mac:
        raise PruneRefused(f"{manifest.name} is not signed with the audit key.")
    archive = manifest.parent / data["file"]
    raw = archive.read_bytes()
    if hashlib.sha256(raw).hexdigest() != data["sha256"]:
        raise PruneRefused(f"{archive.name} differs from its manifest.")
    keyed_from = data["keyed_from"]
    previous, expected = data["previous_hash"], data["first"]
    for text in raw.decode().splitlines():
        record = json.loads(text)
        content = record["content"]
        keyed = keyed_from is not None and content["sequence"] >= keyed_from
        if (
            content["sequence"] != expected
            or record["previous_hash"] != previous
            or entry_hash(previous, content, keyed=keyed) != record["hash"]
        ):
            raise PruneRefused(f"Entry #{expected} in {archive.name} does not fit the chain.")
        previous, expected = record["hash"], expected + 1
    if expected - 1 != data["through"] or previous != data["hash"]:
        raise PruneRefused(f"{archive.name} ends before entry #{data['through']}.")
    return int(expected - data["first"])

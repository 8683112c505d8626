"""Writing to the audit trail (checking it: `selectors.verify_chain`).

Every read and write of personal data calls `do_record_access` (or `do_record_accesses` for a
batch) inside the same transaction as the work it records, so the work and its audit entry
land together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.web.audit.chain import entry_content, entry_hash
from schakel.web.audit.models import AuditEntry, AuditHead
from schakel.web.audit.pruning import (
    PURPOSE,
    PruneRefused,
    PruneReport,
    plan_prune,
    write_archive,
)
from schakel.web.audit.selectors import checkpoint_line
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Actor, Capability, SystemActor, require

if TYPE_CHECKING:
    from schakel.web.audit.search import AuditFilter


@dataclass(frozen=True)
class Access:
    """One thing to record: what was done to which object, and why."""

    action: str
    object_type: str
    object_id: str
    purpose: str
    detail: dict[str, Any] = field(default_factory=dict)


def _locked_head() -> AuditHead:
    """The head, locked; a chain without keyed entries yet is keyed from its next entry on."""
    head = AuditHead.objects.select_for_update().filter(id=1).first()
    if head is None:
        AuditHead.objects.get_or_create(id=1, defaults={"keyed_from": 1})
        head = AuditHead.objects.select_for_update().get(id=1)
    if head.keyed_from is None:
        head.keyed_from = head.sequence + 1
        AuditHead.objects.filter(id=1).update(keyed_from=head.keyed_from)
    return head


def _keyed(head: AuditHead, sequence: int) -> bool:
    return head.keyed_from is not None and sequence >= head.keyed_from


# Entries waiting to be appended at the end of a `deferred_audit()` block (None: append now).
_pending: ContextVar[list[AuditEntry] | None] = ContextVar("audit_pending", default=None)


@contextmanager
def deferred_audit() -> Iterator[None]:
    """Append the entries recorded inside the block together, at its end.

    Every append locks the chain's head until the transaction ends, and every audited request
    of every worker waits for that lock. A transaction of several audited steps (a referral
    registers a person, opens a trajectory, records consent and two events) would hold it from
    its first step to its commit; inside this block the entries wait in memory and are
    appended in one go when the block ends, so the head is locked only for the last moment.
    Use it inside the work's own `transaction.atomic()` (`with transaction.atomic(),
    deferred_audit():`): the entries then still commit with the work or not at all. The
    entries returned inside the block are saved when it ends; an exception discards them with
    the work. A nested block appends with the outer one.
    """
    if _pending.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("deferred_audit() belongs inside the work's transaction.atomic()")
    pending: list[AuditEntry] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _append(pending)


def _append(entries: list[AuditEntry]) -> None:
    """Chain `entries` (fields set, no sequence or hash yet) onto the head and save them."""
    if not entries:
        return
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        previous, sequence = head.hash, head.sequence
        for entry in entries:
            sequence += 1
            entry.sequence, entry.at, entry.previous_hash = sequence, now, previous
            content = entry_content(**{name: getattr(entry, name) for name in _CONTENT})
            entry.hash = previous = entry_hash(previous, content, keyed=_keyed(head, sequence))
        AuditEntry.objects.bulk_create(entries, batch_size=2000)
        AuditHead.objects.filter(id=1).update(sequence=sequence, hash=previous)


_CONTENT = (
    "sequence",
    "at",
    "actor_id",
    "actor_name",
    "role",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "purpose",
    "detail",
)


def do_record_accesses(*, actor: Actor, accesses: Sequence[Access]) -> list[AuditEntry]:
    """Append entries for `accesses` by `actor` (a `SystemActor` for the seed, jobs, commands);
    inside `deferred_audit()` they are appended when that block ends."""
    if not accesses:
        return []
    who = _who(actor)
    entries = [
        AuditEntry(
            **who,
            action=access.action,
            object_type=access.object_type,
            object_id=str(access.object_id),
            purpose=access.purpose,
            detail=access.detail,
        )
        for access in accesses
    ]
    pending = _pending.get()
    if pending is not None:
        pending.extend(entries)
    else:
        _append(entries)
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


def do_record_account_event(
    *,
    user: Any,
    action: str,
    purpose: str,
    address: str,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Something done to or with an account before any membership acts: a sign-in, sign-out,
    refused sign-in, password change. `user` is the account (None when a sign-in named no
    account: the entry then names no one), `address` the client's address."""
    entry = AuditEntry(
        actor_id=user.pk if user is not None else None,
        actor_name=user.get_username() if user is not None else "-",
        role="",
        organisation_id=None,
        action=action,
        object_type="account",
        object_id=str(user.pk) if user is not None else "",
        purpose=purpose,
        detail={"address": address, **(detail or {})},
    )
    _append([entry])  # at once, also inside a deferred block: sign-ins are not its work
    return entry


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


def do_record_read(
    *, actor: Actor, object_type: str, object_id: object, purpose: str | None
) -> None:
    """Record a read when it has a stated purpose (an access helper's `purpose=`), else nothing."""
    if purpose:
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.READ,
            object_type=object_type,
            object_id=object_id,
            purpose=purpose[:200],
        )


def do_record_page_read(
    *,
    actor: Actor,
    object_type: str,
    page: str,
    purpose: str,
    subjects: Mapping[str, Iterable[object]],
) -> AuditEntry:
    """One entry for one view of a page or endpoint that shows person-linked rows: the page,
    why, and the subjects it showed (`{"trajectories": [...]}`), however many. Batched per
    page, so a list of fifty costs one append, not fifty; written even when the list is
    empty, since looking is itself the act the trail records."""
    detail = {kind: sorted({str(i) for i in ids}) for kind, ids in subjects.items()}
    return do_record_access(
        actor=actor,
        action=AuditEntry.Action.READ,
        object_type=object_type,
        object_id=page[:64],
        purpose=purpose[:200],
        detail=detail,
    )


def do_record_denied(
    *, actor: Actor, object_type: str, object_id: object, purpose: str | None
) -> None:
    """Record a refused or fruitless request for personal data when it had a stated purpose:
    someone asked for it, and why."""
    if purpose is not None:
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.DENIED,
            object_type=object_type,
            object_id=str(object_id)[:64],
            purpose=purpose[:200],
        )


def do_write_checkpoint() -> str | None:
    """Append a signed line with the head (sequence, hash, start of the keyed chain) to the
    operator's checkpoint file, outside the database; verification compares the chain with
    every line. Returns the line, or None when no file is configured."""
    from pathlib import Path

    from django.conf import settings

    from schakel.web.audit.selectors import checkpoint_line

    path = getattr(settings, "AUDIT_CHECKPOINT_FILE", "")
    head = AuditHead.objects.filter(id=1).first()
    if not path or head is None or head.sequence == 0:
        return None
    line = checkpoint_line(head.sequence, head.hash, head.keyed_from)
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    return line


def do_export_audit_lines(
    *, actor: Membership, selection: AuditFilter, file_format: str
) -> tuple[bytes, int]:
    """The file and its number of lines; refused above `EXPORT_LIMIT` lines."""
    from schakel.web.audit.export import EXPORT_LIMIT, export_file
    from schakel.web.audit.search import entries_matching

    require(actor, Capability.VIEW_AUDIT)
    with transaction.atomic():
        entries = list(
            entries_matching(selection).select_related("organisation")[: EXPORT_LIMIT + 1]
        )
        if len(entries) > EXPORT_LIMIT:
            raise ValidationError(
                _("More than %(limit)s lines: narrow the selection first.")
                % {"limit": f"{EXPORT_LIMIT:,}".replace(",", ".")}
            )
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.EXPORT,
            object_type="audit_trail",
            object_id=file_format,
            purpose="export audit lines",
            detail={"lines": len(entries), "selection": selection.described},
        )
    return export_file(entries, file_format), len(entries)


def do_prune_audit_trail(
    *, actor: SystemActor, through: int, archive_folder: Path, now: dt.datetime | None = None
) -> PruneReport:
    """Archive, then remove, the audit entries up to `through` (ADR 0025; the steps are in
    `audit.pruning`'s docstring)."""
    plan = plan_prune(through=through, now=now)
    archive, manifest, sha256 = write_archive(plan, archive_folder)
    line = checkpoint_line(plan.through, plan.hash, plan.keyed_from, pruned_at=plan.newest_at)
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().get(id=1)
        if (head.pruned_through or 0) != plan.first - 1:
            raise PruneRefused("Another pruning ran at the same time; run the command again.")
        AuditHead.objects.filter(id=1).update(pruned_through=plan.through)
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditentry WHERE sequence <= %s", [plan.through])
        except DatabaseError as error:
            raise PruneRefused(
                "The database refused to delete audit entries "
                f"({str(error).strip().splitlines()[0]}): run the command as the tables' "
                "owner (DATABASE_URL of the role that migrates), not as the application."
            ) from None
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="audit_trail",
            object_id=f"{plan.first}-{plan.through}",
            purpose=PURPOSE,
            detail={"entries": plan.entries, "archive": archive.name, "sha256": sha256},
        )
        with Path(settings.AUDIT_CHECKPOINT_FILE).open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return PruneReport(plan, archive, manifest, line)

"""Erasure by crypto-shredding: for retention (the scheduled job) and for approved requests.

Erasing a person destroys their data key (and those of persons merged into them), then
deletes the identity record and its search tokens. Events stay: they refuse DELETE, hold only
codes in the clear, and the monitor counts them without a name. Their free text, the referral
reasons and time notes were sealed with the destroyed key and read as "[erased]" from then on,
in the database and in any backup restored without that key (docs/retention.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from schakel.engine.vocabulary import CaseStatus
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_access, do_record_accesses
from schakel.web.core.crypto import destroy_data_keys
from schakel.web.core.models import DataKey
from schakel.web.monitor.models import Release
from schakel.web.monitor.stored import latest_release
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Actor, Capability, SystemActor, require
from schakel.web.retention.models import Erasure, ErasureRequest
from schakel.web.retention.policy import PERIODS, Kind
from schakel.web.signals.models import Consultation
from schakel.web.trajectories.models import Identity, IdentityKey, Person, Trajectory

BATCH = 1000
CLOSED = (CaseStatus.CLOSED.value, CaseStatus.CLOSED_REFERRED.value)
Progress = Callable[[str, int, int], None]


def _actor_name(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return actor.name
    return actor.user.get_username()


def _with_merged(person_ids: list[Any]) -> list[str]:
    """The persons and every person merged into them (their records moved, their keys not)."""
    found = {str(p) for p in person_ids}
    frontier: set[str] = set(found)
    while frontier:
        merged = Person.objects.filter(merged_into__in=[uuid.UUID(p) for p in frontier])
        more = {str(p) for p in merged.values_list("pk", flat=True)}
        frontier = more - found
        found |= more
    return sorted(found)


def erase_persons(
    person_ids: list[Any],
    *,
    actor: Actor,
    basis: str,
    kind: Kind = Kind.CLOSED_TRAJECTORY,
    request: ErasureRequest | None = None,
) -> Erasure:
    """Crypto-shred the persons' data in one transaction, with one audit entry per person
    (its pseudonymous id and the basis: never what was erased)."""
    subjects = _with_merged(person_ids)
    with transaction.atomic():
        trajectories = Trajectory.objects.filter(person_id__in=subjects).count()
        keys = destroy_data_keys(subjects)
        identities = Identity.objects.filter(person_id__in=subjects).delete()[0]
        tokens = IdentityKey.objects.filter(person_id__in=subjects).delete()[0]
        do_record_accesses(
            actor=actor,
            accesses=[
                Access(
                    AuditEntry.Action.UPDATE,
                    "person",
                    subject,
                    f"erasure: {Erasure.Basis(basis).value}",
                    {"kind": kind.value},
                )
                for subject in subjects
            ],
        )
        return Erasure.objects.create(
            at=timezone.now(),
            kind=kind.value,
            basis=basis,
            subjects=len(subjects),
            records={
                "data_keys": keys,
                "identities": identities,
                "search_tokens": tokens,
                "trajectories_kept_pseudonymous": trajectories,
            },
            by=_actor_name(actor),
            request=request,
        )


# --- requests -----------------------------------------------------------------------------


def do_request_erasure(
    *, actor: Membership, trajectory: Trajectory, ground: str, reference: str = ""
) -> ErasureRequest:
    """Ask for the erasure of the person of a trajectory the actor's organisation holds."""
    require(actor, Capability.REQUEST_ERASURE)
    if ground not in ErasureRequest.Ground.values:
        raise ValidationError({"ground": gettext("Choose a ground.")})
    with transaction.atomic():
        if ErasureRequest.objects.filter(
            person_id=trajectory.person_id, status=ErasureRequest.Status.PENDING
        ).exists():
            raise ValidationError(
                gettext("An erasure request for this person is already waiting for a decision.")
            )
        request = ErasureRequest.objects.create(
            person_id=trajectory.person_id,
            organisation_id=actor.organisation_id,
            requested_by_id=actor.user_id,
            requested_at=timezone.now(),
            ground=ground,
            reference=reference.strip()[:40],
        )
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="erasure_request",
            object_id=request.pk,
            purpose="erasure requested",
            detail={"ground": ground},
        )
    return request


def do_decide_erasure(
    *, actor: Membership, request: ErasureRequest, approve: bool
) -> ErasureRequest:
    """A supervisor of the same organisation approves (the person is erased at once) or
    refuses; the one who asked cannot decide (four eyes)."""
    require(actor, Capability.APPROVE_ERASURE)
    with transaction.atomic():
        locked = ErasureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.organisation_id != actor.organisation_id:
            raise PermissionDenied
        if locked.status != ErasureRequest.Status.PENDING:
            raise ValidationError(gettext("This request was already decided."))
        if locked.requested_by_id == actor.user_id:
            raise ValidationError(gettext("Someone else must decide on your own request."))
        locked.status = ErasureRequest.Status.APPROVED if approve else ErasureRequest.Status.REFUSED
        locked.decided_by_id = actor.user_id
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="erasure_request",
            object_id=locked.pk,
            purpose="erasure approved" if approve else "erasure refused",
        )
        if approve:
            erase_persons(
                [locked.person_id], actor=actor, basis=Erasure.Basis.REQUEST, request=locked
            )
    return locked


# --- the retention job ---------------------------------------------------------------------


@dataclass
class RetentionReport:
    dry_run: bool
    due: dict[str, int] = field(default_factory=dict)
    erased: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "due": self.due, "erased": self.erased}


def persons_due(today: dt.date) -> list[str]:
    """Persons whose every trajectory is closed, the last closure before the period's start,
    and whose data key still exists."""
    cutoff = PERIODS[Kind.CLOSED_TRAJECTORY].cutoff(today)
    still_open = Trajectory.objects.exclude(case_status__in=CLOSED).values("person_id")
    rows = (
        Trajectory.objects.filter(case_status__in=CLOSED)
        .exclude(person_id__in=still_open)
        .filter(person_id__in=DataKey.objects.values("subject"))
        .values("person_id")
        .annotate(closed=Max("events__occurred_at", filter=Q(events__event_type="closure")))
        .filter(closed__date__lt=cutoff)
        .values_list("person_id", flat=True)
    )
    return sorted(str(p) for p in rows)


def consultations_due(today: dt.date) -> list[str]:
    cutoff = PERIODS[Kind.CONSULTATION].cutoff(today)
    rows = Consultation.objects.filter(
        Q(answered_at__date__lt=cutoff) | Q(answered_at__isnull=True, asked_at__date__lt=cutoff),
        pk__in=DataKey.objects.values("subject"),
    ).values_list("pk", flat=True)
    return sorted(str(p) for p in rows)


def _old_paths(folder: Path, days: int, *, keep: set[Path]) -> list[Path]:
    if not folder.is_dir():
        return []
    cutoff = time.time() - days * 86400
    return [
        p
        for p in sorted(folder.iterdir())
        if not p.is_symlink() and p.resolve() not in keep and p.stat().st_mtime < cutoff
    ]


def files_due() -> dict[Kind, list[Path]]:
    data = Path(settings.DATA_DIR)
    return {
        Kind.LINKAGE_FILE: _old_paths(
            data / "linkage", PERIODS[Kind.LINKAGE_FILE].days, keep=set()
        ),
    }


def releases_due(today: dt.date) -> list[int]:
    """Stored monitor releases made before the period's start; the newest always stays (the
    monitor pages show it), however old."""
    cutoff = PERIODS[Kind.MONITOR_RELEASE].cutoff(today)
    newest = latest_release()
    old = Release.objects.filter(created_at__date__lt=cutoff)
    if newest is not None:
        old = old.exclude(pk=newest.pk)
    return sorted(old.values_list("pk", flat=True))


def do_apply_retention(
    *,
    actor: SystemActor,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> RetentionReport:
    """Erase what has passed its period (or, with `dry_run`, only count it)."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    report = RetentionReport(dry_run=dry_run)
    persons = persons_due(today)
    consultations = consultations_due(today)
    files = files_due()
    releases = releases_due(today)
    report.due = {
        Kind.CLOSED_TRAJECTORY.value: len(persons),
        Kind.CONSULTATION.value: len(consultations),
        Kind.MONITOR_RELEASE.value: len(releases),
        **{kind.value: len(paths) for kind, paths in files.items()},
    }
    if dry_run:
        report.seconds = time.perf_counter() - started
        return report
    for start in range(0, len(persons), BATCH):
        erasure = erase_persons(
            persons[start : start + BATCH], actor=actor, basis=Erasure.Basis.RETENTION
        )
        report.erased[Kind.CLOSED_TRAJECTORY.value] = (
            report.erased.get(Kind.CLOSED_TRAJECTORY.value, 0) + erasure.subjects
        )
        if progress:
            progress(Kind.CLOSED_TRAJECTORY.value, start + BATCH, len(persons))
    _erase_consultations(consultations, actor=actor, report=report)
    _erase_files(files, actor=actor, report=report)
    _erase_releases(releases, actor=actor, report=report)
    report.seconds = time.perf_counter() - started
    return report


def _erase_consultations(ids: list[str], *, actor: SystemActor, report: RetentionReport) -> None:
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        with transaction.atomic():
            destroyed = destroy_data_keys(batch)
            do_record_access(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                object_type="consultation",
                object_id=f"{len(batch)} consultations",
                purpose="erasure: retention period passed",
                detail={"kind": Kind.CONSULTATION.value, "count": destroyed},
            )
            Erasure.objects.create(
                at=timezone.now(),
                kind=Kind.CONSULTATION.value,
                basis=Erasure.Basis.RETENTION,
                subjects=len(batch),
                records={"data_keys": destroyed},
                by=actor.name,
            )
        report.erased[Kind.CONSULTATION.value] = report.erased.get(
            Kind.CONSULTATION.value, 0
        ) + len(batch)


def _erase_files(
    files: dict[Kind, list[Path]], *, actor: SystemActor, report: RetentionReport
) -> None:
    for kind, paths in files.items():
        if not paths:
            continue
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        with transaction.atomic():
            do_record_access(
                actor=actor,
                action=AuditEntry.Action.UPDATE,
                object_type="files",
                object_id=kind.value,
                purpose="erasure: retention period passed",
                detail={"kind": kind.value, "count": len(paths)},
            )
            Erasure.objects.create(
                at=timezone.now(),
                kind=kind.value,
                basis=Erasure.Basis.RETENTION,
                subjects=len(paths),
                records={"files": len(paths)},
                by=actor.name,
            )
        report.erased[kind.value] = len(paths)


def _erase_releases(ids: list[int], *, actor: SystemActor, report: RetentionReport) -> None:
    if not ids:
        return
    with transaction.atomic():
        Release.objects.filter(pk__in=ids).delete()  # its selections go with it (CASCADE)
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="monitor_release",
            object_id=f"{len(ids)} releases",
            purpose="erasure: retention period passed",
            detail={"kind": Kind.MONITOR_RELEASE.value, "releases": ids},
        )
        Erasure.objects.create(
            at=timezone.now(),
            kind=Kind.MONITOR_RELEASE.value,
            basis=Erasure.Basis.RETENTION,
            subjects=len(ids),
            records={"releases": len(ids)},
            by=actor.name,
        )
    report.erased[Kind.MONITOR_RELEASE.value] = len(ids)

"""Time registration on a trajectory: what the regional workload overview counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.access import access_trajectory
from schakel.web.trajectories.models import TimeEntry, Trajectory


def do_register_time(
    *,
    actor: Membership,
    trajectory: Trajectory,
    task_type: str,
    on: dt.date,
    minutes: int,
    note: str = "",
) -> TimeEntry:
    """Register time spent on a trajectory (locked and checked before the entry is validated)."""
    with transaction.atomic():
        access_trajectory(actor, trajectory.pk, write=True)
        entry = TimeEntry(
            trajectory=trajectory,
            user_id=actor.user_id,
            task_type=task_type,
            on=on,
            minutes=minutes,
            note=note,
        )
        entry.full_clean()
        entry.save()
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="time_entry",
            object_id=entry.pk,
            purpose="register time",
            detail={"trajectory": str(trajectory.pk)},
        )
    return entry

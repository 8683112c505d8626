"""The care coordinator's work made visible: time per kind of task, caseload, waiting times and
unassigned trajectories per region, so a municipality can see the capacity it lacks."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from schakel.engine.vocabulary import OrganisationType
from schakel.web.audit.actions import do_record_access
from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.coordination import OPEN
from schakel.web.trajectories.models import Referral, TimeEntry, Trajectory

PERIOD_DAYS = 90


def do_register_time(
    *,
    actor: Membership,
    trajectory: Trajectory,
    task_type: str,
    on: dt.date,
    minutes: int,
    note: str = "",
) -> TimeEntry:
    if not Trajectory.objects.writable_by(actor).filter(pk=trajectory.pk).exists():
        raise PermissionDenied("You may not register time on this trajectory.")
    entry = TimeEntry(
        trajectory=trajectory,
        user_id=actor.user_id,
        task_type=task_type,
        on=on,
        minutes=minutes,
        note=note,
    )
    entry.full_clean()
    with transaction.atomic():
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


@dataclass(frozen=True)
class CoordinatorLoad:
    user: User
    organisation: str
    caseload: int
    hours: dict[str, float]

    @property
    def total_hours(self) -> float:
        return round(sum(self.hours.values()), 1)


@dataclass(frozen=True)
class RegionalOverview:
    region: str
    coordinators: list[CoordinatorLoad]
    unassigned: int
    open_trajectories: int
    median_answer_days: float | None
    waiting_referrals: int
    hours_by_task: dict[str, float]


def regional_overview(actor: Membership, today: dt.date | None = None) -> RegionalOverview:
    """Aggregates for the actor's region; no personal data, only counts and hours."""
    today = today or timezone.localdate()
    region = actor.organisation.region
    since = today - dt.timedelta(days=PERIOD_DAYS)
    orgs = {
        "organisation__region": region,
        "organisation__type": OrganisationType.CARE_COORDINATION,
    }
    open_rows = Trajectory.objects.filter(OPEN, **orgs)
    caseload = dict(
        open_rows.exclude(coordinator=None)
        .values_list("coordinator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    hours: dict[int, dict[str, float]] = {}
    by_task: dict[str, float] = {}
    entries = (
        TimeEntry.objects.filter(on__gte=since, **{f"trajectory__{k}": v for k, v in orgs.items()})
        .values_list("user_id", "task_type")
        .annotate(total=Sum("minutes"))
        .order_by()
    )
    for user_id, task, minutes in entries:
        hours.setdefault(user_id, {})[task] = round(minutes / 60, 1)
        by_task[task] = round(by_task.get(task, 0.0) + minutes / 60, 1)
    members = (
        Membership.objects.active()
        .with_capability(Capability.COORDINATE_TRAJECTORIES)
        .filter(**orgs)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name")
    )
    answered = Referral.objects.filter(
        to_organisation__region=region, answered_at__isnull=False, sent_at__date__gte=since
    ).values_list("sent_at", "answered_at")
    waits = [(done - sent).total_seconds() / 86400 for sent, done in answered if done is not None]
    return RegionalOverview(
        region=region,
        coordinators=[
            CoordinatorLoad(
                m.user, m.organisation.name, caseload.get(m.user_id, 0), hours.get(m.user_id, {})
            )
            for m in members
        ],
        unassigned=open_rows.filter(coordinator=None).count(),
        open_trajectories=open_rows.count(),
        median_answer_days=round(statistics.median(waits), 1) if waits else None,
        waiting_referrals=Referral.objects.filter(
            Q(status=Referral.Status.IN_PROGRESS), to_organisation__region=region
        ).count(),
        hours_by_task=by_task,
    )

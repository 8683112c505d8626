"""The work that comes to a coordinator: my tasks, the team's, cases without a coordinator.

"Mine" means trajectories I coordinate; the team view is the organisation's. Lists say how many
there are in all; a page or a panel shows part and links to the rest, never cuts silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Referral, Trajectory, TrajectoryTask
from schakel.web.trajectories.selectors import OPEN


def tasks_of(actor: Membership, *, team: bool = False) -> QuerySet[TrajectoryTask]:
    """Open tasks of the trajectories I coordinate, or (team) of my organisation's."""
    rows = TrajectoryTask.objects.of_organisation(actor)
    if not team:
        rows = rows.filter(trajectory__coordinator_id=actor.user_id)
    return rows.select_related("trajectory__person", "trajectory__coordinator")


@dataclass(frozen=True)
class Due:
    overdue: QuerySet[TrajectoryTask]
    this_week: QuerySet[TrajectoryTask]


def due(actor: Membership, *, team: bool = False, today: dt.date | None = None) -> Due:
    today = today or timezone.localdate()
    rows = tasks_of(actor, team=team)
    return Due(
        overdue=rows.filter(due_on__lt=today).order_by("due_on", "pk"),
        this_week=rows.filter(due_on__gte=today, due_on__lt=today + dt.timedelta(days=7)).order_by(
            "due_on", "pk"
        ),
    )


def without_coordinator(actor: Membership) -> QuerySet[Trajectory]:
    """Open trajectories of my organisation that nobody coordinates yet."""
    return (
        Trajectory.objects.of_organisation(actor)
        .filter(OPEN, coordinator__isnull=True)
        .select_related("person")
        .order_by("opened_at")
    )


def referrals_sent(actor: Membership) -> QuerySet[Referral]:
    """Referrals my organisation sent, newest first (the referrer follows their status)."""
    return (
        Referral.objects.filter(from_organisation_id=actor.organisation_id)
        .select_related("to_organisation", "trajectory__person")
        .order_by("-sent_at")
    )


@dataclass(frozen=True)
class HandoverPreview:
    trajectories: list[Trajectory]
    overdue_tasks: int
    open_tasks: int


def handover_preview(actor: Membership, from_user_id: int) -> HandoverPreview:
    """What a handover of this colleague's work would move: their open trajectories in my
    organisation, with the overdue and open tasks they carry (three queries)."""
    rows = list(
        Trajectory.objects.of_organisation(actor)
        .filter(OPEN, coordinator_id=from_user_id)
        .select_related("person")
        .order_by("person__pseudonym")
    )
    tasks = TrajectoryTask.objects.filter(trajectory__in=[t.pk for t in rows])
    return HandoverPreview(
        trajectories=rows,
        overdue_tasks=tasks.filter(due_on__lt=timezone.localdate()).count(),
        open_tasks=tasks.count(),
    )

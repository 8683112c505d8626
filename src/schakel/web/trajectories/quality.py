"""The data-quality worklist of one organisation: trajectories that need a correction or a
decision, each line linking to the trajectory.

Checks that depend on what events mean use the engine's own rules (`project_state` for the
placement still running, the supersession link for a correction that names another
trajectory's event, as the monitor's `dangling_correction` rule does), not a copy in SQL.
Every check is a bounded number of queries, whatever the number of trajectories.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from schakel.engine.trajectories import Event, project_state
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.registry import REGISTRY
from schakel.engine.vocabulary import CaseStatus
from schakel.web.organisations.models import Membership
from schakel.web.trajectories.models import Referral, Trajectory, TrajectoryEvent, TrajectoryTask

CLOSED = (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)
REFERRAL_ANSWER_DAYS = 14
"""A referral still unanswered after this many days is a line on the worklist."""
RECORDING_SLACK = dt.timedelta(days=1)
"""An event may be dated up to a day after it was recorded (time zones, late entries)."""

CHECKS: dict[str, Promise] = {
    "no_coordinator": _("Open trajectory without a coordinator"),
    "overdue_task": _("Follow-up overdue"),
    "placement_after_closure": _("Placement still running after closure"),
    "impossible_date": _("Impossible date"),
    "unanswered_referral": _("Referral unanswered"),
    "dangling_correction": _("Correction of an event of another trajectory"),
}
"""Every check, in the order the worklist shows them."""


@dataclass(frozen=True)
class QualityLine:
    check: str
    trajectory_id: str
    pseudonym: str
    since: dt.date | None
    count: int = 1

    @property
    def label(self) -> Promise:
        return CHECKS[self.check]


def _own(membership: Membership) -> QuerySet[Trajectory]:
    return Trajectory.objects.filter(organisation_id=membership.organisation_id)


def _line(
    check: str, trajectory_id: object, pseudonym: str, since: object, count: int = 1
) -> QualityLine:
    day = since.date() if isinstance(since, dt.datetime) else since
    return QualityLine(
        check, str(trajectory_id), pseudonym, day if isinstance(day, dt.date) else None, count
    )


def quality_worklist(membership: Membership, today: dt.date | None = None) -> list[QualityLine]:
    """All lines for the organisation `membership` acts for, grouped by check."""
    today = today or timezone.localdate()
    now = timezone.now()
    own = _own(membership)
    lines: list[QualityLine] = []
    open_ = own.exclude(case_status__in=CLOSED)
    for t in open_.filter(coordinator__isnull=True).values("pk", "person__pseudonym", "opened_at"):
        lines.append(_line("no_coordinator", t["pk"], t["person__pseudonym"], t["opened_at"]))
    overdue = TrajectoryTask.objects.filter(trajectory__in=open_, due_on__lt=today)
    lines += _grouped("overdue_task", overdue, "due_on")
    lines += _placements_after_closure(own)
    future = TrajectoryEvent.objects.filter(
        trajectory__in=own, occurred_at__gt=F("recorded_at") + RECORDING_SLACK
    )
    lines += _grouped("impossible_date", future, "recorded_at")
    for t in own.filter(opened_at__gt=now).values("pk", "person__pseudonym", "opened_at"):
        lines.append(_line("impossible_date", t["pk"], t["person__pseudonym"], t["opened_at"]))
    waiting = Referral.objects.filter(
        trajectory__in=own,
        status=Referral.Status.IN_PROGRESS,
        sent_at__lt=now - dt.timedelta(days=REFERRAL_ANSWER_DAYS),
    )
    lines += _grouped("unanswered_referral", waiting, "sent_at")
    dangling = TrajectoryEvent.objects.filter(trajectory__in=own, supersedes__isnull=False).exclude(
        supersedes__trajectory_id=F("trajectory_id")
    )
    lines += _grouped("dangling_correction", dangling, "recorded_at")
    order = list(CHECKS)
    return sorted(lines, key=lambda line: (order.index(line.check), line.since or today))


def _grouped(check: str, rows: QuerySet[Any], since: str) -> list[QualityLine]:
    """One line per trajectory of `rows` (tasks, events, referrals): how many, since when."""
    grouped = (
        rows.values("trajectory_id", "trajectory__person__pseudonym")
        .annotate(first=Min(since), n=Count("pk"))
        .values_list("trajectory_id", "trajectory__person__pseudonym", "first", "n")
    )
    return [_line(check, *row) for row in grouped]


def placement_candidates(own: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    """Closed trajectories that may still have a placement running, found by one aggregate
    query: those with a placement, unless an exit (which ends every placement) came after the
    last one started and no event of theirs was corrected. Only these are projected; the
    engine still decides (a test holds this filter to projecting every closed trajectory)."""
    start, leave = EventType.PLACEMENT_START, EventType.EXIT
    corrected = Q(supersedes__isnull=False) | Q(event_type__in=REGISTRY.withdrawing)
    open_ = (
        TrajectoryEvent.objects.filter(trajectory__in=own.filter(case_status__in=CLOSED))
        .values("trajectory_id")
        .annotate(
            last_start=Max("occurred_at", filter=Q(event_type=start)),
            last_exit=Max("occurred_at", filter=Q(event_type=leave)),
            corrections=Count("pk", filter=corrected),
        )
        .filter(last_start__isnull=False)
        .filter(
            Q(last_exit__isnull=True) | Q(last_start__gte=F("last_exit")) | Q(corrections__gt=0)
        )
        .values("trajectory_id")
    )
    return own.filter(pk__in=open_)


def event_histories(trajectories: QuerySet[Trajectory]) -> dict[str, list[Event]]:
    """The engine's events of each trajectory, in order, read as plain columns (codes and ids;
    no sealed note is opened and no model built)."""
    rows = (
        TrajectoryEvent.objects.filter(trajectory__in=trajectories)
        .order_by("occurred_at", "recorded_at")
        .values_list(
            "trajectory_id",
            "id",
            "event_type",
            "occurred_at",
            "recorded_at",
            "payload",
            "supersedes_id",
        )
    )
    by_trajectory: dict[str, list[Event]] = defaultdict(list)
    for trajectory_id, pk, kind, occurred, recorded, payload, supersedes in rows:
        by_trajectory[str(trajectory_id)].append(
            Event(
                id=str(pk),
                event_type=kind,
                occurred_at=occurred,
                recorded_at=recorded,
                payload=payload,
                supersedes=str(supersedes) if supersedes else None,
            )
        )
    return by_trajectory


def _placements_after_closure(own: QuerySet[Trajectory]) -> list[QualityLine]:
    """Closed trajectories whose projection still has a placement (the engine decides, with
    corrections applied); only the `placement_candidates` are projected.

    The projection reads codes and ids, never free text, so the events are read as plain
    columns: no sealed note is opened and no model built (at 10,000 trajectories projecting
    every closed trajectory with a placement read some 18,000 events and cost 0.5 s of CPU;
    most of them ended their placements with an exit, which the candidates leave out)."""
    candidates = placement_candidates(own)
    by_trajectory = event_histories(candidates)
    names = dict(candidates.values_list("pk", "person__pseudonym"))
    lines = []
    for pk, pseudonym in names.items():
        history = by_trajectory.get(str(pk), [])
        state = project_state(history)
        if state.placement is not None or state.open_placements:
            closed = max((e.occurred_at for e in history), default=None)
            lines.append(_line("placement_after_closure", pk, pseudonym, closed))
    return lines


def quality_counts(membership: Membership, today: dt.date | None = None) -> dict[str, int]:
    """Trajectories per check, every check named (0 when clean), for the home page."""
    counts = dict.fromkeys(CHECKS, 0)
    for line in quality_worklist(membership, today):
        counts[line.check] += 1
    return counts

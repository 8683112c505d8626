"""Reads that span trajectories and are not one QuerySet method: the referral inbox, tasks,
the team's caseload, the regional workload and the legal basis of a national report."""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from schakel.engine.vocabulary import CaseStatus, OrganisationType
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, roles_with
from schakel.web.trajectories.models import Referral, TimeEntry, Trajectory, TrajectoryTask

OPEN = ~Q(case_status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
PERIOD_DAYS = 90
OBLIGED = frozenset({OrganisationType.POLICE, OrganisationType.LABOUR_INSPECTORATE})


def inbox_for(actor: Membership) -> QuerySet[Referral]:
    """Referrals to the actor's organisation that still wait for an answer."""
    return (
        Referral.objects.filter(
            to_organisation_id=actor.organisation_id, status=Referral.Status.IN_PROGRESS
        )
        .select_related("from_organisation", "trajectory__person")
        .order_by("sent_at")
    )


def tasks_for(actor: Membership) -> QuerySet[TrajectoryTask]:
    return TrajectoryTask.objects.visible_to(actor).select_related("trajectory__person")


def colleagues_of(actor: Membership) -> QuerySet[User]:
    """Users with a current membership in the actor's organisation."""
    return User.objects.filter(
        memberships__organisation_id=actor.organisation_id,
        memberships__ended_on__isnull=True,
    ).distinct()


def members_ever_of(actor: Membership) -> QuerySet[User]:
    """Users with a membership, current or ended, in the actor's organisation: whose work a
    handover may move (someone who left most of all)."""
    return User.objects.filter(memberships__organisation_id=actor.organisation_id).distinct()


def coordinators_of(actor: Membership) -> QuerySet[User]:
    """Colleagues who may coordinate trajectories in the actor's organisation, by name."""
    members = (
        Membership.objects.active()
        .with_capability(Capability.COORDINATE_TRAJECTORIES)
        .filter(organisation_id=actor.organisation_id)
    )
    return User.objects.filter(pk__in=members.values("user_id")).order_by(
        "first_name", "last_name", "username"
    )


def person_name(user: User) -> str:
    """A colleague as people know them: the full name, else the sign-in name."""
    return user.get_full_name() or user.get_username()


def legal_basis(actor: Membership, trajectory: Trajectory) -> tuple[bool, bool]:
    """(obliged to report, consent in force); a national report needs at least one."""
    obliged = actor.organisation.type in OBLIGED
    consented = trajectory.consents.in_force().filter(purpose="national_registration").exists()
    return obliged, consented


@dataclass(frozen=True)
class Workload:
    user: User
    open_trajectories: int
    overdue_tasks: int
    due_this_week: int


def team_workload(actor: Membership, today: dt.date | None = None) -> list[Workload]:
    """Caseload per colleague of the actor's organisation, in two queries."""
    today = today or timezone.localdate()
    week = today + dt.timedelta(days=7)
    colleagues = User.objects.filter(
        memberships__organisation_id=actor.organisation_id,
        memberships__role__in=roles_with(Capability.RECORD_EVENTS),
        memberships__ended_on__isnull=True,
    ).distinct()
    trajectories = Trajectory.objects.filter(organisation_id=actor.organisation_id).filter(OPEN)
    counts = (
        trajectories.values("coordinator_id")
        .annotate(
            open=Count("id", distinct=True),
            overdue=Count("tasks", filter=Q(tasks__due_on__lt=today)),
            week=Count("tasks", filter=Q(tasks__due_on__gte=today, tasks__due_on__lt=week)),
        )
        .order_by()
    )
    by_user = {row["coordinator_id"]: row for row in counts}
    empty = {"open": 0, "overdue": 0, "week": 0}
    return [
        Workload(
            user=user,
            open_trajectories=by_user.get(user.pk, empty)["open"],
            overdue_tasks=by_user.get(user.pk, empty)["overdue"],
            due_this_week=by_user.get(user.pk, empty)["week"],
        )
        for user in colleagues.order_by("last_name", "first_name", "username")
    ]


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
    """Aggregates for the actor's region; no personal data, only counts and hours.

    The care coordinator's work made visible (time per kind of task, caseload, waiting times,
    unassigned trajectories), so a municipality can see the capacity it lacks."""
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

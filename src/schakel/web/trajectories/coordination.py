"""Coordination work that spans trajectories: the inbox, handover and the workload views."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from schakel.engine.vocabulary import CaseStatus
from schakel.web.audit.actions import Access, do_record_accesses
from schakel.web.audit.models import AuditEntry
from schakel.web.knowledge.actions import transfer_stewardship
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, require, roles_with
from schakel.web.socialmap.actions import transfer_maintenance
from schakel.web.trajectories.actions import do_record_event
from schakel.web.trajectories.models import Handover, Referral, Trajectory, TrajectoryTask

OPEN = ~Q(case_status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])


def inbox_for(actor: Membership) -> QuerySet[Referral]:
    """Referrals to the actor's organisation that still wait for an answer."""
    return (
        Referral.objects.filter(
            to_organisation_id=actor.organisation_id, status=Referral.Status.IN_PROGRESS
        )
        .select_related("from_organisation", "trajectory__person")
        .order_by("sent_at")
    )


def do_answer_referral(
    *, actor: Membership, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    """Accept or reject a referral to the actor's organisation (a rejection needs a reason)."""
    payload = {"referral_id": referral.reference, **({"reason": reason} if reason else {})}
    do_record_event(
        actor=actor,
        trajectory=referral.trajectory,
        event_type="referral_accepted" if accept else "referral_rejected",
        occurred_at=timezone.now(),
        payload=payload,
    )
    referral.refresh_from_db()
    return referral


def tasks_for(actor: Membership) -> QuerySet[TrajectoryTask]:
    return TrajectoryTask.objects.visible_to(actor).select_related("trajectory__person")


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


def _member_of(user: User, actor: Membership) -> bool:
    return (
        Membership.objects.active()
        .with_capability(Capability.COORDINATE_TRAJECTORIES)
        .filter(user=user, organisation_id=actor.organisation_id)
        .exists()
    )


def do_hand_over_trajectories(
    *, actor: Membership, from_user: User, to_user: User, note: str
) -> Handover:
    """Move every open trajectory (with its tasks and follow-ups) to a colleague, and the
    knowledge the person kept: the articles they steward (drafts included) and the social map
    entries they maintain. Nothing stays owned by someone who left."""
    require(actor, Capability.MANAGE_TEAM)
    if from_user == to_user:
        raise ValidationError({"to_user": "Choose another colleague."})
    if not _member_of(to_user, actor):
        raise ValidationError({"to_user": "The colleague must be a coordinator here."})
    if not note.strip():
        raise ValidationError({"note": "Write a handover note."})
    with transaction.atomic():
        moving = Trajectory.objects.filter(
            organisation_id=actor.organisation_id, coordinator=from_user
        ).filter(OPEN)
        ids = [str(pk) for pk in moving.values_list("pk", flat=True)]
        moving.update(coordinator=to_user)
        articles = transfer_stewardship(from_user_id=from_user.pk, to_user_id=to_user.pk)
        services = transfer_maintenance(from_user_id=from_user.pk, to_user_id=to_user.pk)
        handover = Handover.objects.create(
            organisation_id=actor.organisation_id,
            from_user=from_user,
            to_user=to_user,
            by_id=actor.user_id,
            at=timezone.now(),
            note=note.strip(),
            trajectories=len(ids),
            articles=articles,
            services=services,
        )
        purpose = f"handover #{handover.pk}"
        do_record_accesses(
            actor=actor,
            accesses=[Access(AuditEntry.Action.UPDATE, "trajectory", i, purpose) for i in ids],
        )
    return handover

"""Coordination work that spans trajectories: answering referrals and handing work over."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from schakel.engine.trajectories.events import EventType
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_accesses
from schakel.web.knowledge.service import transfer_stewardship
from schakel.web.notifications.service import Kind, notify
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, has, require
from schakel.web.socialmap.service import transfer_maintenance
from schakel.web.trajectories.access import access_referral
from schakel.web.trajectories.actions.records import do_record_event
from schakel.web.trajectories.intake import signalled_forms
from schakel.web.trajectories.models import (
    AccessGrant,
    Handover,
    Referral,
    Trajectory,
    TrajectoryEvent,
)
from schakel.web.trajectories.selectors import OPEN


def do_answer_referral(
    *,
    actor: Membership,
    referral: Referral,
    accept: bool,
    reason: str = "",
    coordinator: User | None = None,
) -> Referral:
    """Accept or reject a referral to the actor's organisation (a rejection needs a reason).

    On acceptance the trajectory moves into the accepting organisation's care with the chosen
    coordinator (a coordinator of that organisation); the referring organisation keeps seeing
    it (a grant), and the forms of exploitation its signal suspected are recorded as the first
    periods of exploitation, marked as taken from the signal. The referral is read again under
    its trajectory's lock, so one answered or revoked in the meantime is not answered twice."""
    if accept and coordinator is not None and not _member_of(coordinator, actor):
        raise ValidationError(
            {"coordinator": gettext("Choose a coordinator of your own organisation.")}
        )
    with transaction.atomic():
        current = access_referral(actor, referral.pk, write=True)
        payload = {"referral_id": current.reference, **({"reason": reason} if reason else {})}
        now = timezone.now()
        do_record_event(
            actor=actor,
            trajectory=current.trajectory,
            event_type="referral_accepted" if accept else "referral_rejected",
            occurred_at=now,
            payload=payload,
        )
        if accept:
            _take_into_care(actor, current, coordinator, now)
        _notify_referrer(current, accept)
    referral.refresh_from_db()
    return referral


def _take_into_care(
    actor: Membership, referral: Referral, coordinator: User | None, now: dt.datetime
) -> None:
    trajectory = referral.trajectory
    known = {
        e.payload["form"]
        for e in trajectory.events.filter(event_type=EventType.EXPLOITATION_EPISODE)
    }
    for form in signalled_forms(referral):
        if form.value in known:
            continue
        do_record_event(
            actor=actor,
            trajectory=trajectory,
            event_type=EventType.EXPLOITATION_EPISODE.value,
            occurred_at=now,
            payload={
                "episode_id": uuid.uuid4().hex[:12],
                "form": form.value,
                "note": gettext("Taken from the referrer's signal when the referral was accepted."),
            },
        )
    moved = trajectory.organisation_id != actor.organisation_id
    if moved:
        AccessGrant.objects.get_or_create(
            trajectory=trajectory,
            organisation_id=trajectory.organisation_id,
            reason=AccessGrant.Reason.REFERRAL,
            reference=referral.reference,
            defaults={"granted_at": now},
        )
    if coordinator is None and has(actor, Capability.COORDINATE_TRAJECTORIES):
        coordinator = actor.user
    Trajectory.objects.filter(pk=trajectory.pk).update(
        organisation_id=actor.organisation_id,
        coordinator_id=coordinator.pk if coordinator is not None else trajectory.coordinator_id,
    )
    do_record_accesses(
        actor=actor,
        accesses=[
            Access(
                AuditEntry.Action.UPDATE,
                "trajectory",
                str(trajectory.pk),
                "take into care after accepting a referral",
            )
        ],
    )


def _notify_referrer(referral: Referral, accepted: bool) -> None:
    """Tell whoever sent the referral, by pseudonym and the day it was sent (never a name or
    an internal reference)."""
    sent = (
        TrajectoryEvent.objects.filter(
            trajectory_id=referral.trajectory_id,
            event_type="referral_sent",
            payload__referral_id=referral.reference,
        )
        .select_related("recorded_by")
        .order_by("-pk")
        .first()
    )
    if sent is None or sent.recorded_by is None:
        return
    words = {
        True: gettext("Your referral of %(day)s for %(pseudonym)s was accepted."),
        False: gettext("Your referral of %(day)s for %(pseudonym)s was rejected."),
    }
    pseudonym = Trajectory.objects.filter(pk=referral.trajectory_id).values_list(
        "person__pseudonym", flat=True
    )[0]
    notify(
        user=sent.recorded_by,
        kind=Kind.REFERRAL_ANSWERED,
        text=words[accepted]
        % {
            "day": date_format(timezone.localtime(referral.sent_at), "j F Y"),
            "pseudonym": pseudonym,
        },
        url=reverse("trajectory-detail", args=[referral.trajectory_id]),
    )


def _member_of(user: User, actor: Membership) -> bool:
    return (
        Membership.objects.active()
        .with_capability(Capability.COORDINATE_TRAJECTORIES)
        .filter(user=user, organisation_id=actor.organisation_id)
        .exists()
    )


def _knowledge_moves_with(from_user: User, actor: Membership) -> bool:
    """Articles and social map entries carry no organisation of their own: they move only when
    the person works for no other organisation now, so a handover in one organisation never
    takes over work kept for another."""
    return (
        not Membership.objects.active()
        .filter(user=from_user)
        .exclude(organisation_id=actor.organisation_id)
        .exists()
    )


def do_hand_over_trajectories(
    *,
    actor: Membership,
    from_user: User,
    to_user: User,
    note: str,
    only: Collection[str] | None = None,
) -> Handover:
    """Move every open trajectory (with its tasks and follow-ups) to a colleague, and the
    knowledge the person kept: the articles they steward (drafts included) and the social map
    entries they maintain. Nothing stays owned by someone who left. With `only`, just those
    trajectories (a selection) move, and the knowledge stays with its keeper.

    `from_user` is a member, current or former, of the actor's organisation; only that
    organisation's work moves, and every moved item is audited."""
    require(actor, Capability.MANAGE_TEAM)
    if not Membership.objects.filter(
        user=from_user, organisation_id=actor.organisation_id
    ).exists():
        raise ValidationError({"from_user": gettext("Choose a colleague of your organisation.")})
    if from_user == to_user:
        raise ValidationError({"to_user": gettext("Choose another colleague.")})
    if not _member_of(to_user, actor):
        raise ValidationError({"to_user": gettext("The colleague must be a coordinator here.")})
    if not note.strip():
        raise ValidationError({"note": gettext("Write a handover note.")})
    with transaction.atomic():
        moving = (
            Trajectory.objects.select_for_update()
            .filter(organisation_id=actor.organisation_id, coordinator=from_user)
            .filter(OPEN)
        )
        if only is not None:
            moving = moving.filter(pk__in=list(only))
        ids = [str(pk) for pk in moving.values_list("pk", flat=True)]
        Trajectory.objects.filter(pk__in=ids).update(coordinator=to_user)
        articles: list[int] = []
        services: list[int] = []
        if only is None and _knowledge_moves_with(from_user, actor):
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
            articles=len(articles),
            services=len(services),
        )
        purpose = f"handover #{handover.pk}"
        update = AuditEntry.Action.UPDATE
        detail = {"from_user": from_user.pk, "to_user": to_user.pk}
        do_record_accesses(
            actor=actor,
            accesses=[
                Access(AuditEntry.Action.CREATE, "handover", str(handover.pk), purpose, detail),
                *(Access(update, "trajectory", i, purpose) for i in ids),
                *(Access(update, "article", str(i), purpose) for i in articles),
                *(Access(update, "service", str(i), purpose) for i in services),
            ],
        )
    return handover

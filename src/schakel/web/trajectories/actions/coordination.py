"""Coordination work that spans trajectories: answering referrals and handing work over."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_accesses
from schakel.web.knowledge.service import transfer_stewardship
from schakel.web.notifications.service import Kind, notify
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, require
from schakel.web.socialmap.service import transfer_maintenance
from schakel.web.trajectories.access import access_referral
from schakel.web.trajectories.actions.records import do_record_event
from schakel.web.trajectories.models import Handover, Referral, Trajectory, TrajectoryEvent
from schakel.web.trajectories.selectors import OPEN


def do_answer_referral(
    *, actor: Membership, referral: Referral, accept: bool, reason: str = ""
) -> Referral:
    """Accept or reject a referral to the actor's organisation (a rejection needs a reason).

    The referral is read again under its trajectory's lock, so one answered or revoked in the
    meantime is not answered twice."""
    with transaction.atomic():
        current = access_referral(actor, referral.pk, write=True)
        payload = {"referral_id": current.reference, **({"reason": reason} if reason else {})}
        do_record_event(
            actor=actor,
            trajectory=current.trajectory,
            event_type="referral_accepted" if accept else "referral_rejected",
            occurred_at=timezone.now(),
            payload=payload,
        )
        _notify_referrer(current, accept)
    referral.refresh_from_db()
    return referral


def _notify_referrer(referral: Referral, accepted: bool) -> None:
    """Tell whoever sent the referral, by pseudonym and reference only (never a name)."""
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
        True: gettext("Your referral %(reference)s for %(pseudonym)s was accepted."),
        False: gettext("Your referral %(reference)s for %(pseudonym)s was rejected."),
    }
    pseudonym = Trajectory.objects.filter(pk=referral.trajectory_id).values_list(
        "person__pseudonym", flat=True
    )[0]
    notify(
        user=sent.recorded_by,
        kind=Kind.REFERRAL_ANSWERED,
        text=words[accepted] % {"reference": referral.reference, "pseudonym": pseudonym},
        url=reverse("trajectory-detail", args=[referral.trajectory_id]),
    )


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

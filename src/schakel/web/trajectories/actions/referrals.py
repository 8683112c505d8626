"""Consent per purpose, and referrals between organisations that depend on it.

A referral discloses a person's data to another organisation, so it is refused without a
consent in force for disclosure to that organisation, unless the referring member holds the
override permission and gives a reason (acute danger, a legal duty); every override is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from schakel.engine.trajectories import Event, referral_states
from schakel.engine.trajectories.events import EventType
from schakel.engine.trajectories.referrals import ANSWERS
from schakel.engine.vocabulary import ReferralStatus
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.core.crypto import seal
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.access import access_consent, access_trajectory
from schakel.web.trajectories.models import AccessGrant, Consent, Referral, Trajectory


def do_record_consent(
    *,
    actor: Membership,
    trajectory: Trajectory,
    purpose: str,
    given_on: dt.date,
    source: str,
    organisation: Organisation | None = None,
) -> Consent:
    """Record consent for a purpose; the trajectory is locked and checked before validation."""
    with transaction.atomic():
        access_trajectory(actor, trajectory.pk, write=True)
        if given_on > timezone.localdate():
            raise ValidationError({"given_on": gettext("Consent cannot be given in the future.")})
        consent = Consent(
            trajectory=trajectory,
            purpose=purpose,
            organisation=organisation,
            given_on=given_on,
            source=source,
            recorded_by_id=actor.user_id,
        )
        consent.full_clean()
        consent.save()
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.CREATE,
            object_type="consent",
            object_id=consent.pk,
            purpose=f"record consent for {purpose}",
            detail={"trajectory": str(trajectory.pk)},
        )
    return consent


def do_withdraw_consent(*, actor: Membership, consent: Consent, withdrawn_on: dt.date) -> Consent:
    """Withdraw a consent from the day given; checked on the row as it is under the lock."""
    with transaction.atomic():
        current = access_consent(actor, consent.trajectory_id, consent.pk, write=True)
        if current.withdrawn_on is not None:
            raise ValidationError({"withdrawn_on": gettext("This consent was already withdrawn.")})
        current.withdrawn_on = withdrawn_on
        current.full_clean()
        Consent.objects.filter(pk=current.pk).update(withdrawn_on=withdrawn_on)
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            object_type="consent",
            object_id=current.pk,
            purpose="withdraw consent",
        )
    consent.withdrawn_on = withdrawn_on
    return consent


def check_referral_allowed(
    actor: Membership, trajectory: Trajectory, payload: dict[str, Any]
) -> bool:
    """True when the referral needs the override; raises when it is not allowed at all."""
    target = payload["to_organisation_id"]
    if not Organisation.objects.filter(pk=target, is_active=True).exists():
        raise ValidationError({"to_organisation_id": gettext("No such organisation.")})
    if target == trajectory.organisation_id:
        raise ValidationError(
            {"to_organisation_id": gettext("A referral goes to another organisation.")}
        )
    consents = trajectory.consents.allows_disclosure_to(target)
    consent_id = str(payload.get("consent_id") or "")
    if consent_id.isdigit() and consents.filter(pk=int(consent_id)).exists():
        return False
    if payload.get("override_reason") and actor.may_override_consent:
        return True
    if consent_id:
        raise ValidationError(
            {"consent_id": gettext("This consent does not allow disclosure to that organisation.")}
        )
    raise ValidationError(
        {
            "consent_id": gettext(
                "Record the person's consent to disclosure to this organisation first."
            )
        }
    )


def apply_referral_event(
    actor: Membership,
    trajectory: Trajectory,
    kind: EventType,
    payload: dict[str, Any],
    events: list[Event],
) -> None:
    """Keep the Referral record and the receiving organisation's access in step with events.

    `events` is the trajectory's log with the new event; the record takes what the engine's
    `referral_states` derives from it (the seed does the same).
    """
    if kind != EventType.REFERRAL_SENT and kind not in ANSWERS:
        return
    state = referral_states(events)[payload["referral_id"]]
    if kind == EventType.REFERRAL_SENT:
        overridden = check_referral_allowed(actor, trajectory, payload)
        Referral.objects.create(
            trajectory=trajectory,
            reference=state.reference,
            from_organisation_id=actor.organisation_id,
            to_organisation_id=state.to_organisation_id,
            purpose=state.purpose.value,
            sent_at=state.sent_at,
            consent_overridden=overridden,
        )
        AccessGrant.objects.create(
            trajectory=trajectory,
            organisation_id=state.to_organisation_id,
            reason=AccessGrant.Reason.REFERRAL,
            reference=state.reference,
            granted_at=timezone.now(),
        )
        if overridden:
            do_record_access(
                actor=actor,
                action=AuditEntry.Action.OVERRIDE,
                object_type="consent_override",
                object_id=trajectory.pk,
                purpose=payload["override_reason"][:200],
                detail={"referral": state.reference},
            )
        return
    referral = Referral.objects.get(trajectory=trajectory, reference=state.reference)
    if kind == EventType.REFERRAL_REVOKED:
        if actor.organisation_id != referral.from_organisation_id:
            raise PermissionDenied(
                gettext("Only the referring organisation can revoke a referral.")
            )
    elif actor.organisation_id != referral.to_organisation_id:
        raise PermissionDenied(gettext("Only the receiving organisation can answer a referral."))
    Referral.objects.filter(pk=referral.pk).update(
        status=Referral.Status(state.status.value),
        answered_at=state.answered_at,
        reason=seal(state.reason, trajectory.person_id) if state.reason else "",
    )
    if state.status in (ReferralStatus.REJECTED, ReferralStatus.REVOKED):
        AccessGrant.objects.active().filter(
            trajectory=trajectory, reference=referral.reference
        ).update(revoked_at=timezone.now())

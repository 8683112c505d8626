"""Referring a person after a signal check, with their consent, to the care coordination."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from schakel.engine.indicators import Catalogue, Evaluation
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import deferred_audit, do_record_access
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.actions.consultations import coordination_for, record_assessment
from schakel.web.signals.check import CheckState
from schakel.web.signals.models import Assessment
from schakel.web.trajectories.service import (
    do_open_trajectory,
    do_record_consent,
    do_record_event,
    do_register_person,
)

A = AuditEntry.Action


def do_refer_with_consent(
    *,
    actor: Membership,
    state: CheckState,
    evaluation: Evaluation,
    catalogue: Catalogue,
    identity: dict[str, Any],
    given_on: dt.date,
    source: str,
    note: str = "",
    minor: bool | None = None,
) -> Assessment:
    """Refer the person to the regional care coordination, with their recorded consent.

    The professional's organisation registers the person (minimal identity), opens a
    trajectory, records the consent to disclosure to the coordination, a `signal` event with
    the check's summary, and a `referral_sent` event naming the consent. The coordination then
    sees the referral in its inbox; the trajectories app keeps the referral's status.
    `minor` is the age that follows from the date of birth (the check's answer when None).
    """
    require(actor, Capability.CONSULT)
    target = coordination_for(actor, state)
    reference = f"S-{uuid.uuid4().hex[:8]}"
    with transaction.atomic(), deferred_audit():
        person = do_register_person(
            actor=actor, identity=identity, purpose="referral after a signal check"
        )
        trajectory = do_open_trajectory(actor=actor, person=person)
        assessment = record_assessment(
            actor, state, evaluation, catalogue, trajectory=trajectory, referral_reference=reference
        )
        consent = do_record_consent(
            actor=actor,
            trajectory=trajectory,
            purpose="disclosure",
            given_on=given_on,
            source=source,
            organisation=target,
        )
        events = [
            ("signal", _signal_payload(state, assessment, minor)),
            ("referral_sent", _referral_payload(reference, target, str(consent.pk), note)),
        ]
        now = timezone.now()
        for event_type, payload in events:
            do_record_event(
                actor=actor,
                trajectory=trajectory,
                event_type=event_type,
                occurred_at=now,
                payload=payload,
            )
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="signal_assessment",
            object_id=assessment.pk,
            purpose="referral after a signal check",
            detail={"trajectory": str(trajectory.pk), "catalogue": catalogue.version},
        )
    return assessment


def _referral_payload(
    reference: str, target: Organisation, consent_id: str, note: str
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "referral_id": reference,
        "to_organisation_id": target.pk,
        "purpose": "services",
        "consent_id": consent_id,
    }
    if note.strip():
        payload["note"] = note.strip()
    return payload


def _signal_payload(
    state: CheckState, assessment: Assessment, minor: bool | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "observed_by_role": state.role.value,
        "minor": state.minor if minor is None else minor,
        "indicators": sorted(state.present())[:200],
        "assessment_id": str(assessment.pk),
    }
    if state.form is not None:
        payload["suspected_form"] = state.form.value
    return payload


def do_set_referrer_label(*, actor: Membership, assessment: Assessment, label: str) -> str:
    """The actor's own reference for a referral they can see; empty removes it. It is theirs
    alone: no colleague, e-mail or audit detail ever shows it."""
    from schakel.web.signals.models import ReferrerLabel

    text = label.strip()
    with transaction.atomic():
        if text:
            ReferrerLabel.objects.update_or_create(
                assessment=assessment, user_id=actor.user_id, defaults={"label": text[:80]}
            )
        else:
            ReferrerLabel.objects.filter(assessment=assessment, user_id=actor.user_id).delete()
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="signal_assessment",
            object_id=assessment.pk,
            purpose="own reference for a referral",
        )
    return text

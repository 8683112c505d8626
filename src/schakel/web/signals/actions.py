"""Everything the signal check writes: counts, consultations, referrals, catalogue versions.

Each write that concerns people or professionals is audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from schakel.engine.indicators import Catalogue, Evaluation
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.check import CheckState
from schakel.web.signals.contacts import care_coordination_for
from schakel.web.signals.models import Assessment, Consultation, SignalCheckStatistic
from schakel.web.trajectories.actions import (
    do_open_trajectory,
    do_record_event,
    do_register_person,
)
from schakel.web.trajectories.referrals import do_record_consent

A = AuditEntry.Action
QUESTION_MAX = 2000
ANSWER_MAX = 4000


def statistic_key(
    state: CheckState, evaluation: Evaluation, on: dt.date | None = None
) -> dict[str, str]:
    """The five codes a check is counted under: never its answers, set or anything else."""
    month = (on or timezone.localdate()).replace(day=1)
    if state.counted_as:
        month = dt.date.fromisoformat(state.counted_as["month"])
    return {
        "month": month.isoformat(),
        "form": state.form.value if state.form else "",
        "role_kind": state.role.value,
        "region": state.region.value if state.region else "",
        "outcome": evaluation.outcome.value,
    }


def do_count_signal_check(
    *, state: CheckState, evaluation: Evaluation, on: dt.date | None = None
) -> dict[str, str]:
    """Count a completed check once. When the professional changes answers after seeing the
    result and the outcome changes, the check moves to its new outcome (one down, one up), so
    one check is never counted twice. Returns the key; the caller keeps it in the session."""
    key = statistic_key(state, evaluation, on)
    if state.counted_as == key:
        return key
    with transaction.atomic():
        if state.counted_as:
            SignalCheckStatistic.objects.filter(**state.counted_as, count__gt=0).update(
                count=F("count") - 1
            )
        row, created = SignalCheckStatistic.objects.get_or_create(**key, defaults={"count": 1})
        if not created:
            SignalCheckStatistic.objects.filter(pk=row.pk).update(count=F("count") + 1)
    state.counted_as = key
    return key


def _require_professional(actor: Membership) -> None:
    require(actor, Capability.CONSULT)


def coordination_for(actor: Membership, state: CheckState) -> Organisation:
    """The care coordination a consultation or referral goes to: the check's region, else the
    professional's own; never the professional's own organisation."""
    region = state.region.value if state.region else actor.organisation.region
    target = care_coordination_for(region)
    if target is None:
        raise ValidationError(
            {"region": "No care coordination or national centre is registered to consult."}
        )
    if target.pk == actor.organisation_id:
        raise ValidationError(
            {"region": "You work at this care coordination: open a trajectory instead."}
        )
    return target


def _assessment(
    actor: Membership,
    state: CheckState,
    evaluation: Evaluation,
    catalogue: Catalogue,
    **links: Any,
) -> Assessment:
    return Assessment.objects.create(
        **links,
        created_at=timezone.now(),
        created_by_id=actor.user_id,
        organisation_id=actor.organisation_id,
        set_id=evaluation.set_id,
        minor=state.minor,
        suspected_form=state.form.value if state.form else "",
        role_kind=state.role.value,
        region=state.region.value if state.region else "",
        outcome=evaluation.outcome.value,
        present=sorted(state.present()),
        positive_dimensions=[d.value for d in evaluation.positive_dimensions],
        catalogue_version=catalogue.version,
        catalogue_digest=catalogue.digest,
    )


def do_ask_consultation(
    *,
    actor: Membership,
    state: CheckState,
    evaluation: Evaluation,
    catalogue: Catalogue,
    question: str,
) -> Consultation:
    """Ask the regional care coordination about a check, without the person's identity."""
    _require_professional(actor)
    text = question.strip()
    if not text:
        raise ValidationError({"question": "Write your question."})
    if len(text) > QUESTION_MAX:
        raise ValidationError({"question": f"Keep the question under {QUESTION_MAX} characters."})
    target = coordination_for(actor, state)
    with transaction.atomic():
        assessment = _assessment(actor, state, evaluation, catalogue)
        consultation = Consultation.objects.create(
            assessment=assessment,
            asked_by_id=actor.user_id,
            asked_from_id=actor.organisation_id,
            to_organisation=target,
            question=text,
            asked_at=assessment.created_at,
        )
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="consultation",
            object_id=consultation.pk,
            purpose="anonymous consultation after a signal check",
            detail={"to_organisation": target.pk, "catalogue": catalogue.version},
        )
    return consultation


def do_answer_consultation(
    *, actor: Membership, consultation: Consultation, answer: str
) -> Consultation:
    require(actor, Capability.ANSWER_CONSULTATIONS)
    if not Consultation.objects.inbox_of(actor).filter(pk=consultation.pk).exists():
        raise PermissionDenied("This consultation was not sent to your organisation.")
    text = answer.strip()
    if not text:
        raise ValidationError({"answer": "Write an answer."})
    if len(text) > ANSWER_MAX:
        raise ValidationError({"answer": f"Keep the answer under {ANSWER_MAX} characters."})
    with transaction.atomic():
        updated = Consultation.objects.filter(pk=consultation.pk, answered_at__isnull=True).update(
            answer=text, answered_by_id=actor.user_id, answered_at=timezone.now()
        )
        if not updated:
            raise ValidationError({"answer": "This consultation was already answered."})
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="consultation",
            object_id=consultation.pk,
            purpose="answer anonymous consultation",
        )
    consultation.refresh_from_db()
    return consultation


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
) -> Assessment:
    """Refer the person to the regional care coordination, with their recorded consent.

    The professional's organisation registers the person (minimal identity), opens a
    trajectory, records the consent to disclosure to the coordination, a `signal` event with
    the check's summary, and a `referral_sent` event naming the consent. The coordination then
    sees the referral in its inbox; the trajectories app keeps the referral's status.
    """
    _require_professional(actor)
    target = coordination_for(actor, state)
    reference = f"S-{uuid.uuid4().hex[:8]}"
    with transaction.atomic():
        person = do_register_person(
            actor=actor, identity=identity, purpose="referral after a signal check"
        )
        trajectory = do_open_trajectory(actor=actor, person=person)
        assessment = _assessment(
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
            ("signal", _signal_payload(state, assessment)),
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


def _signal_payload(state: CheckState, assessment: Assessment) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "observed_by_role": state.role.value,
        "minor": state.minor,
        "indicators": sorted(state.present())[:200],
        "assessment_id": str(assessment.pk),
    }
    if state.form is not None:
        payload["suspected_form"] = state.form.value
    return payload

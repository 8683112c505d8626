"""Anonymous consultations after a signal check: asked by a professional, answered by the
region's care coordination. The person's identity never goes with them.

Each write is audited in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schakel.engine.indicators import Catalogue, Evaluation
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, require
from schakel.web.signals.access import access_consultation
from schakel.web.signals.check import CheckState
from schakel.web.signals.contacts import care_coordination_for
from schakel.web.signals.models import Assessment, Consultation

A = AuditEntry.Action
QUESTION_MAX = 2000
ANSWER_MAX = 4000


def coordination_for(actor: Membership, state: CheckState) -> Organisation:
    """The care coordination a consultation or referral goes to: the check's region, else the
    professional's own; never the professional's own organisation."""
    region = state.region.value if state.region else actor.organisation.region
    target = care_coordination_for(region)
    if target is None:
        raise ValidationError(
            {"region": _("No care coordination or national centre is registered to consult.")}
        )
    if target.pk == actor.organisation_id:
        raise ValidationError(
            {"region": _("You work at this care coordination: open a trajectory instead.")}
        )
    return target


def record_assessment(
    actor: Membership,
    state: CheckState,
    evaluation: Evaluation,
    catalogue: Catalogue,
    **links: Any,
) -> Assessment:
    """The check's summary as it goes with a consultation or referral (no answers' text)."""
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


def _text(field: str, value: str, *, limit: int, empty: str, too_long: str) -> str:
    text = value.strip()
    if not text:
        raise ValidationError({field: empty})
    if len(text) > limit:
        raise ValidationError({field: too_long % {"limit": limit}})
    return text


def do_ask_consultation(
    *,
    actor: Membership,
    state: CheckState,
    evaluation: Evaluation,
    catalogue: Catalogue,
    question: str,
) -> Consultation:
    """Ask the regional care coordination about a check, without the person's identity."""
    require(actor, Capability.CONSULT)
    text = _text(
        "question",
        question,
        limit=QUESTION_MAX,
        empty=_("Write your question."),
        too_long=_("Keep the question under %(limit)s characters."),
    )
    target = coordination_for(actor, state)
    with transaction.atomic():
        assessment = record_assessment(actor, state, evaluation, catalogue)
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
    """Answer a consultation sent to the actor's organisation, once.

    The consultation is locked and read again first, so two coordinators answering at the
    same moment cannot both succeed."""
    with transaction.atomic():
        consultation = access_consultation(actor, consultation.pk, write=True)
        if consultation.is_answered:
            raise ValidationError({"answer": _("This consultation was already answered.")})
        text = _text(
            "answer",
            answer,
            limit=ANSWER_MAX,
            empty=_("Write an answer."),
            too_long=_("Keep the answer under %(limit)s characters."),
        )
        consultation.answer = text
        consultation.answered_by_id = actor.user_id
        consultation.answered_at = timezone.now()
        consultation.save(update_fields=["answer", "answered_by", "answered_at"])
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="consultation",
            object_id=consultation.pk,
            purpose="answer anonymous consultation",
        )
    return consultation

"""Anonymous consultations after a signal check: asked by a professional, answered by the
region's care coordination. The person's identity never goes with them.

Each write is audited in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from schakel.engine.indicators import Catalogue, Evaluation
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.core.numbers import grouped
from schakel.web.notifications.service import Kind, notify
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, has, require
from schakel.web.signals.access import access_consultation, access_consultation_to_write
from schakel.web.signals.check import CheckState
from schakel.web.signals.contacts import care_coordination_for
from schakel.web.signals.models import Assessment, Consultation, ConsultationMessage

A = AuditEntry.Action
QUESTION_MAX = 2000
ANSWER_MAX = 4000


def coordination_for(
    actor: Membership, state: CheckState | None, region: str | None = None
) -> Organisation:
    """The care coordination a consultation or referral goes to: the check's region (or the
    one chosen without a check), else the professional's own; never their own organisation."""
    if state is not None and state.region:
        region = state.region.value
    target = care_coordination_for(region or actor.organisation.region)
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
        raise ValidationError({field: too_long % {"limit": grouped(limit)}})
    return text


def do_ask_consultation(
    *,
    actor: Membership,
    state: CheckState | None,
    evaluation: Evaluation | None,
    catalogue: Catalogue,
    question: str,
    region: str | None = None,
) -> Consultation:
    """Ask the regional care coordination, without the person's identity: about a check, or
    (with no check started) about a situation the question describes."""
    require(actor, Capability.CONSULT)
    text = _text(
        "question",
        question,
        limit=QUESTION_MAX,
        empty=_("Write your question."),
        too_long=_("Keep the question under %(limit)s characters."),
    )
    target = coordination_for(actor, state, region)
    with transaction.atomic():
        assessment = None
        if state is not None and evaluation is not None:
            assessment = record_assessment(actor, state, evaluation, catalogue)
        consultation = Consultation.objects.create(
            assessment=assessment,
            asked_by_id=actor.user_id,
            asked_from_id=actor.organisation_id,
            to_organisation=target,
            question=text,
            asked_at=timezone.now(),
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
        if consultation.is_closed:
            raise ValidationError({"answer": _("This consultation is closed.")})
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
        notify(
            user=consultation.asked_by,
            kind=Kind.CONSULTATION_ANSWERED,
            text=_("The care coordination answered your consultation of %(date)s.")
            % {"date": date_format(timezone.localtime(consultation.asked_at), "j F Y")},
            url=reverse("signal-consultation", args=[consultation.pk]),
        )
    return consultation


def _side(actor: Membership, consultation: Consultation) -> bool | None:
    """True for the coordination it was sent to, False for the asker, None for neither."""
    if (
        has(actor, Capability.ANSWER_CONSULTATIONS)
        and consultation.to_organisation_id == actor.organisation_id
    ):
        return True
    if (
        consultation.asked_by_id == actor.user_id
        and consultation.asked_from_id == actor.organisation_id
    ):
        return False
    return None


def do_reply_consultation(
    *, actor: Membership, consultation: Consultation, text: str
) -> ConsultationMessage:
    """A reply after the first answer, by the asker or the coordination, until it is closed.
    The other side is told (the asker; or the coordinator who answered)."""
    body = _text(
        "text",
        text,
        limit=ANSWER_MAX,
        empty=_("Write your reply."),
        too_long=_("Keep the reply under %(limit)s characters."),
    )
    with transaction.atomic():
        consultation = access_consultation_to_write(actor, consultation.pk)
        by_coordination = _side(actor, consultation)
        if by_coordination is None:
            raise PermissionDenied
        if consultation.is_closed:
            raise ValidationError({"text": _("This consultation is closed.")})
        if not consultation.is_answered:
            raise ValidationError(
                {"text": _("Wait for the first answer, or add to your question.")}
            )
        message = ConsultationMessage.objects.create(
            consultation=consultation,
            author_id=actor.user_id,
            by_coordination=by_coordination,
            text=body,
            sent_at=timezone.now(),
        )
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="consultation",
            object_id=consultation.pk,
            purpose="reply in anonymous consultation",
        )
        other = consultation.asked_by if by_coordination else consultation.answered_by
        if other is not None and other.pk != actor.user_id:
            notify(
                user=other,
                kind=Kind.CONSULTATION_REPLY,
                text=_("A new reply in the consultation of %(date)s.")
                % {"date": date_format(timezone.localtime(consultation.asked_at), "j F Y")},
                url=reverse("signal-consultation", args=[consultation.pk]),
            )
    return message


def do_close_consultation(*, actor: Membership, consultation: Consultation) -> Consultation:
    """End the conversation (the asker or the coordination); nobody can reply after."""
    with transaction.atomic():
        consultation = access_consultation_to_write(actor, consultation.pk)
        if _side(actor, consultation) is None:
            raise PermissionDenied
        if consultation.is_closed:
            return consultation
        consultation.closed_at = timezone.now()
        consultation.closed_by_id = actor.user_id
        consultation.save(update_fields=["closed_at", "closed_by"])
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="consultation",
            object_id=consultation.pk,
            purpose="close anonymous consultation",
        )
    return consultation

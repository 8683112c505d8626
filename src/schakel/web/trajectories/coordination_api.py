"""JSON endpoints for coordination: registration with the duplicate check, consent, referrals,
tasks and handover. They call the same actions as the pages."""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router, Status

from schakel.web.audit.service import do_record_page_read
from schakel.web.core.api_types import ERRORS, RecordId
from schakel.web.core.errors import NotFound
from schakel.web.organisations.acting import acting_for, needs
from schakel.web.organisations.models import Organisation
from schakel.web.organisations.roles import Capability
from schakel.web.trajectories.access import (
    access_colleague,
    access_handover_source,
    access_person,
    access_referral,
    access_trajectory,
)
from schakel.web.trajectories.actions import (
    do_answer_referral,
    do_find_duplicates,
    do_hand_over_trajectories,
    do_open_trajectory,
    do_record_consent,
    do_register_and_open,
)
from schakel.web.trajectories.models import Referral
from schakel.web.trajectories.schemas import (
    AnswerIn,
    CandidateOut,
    ConsentIn,
    ConsentOut,
    DueTaskOut,
    HandoverIn,
    HandoverOut,
    IdentityIn,
    ReferralOut,
    RegistrationIn,
    RegistrationOut,
)
from schakel.web.trajectories.selectors import inbox_for, tasks_for

router = Router(tags=["coordination"])
TASK_LIMIT = 500


@router.post(
    "/persons/duplicates",
    response={200: list[CandidateOut], **ERRORS},
    openapi_extra=needs(Capability.VIEW_OWN_IDENTITY),
)
def find_duplicates(request: HttpRequest, body: IdentityIn) -> list[CandidateOut]:
    acting = acting_for(request, Capability.VIEW_OWN_IDENTITY)
    found = do_find_duplicates(actor=acting, identity=body.identity)
    return [
        CandidateOut(
            person=c.person.pk,
            pseudonym=c.person.pseudonym,
            score=c.likeness.score,
            reasons=list(c.likeness.reasons),
        )
        for c in found
    ]


@router.post(
    "/persons",
    response={201: RegistrationOut, **ERRORS},
    openapi_extra=needs(Capability.RECORD_EVENTS),
)
def register(request: HttpRequest, body: RegistrationIn) -> Status[RegistrationOut]:
    """Open a trajectory for a new person (`identity`) or a known one (`existing_person`)."""
    acting = acting_for(request, Capability.RECORD_EVENTS)
    if body.existing_person:
        person = access_person(acting, body.existing_person)
        trajectory = do_open_trajectory(actor=acting, person=person, coordinator_id=acting.user_id)
    elif body.identity is not None:
        trajectory = do_register_and_open(actor=acting, identity=body.identity)
        person = trajectory.person
    else:
        raise ValidationError({"identity": gettext("Give an identity or an existing person.")})
    out = RegistrationOut(trajectory=trajectory.pk, person=person.pk, pseudonym=person.pseudonym)
    return Status(201, out)


@router.get(
    "/trajectories/{trajectory_id}/consents",
    response={200: list[ConsentOut], **ERRORS},
    openapi_extra=needs(Capability.RECORD_EVENTS),
)
def list_consents(request: HttpRequest, trajectory_id: uuid.UUID) -> list[ConsentOut]:
    acting = acting_for(request, Capability.RECORD_EVENTS)
    trajectory = access_trajectory(acting, trajectory_id, purpose="view consents (API)")
    return [
        ConsentOut(
            id=c.pk,
            purpose=c.purpose,
            given_on=c.given_on,
            organisation=c.organisation_id,
            withdrawn_on=c.withdrawn_on,
        )
        for c in trajectory.consents.all()
    ]


@router.post(
    "/trajectories/{trajectory_id}/consents",
    response={201: ConsentOut, **ERRORS},
    openapi_extra=needs(Capability.RECORD_EVENTS),
)
def add_consent(
    request: HttpRequest, trajectory_id: uuid.UUID, body: ConsentIn
) -> Status[ConsentOut]:
    acting = acting_for(request, Capability.RECORD_EVENTS)
    trajectory = access_trajectory(acting, trajectory_id)
    organisation = None
    if body.organisation is not None:
        organisation = Organisation.objects.filter(pk=body.organisation).first()
        if organisation is None:
            raise NotFound(gettext("This organisation does not exist."))
    consent = do_record_consent(
        actor=acting,
        trajectory=trajectory,
        purpose=body.purpose,
        given_on=body.given_on,
        source=body.source,
        organisation=organisation,
    )
    out = ConsentOut(
        id=consent.pk,
        purpose=consent.purpose,
        given_on=consent.given_on,
        organisation=consent.organisation_id,
        withdrawn_on=None,
    )
    return Status(201, out)


@router.get(
    "/referrals/inbox",
    response={200: list[ReferralOut], **ERRORS},
    openapi_extra=needs(Capability.ANSWER_REFERRALS),
)
def referral_inbox(request: HttpRequest) -> list[ReferralOut]:
    acting = acting_for(request, Capability.ANSWER_REFERRALS)
    referrals = list(inbox_for(acting))
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="api referral inbox",
        purpose="view referral inbox (API)",
        subjects={"trajectories": [r.trajectory_id for r in referrals]},
    )
    return [_referral_out(r) for r in referrals]


def _referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        trajectory=referral.trajectory_id,
        reference=referral.reference,
        from_organisation=referral.from_organisation.name,
        sent_at=referral.sent_at,
        status=referral.status,
    )


@router.post(
    "/referrals/{referral_id}/answer",
    response={200: ReferralOut, **ERRORS},
    openapi_extra=needs(Capability.ANSWER_REFERRALS),
)
def answer_referral(request: HttpRequest, referral_id: RecordId, body: AnswerIn) -> ReferralOut:
    acting = acting_for(request, Capability.ANSWER_REFERRALS)
    referral = access_referral(acting, referral_id)
    answered = do_answer_referral(
        actor=acting, referral=referral, accept=body.accept, reason=body.reason
    )
    return _referral_out(answered)


@router.get(
    "/tasks",
    response={200: list[DueTaskOut], **ERRORS},
    openapi_extra=needs(Capability.VIEW_RECORDS),
)
def my_tasks(request: HttpRequest, before: dt.date | None = None) -> list[DueTaskOut]:
    acting = acting_for(request, Capability.VIEW_RECORDS)
    tasks = tasks_for(acting).order_by("due_on")
    if before is not None:
        tasks = tasks.filter(due_on__lt=before)
    shown = list(tasks[:TASK_LIMIT])
    do_record_page_read(
        actor=acting,
        object_type="trajectory_list",
        page="api tasks",
        purpose="view tasks (API)",
        subjects={"trajectories": [t.trajectory_id for t in shown]},
    )
    return [DueTaskOut(trajectory=t.trajectory_id, kind=t.kind, due_on=t.due_on) for t in shown]


@router.post(
    "/handovers",
    response={201: HandoverOut, **ERRORS},
    openapi_extra=needs(Capability.MANAGE_TEAM),
)
def hand_over(request: HttpRequest, body: HandoverIn) -> Status[HandoverOut]:
    acting = acting_for(request, Capability.MANAGE_TEAM)
    done = do_hand_over_trajectories(
        actor=acting,
        from_user=access_handover_source(acting, body.from_user),
        to_user=access_colleague(acting, body.to_user),
        note=body.note,
    )
    return Status(201, HandoverOut(id=done.pk, trajectories=done.trajectories))

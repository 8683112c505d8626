"""JSON endpoints for coordination: registration with the duplicate check, consent, referrals,
tasks and handover. They call the same actions as the pages."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status

from schakel.web.core.errors import Error
from schakel.web.organisations.acting import acting_membership
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.organisations.roles import Capability, has
from schakel.web.trajectories.actions import do_open_trajectory, do_register_person
from schakel.web.trajectories.coordination import (
    do_answer_referral,
    do_hand_over_trajectories,
    inbox_for,
    tasks_for,
)
from schakel.web.trajectories.models import Person, Referral, Trajectory
from schakel.web.trajectories.referrals import do_record_consent
from schakel.web.trajectories.registration import do_find_duplicates

router = Router(tags=["coordination"])
ERRORS = {401: Error, 403: Error, 404: Error, 409: Error, 422: Error}


def _acting(request: HttpRequest, *, write: bool = False) -> Membership:
    membership = acting_membership(request)
    allowed = membership is not None and (
        has(membership, Capability.RECORD_EVENTS if write else Capability.VIEW_RECORDS)
    )
    if not allowed or membership is None:
        raise PermissionDenied("Your role cannot do this.")
    return membership


class IdentityIn(Schema):
    identity: dict[str, Any]


class CandidateOut(Schema):
    person: uuid.UUID
    pseudonym: str
    score: float
    reasons: list[str]


class RegistrationIn(Schema):
    identity: dict[str, Any] | None = None
    existing_person: uuid.UUID | None = None


class RegistrationOut(Schema):
    trajectory: uuid.UUID
    person: uuid.UUID
    pseudonym: str


class ConsentIn(Schema):
    purpose: str
    given_on: dt.date
    source: str
    organisation: int | None = None


class ConsentOut(Schema):
    id: int
    purpose: str
    given_on: dt.date
    organisation: int | None
    withdrawn_on: dt.date | None


class ReferralOut(Schema):
    id: int
    trajectory: uuid.UUID
    reference: str
    from_organisation: str
    sent_at: dt.datetime
    status: str


class AnswerIn(Schema):
    accept: bool
    reason: str = ""


class TaskOut(Schema):
    trajectory: uuid.UUID
    kind: str
    due_on: dt.date


class HandoverIn(Schema):
    from_user: int
    to_user: int
    note: str


class HandoverOut(Schema):
    id: int
    trajectories: int


@router.post("/persons/duplicates", response={200: list[CandidateOut], **ERRORS})
def find_duplicates(request: HttpRequest, body: IdentityIn) -> list[CandidateOut]:
    found = do_find_duplicates(actor=_acting(request, write=True), identity=body.identity)
    return [
        CandidateOut(
            person=c.person.pk,
            pseudonym=c.person.pseudonym,
            score=c.likeness.score,
            reasons=list(c.likeness.reasons),
        )
        for c in found
    ]


@router.post("/persons", response={201: RegistrationOut, **ERRORS})
def register(request: HttpRequest, body: RegistrationIn) -> Status[RegistrationOut]:
    """Open a trajectory for a new person (`identity`) or a known one (`existing_person`)."""
    acting = _acting(request, write=True)
    if body.existing_person:
        person = Person.objects.identifiable_by(acting).filter(pk=body.existing_person).first()
        if person is None:
            raise Http404
    elif body.identity is not None:
        person = do_register_person(actor=acting, identity=body.identity)
    else:
        from django.core.exceptions import ValidationError

        raise ValidationError({"identity": "Give an identity or an existing person."})
    trajectory = do_open_trajectory(actor=acting, person=person, coordinator_id=acting.user_id)
    out = RegistrationOut(trajectory=trajectory.pk, person=person.pk, pseudonym=person.pseudonym)
    return Status(201, out)


def _writable(acting: Membership, trajectory_id: uuid.UUID) -> Trajectory:
    trajectory = Trajectory.objects.writable_by(acting).filter(pk=trajectory_id).first()
    if trajectory is None:
        raise Http404
    return trajectory


@router.get("/trajectories/{trajectory_id}/consents", response={200: list[ConsentOut], **ERRORS})
def list_consents(request: HttpRequest, trajectory_id: uuid.UUID) -> list[ConsentOut]:
    trajectory = _writable(_acting(request, write=True), trajectory_id)
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


@router.post("/trajectories/{trajectory_id}/consents", response={201: ConsentOut, **ERRORS})
def add_consent(
    request: HttpRequest, trajectory_id: uuid.UUID, body: ConsentIn
) -> Status[ConsentOut]:
    acting = _acting(request, write=True)
    trajectory = _writable(acting, trajectory_id)
    organisation = None
    if body.organisation is not None:
        organisation = Organisation.objects.filter(pk=body.organisation).first()
        if organisation is None:
            raise Http404
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


@router.get("/referrals/inbox", response={200: list[ReferralOut], **ERRORS})
def referral_inbox(request: HttpRequest) -> list[ReferralOut]:
    acting = _acting(request)
    if not has(acting, Capability.ANSWER_REFERRALS):
        raise PermissionDenied("The inbox is for care coordinators.")
    return [_referral_out(r) for r in inbox_for(acting)]


def _referral_out(referral: Referral) -> ReferralOut:
    return ReferralOut(
        id=referral.pk,
        trajectory=referral.trajectory_id,
        reference=referral.reference,
        from_organisation=referral.from_organisation.name,
        sent_at=referral.sent_at,
        status=referral.status,
    )


@router.post("/referrals/{referral_id}/answer", response={200: ReferralOut, **ERRORS})
def answer_referral(request: HttpRequest, referral_id: int, body: AnswerIn) -> ReferralOut:
    acting = _acting(request, write=True)
    referral = inbox_for(acting).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    answered = do_answer_referral(
        actor=acting, referral=referral, accept=body.accept, reason=body.reason
    )
    return _referral_out(answered)


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
def my_tasks(request: HttpRequest, before: dt.date | None = None) -> list[TaskOut]:
    tasks = tasks_for(_acting(request)).order_by("due_on")
    if before is not None:
        tasks = tasks.filter(due_on__lt=before)
    return [TaskOut(trajectory=t.trajectory_id, kind=t.kind, due_on=t.due_on) for t in tasks[:500]]


@router.post("/handovers", response={201: HandoverOut, **ERRORS})
def hand_over(request: HttpRequest, body: HandoverIn) -> Status[HandoverOut]:
    acting = _acting(request)
    users = User.objects.in_bulk([body.from_user, body.to_user])
    if len(users) != len({body.from_user, body.to_user}):
        raise Http404
    done = do_hand_over_trajectories(
        actor=acting, from_user=users[body.from_user], to_user=users[body.to_user], note=body.note
    )
    return Status(201, HandoverOut(id=done.pk, trajectories=done.trajectories))

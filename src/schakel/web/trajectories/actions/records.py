"""Persons, identities, trajectories and their events: each write and each read of personal
data in one audited step."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from schakel.engine.identity import IdentityData, parse_identity
from schakel.engine.problems import Code, problem
from schakel.engine.trajectories import (
    Event,
    TrajectoryState,
    effective_events,
    project_state,
    validate_payload,
)
from schakel.engine.trajectories.events import (
    EVENT_TYPES,
    EventType,
    InvalidEventError,
    parse_event_type,
)
from schakel.engine.trajectories.referrals import ANSWERS as REFERRAL_ANSWERS
from schakel.engine.trajectories.registry import REGISTRY, Recorder
from schakel.engine.trajectories.rules import check_sequence
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access, do_record_denied
from schakel.web.core.crypto import decrypt_json, encrypt_json
from schakel.web.core.errors import Conflict, NotFound
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import Capability, require
from schakel.web.trajectories.access import access_person, access_trajectory
from schakel.web.trajectories.actions.referrals import apply_referral_event
from schakel.web.trajectories.actions.registration import index_identity
from schakel.web.trajectories.models import (
    Identity,
    Person,
    Referral,
    Trajectory,
    TrajectoryEvent,
    TrajectoryTask,
)

A = AuditEntry.Action


class ConflictError(Conflict):
    """The trajectory changed since the caller read it; nothing was written."""

    def __init__(self, expected: int, current: int):
        self.expected, self.current = expected, current
        super().__init__(
            gettext(
                "The trajectory changed since you opened it (version %(expected)s, now "
                "%(current)s). Reload it and check before saving again."
            )
            % {"expected": expected, "current": current}
        )


def _require_writer(actor: Membership) -> None:
    require(actor, Capability.RECORD_EVENTS)


def capability_for(kind: EventType) -> Capability:
    """What recording an event of this type takes: a correction or a care coordination event
    more than recording what one observed (the registry entry says who records it)."""
    spec = REGISTRY[kind]
    if spec.withdraws:
        return Capability.CORRECT_EVENTS
    if spec.recorder == Recorder.COORDINATION:
        return Capability.RECORD_CARE_EVENTS
    return Capability.RECORD_EVENTS


def do_register_person(
    *, actor: Membership, identity: dict[str, Any], purpose: str = "registration"
) -> Person:
    """Register a person with an identity record (encrypted) in one audited step."""
    _require_writer(actor)
    data = parse_identity(identity)
    with transaction.atomic():
        person = Person.objects.create()
        Identity.objects.create(
            person=person, ciphertext=encrypt_json(data.model_dump(), person.pk)
        )
        index_identity(person, data)
        do_record_access(
            actor=actor, action=A.CREATE, object_type="person", object_id=person.pk, purpose=purpose
        )
    return person


def do_read_identity(*, actor: Membership, person: Person, purpose: str) -> IdentityData:
    """Who the person is, for a stated purpose; a refused attempt is audited as well."""
    try:
        access_person(actor, person.pk)
    except (PermissionDenied, NotFound):
        do_record_denied(actor=actor, object_type="identity", object_id=person.pk, purpose=purpose)
        raise
    with transaction.atomic():
        record = Identity.objects.filter(person=person).first()
        if record is None:  # erased (retention or an approved request)
            raise NotFound(gettext("This person's identity was erased."))
        do_record_access(
            actor=actor, action=A.READ, object_type="identity", object_id=person.pk, purpose=purpose
        )
    return IdentityData.model_validate(decrypt_json(record.ciphertext))


def do_open_trajectory(
    *,
    actor: Membership,
    person: Person,
    opened_at: dt.datetime | None = None,
    coordinator_id: int | None = None,
) -> Trajectory:
    _require_writer(actor)
    opened = opened_at or timezone.now()
    with transaction.atomic():
        trajectory = Trajectory.objects.create(
            person=person,
            organisation_id=actor.organisation_id,
            coordinator_id=coordinator_id,
            opened_at=opened,
        )
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="trajectory",
            object_id=trajectory.pk,
            purpose="open trajectory",
        )
    return trajectory


def do_register_and_open(*, actor: Membership, identity: dict[str, Any]) -> Trajectory:
    """Register a new person and open their first trajectory, coordinated by the actor, in one
    transaction: a failure in the second step leaves no person without a trajectory."""
    with transaction.atomic():
        person = do_register_person(actor=actor, identity=identity)
        return do_open_trajectory(actor=actor, person=person, coordinator_id=actor.user_id)


def _check_supersedes(
    actor: Membership, trajectory: Trajectory, supersedes: TrajectoryEvent | None
) -> None:
    if supersedes is None:
        return
    if supersedes.organisation_id != actor.organisation_id:
        # An organisation that sees a trajectory through a referral reads the owner's record;
        # only the organisation that recorded an event may correct or retract it.
        raise PermissionDenied(gettext("Only the organisation that recorded an event corrects it."))
    if supersedes.trajectory_id != trajectory.pk:
        raise ValidationError(
            {"supersedes": gettext("The corrected event belongs to another trajectory.")}
        )
    if TrajectoryEvent.objects.filter(supersedes=supersedes).exists():
        raise ValidationError({"supersedes": gettext("This event was already corrected.")})


def do_record_event(
    *,
    actor: Membership,
    trajectory: Trajectory,
    event_type: str,
    occurred_at: dt.datetime,
    payload: dict[str, Any],
    supersedes: TrajectoryEvent | None = None,
    expected_version: int | None = None,
) -> TrajectoryEvent:
    """Append one validated event and refresh the trajectory's cached state.

    The trajectory is locked and its scope checked before anything is validated, so a grant
    revoked since the caller read the trajectory is seen. With `expected_version`, the event is
    refused (ConflictError) when someone else recorded an event since the caller read it: no
    silent overwrites. `trajectory` is refreshed with the new stage, status and version.
    """
    require(actor, capability_for(parse_event_type(event_type)))
    try:
        with transaction.atomic():
            locked = access_trajectory(actor, trajectory.pk, write=True)
            if expected_version is not None and expected_version != locked.version:
                raise ConflictError(expected_version, locked.version)
            kind, clean, history = _valid_event(
                actor, locked, event_type, occurred_at, payload, supersedes
            )
            event = _append(
                actor, locked, kind, occurred_at, clean, actor.organisation_id, supersedes
            )
            if kind == EventType.REFERRAL_SENT or kind in REFERRAL_ANSWERS:
                log = [*history, event.as_engine_event()]
                apply_referral_event(actor, locked, kind, clean, log)
            refresh_projection(trajectory)
            _audit_append(actor, trajectory, kind, event)
    except (NotFound, PermissionDenied):
        do_record_denied(
            actor=actor,
            object_type="trajectory",
            object_id=trajectory.pk,
            purpose=f"record {event_type}",
        )
        raise
    return event


def do_record_linked_return(
    *,
    actor: Membership,
    trajectory_id: uuid.UUID | str,
    occurred_at: dt.datetime,
    payload: dict[str, Any],
) -> TrajectoryEvent:
    """A return to exploitation that the data steward confirmed from a linkage match.

    The steward sees no trajectory, so the scope of `do_record_event` is replaced by the
    capability to review returns (ADR 0027). The event is recorded by the steward for the
    trajectory's own organisation, whose coordinator sees it and may mark it entered in error;
    the same rules, lock and audit entry as any other event."""
    require(actor, Capability.REVIEW_RETURNS)
    kind = EventType.RETURN_TO_EXPLOITATION
    with transaction.atomic():
        locked = Trajectory.objects.select_for_update().filter(pk=trajectory_id).first()
        if locked is None:
            raise NotFound(gettext("This trajectory was not found."))
        _, clean, _history = _valid_event(actor, locked, kind.value, occurred_at, payload, None)
        event = _append(actor, locked, kind, occurred_at, clean, locked.organisation_id, None)
        refresh_projection(locked)
        _audit_append(actor, locked, kind, event)
    return event


def _append(
    actor: Membership,
    locked: Trajectory,
    kind: EventType,
    occurred_at: dt.datetime,
    clean: dict[str, Any],
    organisation_id: int,
    supersedes: TrajectoryEvent | None,
) -> TrajectoryEvent:
    """Store one validated event on a locked trajectory, recorded by `actor` now."""
    event = TrajectoryEvent.recording(
        trajectory=locked,
        event_type=kind.value,
        occurred_at=occurred_at,
        recorded_at=timezone.now(),
        recorded_by_id=actor.user_id,
        organisation_id=organisation_id,
        payload=clean,
        supersedes=supersedes,
    )
    event.save(force_insert=True)
    return event


def _audit_append(
    actor: Membership, trajectory: Trajectory, kind: EventType, event: TrajectoryEvent
) -> None:
    """The audit entry of an appended event, covering its content digest."""
    do_record_access(
        actor=actor,
        action=A.APPEND,
        object_type="trajectory",
        object_id=trajectory.pk,
        purpose=f"record {kind.value}",
        detail={
            "event": str(event.pk),
            "covers": {"trajectory_event": {str(event.pk): event.content_digest}},
        },
    )


def _valid_event(
    actor: Membership,
    trajectory: Trajectory,
    event_type: str,
    occurred_at: dt.datetime,
    payload: dict[str, Any],
    supersedes: TrajectoryEvent | None,
) -> tuple[EventType, dict[str, Any], list[Event]]:
    """The event's type, clean payload and the history it was checked against (none for a
    correction marker, which no sequence rule reads), after every rule."""
    kind = parse_event_type(event_type)
    if kind == EventType.ENTERED_IN_ERROR and supersedes is None:
        raise InvalidEventError(kind.value, [problem("supersedes", Code.SUPERSEDES_REQUIRED)])
    clean = validate_payload(kind.value, payload)
    _check_organisations(kind, clean)
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"occurred_at": gettext("An event cannot lie in the future.")})
    _check_supersedes(actor, trajectory, supersedes)
    if kind == EventType.ENTERED_IN_ERROR:
        return kind, clean, []
    history = [e.as_engine_event() for e in trajectory.events.all()]
    supersedes_id = str(supersedes.pk) if supersedes else None
    problems = check_sequence(history, kind.value, occurred_at, clean, supersedes_id)
    if problems:
        raise InvalidEventError(kind.value, problems)
    return kind, clean, history


def _check_organisations(kind: EventType, payload: dict[str, Any]) -> None:
    """An organisation named in the payload exists (a number such as 99999 is refused)."""
    named = {
        name: payload[name]
        for name in EVENT_TYPES[kind].organisation_fields
        if payload.get(name) is not None
    }
    if not named:
        return
    known = set(Organisation.objects.filter(pk__in=named.values()).values_list("pk", flat=True))
    missing = {
        name: gettext("This organisation does not exist. Choose an organisation from the list.")
        for name, value in named.items()
        if value not in known
    }
    if missing:
        raise ValidationError(missing)


def state_of(trajectory: Trajectory) -> TrajectoryState:
    return project_state(e.as_engine_event() for e in trajectory.events.all())


def refresh_projection(trajectory: Trajectory) -> TrajectoryState:
    """Recompute the cached stage, status and tasks from the events (the events are the truth)."""
    state = state_of(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(
        stage=state.stage.value, case_status=state.case_status.value, version=F("version") + 1
    )
    TrajectoryTask.objects.filter(trajectory=trajectory).delete()
    TrajectoryTask.objects.bulk_create(
        TrajectoryTask(trajectory=trajectory, kind=t.kind, due_on=t.due_on, reference=t.reference)
        for t in state.open_tasks
    )
    trajectory.refresh_from_db(fields=["stage", "case_status", "version"])
    return state


@dataclass(frozen=True)
class TrajectoryView:
    trajectory: Trajectory
    events: list[TrajectoryEvent]
    state: TrajectoryState
    superseded: frozenset[str]
    referrals: list[Referral]
    engine_events: list[Event]


def do_read_trajectory(*, actor: Membership, trajectory_id: object, purpose: str) -> TrajectoryView:
    """A trajectory with its events, for someone allowed to see it; the read is audited."""
    trajectory = access_trajectory(actor, str(trajectory_id), purpose=purpose)
    events = list(trajectory.events.select_related("recorded_by", "organisation"))
    engine_events = [e.as_engine_event() for e in events]
    state = project_state(engine_events)
    in_force = {e.id for e in effective_events(engine_events)}
    superseded = frozenset(str(e.pk) for e in events if str(e.pk) not in in_force)
    referrals = list(trajectory.referrals.select_related("from_organisation", "to_organisation"))
    return TrajectoryView(trajectory, events, state, superseded, referrals, engine_events)

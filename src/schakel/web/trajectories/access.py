"""Getting a record a user asked for by id: one call per kind of record.

Each helper checks the capability first (403 when the role can never do this), then the scope
through the QuerySet methods, and gives one NotFound (404) for "missing" and "not yours", so a
404 does not tell whether a record exists (after Zulip's `access_stream_by_id`). For a write it
takes the row lock as part of the fetch and checks the scope after it, inside the caller's
transaction, so a grant revoked or a version bumped since the caller read the record is seen.
A trajectory is the aggregate's root: its consents, events and referrals change only while its
row is locked, so their helpers lock the trajectory (always first, so locks are taken in one
order and two writers cannot deadlock).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext

from schakel.web.audit.service import do_record_denied, do_record_read
from schakel.web.core.access import require_transaction
from schakel.web.core.errors import NotFound
from schakel.web.organisations.models import Membership, User
from schakel.web.organisations.roles import Capability, has, require
from schakel.web.trajectories.models import (
    Consent,
    Person,
    Referral,
    Trajectory,
    TrajectoryEvent,
)
from schakel.web.trajectories.selectors import colleagues_of, inbox_for, members_ever_of

Missing = Callable[[], NotFound]
M = TypeVar("M", bound=Model)
MAX_ID = 2**63 - 1
"""The largest primary key a database column holds; a larger number is simply not found."""


def access_trajectory(
    actor: Membership,
    trajectory_id: uuid.UUID | str,
    *,
    write: bool = False,
    purpose: str | None = None,
) -> Trajectory:
    """The trajectory `actor` asked for; with `write`, locked and checked under the lock."""
    require(actor, Capability.RECORD_EVENTS if write else Capability.VIEW_RECORDS)
    pk = _uuid(trajectory_id, _missing_trajectory)
    if write:
        trajectory = _locked_in_scope(
            Trajectory.objects.all(), Trajectory.objects.writable_by(actor), pk
        )
    else:
        trajectory = (
            Trajectory.objects.visible_to(actor)
            .select_related("person", "organisation", "coordinator")
            .filter(pk=pk)
            .first()
        )
    return _found(actor, "trajectory", trajectory_id, trajectory, _missing_trajectory, purpose)


def access_person(
    actor: Membership,
    person_id: uuid.UUID | str,
    *,
    write: bool = False,
    purpose: str | None = None,
) -> Person:
    """A person `actor` may identify (`Person.objects.identifiable_by`: in scope, and for a
    frontline professional only whom they registered, signalled or referred themselves).

    With `write` (merging registrations), the person's row is locked before the check."""
    require(actor, Capability.VIEW_OWN_IDENTITY)
    if write:
        require(actor, Capability.RECORD_EVENTS)
    pk = _uuid(person_id, _missing_person)
    if write:
        person = _locked_in_scope(Person.objects.all(), Person.objects.identifiable_by(actor), pk)
    else:
        person = Person.objects.identifiable_by(actor).filter(pk=pk).first()
    return _found(actor, "person", person_id, person, _missing_person, purpose)


def may_identify(actor: Membership, person_id: uuid.UUID) -> bool:
    """Whether `actor` may see who this person is (no read: offering the reveal, or refusing
    it before a purpose is asked)."""
    if not has(actor, Capability.VIEW_OWN_IDENTITY):
        return False
    return Person.objects.identifiable_by(actor).filter(pk=person_id).exists()


def access_referral(
    actor: Membership,
    referral_id: int | str,
    *,
    write: bool = False,
    purpose: str | None = None,
) -> Referral:
    """A referral to the actor's organisation that waits for the actor's answer.

    With `write`, the referral's trajectory is locked first (every change of a referral
    happens under that lock), then the referral is read and checked."""
    require(actor, Capability.ANSWER_REFERRALS)
    pk = _int(referral_id, _missing_referral)
    if write:
        require_transaction()
        owner = Referral.objects.filter(pk=pk).values_list("trajectory_id", flat=True).first()
        if owner is not None:
            _lock_trajectory(owner)
    referral = inbox_for(actor).filter(pk=pk).first()
    return _found(actor, "referral", referral_id, referral, _missing_referral, purpose)


def access_consent(
    actor: Membership,
    trajectory_id: uuid.UUID | str,
    consent_id: int | str,
    *,
    write: bool = False,
    purpose: str | None = None,
) -> Consent:
    """A consent recorded in a trajectory the actor may change (consent is the writers' work).

    With `write`, the trajectory is locked and checked first, then the consent is read."""
    require(actor, Capability.RECORD_EVENTS)
    pk = _int(consent_id, _missing_consent)
    if write:
        trajectory = access_trajectory(actor, trajectory_id, write=True)
        consent = trajectory.consents.filter(pk=pk).first()
    else:
        trajectory_pk = _uuid(trajectory_id, _missing_consent)
        scope = Trajectory.objects.writable_by(actor).filter(pk=trajectory_pk)
        consent = Consent.objects.filter(pk=pk, trajectory__in=scope).first()
    return _found(actor, "consent", consent_id, consent, _missing_consent, purpose)


def access_event(
    actor: Membership,
    trajectory_id: uuid.UUID | str,
    event_id: uuid.UUID | str,
    *,
    purpose: str | None = None,
) -> TrajectoryEvent:
    """An event of a trajectory the actor may see (events are never changed, only corrected
    by a new event, so there is no write variant)."""
    require(actor, Capability.VIEW_RECORDS)
    trajectory_pk = _uuid(trajectory_id, _missing_event)
    pk = _uuid(event_id, _missing_event)
    scope = Trajectory.objects.visible_to(actor).filter(pk=trajectory_pk)
    event = TrajectoryEvent.objects.filter(pk=pk, trajectory__in=scope).first()
    return _found(actor, "trajectory_event", event_id, event, _missing_event, purpose)


def access_colleague(actor: Membership, user_id: int | str) -> User:
    """A current member of the actor's organisation (for a handover), or NotFound.

    No capability of its own: the action it serves checks its own."""
    pk = _int(user_id, _missing_colleague)
    user = colleagues_of(actor).filter(pk=pk).first()
    if user is None:
        raise _missing_colleague()
    return user


def access_handover_source(actor: Membership, user_id: int | str) -> User:
    """A current or former member of the actor's organisation whose work is handed over, or
    NotFound: one answer for a user who does not exist and one of another organisation."""
    pk = _int(user_id, _missing_colleague)
    user = members_ever_of(actor).filter(pk=pk).first()
    if user is None:
        raise _missing_colleague()
    return user


def _locked_in_scope(rows: QuerySet[M], scope: QuerySet[M], pk: object) -> M | None:
    """Lock the row first, then check it is in scope, so a grant revoked or a role changed
    since the caller read it is seen before anything is written."""
    require_transaction()
    found = rows.select_for_update().filter(pk=pk).first()
    if found is None or not scope.filter(pk=pk).exists():
        return None
    return found


def _lock_trajectory(pk: uuid.UUID) -> None:
    list(Trajectory.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def _uuid(value: object, missing: Missing) -> uuid.UUID:
    """An id from a URL or a request body; one that does not parse is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise missing() from None


def _int(value: object, missing: Missing) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise missing() from None
    if not 0 < number <= MAX_ID:
        raise missing()
    return number


def _found(
    actor: Membership,
    object_type: str,
    asked: object,
    found: M | None,
    missing: Missing,
    purpose: str | None,
) -> M:
    """`found`, with its read audited; or, when there is nothing, the refusal audited and the
    one NotFound for missing and not yours."""
    if found is None:
        do_record_denied(actor=actor, object_type=object_type, object_id=asked, purpose=purpose)
        raise missing()
    do_record_read(actor=actor, object_type=object_type, object_id=found.pk, purpose=purpose)
    return found


def _missing_trajectory() -> NotFound:
    return NotFound(gettext("This trajectory does not exist or is not yours to see."))


def _missing_person() -> NotFound:
    return NotFound(gettext("This person does not exist or is not yours to see."))


def _missing_referral() -> NotFound:
    return NotFound(gettext("This referral does not exist or does not wait for your answer."))


def _missing_consent() -> NotFound:
    return NotFound(gettext("This consent does not exist or is not yours to see."))


def _missing_event() -> NotFound:
    return NotFound(gettext("This event does not exist or is not yours to see."))


def _missing_colleague() -> NotFound:
    return NotFound(gettext("This colleague is not a member of your organisation."))

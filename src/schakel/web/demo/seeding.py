"""The rows of a synthetic region, written in bulk (the demo's actions call this).

The seed writes in bulk inside one transaction: a failure leaves nothing behind. Every person
and trajectory it creates gets an audit entry like any other write of personal data.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password

from schakel.engine.identity import IdentityData
from schakel.engine.synth import (
    IdentityRecord,
    RegionParameters,
    SyntheticRegion,
)
from schakel.engine.synth import Trajectory as SyntheticTrajectory
from schakel.engine.trajectories import TrajectoryState, project_state, referral_states
from schakel.engine.vocabulary import Region, Role
from schakel.web.audit.service import Access, do_record_accesses
from schakel.web.core.crypto import encrypt_json_with, new_data_key_rows
from schakel.web.demo.bulk import insert_rows
from schakel.web.organisations.models import Membership, Organisation, User
from schakel.web.organisations.roles import SystemActor
from schakel.web.trajectories.models import (
    AccessGrant,
    Identity,
    IdentityKey,
    Person,
    Referral,
    Trajectory,
    TrajectoryEvent,
    TrajectoryTask,
    new_pseudonym,
)
from schakel.web.trajectories.service import tokens_for

ORGANISATION_FIELDS = (
    "to_organisation_id",
    "consulted_organisation_id",
    "referred_to_organisation_id",
)
BATCH = 2000
SYSTEM = SystemActor("seed")


class DatabaseNotEmpty(Exception):
    """Seeding into a database that holds data would mix synthetic and other records."""


@dataclass(frozen=True)
class SeedReport:
    seeded: bool
    organisations: int = 0
    professionals: int = 0
    persons: int = 0
    trajectories: int = 0
    events: int = 0
    seconds: float = 0.0
    ground_truth: Path | None = None

    def summary(self) -> str:
        if not self.seeded:
            return "The database already holds data: nothing seeded."
        where = f"; ground truth in {self.ground_truth}" if self.ground_truth else ""
        return (
            f"Seeded a synthetic region in {self.seconds:.1f} s: "
            f"{self.organisations} organisations, {self.professionals} professionals, "
            f"{self.persons} identity records, "
            f"{self.trajectories} trajectories, {self.events} events{where}."
        )


def seed_parameters(
    *,
    persons: int | None = None,
    seed: int = 2024,
    years: int | None = None,
    start_year: int | None = None,
) -> RegionParameters:
    """Region parameters with the given values and the generator's defaults elsewhere."""
    given: dict[str, Any] = {"persons": persons, "years": years, "start_year": start_year}
    return RegionParameters(seed=seed, **{k: v for k, v in given.items() if v is not None})


def identity_of(record: IdentityRecord) -> dict[str, Any]:
    identifiers = {
        "bsn": record.bsn,
        "v_number": record.v_number,
        "passport": record.passport,
    }
    data = IdentityData(
        given_names=record.given_names,
        family_name=record.family_name,
        sex=record.sex,
        date_of_birth=record.date_of_birth,
        date_of_birth_estimated=record.dob_estimated,
        place_of_birth=record.place_of_birth,
        nationality=record.nationality,
        identifiers={k: v for k, v in identifiers.items() if v},  # type: ignore[arg-type]
        phone=record.phone,
    )
    return data.model_dump()


class RegionLoader:
    """Maps the generator's keys to database rows and writes them in batches."""

    def __init__(self, region: SyntheticRegion):
        self.region = region
        self.organisation_ids: dict[str, int] = {}
        self.organisation_by_number: dict[int, int] = {}
        self.user_ids: dict[str, int] = {}
        self.roles: dict[str, Role] = {}

    def load(self) -> None:
        self._organisations()
        self._professionals()
        persons = self._persons()
        self._trajectories(persons)

    def _organisations(self) -> None:
        rows = [
            Organisation(
                name=o.name,
                type=o.type.value,
                region=(o.region or Region.MIDDEN_NEDERLAND).value,
            )
            for o in self.region.organisations
        ]
        created = Organisation.objects.bulk_create(rows)
        for source, row in zip(self.region.organisations, created, strict=True):
            self.organisation_ids[source.key] = row.pk
            self.organisation_by_number[source.number] = row.pk

    def _professionals(self) -> None:
        unusable = make_password(None)
        users = [
            User(
                username=p.key,
                first_name=p.display_name.split(" ")[0],
                last_name=" ".join(p.display_name.split(" ")[1:]),
                password=unusable,
            )
            for p in self.region.professionals
        ]
        created = User.objects.bulk_create(users, batch_size=BATCH)
        memberships = []
        for source, user in zip(self.region.professionals, created, strict=True):
            self.user_ids[source.key] = user.pk
            self.roles[source.key] = source.role
            memberships.append(
                Membership(
                    user=user,
                    organisation_id=self.organisation_ids[source.organisation_key],
                    role=source.role.value,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)

    def _persons(self) -> dict[str, uuid.UUID]:
        """One pseudonymous person per identity record: organisations do not know who matches."""
        person_ids: dict[str, uuid.UUID] = {}
        persons, identities, keys = [], [], []
        pseudonyms: set[str] = set()
        for _record in self.region.identity_records:
            pseudonym = new_pseudonym()
            while pseudonym in pseudonyms:
                pseudonym = new_pseudonym()
            pseudonyms.add(pseudonym)
            persons.append(Person(id=uuid.uuid4(), pseudonym=pseudonym))
        data_keys, fernets = new_data_key_rows([p.id for p in persons])
        for person, record in zip(persons, self.region.identity_records, strict=True):
            identity = identity_of(record)
            sealed = encrypt_json_with(fernets[str(person.id)], person.id, identity)
            identities.append(Identity(person=person, ciphertext=sealed))
            keys += [
                IdentityKey(person=person, token=token)
                for token in tokens_for(IdentityData.model_validate(identity))
            ]
            person_ids[record.key] = person.id
        insert_rows(persons)
        insert_rows(data_keys)
        insert_rows(identities)
        insert_rows(keys)
        do_record_accesses(
            actor=SYSTEM,
            accesses=[Access("create", "person", str(p.id), "synthetic seed") for p in persons],
        )
        return person_ids

    def _trajectories(self, person_ids: dict[str, uuid.UUID]) -> None:
        trajectories: list[Trajectory] = []
        events: list[TrajectoryEvent] = []
        grants: list[AccessGrant] = []
        tasks: list[TrajectoryTask] = []
        for source in self.region.trajectories:
            row, state = self._trajectory(source, person_ids)
            trajectories.append(row)
            tasks += [
                TrajectoryTask(trajectory=row, kind=t.kind, due_on=t.due_on, reference=t.reference)
                for t in state.open_tasks
            ]
            events += [self._event(row, e) for e in source.events]
            if source.signal_organisation_key != source.lead_organisation_key:
                grants.append(
                    AccessGrant(
                        trajectory=row,
                        organisation_id=self.organisation_ids[source.signal_organisation_key],
                        reason=AccessGrant.Reason.REFERRAL,
                        reference="seed",
                        granted_at=row.opened_at,
                    )
                )
        insert_rows(trajectories)
        insert_rows(events)
        insert_rows(grants)
        insert_rows(tasks)
        Referral.objects.bulk_create(referrals_from(events), batch_size=BATCH)
        do_record_accesses(actor=SYSTEM, accesses=trajectory_accesses(trajectories, events))

    def _trajectory(
        self, source: SyntheticTrajectory, person_ids: dict[str, uuid.UUID]
    ) -> tuple[Trajectory, TrajectoryState]:
        state = project_state(source.projection_events())
        lead = source.lead_organisation_key
        coordinator = next(
            (
                self.user_ids[e.recorded_by]
                for e in source.events
                if e.organisation_key == lead and self.roles[e.recorded_by] == Role.COORDINATOR
            ),
            None,
        )
        row = Trajectory(
            id=uuid.uuid4(),
            person_id=person_ids[source.identity_record_key],
            organisation_id=self.organisation_ids[lead],
            coordinator_id=coordinator,
            opened_at=source.events[0].occurred_at,
            stage=state.stage.value,
            case_status=state.case_status.value,
            version=len(source.events),
        )
        return row, state

    def _event(self, trajectory: Trajectory, source: Any) -> TrajectoryEvent:
        payload = dict(source.payload)
        for name in ORGANISATION_FIELDS:
            if name in payload:
                payload[name] = self.organisation_by_number[payload[name]]
        return TrajectoryEvent.recording(
            id=uuid.uuid4(),
            trajectory=trajectory,
            event_type=source.event_type.value,
            occurred_at=source.occurred_at,
            recorded_at=source.occurred_at,
            recorded_by_id=self.user_ids[source.recorded_by],
            organisation_id=self.organisation_ids[source.organisation_key],
            payload=payload,
        )


def trajectory_accesses(
    trajectories: list[Trajectory], events: list[TrajectoryEvent]
) -> list[Access]:
    """One audit entry per seeded trajectory, covering the digests of its events (so the
    audit trail vouches for each event as if recorded through the actions)."""
    covered: dict[uuid.UUID, dict[str, str]] = {}
    for event in events:
        covered.setdefault(event.trajectory_id, {})[str(event.id)] = event.content_digest
    return [
        Access(
            "create",
            "trajectory",
            str(t.pk),
            "synthetic seed",
            {
                "events": len(covered.get(t.pk, {})),
                "covers": {"trajectory_event": covered.get(t.pk, {})},
            },
        )
        for t in trajectories
    ]


def referrals_from(events: list[TrajectoryEvent]) -> list[Referral]:
    """The Referral records that the referral events of seeded trajectories imply."""
    by_trajectory: dict[uuid.UUID, list[TrajectoryEvent]] = {}
    for event in events:
        by_trajectory.setdefault(event.trajectory_id, []).append(event)
    referrals = []
    for rows in by_trajectory.values():
        organisation = {str(e.id): e.organisation_id for e in rows}
        for state in referral_states(e.as_engine_event() for e in rows).values():
            referrals.append(
                Referral(
                    trajectory=rows[0].trajectory,
                    reference=state.reference,
                    from_organisation_id=organisation[state.sent_by_event],
                    to_organisation_id=state.to_organisation_id,
                    purpose=state.purpose.value,
                    sent_at=state.sent_at,
                    status=state.status.value,
                    answered_at=state.answered_at,
                    reason=state.reason,
                )
            )
    return referrals

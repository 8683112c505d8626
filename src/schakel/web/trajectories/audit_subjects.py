"""Tells the audit trail which of its objects are about which person (see `audit.subjects`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from schakel.web.audit.service import ObjectKey, SubjectSource
from schakel.web.trajectories.models import Consent, Person, Trajectory

PERSON_OBJECTS = ("person", "identity")
TRAJECTORY_OBJECTS = ("trajectory", "consent_override")


def objects_of(pseudonym: str) -> list[ObjectKey]:
    person = Person.objects.filter(pseudonym=pseudonym.strip().upper()).first()
    if person is None:
        return []
    keys = [(kind, str(person.pk)) for kind in PERSON_OBJECTS]
    trajectories = [str(pk) for pk in person.trajectories.values_list("pk", flat=True)]
    keys += [(kind, pk) for kind in TRAJECTORY_OBJECTS for pk in trajectories]
    consents = Consent.objects.filter(trajectory__person=person).values_list("pk", flat=True)
    keys += [("consent", str(pk)) for pk in consents]
    return keys


def pseudonyms_of(keys: Sequence[ObjectKey]) -> dict[ObjectKey, str]:
    """At most 3 queries for a page, whatever its size."""
    wanted: dict[str, set[str]] = {}
    for kind, pk in keys:
        wanted.setdefault(kind, set()).add(pk)
    found: dict[ObjectKey, str] = {}
    people = {i for kind in PERSON_OBJECTS for i in wanted.get(kind, set())}
    if people:
        names = dict(Person.objects.filter(pk__in=_uuids(people)).values_list("pk", "pseudonym"))
        for kind in PERSON_OBJECTS:
            found.update(
                {(kind, str(k)): v for k, v in names.items() if str(k) in wanted.get(kind, set())}
            )
    trajectories = {i for kind in TRAJECTORY_OBJECTS for i in wanted.get(kind, set())}
    if trajectories:
        owners = Trajectory.objects.filter(pk__in=_uuids(trajectories)).values_list(
            "pk", "person__pseudonym"
        )
        for trajectory_id, name in owners:
            for kind in TRAJECTORY_OBJECTS:
                if str(trajectory_id) in wanted.get(kind, set()):
                    found[(kind, str(trajectory_id))] = name
    consents = [i for i in wanted.get("consent", set()) if i.isdigit()]
    if consents:
        given = Consent.objects.filter(pk__in=consents).values_list(
            "pk", "trajectory__person__pseudonym"
        )
        found.update({("consent", str(consent_id)): name for consent_id, name in given})
    return found


def _uuids(values: set[str]) -> list[str]:
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except ValueError:
            continue
    return out


SOURCE = SubjectSource(objects_of=objects_of, pseudonyms_of=pseudonyms_of)

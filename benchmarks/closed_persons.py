"""Fast seeding for the data-protection benchmark: many persons whose trajectories all closed
years ago, copied from a small region made by the real seed.

`schakel seed` simulates every person's history; at 100,000 persons it did not finish within
40 minutes. The retention job and key rotation need no new histories, only many of them, so
`copy_closed_persons` takes the persons of a seeded region whose every trajectory is closed and
writes copies of them until there are enough. Each copy is made of the same rows, by the same
bulk path, as `schakel seed` makes them (`schakel.web.demo.seeding.RegionLoader`, which also
bypasses the web actions): a person with a new pseudonym and its own new data key; the identity
record sealed with that key and its search tokens; the trajectories with their events (free
text sealed with the new key by `SealedTextField`, as in the seed), access grants, tasks and the
referrals the events imply (`referrals_from`, as in the seed); one audit entry per person and
one per trajectory covering its events' content hashes. The identities are the template's
synthetic ones (no real data); only the keys, ids and pseudonyms are new.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

CHUNK = 2000
"""Persons written per transaction."""


@dataclass
class Template:
    person: Any
    identity: dict[str, Any]
    tokens: list[str]
    trajectories: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Copied:
    persons: int
    trajectories: int
    events: int
    seconds: float


def _copy(row: Any, **changes: Any) -> Any:
    """An unsaved copy of a row, without its primary key unless given in `changes`."""
    values = {
        f.attname: getattr(row, f.attname)
        for f in type(row)._meta.concrete_fields
        if not f.primary_key and f.attname not in changes and f.name not in changes
    }
    return type(row)(**values, **changes)


def closed_templates() -> list[Template]:
    """The seeded persons whose every trajectory is closed, with everything to copy."""
    from schakel.web.core.crypto import decrypt_json, load_keys
    from schakel.web.retention.actions import CLOSED
    from schakel.web.trajectories.models import Identity, IdentityKey, Trajectory

    still_open = Trajectory.objects.exclude(case_status__in=CLOSED).values("person_id")
    trajectories = (
        Trajectory.objects.filter(case_status__in=CLOSED)
        .exclude(person_id__in=still_open)
        .select_related("person")
        .prefetch_related("events", "grants", "tasks")
        .order_by("person_id", "opened_at")
    )
    templates: dict[Any, Template] = {}
    rows = list(trajectories)
    person_ids = sorted({str(t.person_id) for t in rows})
    load_keys(person_ids)
    identities = {
        str(i.person_id): decrypt_json(i.ciphertext)
        for i in Identity.objects.filter(person_id__in=person_ids)
    }
    tokens: dict[str, list[str]] = {}
    for person_id, token in IdentityKey.objects.values_list("person_id", "token"):
        tokens.setdefault(str(person_id), []).append(token)
    for row in rows:
        key = str(row.person_id)
        if key not in templates:
            templates[key] = Template(row.person, identities[key], tokens.get(key, []))
        templates[key].trajectories.append(row)
    return list(templates.values())


def _pseudonyms(taken: set[str]) -> Iterator[str]:
    from schakel.web.trajectories.models import new_pseudonym

    while True:
        pseudonym = new_pseudonym()
        if pseudonym not in taken:
            taken.add(pseudonym)
            yield pseudonym


def _write_chunk(templates: list[Template], pseudonyms: Iterator[str]) -> tuple[int, int]:
    """Copies of `templates`, one new person each, in one transaction; (trajectories, events)."""
    from django.db import transaction

    from schakel.web.audit.service import Access, do_record_accesses
    from schakel.web.core.crypto import encrypt_json_with, new_data_key_rows
    from schakel.web.demo.bulk import insert_rows
    from schakel.web.demo.seeding import SYSTEM, referrals_from, trajectory_accesses
    from schakel.web.trajectories.models import Identity, IdentityKey, Person, Referral

    persons = [Person(id=uuid.uuid4(), pseudonym=next(pseudonyms)) for _ in templates]
    data_keys, fernets = new_data_key_rows([p.id for p in persons])
    identities, keys, trajectories, events, grants, tasks = [], [], [], [], [], []
    for person, template in zip(persons, templates, strict=True):
        sealed = encrypt_json_with(fernets[str(person.id)], person.id, template.identity)
        identities.append(Identity(person=person, ciphertext=sealed))
        keys += [IdentityKey(person=person, token=token) for token in template.tokens]
        for source in template.trajectories:
            trajectory = _copy(source, id=uuid.uuid4(), person=person)
            trajectories.append(trajectory)
            new_ids = {e.id: uuid.uuid4() for e in source.events.all()}
            for event in source.events.all():
                events.append(
                    _copy(
                        event,
                        id=new_ids[event.id],
                        trajectory=trajectory,
                        supersedes_id=new_ids.get(event.supersedes_id),
                    )
                )
            grants += [_copy(g, trajectory=trajectory) for g in source.grants.all()]
            tasks += [_copy(t, trajectory=trajectory) for t in source.tasks.all()]
    with transaction.atomic():
        for rows in (persons, data_keys, identities, keys, trajectories, events, grants, tasks):
            insert_rows(rows)
        Referral.objects.bulk_create(referrals_from(events), batch_size=2000)
        accesses = [Access("create", "person", str(p.id), "synthetic seed") for p in persons]
        accesses += trajectory_accesses(trajectories, events)
        do_record_accesses(actor=SYSTEM, accesses=accesses)
    return len(trajectories), len(events)


def copy_closed_persons(count: int, progress: Callable[[int, int], None] | None = None) -> Copied:
    """Write `count` copies of the seeded persons whose trajectories are all closed."""
    from schakel.web.demo.bulk import cycle_collector_paused
    from schakel.web.trajectories.models import Person

    started = time.perf_counter()
    templates = closed_templates()
    if not templates and count:
        raise SystemExit("The template region has no person whose trajectories are all closed.")
    pseudonyms = _pseudonyms(set(Person.objects.values_list("pseudonym", flat=True)))
    trajectories = events = done = 0
    with cycle_collector_paused():
        while done < count:
            size = min(CHUNK, count - done)
            chunk = [templates[(done + i) % len(templates)] for i in range(size)]
            made = _write_chunk(chunk, pseudonyms)
            trajectories, events, done = trajectories + made[0], events + made[1], done + size
            if progress:
                progress(done, count)
    return Copied(done, trajectories, events, time.perf_counter() - started)

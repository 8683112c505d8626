"""Register a person only after looking for an earlier registration (search before create)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from schakel.engine.duplicates import Likeness, likeness, search_keys
from schakel.engine.identity import IdentityData, parse_identity
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_access, do_record_accesses
from schakel.web.core.crypto import decrypt_json, search_token
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import Capability, require
from schakel.web.trajectories.access import access_person
from schakel.web.trajectories.models import IdentityKey, Person

MIN_LIKENESS = 0.6
MAX_CANDIDATES = 10


def tokens_for(identity: IdentityData) -> set[str]:
    return {search_token(key) for key in search_keys(identity)}


def index_identity(person: Person, identity: IdentityData) -> None:
    IdentityKey.objects.bulk_create(
        [IdentityKey(person=person, token=token) for token in tokens_for(identity)],
        ignore_conflicts=True,
    )


@dataclass(frozen=True)
class Candidate:
    person: Person
    identity: IdentityData
    likeness: Likeness


def do_find_duplicates(*, actor: Membership, identity: dict[str, Any]) -> list[Candidate]:
    """Persons the actor may see who could be the same as `identity`, most alike first.

    Only persons whose identity the actor may see are searched (`identifiable_by`); every
    candidate read is audited.
    """
    require(actor, Capability.VIEW_OWN_IDENTITY)
    wanted = parse_identity(identity)
    tokens = tokens_for(wanted)
    matches = (
        Person.objects.identifiable_by(actor)
        .filter(search_keys__token__in=tokens)
        .distinct()
        .select_related("identity")[: MAX_CANDIDATES * 5]
    )
    candidates = []
    for person in matches:
        known = IdentityData.model_validate(decrypt_json(person.identity.ciphertext))
        alike = likeness(wanted, known)
        if alike.score >= MIN_LIKENESS:
            candidates.append(Candidate(person, known, alike))
    candidates.sort(key=lambda c: -c.likeness.score)
    shown = candidates[:MAX_CANDIDATES]
    do_record_accesses(
        actor=actor,
        accesses=[
            Access(AuditEntry.Action.READ, "identity", str(c.person.pk), "duplicate check")
            for c in shown
        ],
    )
    return shown


def do_merge_persons(*, actor: Membership, keep: Person, merge: Person, reason: str) -> Person:
    """Bring `merge`'s trajectories under `keep`; both histories stay whole and audited.

    Both persons are locked (in id order, so two merges cannot deadlock) and checked first."""
    with transaction.atomic():
        for pk in sorted({keep.pk, merge.pk}, key=str):
            access_person(actor, pk, write=True)
        if keep.pk == merge.pk:
            raise ValidationError({"merge": gettext("A person cannot be merged with itself.")})
        moved = list(merge.trajectories.values_list("pk", flat=True))
        merge.trajectories.update(person=keep)
        # The merged registration keeps its identity record and search keys for the record;
        # it points at the person it became part of.
        Person.objects.filter(pk=merge.pk).update(merged_into=keep)
        do_record_access(
            actor=actor,
            action=AuditEntry.Action.MERGE,
            object_type="person",
            object_id=keep.pk,
            purpose=reason[:200] or "merge duplicate registration",
            detail={"merged": str(merge.pk), "trajectories": [str(pk) for pk in moved]},
        )
    return keep

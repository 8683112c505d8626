"""Search tokens for a new search key: `schakel keys reindex`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from schakel.engine.identity import IdentityData
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import do_record_access
from schakel.web.core.crypto import DecryptionError, decrypt_json, load_keys
from schakel.web.organisations.roles import SystemActor
from schakel.web.trajectories.actions.registration import tokens_for
from schakel.web.trajectories.models import Identity, IdentityKey

BATCH = 500


@dataclass(frozen=True)
class ReindexReport:
    persons: int
    tokens: int
    unreadable: int


def do_reindex_identities(
    *, actor: SystemActor, progress: Callable[[int], None] | None = None
) -> ReindexReport:
    """Replace every person's search tokens with tokens of the current SCHAKEL_SEARCH_KEY.

    Batch by batch (each batch one transaction), so an interrupted run can be started again;
    between the key change and the end of the run the duplicate check misses the persons not
    yet done. Recorded in the audit trail as the system, without names or tokens."""
    persons = tokens = unreadable = 0
    last = None
    while True:
        page = Identity.objects.order_by("person_id")
        if last is not None:
            page = page.filter(person_id__gt=last)
        rows = list(page.values_list("person_id", "ciphertext")[:BATCH])
        if not rows:
            break
        load_keys([str(person) for person, _ in rows])
        new: list[IdentityKey] = []
        for person, ciphertext in rows:
            try:
                identity = IdentityData.model_validate(decrypt_json(ciphertext))
            except DecryptionError:
                unreadable += 1
                continue
            new += [IdentityKey(person_id=person, token=t) for t in tokens_for(identity)]
        with transaction.atomic():
            IdentityKey.objects.filter(person_id__in=[p for p, _ in rows]).delete()
            IdentityKey.objects.bulk_create(new, batch_size=2000)
        persons += len(rows)
        tokens += len(new)
        last = rows[-1][0]
        if progress:
            progress(persons)
    do_record_access(
        actor=actor,
        action=AuditEntry.Action.UPDATE,
        object_type="search_keys",
        object_id="all",
        purpose="search key changed: search tokens rebuilt",
        detail={"persons": persons, "tokens": tokens, "unreadable": unreadable},
    )
    return ReindexReport(persons, tokens, unreadable)

"""Writing the social map. Services name staff (contact persons), so writes are audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from django.db import transaction

from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import Access, do_record_access, do_record_accesses
from schakel.web.organisations.roles import Actor, Capability, require, user_id_of
from schakel.web.socialmap.access import access_service
from schakel.web.socialmap.models import Service

A = AuditEntry.Action


@dataclass(frozen=True)
class ServiceData:
    name: str
    kind: str
    region: str
    organisation_id: int | None = None
    description: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    website: str = ""
    opening_hours: str = ""
    available_24_7: bool = False
    forms: list[str] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    contact_person_name: str = ""
    contact_person_phone: str = ""
    contact_person_email: str = ""
    is_active: bool = True
    is_public: bool = False


def normalise_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def _require_editor(actor: Actor) -> None:
    require(actor, Capability.EDIT_SOCIAL_MAP)


def _apply(service: Service, data: ServiceData) -> None:
    for name, value in asdict(data).items():
        if isinstance(value, str):
            value = value.strip()
        setattr(service, name, value)
    service.name = normalise_name(data.name)
    service.forms = sorted(set(data.forms))
    service.target_groups = sorted(set(data.target_groups))
    service.tags = sorted({t.strip().lower() for t in data.tags if t.strip()})


def do_create_service(*, actor: Actor, data: ServiceData) -> Service:
    """Add a service; a duplicate (same name in the same region) is refused with a clear error."""
    _require_editor(actor)
    service = Service(maintained_by_id=user_id_of(actor))
    _apply(service, data)
    service.full_clean()
    with transaction.atomic():
        service.save()
        do_record_access(
            actor=actor,
            action=A.CREATE,
            object_type="service",
            object_id=service.pk,
            purpose="add to the social map",
        )
    return service


def do_update_service(*, actor: Actor, service: Service, data: ServiceData) -> Service:
    """Replace a service's details; the row is locked and checked again before the change."""
    with transaction.atomic():
        service = access_service(actor, service.pk, write=True)
        _apply(service, data)
        service.full_clean()
        service.save()
        do_record_access(
            actor=actor,
            action=A.UPDATE,
            object_type="service",
            object_id=service.pk,
            purpose="update the social map",
        )
    return service


def do_seed_social_map(*, regions: Iterable[str], actor: Actor) -> int:
    """Fictional services for each region (real numbers only for the national lines).

    Safe to run again: a service that already exists (same name and region) is skipped.
    Returns how many services were created.
    """
    from schakel.web.socialmap.seed import synthetic_services

    _require_editor(actor)
    wanted = [data for region in regions for data in synthetic_services(region)]
    existing = {
        (name.lower(), region)
        for name, region in Service.objects.filter(
            region__in={d.region for d in wanted}
        ).values_list("name", "region")
    }
    new = []
    for data in wanted:
        service = Service()
        _apply(service, data)
        if (service.name.lower(), service.region) in existing:
            continue
        service.full_clean(validate_constraints=False)
        new.append(service)
    with transaction.atomic():
        created = Service.objects.bulk_create(new)
        do_record_accesses(
            actor=actor,
            accesses=[
                Access(A.CREATE, "service", str(s.pk), "synthetic social map") for s in created
            ],
        )
    return len(created)


def transfer_maintenance(*, from_user_id: int, to_user_id: int) -> list[int]:
    """Social map entries kept by one person pass to a colleague; returns their ids."""
    moving = Service.objects.select_for_update().filter(maintained_by_id=from_user_id)
    ids = list(moving.values_list("pk", flat=True))
    Service.objects.filter(pk__in=ids).update(maintained_by_id=to_user_id)
    return ids

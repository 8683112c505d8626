from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from schakel.engine.vocabulary import Region
from schakel.web.audit.models import AuditEntry
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SYSTEM
from schakel.web.socialmap.actions import (
    ServiceData,
    do_create_service,
    do_seed_social_map,
    do_update_service,
)
from schakel.web.socialmap.models import Service
from schakel.web.socialmap.seed import care_coordination_name

pytestmark = pytest.mark.django_db


def data(**values: object) -> ServiceData:
    given: dict[str, object] = {
        "name": "Zorgcoördinatie Rijnmond",
        "kind": "care_coordinator",
        "region": Region.ROTTERDAM.value,
        "phone": "000-000 0001",
    }
    return ServiceData(**{**given, **values})  # type: ignore[arg-type]


def test_a_service_is_created_and_audited(editor: Membership) -> None:
    service = do_create_service(actor=editor, data=data(tags=[" Jeugd ", "jeugd", ""]))
    assert service.tags == ["jeugd"]
    entry = AuditEntry.objects.get(object_type="service")
    assert (entry.action, entry.object_id, entry.actor_id) == (
        "create",
        str(service.pk),
        editor.user_id,
    )


def test_a_residential_facility_must_name_its_contact_person(editor: Membership) -> None:
    with pytest.raises(ValidationError) as caught:
        do_create_service(actor=editor, data=data(kind="residential_facility", name="De Haven"))
    assert caught.value.message_dict["contact_person_name"] == [
        "A residential facility must name its contact person for trafficking."
    ]
    service = do_create_service(
        actor=editor,
        data=data(kind="residential_facility", name="De Haven", contact_person_name="J. Jansen"),
    )
    with pytest.raises(ValidationError, match="contact person"):
        do_update_service(
            actor=editor,
            service=service,
            data=data(kind="residential_facility", name="De Haven", contact_person_name="  "),
        )


def test_duplicates_in_a_region_are_refused(editor: Membership) -> None:
    do_create_service(actor=editor, data=data())
    with pytest.raises(
        ValidationError, match="already has a service with this name in this region"
    ):
        do_create_service(actor=editor, data=data(name="  zorgcoördinatie   RIJNMOND "))
    do_create_service(actor=editor, data=data(region=Region.AMSTERDAM.value))
    assert Service.objects.count() == 2


def test_a_service_needs_a_way_to_reach_it_and_known_codes(editor: Membership) -> None:
    with pytest.raises(ValidationError, match="at least one way"):
        do_create_service(actor=editor, data=data(phone=""))
    with pytest.raises(ValidationError) as caught:
        do_create_service(actor=editor, data=data(forms=["piracy"], target_groups=["elderly"]))
    assert set(caught.value.message_dict) == {"forms", "target_groups"}


def test_only_editors_and_administrators_write(coordinator_a: Membership) -> None:
    with pytest.raises(PermissionDenied):
        do_create_service(actor=coordinator_a, data=data())


def test_seed_is_fictional_complete_and_idempotent() -> None:
    regions = [Region.ROTTERDAM.value, Region.LIMBURG.value]
    created = do_seed_social_map(regions=regions, actor=SYSTEM)
    assert created == Service.objects.count() == 18
    assert do_seed_social_map(regions=regions, actor=SYSTEM) == 0
    for service in Service.objects.all():
        service.full_clean()
        if service.kind == "care_coordinator":  # the demo organisation's invented name
            assert service.name == care_coordination_name(Region(service.region))
        else:
            assert "(fictief)" in service.name
        assert service.phone in {"0900-8844", "0800-2000"} or service.phone.startswith("000-")
        assert service.email.endswith("@example.org")
    kinds = set(Service.objects.filter(region="limburg").values_list("kind", flat=True))
    assert kinds == {
        "care_coordinator", "municipal_contact", "veilig_thuis", "police",
        "labour_inspectorate", "shelter", "residential_facility", "specialised_care", "legal_aid",
    }  # fmt: skip
    assert AuditEntry.objects.filter(object_type="service").count() == 18

from __future__ import annotations

import pytest

from schakel.engine.vocabulary import Region
from schakel.web.organisations.models import Membership
from schakel.web.organisations.roles import SYSTEM
from schakel.web.socialmap.actions import ServiceData, do_create_service, do_seed_social_map
from schakel.web.socialmap.selectors import Contact, contacts_for

pytestmark = pytest.mark.django_db


def names(contacts: list[Contact]) -> list[str]:
    return [c.name for c in contacts]


def phones(contacts: list[Contact]) -> list[str]:
    return [c.phone for c in contacts]


def test_national_numbers_come_first_and_veilig_thuis_only_for_minors() -> None:
    minors = contacts_for(region=Region.ROTTERDAM.value, form=None, minor=True)
    assert phones(minors) == ["112", "0900-8844", "0800-2000"]
    assert all(c.national and c.available_24_7 for c in minors)
    assert phones(contacts_for(region="rotterdam", form=None, minor=None))[2] == "0800-2000"
    assert phones(contacts_for(region="rotterdam", form="labour", minor=False)) == [
        "112",
        "0900-8844",
    ]


def test_regional_services_that_take_on_the_situation_follow(editor: Membership) -> None:
    do_seed_social_map(regions=["rotterdam", "amsterdam"], actor=SYSTEM)
    do_create_service(
        actor=editor,
        data=ServiceData(
            name="Oude dienst", kind="care_coordinator", region="rotterdam", phone="000-000 0009",
            is_active=False,
        ),
    )  # fmt: skip
    adults = contacts_for(region="rotterdam", form="labour", minor=False)
    assert [c.kind for c in adults] == [
        "emergency", "police", "care_coordinator", "municipal_contact", "labour_inspectorate",
        "shelter", "specialised_care", "legal_aid",
    ]  # fmt: skip
    assert adults[2].name == "Zorgcoördinatie Mensenhandel Maasdelta"  # as in the demo
    assert all("Rotterdam" in c.name for c in adults[3:])
    assert adults[2].url.startswith("/sociale-kaart/")
    minors = contacts_for(region="rotterdam", form="sexual", minor=True)
    kinds = [c.kind for c in minors]
    assert kinds == [
        "emergency", "police", "veilig_thuis", "care_coordinator", "municipal_contact",
        "residential_facility", "specialised_care",
    ]  # fmt: skip
    facility = next(c for c in minors if c.kind == "residential_facility")
    assert facility.contact_person == "J. de Vries (fictief)"
    assert "Oude dienst" not in names(adults + minors)


def test_unknown_region_or_form_is_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        contacts_for(region="atlantis", form=None, minor=None)
    with pytest.raises(ValueError, match="form"):
        contacts_for(region="rotterdam", form="piracy", minor=None)

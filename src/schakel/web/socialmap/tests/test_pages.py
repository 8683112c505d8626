from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.organisations.roles import SYSTEM
from schakel.web.socialmap.actions import do_seed_social_map
from schakel.web.socialmap.models import Service

pytestmark = pytest.mark.django_db


def test_list_defaults_to_the_members_region_and_filters(coordinator_a: Membership) -> None:
    do_seed_social_map(regions=["rotterdam", "amsterdam"], actor=SYSTEM)
    client = signed_in(coordinator_a)
    page = client.get(reverse("socialmap-list"))
    assert page.status_code == 200
    assert "Rotterdam (fictief)" in page.text and "Amsterdam (fictief)" not in page.text
    assert "0800-2000" in page.text and "112" in page.text
    everywhere = client.get(reverse("socialmap-list"), {"region": ""})
    assert "Amsterdam (fictief)" in everywhere.text
    shelters = client.get(reverse("socialmap-list"), {"region": "amsterdam", "kind": "shelter"})
    assert "Opvang De Schuilplaats Amsterdam" in shelters.text
    assert "Traumazorg" not in shelters.text
    partial = client.get(
        reverse("socialmap-list"), {"region": "amsterdam"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text and "Amsterdam (fictief)" in partial.text


def test_detail_shows_contact_person(coordinator_a: Membership) -> None:
    do_seed_social_map(regions=["rotterdam"], actor=SYSTEM)
    facility = Service.objects.get(kind="residential_facility")
    page = signed_in(coordinator_a).get(reverse("socialmap-detail", args=[facility.pk]))
    assert page.status_code == 200 and "J. de Vries (fictief)" in page.text
    assert signed_in(coordinator_a).get(reverse("socialmap-detail", args=[999])).status_code == 404


def test_editor_adds_and_edits_through_the_pages(editor: Membership) -> None:
    client = signed_in(editor)
    client.cookies["django_language"] = "en"
    assert client.get(reverse("socialmap-create")).status_code == 200
    form = {
        "name": "Huize Zonnestraal",
        "kind": "residential_facility",
        "region": "rotterdam",
        "phone": "000-000 0042",
        "target_groups": ["minor"],
        "is_active": "on",
    }
    refused = client.post(reverse("socialmap-create"), form)
    assert refused.status_code == 422
    assert refused.context["form"].errors["contact_person_name"] == [
        "A residential facility must name its contact person for trafficking."
    ]
    created = client.post(
        reverse("socialmap-create"), {**form, "contact_person_name": "P. Pieters"}
    )
    service = Service.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/sociale-kaart/{service.pk}/"
    duplicate = client.post(reverse("socialmap-create"), {**form, "contact_person_name": "X"})
    assert duplicate.status_code == 422 and duplicate.context["form"].non_field_errors()
    assert client.get(reverse("socialmap-edit", args=[service.pk])).status_code == 200
    edited = client.post(
        reverse("socialmap-edit", args=[service.pk]),
        {**form, "contact_person_name": "Q. Quist", "tags": "jeugd, wonen"},
    )
    assert edited.status_code == 302
    service.refresh_from_db()
    assert service.contact_person_name == "Q. Quist" and service.tags == ["jeugd", "wonen"]


def test_only_editors_see_the_editor_pages(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    assert client.get(reverse("socialmap-create")).status_code == 403
    assert client.get(reverse("socialmap-edit", args=[1])).status_code == 403


@pytest.mark.parametrize("regions", [["rotterdam"], ["rotterdam", "amsterdam", "limburg"]])
def test_list_query_count(
    org_a: Organisation,
    member: Callable[..., Membership],
    django_assert_num_queries,
    regions: list[str],
) -> None:
    do_seed_social_map(regions=regions, actor=SYSTEM)
    Service.objects.update(organisation=org_a)
    client = signed_in(member(org_a, Role.FRONTLINE))
    client.get(reverse("home"))
    # session, user, memberships, count, page (with organisations)
    with django_assert_num_queries(5):
        client.get(reverse("socialmap-list"), {"region": ""})


@pytest.mark.parametrize(
    ("phone", "accepted"),
    [
        ("abc", False),
        ("06-1234567", False),
        ("010 123 4567!", False),
        ("010-123 4567", True),
        ("+31 (0)10 123 4567", True),
        ("0800-2000", True),
        ("112", True),
        ("14 010", True),
    ],
)
def test_phone_numbers_are_checked_with_a_clear_message(
    editor: Membership, phone: str, accepted: bool
) -> None:
    client = signed_in(editor)
    form = {
        "name": "Opvang Telefoon",
        "kind": "shelter",
        "region": "rotterdam",
        "phone": phone,
        "contact_person_phone": phone,
        "email": "niet-geldig",
        "is_active": "on",
    }
    response = client.post(reverse("socialmap-create"), form)
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "email" in errors, "every field error in one round"
    if accepted:
        assert "phone" not in errors and "contact_person_phone" not in errors
        assert client.post(reverse("socialmap-create"), {**form, "email": ""}).status_code == 302
    else:
        for name in ("phone", "contact_person_phone"):
            assert errors[name] == [
                "Vul een Nederlands telefoonnummer in: cijfers, spaties, +, - en haakjes, met "
                "minstens 10 cijfers (zoals 010-123 4567), of een kort nummer zoals 0800-2000, "
                "112 of 14 010."
            ]
        assert "Telefoon: Vul een Nederlands telefoonnummer in" in response.content.decode()


def test_the_action_refuses_a_phone_number_without_a_form(editor: Membership) -> None:
    from django.core.exceptions import ValidationError

    from schakel.web.socialmap.actions import ServiceData, do_create_service

    data = ServiceData(name="Opvang API", kind="shelter", region="rotterdam", phone="abc")
    with pytest.raises(ValidationError) as raised:
        do_create_service(actor=editor, data=data)
    assert "phone" in raised.value.message_dict

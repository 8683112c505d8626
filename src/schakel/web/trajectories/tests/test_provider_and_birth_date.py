"""Pick, don't type: a placement's provider comes from the social map (with "Other" and a name
when it is not on it), and a date of birth is three boxes with errors that say what to fix."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schakel.web.core.birth_date import BirthDateField
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.socialmap.models import Service
from schakel.web.trajectories.forms import OTHER, OTHER_PROVIDER
from schakel.web.trajectories.models import Trajectory

pytestmark = pytest.mark.django_db


def _place(client: Client, trajectory: Trajectory, **fields: str) -> Any:
    url = reverse("record-event", args=[trajectory.pk, "placement_start"])
    trajectory.refresh_from_db()
    data = {
        "version": str(trajectory.version),
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "placement_type": "cosm",
        **fields,
    }
    return client.post(url, data)


def test_the_provider_is_picked_from_the_social_map_or_typed_after_other(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    Service.objects.create(
        name="Opvang De Haven", kind="shelter", region=coordinator_a.organisation.region
    )
    Service.objects.create(name="Gesloten", kind="shelter", region="amsterdam", is_active=False)
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "placement_start"])
    page = client.get(url).content.decode()
    assert "Opvang De Haven" in page and "Gesloten" not in page
    assert "Anders, namelijk" in page
    # what the event is (type, provider) before the free note, which every payload starts with
    fields = list(client.get(url).context["form"].fields)
    assert fields.index("placement_type") < fields.index("provider") < fields.index("note")
    assert fields[-1] == "note"
    assert page.index('for="id_placement_type"') < page.index('for="id_note"')

    missing = _place(client, trajectory_a, provider=OTHER)
    assert missing.status_code == 422
    assert missing.context["form"].errors[OTHER_PROVIDER] == [
        "Typ de naam van de aanbieder, of kies er een uit de lijst."
    ]
    assert _place(client, trajectory_a, provider="Opvang De Haven").status_code == 302
    typed = {"provider": OTHER, OTHER_PROVIDER: "Particuliere opvang Zeeland"}
    assert _place(client, trajectory_a, **typed).status_code == 302
    providers = [
        str(e.full_payload.get("provider"))
        for e in trajectory_a.events.order_by("recorded_at", "pk")
    ]
    assert sorted(providers) == ["Opvang De Haven", "Particuliere opvang Zeeland"]
    refused = _place(client, trajectory_a, provider="Niet op de kaart")
    assert refused.status_code == 422 and "provider" in refused.context["form"].errors


def test_a_placement_offers_only_services_that_take_people_in_and_can_be_searched(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    region = coordinator_a.organisation.region
    home = Organisation.objects.create(name="Stichting Thuisbasis", type="shelter", region=region)
    Service.objects.create(name="Opvang De Haven", kind="shelter", region=region)
    Service.objects.create(name="Kamers Thuisbasis", kind="other", region=region, organisation=home)
    Service.objects.create(name="Politie Haven", kind="police", region=region)
    Service.objects.create(name="Rechtswinkel", kind="legal_aid", region=region)
    client = signed_in(coordinator_a)
    placement = client.get(reverse("record-event", args=[trajectory_a.pk, "placement_start"]))
    choices = placement.context["form"].fields["provider"].choices
    offered = {value for _, group in choices[1:-1] for value, _ in group}
    assert offered == {"Opvang De Haven", "Kamers Thuisbasis"}
    search = f'hx-get="{reverse("provider-options")}?plaatsing=1"'
    assert search in placement.text and 'name="provider_search"' in placement.text
    intervention = client.get(
        reverse("record-event", args=[trajectory_a.pk, "intervention_start"])
    ).text
    assert "Rechtswinkel" in intervention and "Politie Haven" in intervention

    url = reverse("provider-options")
    found = client.get(url, {"plaatsing": "1", "provider_search": "haven"}).text
    assert '<option value="Opvang De Haven">' in found and "Politie Haven" not in found
    assert "Anders, namelijk" in found  # "Other" stays on the narrowed list
    everything = client.get(url, {"provider_search": "haven"}).text
    assert "Politie Haven" in everything
    none = client.get(url, {"plaatsing": "1", "provider_search": "bestaat-niet"}).text
    assert "Geen dienst op de sociale kaart heeft deze naam." in none


@pytest.mark.parametrize(
    ("day", "month", "year", "value"),
    [
        ("14", "3", "1999", "1999-03-14"),
        ("", "3", "1999", "1999-03"),
        ("", "", "1999", "1999"),
        ("", "", "", ""),
    ],
)
def test_a_date_of_birth_may_be_whole_or_partial(
    day: str, month: str, year: str, value: str
) -> None:
    assert BirthDateField(required=False).clean([day, month, year]) == value


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2010", "Deze datum bestaat niet. Controleer de dag en de maand."),
        ("14", "", "1999", "Vul ook de maand in, of laat de dag leeg."),
        ("14", "3", "", "Vul het geboortejaar in, met vier cijfers."),
        ("14", "13", "1999", "De maand is een getal van 1 tot en met 12."),
        ("1", "1", "99", "Vul het jaar in met vier cijfers, vanaf 1900."),
        ("1", "1", "2999", "Deze datum ligt in de toekomst. Vul een datum tot en met vandaag in."),
        ("een", "1", "1999", "Schrijf de geboortedatum in cijfers, bijvoorbeeld 14 3 1999."),
    ],
)
def test_a_wrong_date_of_birth_says_what_to_fix_in_dutch(
    day: str, month: str, year: str, message: str
) -> None:
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        BirthDateField(required=False).clean([day, month, year])
    assert refused.value.messages == [message]


def test_the_registration_page_asks_day_month_and_year_without_a_counter(
    coordinator_a: Membership,
) -> None:
    client = signed_in(coordinator_a)
    page = client.get(reverse("register-person")).content.decode()
    for name in ("date_of_birth_0", "date_of_birth_1", "date_of_birth_2"):
        assert f'name="{name}"' in page
    assert "id_date_of_birth_counter" not in page
    assert ">Dag</label>" in page and ">Maand</label>" in page and ">Jaar</label>" in page
    answer = client.post(
        reverse("register-person"),
        {
            "given_names": "Ioana",
            "family_name": "Popescu",
            "sex": "female",
            "date_of_birth_0": "31",
            "date_of_birth_1": "2",
            "date_of_birth_2": "1999",
            "check": "1",
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Deze datum bestaat niet" in html
    assert 'value="31"' in html  # what was typed is kept
    assert 'href="#id_date_of_birth_0"' in html  # the summary leads to the first box

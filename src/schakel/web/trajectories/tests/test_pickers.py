"""Pickers, not ids: countries, sectors and organisations by name; codes stored, names shown."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.trajectories.countries import CODES, country_choices
from schakel.web.trajectories.models import Trajectory, TrajectoryEvent

pytestmark = pytest.mark.django_db


def test_every_iso_country_has_a_dutch_name() -> None:
    assert len(CODES) == 249 and {"RO", "NL", "NG", "UA"} <= CODES
    names = dict(country_choices())
    assert names["RO"] == "Roemenië" and names["DE"] == "Duitsland" and names["KR"] == "Zuid-Korea"


def test_an_episode_is_recorded_with_country_and_sector_by_name(
    coordinator_a: Membership, trajectory_a: Trajectory
) -> None:
    client = signed_in(coordinator_a)
    url = reverse("record-event", args=[trajectory_a.pk, "exploitation_episode"])
    form = client.get(url).content.decode()
    assert '<option value="RO">Roemenië</option>' in form
    assert "Bouwnijverheid" in form and "episode_id" not in form
    trajectory_a.refresh_from_db()
    saved = client.post(
        url,
        {
            "version": trajectory_a.version,
            "occurred_at": "2026-01-05T10:00",
            "form": "labour",
            "country": "RO",
            "sector_isic": "F",
        },
    )
    assert saved.status_code == 302
    payload = TrajectoryEvent.objects.get().payload
    assert payload["country"] == "RO" and payload["sector_isic"] == "F"
    page = client.get(reverse("trajectory-detail", args=[trajectory_a.pk])).content.decode()
    assert "<dt>Land</dt><dd>Roemenië</dd>" in page
    assert "<dt>Sector</dt><dd>Bouwnijverheid</dd>" in page


def test_organisations_are_found_by_name(coordinator_a: Membership, org_a: Organisation) -> None:
    client = signed_in(coordinator_a)
    url = reverse("organisation-options")
    found = client.get(url, {"organisation_search": "coördinatie"}).content.decode()
    assert f'<option value="{org_a.pk}">{org_a.name}</option>' in found
    none = client.get(url, {"organisation_search": "bestaat-niet"}).content.decode()
    assert "Geen organisatie heeft deze naam." in none


def test_the_closure_form_offers_organisations_by_name(
    coordinator_a: Membership, trajectory_a: Trajectory, org_a: Organisation
) -> None:
    client = signed_in(coordinator_a)
    form = client.get(reverse("record-event", args=[trajectory_a.pk, "closure"])).content.decode()
    assert f'<option value="{org_a.pk}">{org_a.name}</option>' in form
    assert 'hx-get="/trajecten/organisaties/"' in form and 'type="number"' not in form


@pytest.mark.parametrize("kind", ["intake", "exploitation_episode", "closure", "placement_start"])
def test_an_optional_list_starts_with_words_not_a_dash(
    coordinator_a: Membership, trajectory_a: Trajectory, kind: str
) -> None:
    client = signed_in(coordinator_a)
    form = client.get(reverse("record-event", args=[trajectory_a.pk, kind])).content.decode()
    assert re.search(r'<option value=""( selected)?>Kies …</option>', form)
    assert ">—</option>" not in form
    for name, search in (
        ("organisation-options", "organisation_search"),
        ("provider-options", "provider_search"),
    ):
        found = client.get(reverse(name), {search: "a"}).content.decode()
        assert ">—</option>" not in found, name

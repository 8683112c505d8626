"""The result page names each organisation, role and contact once, the same way everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from schakel.engine.vocabulary import OrganisationType, Region
from schakel.web.core.testing import OrganisationFactory
from schakel.web.demo.seeding import SYSTEM
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.socialmap.models import Service
from schakel.web.socialmap.service import do_seed_social_map

pytestmark = pytest.mark.django_db


def _result_text(who: dict[str, str]) -> str:
    OrganisationFactory.create(
        name="Zorgcoördinatie Mensenhandel Maasdelta",
        type=OrganisationType.CARE_COORDINATION,
        region=Region.ROTTERDAM,
    )
    do_seed_social_map(regions=[Region.ROTTERDAM.value], actor=SYSTEM)
    client = Client()
    complete_check(client, {"region": "rotterdam", **who})
    page = client.get(reverse("signal-check-result")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_care_coordinator_has_one_name_in_the_demo_social_map_and_on_the_result() -> None:
    text = _result_text({"role": "youth_care", "age": "minor"})
    coordinator = Service.objects.get(kind="care_coordinator", region="rotterdam")
    assert coordinator.name == "Zorgcoördinatie Mensenhandel Maasdelta"
    assert "Zorgcoördinatie Mensenhandel Rotterdam" not in text
    assert text.count("000-007 0001") >= 2  # the step and the contacts list: one name
    assert "Zorgcoördinatie Mensenhandel Maasdelta 000-007 0001" in text


def test_a_step_says_a_number_once_and_the_role_as_chosen() -> None:
    text = _result_text({"role": "youth_care", "age": "minor", "form": "sexual"})
    assert "Overleg met Veilig Thuis : 0800-2000" in text, text
    assert "0800-2000 : Veilig Thuis" not in text and "Veilig Thuis 0800-2000" not in text
    assert "Uw rol: Jeugdzorg" in text and "Jeugdhulp" not in text


def test_signal_check_has_one_dutch_name() -> None:
    po = Path(__file__).parents[2] / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    assert "signaalcheck" not in po.read_text().lower()

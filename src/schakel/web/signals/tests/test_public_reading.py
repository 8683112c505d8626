"""Signed out, the check's links open: public articles and public social map entries only."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from schakel.web.knowledge.models import Article
from schakel.web.knowledge.service import do_load_seed_articles
from schakel.web.organisations.roles import SYSTEM
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.socialmap.models import Service
from schakel.web.socialmap.service import do_seed_social_map

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    do_load_seed_articles(actor=SYSTEM)
    do_seed_social_map(regions=["rotterdam"], actor=SYSTEM)


def _links(html: str) -> list[str]:
    return re.findall(r'href="(/(?:kennis|sociale-kaart)/[^"]*)"', html)


def test_every_link_of_the_signed_out_result_opens_without_an_account(seeded: None) -> None:
    Article.objects.filter(slug="arbeidsuitbuiting").update(is_public=False)
    client = Client()
    complete_check(client, {"age": "adult", "form": "labour", "region": "rotterdam"})
    html = client.get(reverse("signal-check-result")).content.decode()
    links = _links(html)
    assert any(link.startswith("/kennis/openbaar/") for link in links), links
    assert any(link.startswith("/sociale-kaart/openbaar/") for link in links), links
    assert "/kennis/openbaar/arbeidsuitbuiting/" not in links  # not public: not linked
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
    assert client.get("/kennis/openbaar/arbeidsuitbuiting/").status_code == 404


def test_a_public_entry_leaves_its_contact_person_out(seeded: None) -> None:
    service = Service.objects.exclude(contact_person_name="").first()
    assert service is not None and service.is_public
    html = Client().get(reverse("socialmap-public-detail", args=[service.pk])).content.decode()
    assert service.name in html and service.contact_person_name not in html
    Service.objects.filter(pk=service.pk).update(is_public=False)
    assert Client().get(reverse("socialmap-public-detail", args=[service.pk])).status_code == 404


def test_the_coordinator_is_named_the_same_everywhere_with_a_phone(seeded: None) -> None:
    client = Client()
    complete_check(client, {"age": "adult", "form": "labour", "region": "rotterdam"})
    response = client.get(reverse("signal-check-result"))
    coordinator = response.context["coordinator"]
    assert coordinator is not None and coordinator.phone
    html = response.content.decode()
    first = html.split('id="now-heading"')[1].split("</section>")[0]
    assert coordinator.name in first and coordinator.phone in first
    for view in response.context["steps"]:
        for label, phone in view.contacts:
            if "oördinat" in str(label) and "landelijk" not in str(label).lower():
                assert (label, phone) == (coordinator.name, coordinator.phone)

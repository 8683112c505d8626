"""Anonymous consultation: routed to the region's coordinator, answered in the app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from schakel.engine.indicators import load_catalogue
from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import Consultation
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.trajectories.models import Identity, Person

pytestmark = pytest.mark.django_db
QUESTION = "Een meisje van 15 werkt elke nacht in een nagelstudio. Wat kan ik doen?"


def ask(membership: Membership, region: str = "rotterdam") -> Consultation:
    client = signed_in(membership)
    complete_check(client, {"region": region})
    form = client.get(reverse("signal-consult"))
    assert form.status_code == 200
    response = client.post(reverse("signal-consult"), {"question": QUESTION})
    assert response.status_code == 302, response.content[:3000]
    return Consultation.objects.get()


def test_a_consultation_reaches_the_regional_coordinator_without_identity(
    frontline: Membership, org_a: Organisation
) -> None:
    consultation = ask(frontline)
    assert consultation.to_organisation == org_a
    assessment = consultation.assessment
    assert assessment is not None
    catalogue = load_catalogue()
    assert (assessment.catalogue_version, assessment.catalogue_digest) == (
        catalogue.version,
        catalogue.digest,
    )
    assert assessment.outcome == "met" and assessment.present
    assert assessment.trajectory is None
    assert not Person.objects.exists() and not Identity.objects.exists()
    entry = AuditEntry.objects.get(object_type="consultation")
    assert entry.action == "create" and entry.actor_id == frontline.user_id


def test_the_coordinator_answers_and_the_asker_sees_the_answer(
    frontline: Membership, coordinator_a: Membership
) -> None:
    consultation = ask(frontline)
    coordinator = signed_in(coordinator_a)
    inbox = coordinator.get(reverse("signal-inbox"))
    assert inbox.status_code == 200
    assert reverse("signal-consultation", args=[consultation.pk]) in inbox.content.decode()
    url = reverse("signal-consultation", args=[consultation.pk])
    page = coordinator.get(url)
    assert QUESTION in page.content.decode() and page.context["form"] is not None
    empty = coordinator.post(url, {"answer": "  "})
    assert empty.status_code == 422
    answered = coordinator.post(url, {"answer": "Bel ons vandaag, dan kijken we samen."})
    assert answered.status_code == 302
    asker = signed_in(frontline)
    text = asker.get(url).content.decode()
    assert "Bel ons vandaag" in text
    listing = asker.get(reverse("signal-consultations")).content.decode()
    assert "Beantwoord" in listing or "Answered" in listing
    assert AuditEntry.objects.filter(object_type="consultation", action="update").count() == 1
    again = coordinator.post(url, {"answer": "Nog iets"})
    assert again.status_code == 422, "an answered consultation takes replies, not a second answer"
    assert Consultation.objects.get().answer == "Bel ons vandaag, dan kijken we samen."


def test_a_coordinator_of_another_region_sees_nothing(
    frontline: Membership, coordinator_a: Membership, coordinator_b: Membership
) -> None:
    consultation = ask(frontline)
    other = signed_in(coordinator_b)
    assert consultation.pk.hex not in other.get(reverse("signal-inbox")).content.decode()
    assert other.get(reverse("signal-consultation", args=[consultation.pk])).status_code == 404
    assert (
        other.post(reverse("signal-consultation", args=[consultation.pk]), {"answer": "x"})
    ).status_code == 404
    assert not Consultation.objects.inbox_of(coordinator_b).exists()
    assert not Consultation.objects.visible_to(coordinator_b).exists()


def test_the_region_of_the_check_decides_where_the_question_goes(
    amsterdam_frontline: Membership, org_a: Organisation, org_b: Organisation
) -> None:
    """An Amsterdam professional checking a case in Rotterdam asks Rotterdam's coordinator."""
    assert ask(amsterdam_frontline, region="rotterdam").to_organisation == org_a


def test_only_professionals_consult_and_only_coordinators_have_an_inbox(
    org_a: Organisation, frontline: Membership, member: Callable[..., Membership]
) -> None:
    analyst = signed_in(member(org_a, Role.ANALYST))
    assert analyst.get(reverse("signal-consult")).status_code == 403
    assert signed_in(frontline).get(reverse("signal-inbox")).status_code == 403
    anonymous = reverse("signal-inbox")
    from django.test import Client

    assert Client().get(anonymous).status_code == 302


def test_without_a_check_the_professional_asks_a_region(
    frontline: Membership, org_a: Organisation, org_b: Organisation
) -> None:
    client = signed_in(frontline)
    page = client.get(reverse("signal-consult"))
    assert page.status_code == 200 and "region" in page.context["form"].fields
    missing = client.post(reverse("signal-consult"), {"question": "Wat nu?"})
    assert missing.status_code == 422 and "region" in missing.context["form"].errors
    sent = client.post(reverse("signal-consult"), {"question": "Wat nu?", "region": "amsterdam"})
    assert sent.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.assessment is None and consultation.to_organisation == org_b
    assert "Wat nu?" in client.get(sent["Location"]).content.decode()


def test_list_pages_use_a_fixed_number_of_queries(
    frontline: Membership,
    coordinator_a: Membership,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    client.post(reverse("signal-consult"), {"question": QUESTION})
    coordinator, asker = signed_in(coordinator_a), signed_in(frontline)
    coordinator.get(reverse("signal-inbox"))
    asker.get(reverse("signal-consultations"))
    with django_assert_num_queries(10):  # 5 + the one audit entry (5)
        coordinator.get(reverse("signal-inbox"))
    with django_assert_num_queries(10):  # 5 + the one audit entry (5)
        asker.get(reverse("signal-consultations"))
    for _ in range(4):
        client.post(reverse("signal-consult"), {"question": QUESTION})
    assert Consultation.objects.count() == 5
    with django_assert_num_queries(10):  # the same for 1 or 5 rows: no N+1
        assert len(coordinator.get(reverse("signal-inbox")).context["page"].object_list) == 5
    with django_assert_num_queries(10):  # 5 + the one audit entry (5)
        asker.get(reverse("signal-consultations"))


def test_the_page_names_no_coordinator_before_the_region_is_chosen(
    frontline: Membership, org_a: Organisation, org_b: Organisation
) -> None:
    """Without a check the region question decides; the sentence above it must stay true."""
    client = signed_in(frontline)
    page = client.get(reverse("signal-consult")).content.decode()
    assert org_a.name not in page and org_b.name not in page
    assert "de regio die u hieronder kiest" in page
    again = client.post(reverse("signal-consult"), {"question": "", "region": "amsterdam"})
    assert again.status_code == 422 and org_a.name not in again.content.decode()
    sent = client.post(reverse("signal-consult"), {"question": "Wat nu?", "region": "amsterdam"})
    assert Consultation.objects.get().to_organisation == org_b, sent


def test_with_a_check_the_page_names_the_coordinator_of_the_checks_region(
    frontline: Membership, org_a: Organisation, org_b: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client, {"region": "amsterdam"})
    page = client.get(reverse("signal-consult")).content.decode()
    assert f"Uw vraag gaat naar {org_b.name}" in page and org_a.name not in page

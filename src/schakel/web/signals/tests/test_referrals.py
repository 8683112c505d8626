"""Refer with recorded consent: a trajectory, consent and events, and a status to follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pytest_django import DjangoAssertNumQueries

from schakel.engine.indicators import load_catalogue
from schakel.web.audit.models import AuditEntry
from schakel.web.audit.service import verify_chain
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.signals.models import Assessment
from schakel.web.signals.tests.helpers import complete_check
from schakel.web.trajectories.models import Consent, Person, Referral, Trajectory
from schakel.web.trajectories.service import do_record_event

pytestmark = pytest.mark.django_db
REFERRAL = {
    "given_names": "Noor",
    "family_name": "Bakker",
    "date_of_birth": "2010",
    "consent_source": "verbal",
    "consent_confirmed": "on",
    "note": "Bereikbaar via school.",
}


def refer(client: Client, **changes: str) -> Any:
    data = {**REFERRAL, "consent_given_on": timezone.localdate().isoformat(), **changes}
    return client.post(reverse("signal-refer"), {k: v for k, v in data.items() if v})


def test_a_referral_with_consent_creates_the_trajectory_and_its_events(
    frontline: Membership, org_a: Organisation, youth_care: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    assert client.get(reverse("signal-refer")).status_code == 200
    response = refer(client)
    assert response.status_code == 302, response.content[:3000]
    trajectory = Trajectory.objects.get()
    assert trajectory.organisation == youth_care, "the referring organisation opens it"
    consent = Consent.objects.get()
    assert (consent.purpose, consent.organisation, consent.source) == (
        "disclosure",
        org_a,
        "verbal",
    )
    events = list(trajectory.events.order_by("occurred_at", "recorded_at"))
    assert [e.event_type for e in events] == ["signal", "referral_sent"]
    assessment = Assessment.objects.get()
    signal, sent = events[0].payload, events[1].payload
    assert signal["assessment_id"] == str(assessment.pk)
    assert signal["minor"] is True and signal["suspected_form"] == "labour"
    assert set(signal["indicators"]) == set(assessment.present)
    assert sent["to_organisation_id"] == org_a.pk and sent["consent_id"] == str(consent.pk)
    referral = Referral.objects.get()
    assert referral.status == "in_progress" and referral.to_organisation == org_a
    assert (assessment.trajectory, assessment.referral_reference) == (
        trajectory,
        referral.reference,
    )
    assert assessment.catalogue_version == load_catalogue().version
    assert assessment.catalogue_digest == load_catalogue().digest
    assert AuditEntry.objects.filter(object_type="signal_assessment", action="create").exists()
    assert AuditEntry.objects.filter(object_type="person", action="create").exists()


def test_the_professional_follows_the_status(
    frontline: Membership, coordinator_a: Membership
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    refer(client)
    page = client.get(reverse("signal-referrals")).content.decode()
    assert "in behandeling" in page or "in progress" in page
    referral = Referral.objects.get()
    do_record_event(
        actor=coordinator_a,
        trajectory=referral.trajectory,
        event_type="referral_accepted",
        occurred_at=timezone.now(),
        payload={"referral_id": referral.reference},
    )
    page = client.get(reverse("signal-referrals")).content.decode()
    assert "geaccepteerd" in page or "accepted" in page
    assert Person.objects.get().pseudonym in page
    with translation.override("nl"):  # the day of the answer with its month in full
        day = date_format(timezone.localdate(), "j F Y")
    assert f"geaccepteerd ({day})" in page


def test_no_referral_without_confirmed_consent_or_a_name(
    frontline: Membership, org_a: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    no_consent = refer(client, consent_confirmed="")
    assert no_consent.status_code == 422
    no_name = refer(client, given_names="", family_name="")
    assert no_name.status_code == 422
    future = refer(client, consent_given_on="2999-01-01")
    assert future.status_code == 422
    assert not Person.objects.exists() and not Trajectory.objects.exists()
    assert not Assessment.objects.exists()


def test_another_organisation_does_not_see_the_referral(
    frontline: Membership, amsterdam_frontline: Membership, org_a: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    assert refer(client).status_code == 302
    other = signed_in(amsterdam_frontline).get(reverse("signal-referrals"))
    assert list(other.context["page"].object_list) == []
    assert not Assessment.objects.referrals_visible_to(amsterdam_frontline).exists()


def test_a_coordinator_cannot_refer_to_their_own_organisation(coordinator_a: Membership) -> None:
    client = signed_in(coordinator_a)
    complete_check(client)
    page = client.get(reverse("signal-refer"))
    assert page.context["target"] is None
    assert refer(client).status_code == 422
    assert not Trajectory.objects.exists()


def test_anonymous_visitors_cannot_refer(org_a: Organisation) -> None:
    client = Client()
    complete_check(client)
    response = refer(client)
    assert response.status_code == 302
    assert "inloggen" in response["Location"]
    assert not Trajectory.objects.exists()


def test_the_referral_list_uses_a_fixed_number_of_queries(
    frontline: Membership,
    org_a: Organisation,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    assert refer(client).status_code == 302
    client.get(reverse("signal-referrals"))
    with django_assert_num_queries(10):
        client.get(reverse("signal-referrals"))
    for _ in range(3):
        refer(client)
    assert Assessment.objects.count() == 4
    with django_assert_num_queries(10):  # the same for 1 or 4 rows: no N+1
        assert len(client.get(reverse("signal-referrals")).context["page"].object_list) == 4


def test_a_bad_date_of_birth_on_the_referral_reads_in_dutch(
    frontline: Membership, org_a: Organisation, youth_care: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    response = refer(client, date_of_birth_0="31", date_of_birth_1="2", date_of_birth_2="2010")
    html = response.content.decode()
    assert response.status_code == 422 and not Trajectory.objects.exists()
    assert (
        "Deze datum bestaat niet. Controleer de dag en de maand." in html
        and "Value error" not in html
    )


def test_own_reference_is_for_the_referrer_only_and_a_rejection_says_why_and_what_next(
    frontline: Membership, coordinator_a: Membership, member: Any
) -> None:
    from schakel.engine.vocabulary import Role
    from schakel.web.trajectories.actions import do_answer_referral

    client = signed_in(frontline)
    complete_check(client)
    refer(client)
    assessment = Assessment.objects.get()
    url = reverse("signal-referral-label", args=[assessment.pk])
    assert client.post(url, {"label": "de jongen van dinsdag"}).status_code == 302
    do_answer_referral(
        actor=coordinator_a, referral=Referral.objects.get(), accept=False, reason="Geen plek"
    )
    page = client.get(reverse("signal-referrals")).content.decode()
    assert "de jongen van dinsdag" in page
    assert "Geen plek" in page and ("Volgende stap" in page or "Next step" in page)
    colleague = signed_in(member(frontline.organisation, Role.FRONTLINE))
    seen = colleague.get(reverse("signal-referrals")).content.decode()
    assert Person.objects.get().pseudonym in seen and "de jongen van dinsdag" not in seen
    assert client.post(url, {"label": ""}).status_code == 302
    assert "de jongen van dinsdag" not in client.get(reverse("signal-referrals")).content.decode()


def test_the_referral_carries_the_age_that_follows_from_the_date_of_birth(
    frontline: Membership, org_a: Organisation
) -> None:
    """The check said 18 or older, the date of birth says 17: asked, then carried as a minor."""
    client = signed_in(frontline)
    complete_check(client, {"age": "adult"})
    born = dt.date(timezone.localdate().year - 17, 1, 1).isoformat()
    asked = refer(client, date_of_birth=born)
    assert asked.status_code == 422
    assert "17 jaar" in asked.context["form"].errors["date_of_birth"][0]
    assert "18 jaar of ouder" in asked.context["form"].errors["date_of_birth"][0]
    assert 'name="age_confirmed"' in asked.content.decode()
    assert not Trajectory.objects.exists()
    confirmed = refer(client, date_of_birth=born, age_confirmed="on")
    assert confirmed.status_code == 302, confirmed.content[:3000]
    signal = Trajectory.objects.get().events.get(event_type="signal")
    assert signal.payload["minor"] is True


def test_a_matching_date_of_birth_needs_no_confirmation(
    frontline: Membership, org_a: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client, {"age": "adult"})
    response = refer(client, date_of_birth="1990-05-01")
    assert response.status_code == 302, response.content[:3000]
    assert Trajectory.objects.get().events.get(event_type="signal").payload["minor"] is False


def test_every_field_error_comes_in_one_round_naming_its_field(
    frontline: Membership, org_a: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    response = refer(client, consent_given_on="2999-01-01", date_of_birth="2026-02-31")
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert set(errors) == {"consent_given_on", "date_of_birth"}, errors
    page = response.content.decode()
    assert "Geboortedatum: " in page and "Toestemming gegeven op: " in page
    no_name = refer(client, given_names="", family_name="", date_of_birth="2999")
    assert set(no_name.context["form"].errors) == {"given_names", "date_of_birth"}


def test_home_count_list_and_full_page_show_the_same_referrals(
    frontline: Membership, org_a: Organisation, youth_care: Organisation
) -> None:
    """A referral sent from the case file (no check) counts on the home page and on the page."""
    client = signed_in(frontline)
    complete_check(client)
    assert refer(client).status_code == 302
    trajectory = Trajectory.objects.get()
    Referral.objects.create(
        trajectory=trajectory,
        reference="zonder-check",
        from_organisation=youth_care,
        to_organisation=org_a,
        purpose="shelter",
        sent_at=timezone.now() - dt.timedelta(days=2),
    )
    home = client.get(reverse("home")).content.decode()
    assert "Verwijzingen van mijn organisatie: 2" in home
    page = client.get(reverse("signal-referrals"))
    rows = list(page.context["page"].object_list)
    assert len(rows) == 2 and {r.reference for r in rows} >= {"zonder-check"}
    html = page.content.decode()
    assert "Nog geen verwijzingen" not in html and "Niet na een signalencheck" in html
    assert html.count(Person.objects.get().pseudonym) == 2


def test_the_referrer_is_told_of_the_answer_in_words_without_an_internal_reference(
    frontline: Membership, coordinator_a: Membership
) -> None:
    from django.utils.formats import date_format

    from schakel.web.notifications.models import Notification
    from schakel.web.trajectories.actions.coordination import do_answer_referral

    client = signed_in(frontline)
    complete_check(client)
    assert refer(client).status_code == 302
    referral = Referral.objects.get()
    do_answer_referral(
        actor=coordinator_a, referral=referral, accept=True, coordinator=coordinator_a.user
    )
    notice = Notification.objects.get(user=frontline.user)
    day = date_format(timezone.localtime(referral.sent_at), "j F Y")
    pseudonym = Person.objects.get().pseudonym
    assert notice.text == f"Uw verwijzing van {day} voor {pseudonym} is geaccepteerd."
    assert referral.reference not in notice.text
    page = client.get(reverse("notification-list")).content.decode()
    assert notice.text in page and referral.reference not in page


def test_a_referral_locks_the_audit_head_only_after_its_last_other_write(
    frontline: Membership, org_a: Organisation
) -> None:
    """The referral registers a person, opens a trajectory, records consent and two events,
    each audited; every other audited request waits while the head is locked, so the lock
    must come last, not at the first step."""
    client = signed_in(frontline)
    complete_check(client)
    assert client.get(reverse("signal-refer")).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = refer(client)
    assert response.status_code == 302
    sql = [q["sql"] for q in captured.captured_queries]
    # the head is read (locked: FOR UPDATE on PostgreSQL; SQLite locks the whole database on
    # the first write) only when entries are appended
    locks = [i for i, s in enumerate(sql) if s.startswith("SELECT") and "audit_audithead" in s]
    writes = [
        i
        for i, s in enumerate(sql)
        if s.startswith(("INSERT", "UPDATE", "DELETE"))
        and "audit_" not in s.split("(")[0]
        and "django_session" not in s
    ]
    appends = [s for s in sql if s.startswith('INSERT INTO "audit_auditentry"')]
    assert len(appends) == 1, "one append for the whole referral"
    assert min(locks) > max(writes), "the head is locked after the referral's own writes"
    assert AuditEntry.objects.filter(object_type="person", action="create").exists()
    assert verify_chain().intact


def test_the_names_say_one_of_them_is_needed_instead_of_both_optional(
    frontline: Membership, org_a: Organisation
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    page = client.get(reverse("signal-refer")).content.decode()
    for field in ("given_names", "family_name"):
        label = page[page.index(f'for="id_{field}"') :]
        label = label[: label.index("</label>")]
        assert "schakel-optional" not in label, f"{field} is not simply optional"
    assert "Vul ten minste een voornaam of een achternaam in." in page
    assert "schakel-optional" in page  # the note still says it may stay empty

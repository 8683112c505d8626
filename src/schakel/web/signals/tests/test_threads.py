"""Consultations as conversations: replies until closed, limits that never cut, notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from schakel.web.core.testing import signed_in
from schakel.web.jobs.testing import run_queued_jobs
from schakel.web.notifications.models import Kind, Notification
from schakel.web.organisations.models import Membership
from schakel.web.signals.models import Consultation, ConsultationMessage
from schakel.web.signals.tests.helpers import complete_check

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation(frontline: Membership, coordinator_a: Membership) -> Consultation:
    for membership, address in (
        (frontline, "vraag@example.org"),
        (coordinator_a, "zc@example.org"),
    ):
        membership.user.email = address
        membership.user.save()
    client = signed_in(frontline)
    client.post(
        reverse("signal-check"),
        {"age": "minor", "form": "labour", "role": "youth_care", "region": "rotterdam"},
    )
    response = client.post(reverse("signal-consult"), {"question": "Hoe pak ik dit aan?"})
    assert response.status_code == 302, response.content[:3000]
    return Consultation.objects.get()


def test_replies_go_back_and_forth_until_one_side_closes(
    consultation: Consultation,
    frontline: Membership,
    coordinator_a: Membership,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse("signal-consultation", args=[consultation.pk])
    asker, coordinator = signed_in(frontline), signed_in(coordinator_a)
    assert asker.post(url, {"text": "Nog een vraag"}).status_code == 403  # before the answer
    with django_capture_on_commit_callbacks(execute=True):
        assert coordinator.post(url, {"answer": "Bel ons."}).status_code == 302
        assert asker.post(url, {"text": "Wanneer kan ik bellen?"}).status_code == 302
        assert coordinator.post(url, {"text": "Vandaag tot vijf uur."}).status_code == 302
    texts = list(ConsultationMessage.objects.values_list("text", "by_coordination"))
    assert texts == [("Wanneer kan ik bellen?", False), ("Vandaag tot vijf uur.", True)]
    kinds = sorted(Notification.objects.values_list("user__email", "kind"))
    assert kinds == [
        ("vraag@example.org", Kind.CONSULTATION_ANSWERED),
        ("vraag@example.org", Kind.CONSULTATION_REPLY),
        ("zc@example.org", Kind.CONSULTATION_REPLY),
    ]
    run_queued_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e for e, _k in kinds)
    assert all("Hoe pak ik" not in m.body and "Vandaag" not in m.body for m in mail.outbox)
    page = asker.get(url).content.decode()
    assert page.index("Bel ons.") < page.index("Wanneer kan ik bellen?") < page.index("Vandaag")
    assert asker.post(url, {"action": "close"}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.is_closed
    closed = coordinator.post(url, {"text": "Nog iets"})
    assert closed.status_code == 403
    assert ConsultationMessage.objects.count() == 2


def test_too_long_is_refused_with_the_text_kept(
    frontline: Membership, coordinator_a: Membership
) -> None:
    client = signed_in(frontline)
    complete_check(client)
    form = client.get(reverse("signal-consult")).context["form"]
    group = form["question"].as_field_group()
    assert "maxlength" not in group  # the browser never cuts
    assert 'data-counter="id_question_counter"' in group and 'data-limit="2000"' in group
    long = "x" * 2100
    response = client.post(reverse("signal-consult"), {"question": long})
    assert response.status_code == 422
    assert "2.100" in str(response.context["form"].errors["question"])
    assert long in response.content.decode()
    assert not Consultation.objects.exists()

"""A certificate that lapses within the warning period (60 days) and was not renewed is marked
"Verloopt binnenkort": on the person's own list, on the records, and counted per group on the
supervisor's coverage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.urls import reverse
from django.utils import timezone

from schakel.engine.vocabulary import Role
from schakel.web.core.testing import days_ago, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.training.models import Training, TrainingRecord
from schakel.web.training.selectors import coverage, total_coverage

pytestmark = pytest.mark.django_db

MARK = "Verloopt binnenkort"


def test_the_person_sees_which_certificate_expires_soon(
    org_a: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    meldcode_training: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    person = member(org_a, Role.FRONTLINE)
    client = signed_in(person)
    soon = completed(person, signalling, days_ago(700))  # 24 months: lapses in about 30 days
    assert 0 < (soon.expires_on - timezone.localdate()).days <= 60
    assert MARK in client.get(reverse("training-index")).content.decode()

    TrainingRecord.objects.filter(pk=soon.pk).update(expires_on=days_ago(-61))
    completed(person, meldcode_training, days_ago(30))
    page = client.get(reverse("training-index")).content.decode()
    assert MARK not in page and "verlopen" not in page


def test_the_supervisor_sees_it_on_coverage_and_on_the_records(
    org_a: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    lapsing, renewed, fresh = (member(org_a, Role.FRONTLINE) for _ in range(3))
    completed(lapsing, signalling, days_ago(700))
    completed(renewed, signalling, days_ago(700))
    completed(renewed, signalling, days_ago(10))
    completed(fresh, signalling, days_ago(30))
    (row,) = coverage(region=org_a.region)
    assert (row.members, row.trained, row.expiring) == (3, 3, 1)
    total = total_coverage([row])
    assert total is not None and total.expiring == 1
    later = timezone.localdate() + dt.timedelta(days=40)  # the 30-day one has lapsed by then
    assert coverage(region=org_a.region, today=later)[0].expiring == 0

    supervisor = signed_in(member(org_a, Role.SUPERVISOR))
    page = supervisor.get(reverse("training-coverage")).content.decode()
    assert MARK in page and '<strong class="schakel-badge">1</strong>' in page
    records = supervisor.get(reverse("training-records")).content.decode()
    assert records.count(MARK) == 1  # not the renewed person's old certificate


def test_coverage_counts_all_topics_by_default_as_the_expiring_list_does(
    org_a: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    meldcode_training: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    completed(member(org_a, Role.FRONTLINE), signalling, days_ago(700))  # 24 months
    completed(member(org_a, Role.FRONTLINE), meldcode_training, days_ago(340))  # 12 months
    supervisor = signed_in(member(org_a, Role.SUPERVISOR))
    listed = supervisor.get(reverse("training-expiring")).context["page"].paginator.count
    page = supervisor.get(reverse("training-coverage"))
    assert page.context["form"]["topic"].value() in ("", None)
    assert "Alle onderwerpen" in page.text
    assert page.context["total"].expiring == listed == 2
    one_topic = supervisor.get(reverse("training-coverage"), {"topic": "meldcode"})
    assert one_topic.context["total"].expiring == 1

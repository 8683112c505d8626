from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from schakel.engine.vocabulary import Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.testing import days_ago, signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.training.models import Training, TrainingRecord

pytestmark = pytest.mark.django_db


def test_everyone_sees_the_catalogue_and_their_own_certificates(
    coordinator_a: Membership,
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    completed(coordinator_a, signalling, days_ago(10))
    page = signed_in(coordinator_a).get(reverse("training-index"))
    assert page.status_code == 200
    assert page.text.count("Basistraining signaleren") == 2  # catalogue and certificate
    assert reverse("training-create") not in page.text
    assert (
        signed_in(coordinator_a).get(reverse("training-detail", args=[signalling.pk])).status_code
        == 200
    )


def test_registrar_adds_a_training_and_a_record_through_the_pages(
    registrar: Membership, coordinator_a: Membership
) -> None:
    client = signed_in(registrar)
    client.cookies["django_language"] = "en"
    assert client.get(reverse("training-create")).status_code == 200
    form = {"name": "Criminele uitbuiting", "topic": "criminal_exploitation", "provider": "P"}
    refused = client.post(reverse("training-create"), {**form, "validity_months": "-1"})
    assert refused.status_code == 422
    assert refused.context["form"].errors["validity_months"]
    created = client.post(reverse("training-create"), {**form, "validity_months": "36"})
    training = Training.objects.get()
    assert created.status_code == 302
    detail = reverse("training-detail", args=[training.pk])
    assert client.get(detail).status_code == 200
    future = client.post(
        detail,
        {"user": coordinator_a.user_id, "training": training.pk, "completed_on": "2999-01-01"},
        headers={"HX-Request": "true"},
    )
    assert future.status_code == 422 and "cannot lie in the future" in future.text
    assert "<html" not in future.text
    done = client.post(
        detail,
        {
            "user": coordinator_a.user_id,
            "training": training.pk,
            "completed_on": days_ago(2).isoformat(),
        },
        headers={"HX-Request": "true"},
    )
    assert done.status_code == 200 and coordinator_a.user.username in done.text
    assert TrainingRecord.objects.get().user_id == coordinator_a.user_id
    assert AuditEntry.objects.filter(object_type="training_record").count() == 1
    assert client.get(reverse("training-validity", args=[training.pk])).status_code == 200
    client.post(reverse("training-validity", args=[training.pk]), {"validity_months": "12"})
    assert TrainingRecord.objects.get().expires_on.year <= days_ago(0).year + 1


def test_frontline_cannot_register_or_oversee(
    org_a: Organisation, member: Callable[..., Membership], signalling: Training
) -> None:
    client = signed_in(member(org_a, Role.FRONTLINE))
    assert client.get(reverse("training-create")).status_code == 403
    assert client.get(reverse("training-records")).status_code == 403
    assert client.get(reverse("training-expiring")).status_code == 403
    assert client.get(reverse("training-coverage")).status_code == 403
    assert client.post(reverse("training-detail", args=[signalling.pk]), {}).status_code == 403


def test_supervisor_sees_where_coverage_is_lowest(
    org_a: Organisation,
    org_b: Organisation,
    member: Callable[..., Membership],
    signalling: Training,
    completed: Callable[..., TrainingRecord],
) -> None:
    trained = member(org_a, Role.FRONTLINE)
    member(org_a, Role.FRONTLINE)
    completed(trained, signalling, days_ago(1))
    member(org_b, Role.FRONTLINE)
    supervisor = member(org_a, Role.SUPERVISOR)
    client = signed_in(supervisor)
    own_region = client.get(reverse("training-coverage"))
    assert own_region.status_code == 200
    assert [(r.organisation, r.members, r.trained) for r in own_region.context["rows"]] == [
        ("Zorgcoördinatie A", 2, 1)
    ]
    assert "50\u00a0%" in own_region.text  # Dutch: a space before the percent sign
    # on a phone each row is a card whose cells say what they are (no sideways scrolling)
    assert '<table class="utrecht-table schakel-cards" id="coverage">' in own_region.text
    assert 'data-label="Dekking">50\u00a0%</td>' in own_region.text
    everywhere = client.get(reverse("training-coverage"), {"region": "", "role": "frontline"})
    assert [r.organisation for r in everywhere.context["rows"]] == [
        "Zorgcoördinatie B",
        "Zorgcoördinatie A",
    ]
    assert "0\u00a0%" in everywhere.text


@pytest.mark.parametrize("people", [2, 9])
def test_record_lists_query_count(
    org_a: Organisation,
    member: Callable[..., Membership],
    registrar: Membership,
    signalling: Training,
    completed: Callable[..., TrainingRecord],
    django_assert_num_queries,
    people: int,
) -> None:
    for _ in range(people):
        completed(member(org_a, Role.FRONTLINE), signalling, days_ago(700))
    client = signed_in(registrar)
    client.get(reverse("home"))
    # session, user, memberships, count, records with people and trainings, their memberships
    with django_assert_num_queries(6):
        page = client.get(reverse("training-records"))
    assert len(page.context["page"].object_list) == people
    with django_assert_num_queries(6):
        page = client.get(reverse("training-expiring"))
    assert len(page.context["page"].object_list) == people
    supervisor = signed_in(member(org_a, Role.SUPERVISOR))
    supervisor.get(reverse("home"))
    # session, user, memberships, coverage
    with django_assert_num_queries(4):
        supervisor.get(reverse("training-coverage"))

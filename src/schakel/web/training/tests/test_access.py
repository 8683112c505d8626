"""`access_training`: one 404 for missing and malformed ids, capability first, writes lock first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import translation

from schakel.web.audit.models import AuditEntry
from schakel.web.core.errors import NotFound
from schakel.web.core.testing import days_ago, signed_in
from schakel.web.organisations.models import Membership
from schakel.web.training.access import access_training
from schakel.web.training.actions import do_change_validity, do_register_training_record
from schakel.web.training.models import Training, TrainingRecord

pytestmark = pytest.mark.django_db


def _main(content: bytes) -> str:
    """The page's own content (the frame around it has the address and a fresh CSRF token)."""
    text = content.decode()
    return text[text.index("<main") : text.index("</main>")]


def test_a_missing_training_is_one_404(coordinator_a: Membership, signalling: Training) -> None:
    client = signed_in(coordinator_a)
    missing = client.get(reverse("training-detail", args=[signalling.pk + 1000]))
    huge = client.get(f"/training/{'9' * 30}/")
    assert missing.status_code == huge.status_code == 404
    assert _main(missing.content) == _main(huge.content)
    with translation.override("en"), pytest.raises(NotFound, match="This training was not found"):
        access_training(coordinator_a, signalling.pk + 1000)


@pytest.mark.parametrize("bad", ["abc", "", None, 2**70, "1; drop table"])
def test_ids_that_do_not_parse_are_not_found(coordinator_a: Membership, bad: Any) -> None:
    with pytest.raises(NotFound):
        access_training(coordinator_a, bad)


def test_a_role_without_the_capability_gets_403(
    coordinator_a: Membership, signalling: Training
) -> None:
    page = signed_in(coordinator_a).get(reverse("training-validity", args=[signalling.pk]))
    assert page.status_code == 403
    with transaction.atomic(), pytest.raises(PermissionDenied):
        access_training(coordinator_a, signalling.pk, write=True)


@pytest.mark.django_db(transaction=True)
def test_a_write_must_run_in_a_transaction(registrar: Membership, signalling: Training) -> None:
    with pytest.raises(TransactionManagementError):
        access_training(registrar, signalling.pk, write=True)


def test_a_record_is_registered_under_the_training_lock(
    registrar: Membership,
    coordinator_a: Membership,
    signalling: Training,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The validity period is read under the lock: a stale copy of the training does not
    decide the expiry date."""
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    Training.objects.filter(pk=signalling.pk).update(validity_months=1)  # signalling is stale
    record = do_register_training_record(
        actor=registrar, user=coordinator_a.user, training=signalling, completed_on=days_ago(0)
    )
    assert locked[0] is Training
    assert record.training.validity_months == 1
    assert (record.expires_on - record.completed_on).days <= 31


def test_a_write_checks_again_under_the_lock(
    registrar: Membership,
    signalling: Training,
    completed: Callable[..., TrainingRecord],
    coordinator_a: Membership,
) -> None:
    completed(coordinator_a, signalling, days_ago(5))
    gone = Training(pk=signalling.pk + 1000, validity_months=6)
    with pytest.raises(NotFound):
        do_change_validity(actor=registrar, training=gone, validity_months=3)
    Membership.objects.filter(pk=registrar.pk).update(ended_on="2020-01-01")
    registrar.refresh_from_db()
    with pytest.raises(PermissionDenied):
        do_change_validity(actor=registrar, training=signalling, validity_months=3)
    signalling.refresh_from_db()
    assert signalling.validity_months == 24
    assert not AuditEntry.objects.filter(action="update").exists()

"""`deferred_audit`: a multi-step transaction locks the chain's head only at its end."""

from __future__ import annotations

import pytest
from django.db import transaction

from schakel.web.audit.models import AuditEntry, AuditHead
from schakel.web.audit.service import deferred_audit, do_record_access, verify_chain
from schakel.web.organisations.models import Membership

pytestmark = pytest.mark.django_db


def _read(actor: Membership, n: int) -> AuditEntry:
    return do_record_access(
        actor=actor, action="read", object_type="trajectory", object_id=f"t{n}", purpose="test"
    )


def test_entries_wait_for_the_end_of_the_block_then_chain_in_order(
    coordinator_a: Membership,
) -> None:
    _read(coordinator_a, 0)
    before = AuditEntry.objects.count()
    with transaction.atomic(), deferred_audit():
        returned = [_read(coordinator_a, n) for n in (1, 2, 3)]
        assert AuditEntry.objects.count() == before, "nothing appended inside the block"
        with deferred_audit():  # a nested block appends with the outer one
            returned.append(_read(coordinator_a, 4))
        assert AuditEntry.objects.count() == before
    stored = list(AuditEntry.objects.order_by("sequence")[before:])
    assert [e.object_id for e in stored] == ["t1", "t2", "t3", "t4"]
    assert [e.sequence for e in stored] == [before + 1, before + 2, before + 3, before + 4]
    assert [e.pk for e in returned] == [e.pk for e in stored], "the returned entries are saved"
    assert AuditHead.objects.get(id=1).sequence == before + 4
    assert verify_chain().intact


def test_an_error_in_the_block_appends_nothing(coordinator_a: Membership) -> None:
    _read(coordinator_a, 0)
    before = AuditEntry.objects.count()
    with pytest.raises(ValueError), transaction.atomic(), deferred_audit():
        _read(coordinator_a, 1)
        raise ValueError("the work failed")
    assert AuditEntry.objects.count() == before
    _read(coordinator_a, 2)  # the chain goes on from where it was
    assert verify_chain().intact


@pytest.mark.django_db(transaction=True)
def test_the_block_belongs_inside_the_work_transaction(coordinator_a: Membership) -> None:
    with pytest.raises(RuntimeError), deferred_audit():
        pass

"""`access_service`: one 404 for missing and not visible, capability first, writes lock first."""

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

from schakel.engine.vocabulary import Region, Role
from schakel.web.audit.models import AuditEntry
from schakel.web.core.errors import NotFound
from schakel.web.core.testing import signed_in
from schakel.web.organisations.models import Membership, Organisation
from schakel.web.socialmap.access import access_service
from schakel.web.socialmap.actions import ServiceData, do_create_service, do_update_service
from schakel.web.socialmap.models import Service

pytestmark = pytest.mark.django_db


def _main(content: bytes) -> str:
    """The page's own content (the frame around it has the address and a fresh CSRF token)."""
    text = content.decode()
    return text[text.index("<main") : text.index("</main>")]


def _service(editor: Membership, *, active: bool = True, name: str = "Opvang Test") -> Service:
    data = ServiceData(
        name=name,
        kind="shelter",
        region=Region.ROTTERDAM.value,
        phone="000-000 0000",
        is_active=active,
    )
    return do_create_service(actor=editor, data=data)


@pytest.fixture
def reader(org_a: Organisation, member: Callable[..., Membership]) -> Membership:
    return member(org_a, Role.FRONTLINE)


def test_missing_and_inactive_give_the_same_404(editor: Membership, reader: Membership) -> None:
    inactive = _service(editor, active=False)
    client = signed_in(reader)
    missing = client.get(reverse("socialmap-detail", args=[inactive.pk + 1000]))
    hidden = client.get(reverse("socialmap-detail", args=[inactive.pk]))
    assert missing.status_code == hidden.status_code == 404
    assert _main(missing.content) == _main(hidden.content)
    with translation.override("en"), pytest.raises(NotFound) as gone:
        access_service(reader, inactive.pk + 1000)
    with translation.override("en"), pytest.raises(NotFound) as not_yours:
        access_service(reader, inactive.pk)
    assert str(gone.value) == str(not_yours.value) == "This service was not found."


def test_editors_see_inactive_services(editor: Membership) -> None:
    inactive = _service(editor, active=False)
    assert access_service(editor, inactive.pk) == inactive
    assert signed_in(editor).get(reverse("socialmap-detail", args=[inactive.pk])).status_code == 200


def test_a_role_without_the_capability_gets_403(editor: Membership, reader: Membership) -> None:
    service = _service(editor)
    assert signed_in(reader).get(reverse("socialmap-edit", args=[service.pk])).status_code == 403
    with transaction.atomic(), pytest.raises(PermissionDenied):
        access_service(reader, service.pk, write=True)


@pytest.mark.parametrize("bad", ["abc", "1.5", "", None, 2**70, "9" * 40])
def test_ids_that_do_not_parse_are_not_found(reader: Membership, bad: Any) -> None:
    with pytest.raises(NotFound):
        access_service(reader, bad)


def test_a_huge_id_in_the_address_is_a_404(reader: Membership) -> None:
    page = signed_in(reader).get(f"/sociale-kaart/{'9' * 30}/")
    assert page.status_code == 404


def test_a_read_with_a_purpose_is_audited(editor: Membership, reader: Membership) -> None:
    service = _service(editor)
    access_service(reader, service.pk, purpose="look up a contact")
    entry = AuditEntry.objects.filter(action="read").get()
    assert (entry.object_type, entry.object_id, entry.actor_id) == (
        "service",
        str(service.pk),
        reader.user_id,
    )


@pytest.mark.django_db(transaction=True)
def test_a_write_must_run_in_a_transaction(editor: Membership) -> None:
    service = _service(editor)
    with pytest.raises(TransactionManagementError):
        access_service(editor, service.pk, write=True)


def test_a_write_takes_the_lock_before_it_checks(
    editor: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _service(editor)
    locked: list[type] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet[Any], *args: Any, **kwargs: Any) -> QuerySet[Any]:
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    data = ServiceData(
        name="Opvang Nieuw", kind="shelter", region="rotterdam", phone="000-000 0001"
    )
    do_update_service(actor=editor, service=service, data=data)
    assert locked[0] is Service


def test_a_write_checks_again_under_the_lock(editor: Membership) -> None:
    """The page read the service; by the time the edit is saved it is gone, or the editor's
    membership has ended: nothing is written."""
    service = _service(editor)
    data = ServiceData(
        name="Opvang Nieuw", kind="shelter", region="rotterdam", phone="000-000 0001"
    )
    Service.objects.filter(pk=service.pk).delete()
    with pytest.raises(NotFound):
        do_update_service(actor=editor, service=service, data=data)
    other = _service(editor, name="Opvang Twee")
    Membership.objects.filter(pk=editor.pk).update(ended_on="2020-01-01")
    editor.refresh_from_db()
    with pytest.raises(PermissionDenied):
        do_update_service(actor=editor, service=other, data=data)
    other.refresh_from_db()
    assert other.name == "Opvang Twee"
    assert not AuditEntry.objects.filter(action="update").exists()
